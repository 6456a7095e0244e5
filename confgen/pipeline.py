"""The spine every command shares: load → plan → draft → render → build.

:func:`build` reads as the pipeline, one stage a line, in the way MkDocs' ``commands/build.py``
does; :func:`drafting` is the part ``generate`` shares with it (a project's provider, runner and
plan).
"""

from __future__ import annotations

import os
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ContextManager

from confgen import LANGUAGES
from confgen.draft.plan import plan
from confgen.draft.providers import choose, make_provider
from confgen.draft.drafters import OFFLINE
from confgen.draft.outcomes import Batch
from confgen.draft.runner import Listener, Runner, Summary
from confgen.load.project import Project, open_project
from confgen.model import ProviderSettings
from confgen.render.pages import Rendered, render_language, render_theme
from confgen.sitebuild import engines
from confgen.sitebuild.install import install_site, staging_dir
from confgen.sitebuild.mkdocs_processes import MkDocsProcesses
from confgen.sitebuild.rebuild import Rebuilds
from confgen.types import Job

Note = Callable[[str], None]


@dataclass
class Drafting:
    project: Project
    runner: Runner
    jobs: list[Job]
    settings: ProviderSettings


def drafting(project: Project, *, only: list[str] | None = None, provider: str | None = None, model: str | None = None,
             concurrency: int | None = None, force: bool = False, offline: bool = False,
             require_provider: bool = False, note: Note | None = None, tpm: int | None = None, rpm: int | None = None,
             max_cost: float | None = None, batch: Batch | None = None) -> Drafting:
    """The runner for a project. ``require_provider`` (``generate``) redrafts what another provider
    wrote; without it (``build``) a provider named only in conference.yaml whose key is not at hand
    falls back to offline with a ``note``, while one asked for by flag or environment must work."""
    overrides = {"name": OFFLINE if offline else provider, "model": model, "concurrency": concurrency, "tpm": tpm, "rpm": rpm}
    choice = choose(project, overrides, os.environ)
    fallback = None if (require_provider or choice.explicit) else note
    provider_obj = make_provider(project, choice.settings, fallback=fallback)
    runner = Runner(project, provider_obj, force=force, require_provider=require_provider,
                    concurrency=choice.settings.concurrency, settings=choice.settings, max_cost=max_cost, batch=batch)
    return Drafting(project, runner, plan(project, only), choice.settings)


@dataclass
class Built:
    summary: Summary
    settings: ProviderSettings
    rendered: Rendered
    site: Path


def build(project_dir: Path, *, offline: bool = False, strict: bool = False, force: bool = False,
          note: Note | None = None, progress: Callable[[int], ContextManager[Listener]] | None = None,
          mkdocs: MkDocsProcesses | None = None, engine: str | None = None, batch: Batch | None = None) -> Built:
    """Draft what is missing or stale, render every page and run mkdocs build. ``progress(total)``
    gives a context whose listener hears of every finished job. ``mkdocs``: processes the caller
    started earlier still (the ``confgen build`` command does, before importing the rest of confgen).
    ``engine``: mkdocs or zensical, overriding ``site.engine``."""
    with mkdocs or MkDocsProcesses(() if engine == "zensical" else LANGUAGES) as mkdocs, ExitStack() as stack:  # MkDocs loads in its own processes while we work
        project = open_project(project_dir)  # 1 load and validate
        engine = engine or project.conference.site.engine
        builder = stack.enter_context(engines.processes(engine, mkdocs, note))
        work = drafting(project, force=force, offline=offline, note=note, batch=batch)  # 2 plan, and choose the provider
        with progress(len(work.jobs)) if progress else nullcontext(None) as listener:
            summary = work.runner.run(work.jobs, listener)  # 3 draft: provider + cache + gates -> content/
        drafts = work.runner.store.load_all()
        rendered = Rendered(written=render_theme(project))
        rebuilds = Rebuilds(project, engine)  # a language whose setup is unchanged rebuilds only its changed pages
        for lang in LANGUAGES:  # 4 render one language, 5 and build it at once while the next renders
            config = render_language(project, drafts, lang, rendered)
            builder.start(lang, config, staging_dir(project, lang), strict, dirty=rebuilds.prepare(lang))
        project.memo.save()  # what rendering computed, for the next build
        after = stack.enter_context(engines.AfterBuild(engine))
        for lang in LANGUAGES:
            builder.wait(lang)
            # The staged site is whole here, dirty build or clean, so what runs over a whole site runs now.
            after.start(lang, staging_dir(project, lang))  # 6 harden, index, while the next language builds
        after.finish()
        with rebuilds.installing():
            site = install_site(project)  # every language built: the new sites replace the old
    return Built(summary, work.settings, rendered, site)
