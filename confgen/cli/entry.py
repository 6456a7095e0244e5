"""The command line with every command registered, and how a command's outcome becomes the exit status."""

from __future__ import annotations

import sys

import typer

from confgen.errors import ConfgenError
from confgen.cli.app import app
from confgen.cli.console import err
from confgen.sitebuild.mkdocs_processes import MkDocsProcesses

# Command groups register themselves on import.
from confgen.cli import build, check, interop, schedule  # noqa: F401


def run(mkdocs: MkDocsProcesses | None = None) -> None:
    """Run the command in ``sys.argv``. ``mkdocs``: processes started for a build, which the
    ``build`` command finds as its context's ``obj``."""
    try:
        # Without standalone mode, click returns the code of a typer.Exit instead of exiting with it.
        code = app(standalone_mode=False, obj=mkdocs)
        sys.exit(code if isinstance(code, int) else 0)
    except ConfgenError as exc:
        err.print(str(exc), markup=False, highlight=False)
        sys.exit(exc.exit_code)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", None)
        if code is None:
            code = getattr(exc, "code", 0)
        sys.exit(code or 0)
    except typer.Abort:
        err.print("aborted")
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted; finished drafts are kept and the next run resumes from them")
        sys.exit(130)
    except Exception as exc:
        # Usage errors from the (vendored) click inside Typer: they know how to show themselves.
        if hasattr(exc, "show") and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise
