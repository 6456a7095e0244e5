"""Install the built sites: each language's new site (built by
:mod:`confgen.sitebuild.mkdocs_processes` into a staging folder) put in place of the last one in
``build/site/<lang>/``, plus a root page that sends readers to their language."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from confgen import atomic
from confgen.model import LANGUAGES
from confgen.sitebuild.root_page import root_page
from confgen.load.project import Project


def staging_dir(project: Project, lang: str) -> Path:
    """Where ``lang``'s site is built before it replaces ``build/site/<lang>``."""
    return project.build_dir / ".staging" / lang


def install_site(project: Project) -> Path:
    """Put the new sites of every language (all built) in place of the old ones, and add the root
    page. Called only once every language built: a failed build (or a failed render after one
    language started) leaves the last good site whole, and the live preview keeps serving it."""
    site = project.build_dir / "site"
    for lang in LANGUAGES:
        _swap(staging_dir(project, lang), site / lang)
    atomic.write_if_changed(site / "index.html", root_page(project.conference).encode("utf-8"))  # unchanged files keep their mtime
    atomic.write_if_changed(site / ".nojekyll", b"")
    return site


def _swap(staged: Path, live: Path) -> None:
    """Put ``staged`` where ``live`` was; the old site becomes the staging folder of the next build,
    whose ``mkdocs build --clean`` empties it as it would have emptied the live one."""
    live.parent.mkdir(parents=True, exist_ok=True)
    if not live.exists():
        os.replace(staged, live)
        return
    spare = staged.with_name(staged.name + ".old")
    shutil.rmtree(spare, ignore_errors=True)  # left by a run killed between the two renames
    os.replace(live, spare)
    os.replace(staged, live)
    os.replace(spare, staged)
