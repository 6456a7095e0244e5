"""Which engine builds the site (``site.engine`` in conference.yaml, or ``confgen build --engine``),
and what every build does after the engine: the security pass that Zensical cannot run itself, and
the Pagefind index of each language."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable

from confgen.errors import InputError
from confgen.sitebuild.mkdocs_processes import MkDocsProcesses, stop_all

ENGINES = ("mkdocs", "zensical")


def processes(engine: str, mkdocs: MkDocsProcesses, note: Callable[[str], None] | None):
    """What builds each language: the loading MkDocs processes, or (for Zensical) new Zensical
    ones, after telling what Zensical cannot do yet."""
    check(engine)
    if engine == "mkdocs":
        return mkdocs
    try:
        import zensical  # noqa: F401
    except ImportError:
        raise InputError("the zensical engine needs Zensical: pip install 'confgen[zensical]'") from None
    from confgen.sitebuild.zensical_processes import LIMITS, ZensicalProcesses

    mkdocs.close()  # started before the project said which engine it wants
    for limit in LIMITS:
        (note or print)(f"note: {limit}")
    return ZensicalProcesses()


def check(engine: str) -> None:
    """Bad input unless ``engine`` is one confgen builds with."""
    if engine not in ENGINES:
        raise InputError(f"--engine: unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


class AfterBuild:
    """What runs over each language's built site before it is put in place, started for each
    language as soon as its own build ends (while the other language may still be building).
    Use as a context manager: leaving it stops any indexing still running."""

    def __init__(self, engine: str):
        self.engine = engine
        self._running: dict[str, tuple[Path, subprocess.Popen]] = {}

    def start(self, lang: str, site: Path) -> None:
        from confgen.sitebuild.pagefind_index import start_index

        if self.engine == "zensical":
            from confgen_plugins.site.harden_zensical import add_policies

            add_policies(site)
        self._running[lang] = (site, start_index(lang, site))

    def finish(self) -> None:
        """Wait for every language's indexing (a failure is an error naming the site)."""
        from confgen.sitebuild.pagefind_index import finish_index

        while self._running:
            lang = next(iter(self._running))
            site, process = self._running[lang]
            finish_index(site, process)
            del self._running[lang]

    def __enter__(self) -> "AfterBuild":
        return self

    def __exit__(self, *exc: object) -> None:
        stop_all(process for _, process in self._running.values())
        self._running.clear()
