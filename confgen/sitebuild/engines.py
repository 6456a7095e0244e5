"""Which engine builds the site (``site.engine`` in conference.yaml, or ``confgen build --engine``),
and what every build does after the engine: the security pass that Zensical cannot run itself, and
the Pagefind index of each language."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from confgen.errors import InputError
from confgen.sitebuild.mkdocs_processes import MkDocsProcesses

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


def after_build(engine: str, sites: dict[str, Path]) -> None:
    """Run over each language's freshly built site before it is put in place."""
    if engine == "zensical":
        from confgen_plugins.site.harden_zensical import add_policies

        for site in sites.values():
            add_policies(site)
    from confgen.sitebuild.pagefind_index import index_sites

    index_sites(sites)
