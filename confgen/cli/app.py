"""The Typer application object that every command module adds its commands to."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from confgen import __version__

app = typer.Typer(
    name="confgen",
    help="Turn conference.yaml into a bilingual conference website, with drafts written by plugins.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ProjectDir = Annotated[Path, typer.Argument(help="The conference project folder (holds conference.yaml).")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"confgen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = None,
) -> None:
    """confgen: conference.yaml -> validated model -> drafts -> bilingual MkDocs site."""
