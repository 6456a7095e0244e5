"""The ``confgen`` command line: one module per command group, each thin over the core.

Until it knows the command, ``main`` imports nothing but the standard library: ``confgen build``
first starts loading mkdocs (:mod:`confgen.sitebuild.mkdocs_processes`), which then overlaps the 0.4 s the rest
of confgen takes to import.
"""

from __future__ import annotations

import sys

from confgen.sitebuild import mkdocs_processes as mkdocs_builds


def main() -> None:
    if _builds_a_site(sys.argv[1:]):
        mkdocs_builds.start_early()
    try:
        from confgen.cli.entry import run

        run()
    finally:
        mkdocs_builds.discard_early()  # the command failed before its build began


def _builds_a_site(args: list[str]) -> bool:
    return bool(args) and args[0] == "build" and "--help" not in args
