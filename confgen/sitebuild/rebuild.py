"""Rebuilds that redo only what changed.

Render writes only the files whose content changed, so after an edit only the pages that show
what was edited (a talk's page, and the day, room, track, speaker and home pages that list it when
what they show of it changed) have a newer Markdown file than their HTML. When the live site of a
language was built from the same setup (the same ``mkdocs.yml``, hence the same navigation, theme
options and plugins; the same theme files, hooks and engine versions), the next build of that
language is MkDocs' dirty build (``mkdocs build --dirty``) over a copy of the live site made of
hard links: MkDocs reads and writes only those pages. :mod:`confgen.sitebuild.dirty_hooks` keeps the
live files out of its writes; MkDocs writes the sitemap from every page
at every build. Outputs of pages removed since the live site was built are removed from the copy.
Anything else (a first build, a changed navigation or theme, an engine upgrade, a build stopped
between two steps of installing) is a clean build.

Either way the staged site is complete when the build ends, so a step that works over a whole
built site (a search indexer such as Pagefind) runs over it the same after a dirty build as after a
clean one, before it is installed.

What each live site was built from is kept in ``build/.rebuild/<lang>.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from confgen import atomic, versions
from confgen.load.project import Project
from confgen.sitebuild.install import staging_dir

#: Libraries whose version changes what a page's HTML is.
ENGINE = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "nh3")
MARKDOWN = (".md", ".markdown")
HOOK_LINE = re.compile(rb"^- '?(.+?\.py)'?$", re.M)


class Rebuilds:
    """Which languages of one build can be dirty builds, and the record of what was installed."""

    def __init__(self, project: Project, engine: str = "mkdocs"):
        self.project = project
        self.engine = engine
        self._stamps: dict[str, str | None] = {}

    def prepare(self, lang: str) -> bool:
        """Once ``lang``'s project is rendered: True when its staging folder is now a copy of the
        live site ready for ``mkdocs build --dirty``; False for a clean build. Only MkDocs builds
        are dirty: a site another engine built is never the base of one."""
        if self.engine != "mkdocs":
            self._stamps[lang] = None
            return False
        stamp = self._stamps[lang] = setup_stamp(self.project, lang)
        state = _read(self._state_file(lang))
        live = self.project.build_dir / "site" / lang
        if state is None or state.get("stamp") != stamp or not live.is_dir():
            return False
        staging = staging_dir(self.project, lang)
        try:
            _link_sync(live, staging)
        except OSError:  # a file system without hard links: build it all
            shutil.rmtree(staging, ignore_errors=True)
            return False
        for rel in set(state.get("docs", ())) - set(docs(self.project, lang)):
            _remove_output(staging, rel)
        return True

    @contextmanager
    def installing(self) -> Iterator[None]:
        """Around installing the built sites: the record of the old ones goes first, the record of
        the new ones is written once they are in place."""
        for lang in self._stamps:
            self._state_file(lang).unlink(missing_ok=True)
        yield
        for lang, stamp in self._stamps.items():
            if stamp is None:
                continue
            data = json.dumps({"stamp": stamp, "docs": sorted(docs(self.project, lang))}, ensure_ascii=False)
            try:
                atomic.write_text(self._state_file(lang), data)
            except OSError:
                pass  # the next build is a clean one

    def _state_file(self, lang: str) -> Path:
        return self.project.build_dir / ".rebuild" / f"{lang}.json"


def setup_stamp(project: Project, lang: str) -> str:
    """A hash of what every page of ``lang``'s site depends on besides its own Markdown."""
    digest = hashlib.sha256()
    config = (project.build_dir / lang / "mkdocs.yml").read_bytes()
    digest.update(config)
    for hook in HOOK_LINE.findall(config):
        digest.update(_read_bytes(Path(hook.decode("utf-8"))))
    theme = project.build_dir / "theme"
    for path in sorted(theme.rglob("*")) if theme.is_dir() else ():
        if path.is_file():
            digest.update(str(path.relative_to(theme)).encode() + b"\0" + path.read_bytes())
    digest.update(versions.installed(ENGINE).encode())
    return digest.hexdigest()


def docs(project: Project, lang: str) -> set[str]:
    """The files of ``lang``'s rendered project (``build/<lang>/docs``), as POSIX relative paths."""
    root = project.build_dir / lang / "docs"
    found = set()
    for dirpath, _, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        for name in filenames:
            found.add(posixpath.normpath(posixpath.join(rel.replace(os.sep, "/"), name)))
    return found


def output_of(rel: str) -> str:
    """Where MkDocs writes the file ``rel`` of the docs folder, with ``use_directory_urls`` (as
    every confgen project has it)."""
    parent, name = posixpath.split(rel)
    stem, ext = posixpath.splitext(name)
    if ext not in MARKDOWN:
        return rel
    if stem in ("index", "README"):
        return posixpath.join(parent, "index.html")
    return posixpath.join(parent, stem, "index.html")


def _remove_output(site: Path, rel: str) -> None:
    path = site / output_of(rel)
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != site and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _link_sync(source: Path, target: Path) -> None:
    """Make ``target`` a copy of ``source`` made of hard links. ``target`` is usually the site
    before the live one (the staging folder the last install left), whose unchanged files are
    already links to the same inodes: those are kept, so only what the last build wrote is
    relinked, rather than every file of the site unlinked and linked again."""
    if not target.is_dir() or target.is_symlink():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
    _sync_folder(str(source), str(target))


def _sync_folder(source: str, target: str) -> None:
    with os.scandir(source) as entries:
        wanted = {entry.name: entry for entry in entries}
    with os.scandir(target) as entries:
        present = {entry.name: entry for entry in entries}
    for name, entry in present.items():
        new = wanted.get(name)
        if entry.is_dir(follow_symlinks=False):
            if new is None or not new.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
        elif new is None or new.is_dir(follow_symlinks=False) or entry.inode() != new.inode():
            os.unlink(entry.path)
    for name, entry in wanted.items():
        path = os.path.join(target, name)
        if entry.is_dir(follow_symlinks=False):
            if not os.path.isdir(path):
                os.mkdir(path)
            _sync_folder(entry.path, path)
        elif not os.path.lexists(path):
            os.link(entry.path, path)


def _read(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"?"
