"""The project's own files checked before any work starts: the folders confgen writes to, the
drafts people edit and the template overrides, so that a broken one is reported with its
file:line and exit 2 before anything is written, not half-way through a build."""

from __future__ import annotations

from pathlib import Path

import jinja2

from confgen.errors import InputError
from confgen.draft.store import DraftStore
from confgen.memo import NO_MEMO, Memo

#: Folders confgen creates and writes into, as named in messages.
FOLDERS = ("content", "build", ".confgen", "templates", "plugins")


def drafts(content: Path, memo: Memo = NO_MEMO) -> DraftStore:
    """Every draft reads and its front matter parses; the store that read them, so that the run
    need not read them again."""
    store = DraftStore(content, memo)
    store.load_all()
    return store


def folders(root: Path) -> None:
    for name in FOLDERS:
        path = root / name
        if path.is_symlink() and not path.exists():
            raise InputError(f"{path}:1: a symbolic link that leads nowhere (a loop or a missing target); "
                             f"remove it or point it at a folder")
        if path.exists() and not path.is_dir():
            raise InputError(f"{path}:1: a file where confgen keeps the {name}/ folder; move it away")


def templates(folder: Path) -> None:
    """Every override compiles: a syntax error names its file and line now, not during a render."""
    if not folder.is_dir():
        return
    # Permissive: the theme's overrides are rendered by MkDocs, whose environment may load these.
    env = jinja2.Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.loopcontrols", "jinja2.ext.do"])
    for path in sorted(folder.rglob("*")):
        if path.is_dir() or path.suffix not in (".j2", ".html", ".md", ".jinja", ".jinja2", ".txt", ".xml", ".json"):
            continue
        try:
            source = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}:1: not UTF-8 text (byte {exc.start})") from None
        except OSError as exc:
            raise InputError(f"{path}:1: cannot read ({exc.strerror or exc})") from None
        try:
            env.parse(source, name=path.name, filename=str(path))
        except jinja2.TemplateSyntaxError as exc:
            raise InputError(f"{path}:{exc.lineno}: template syntax error: {exc.message}") from None
