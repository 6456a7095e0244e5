"""The ``confgen`` command line: one module per command group, each thin over the core.

Until it knows the command, ``main`` imports nothing but the standard library: for ``confgen
build`` it first starts the MkDocs processes (:class:`~confgen.sitebuild.mkdocs_processes.MkDocsProcesses`),
whose loading then overlaps the time the rest of confgen takes to import, and hands them to the
command.
"""

from __future__ import annotations

import sys

from confgen.sitebuild.mkdocs_processes import MkDocsProcesses


def main() -> None:
    mkdocs = MkDocsProcesses() if _builds_a_site(sys.argv[1:]) else None
    try:
        from confgen.cli.entry import run

        run(mkdocs)
    finally:
        if mkdocs is not None:
            mkdocs.close()  # already closed by the build, unless the command failed before it began


def _builds_a_site(args: list[str]) -> bool:
    # A build that names Zensical on its command line starts no MkDocs.
    return bool(args) and args[0] == "build" and "--help" not in args and "--engine=zensical" not in args \
        and not any(a == "--engine" and b == "zensical" for a, b in zip(args, args[1:]))
