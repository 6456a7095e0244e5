"""One language's ``mkdocs build``, started before its project is rendered.

It loads MkDocs while confgen is still drafting and rendering on the other core. Then it waits for
one line on stdin, the arguments of ``mkdocs build`` as a JSON list, and runs them through MkDocs' own command line, exiting with its
status. End of input without a line (the render failed, or confgen was stopped) means there is
nothing to build: it exits at once.

Run as ``python -m confgen.sitebuild.mkdocs_worker LANG``.
"""

from __future__ import annotations

import importlib
import json
import sys

#: What every ``mkdocs build`` of a confgen project imports before it reads a page. The Markdown
#: extensions are left to mkdocs.yml (render and plugins choose them; they load in milliseconds).
MODULES = ("mkdocs.__main__", "mkdocs.commands.build", "mkdocs.config.defaults", "mkdocs.structure.pages",
           # what the hooks of every confgen project import (plugins/site/harden.py), a second of
           # an otherwise short rebuild when loaded only once the project is rendered
           "nh3", "confgen.api")


def warm(lang: str) -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # mkdocs itself will name what is missing


def main(argv: list[str]) -> int:
    warm(argv[0] if argv else "")
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    from mkdocs.__main__ import cli

    return cli.main(args=json.loads(line), prog_name="mkdocs")  # exits with mkdocs' own status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
