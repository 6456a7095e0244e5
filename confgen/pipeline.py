"""The run every command shares: choose the provider, plan, draft, render, build the site."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from contextlib import nullcontext
from typing import Callable, ContextManager

from confgen.sitebuild import mkdocs_processes as mkdocs_builds
from confgen.types import Job
from confgen.model import ProviderSettings
from confgen.draft.plan import plan
from confgen.load.project import Project, open_project
from confgen.draft.providers import choose, make_provider
from confgen.render.pages import Rendered, render
from confgen.draft.runner import OFFLINE, Listener, Runner, Summary
from confgen.sitebuild.install import build_site, staging_dir

Note = Callable[[str], None]


@dataclass
class Drafting:
    project: Project
    runner: Runner
    jobs: list[Job]
    settings: ProviderSettings


def drafting(project: Project, *, only: list[str] | None = None, provider: str | None = None, model: str | None = None,
             concurrency: int | None = None, force: bool = False, offline: bool = False,
             require_provider: bool = False, note: Note | None = None) -> Drafting:
    """The runner for a project. ``require_provider`` (``generate``) redrafts what another provider
    wrote; without it (``build``) a provider named only in conference.yaml whose key is not at hand
    falls back to offline with a ``note``, while one asked for by flag or environment must work."""
    overrides = {"name": OFFLINE if offline else provider, "model": model, "concurrency": concurrency}
    choice = choose(project, overrides, os.environ)
    fallback = None if (require_provider or choice.explicit) else note
    provider_obj = make_provider(project, choice.settings, fallback=fallback)
    runner = Runner(project, provider_obj, force=force, require_provider=require_provider,
                    concurrency=choice.settings.concurrency, settings=choice.settings)
    return Drafting(project, runner, plan(project, only), choice.settings)


@dataclass
class Built:
    summary: Summary
    settings: ProviderSettings
    rendered: Rendered
    site: Path


def build(project_dir: Path, *, offline: bool = False, strict: bool = False, force: bool = False,
          note: Note | None = None, progress: Callable[[int], ContextManager[Listener]] | None = None) -> Built:
    """Draft what is missing or stale, render every page and run mkdocs build. ``progress(total)``
    gives a context whose listener hears of every finished job."""
    with mkdocs_builds.claim() as builds:  # loading while we draft and render
        work = drafting(open_project(project_dir), force=force, offline=offline, note=note)
        with progress(len(work.jobs)) if progress else nullcontext(None) as listener:
            if listener:
                work.runner.listener = listener
            summary = work.runner.run(work.jobs)
        rendered = render(work.project, work.runner.store.load_all(),
                          ready=lambda lang, config: builds.start(lang, config, staging_dir(work.project, lang), strict))
        return Built(summary, work.settings, rendered, build_site(work.project, builds))
