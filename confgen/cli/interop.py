"""init, import, export, publish, serve: getting a conference in and out of confgen."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Annotated, Optional

import typer

from confgen import atomic
from confgen.errors import InputError
from confgen.cli.app import ProjectDir, app
from confgen.cli.console import err, out
from confgen.commands.importing import import_into
from confgen.plugins import Plugins
from confgen.load.project import CONFERENCE_FILE, open_project


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="The new project folder (must be empty or absent).")],
    example: Annotated[str, typer.Option("--example", help="Start from a packaged example: minimal or ai-devcon.")] = "minimal",
    lang: Annotated[str, typer.Option("--lang", help="Default language of the site: zh or en.")] = "zh",
) -> None:
    """Start a project: conference.yaml, .gitignore and a GitHub Pages workflow, ready to build offline."""
    from confgen.commands.init import create_project

    written = create_project(directory, example=example, lang=lang)
    out.print(f"created {directory} ({len(written)} files); next: confgen build --offline {directory}", markup=False)


@app.command("import")
def import_(
    format: Annotated[str, typer.Argument(help="pretalx, frab-json, frab-xml or sessionize (or a plugin's).")],
    file: Annotated[Path, typer.Argument(help="The file to import.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="conference.yaml to write; merged into when it exists.")] = Path(CONFERENCE_FILE),
) -> None:
    """Read a schedule from another system into conference.yaml (merging into an existing one)."""
    importers = Plugins(output.parent if output.parent.is_dir() else None).importers()
    importer = importers.get(format)
    if importer is None:
        raise InputError(f"unknown import format {format!r}; known: {', '.join(sorted(importers))}")
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise InputError(f"{file}: cannot read ({exc.strerror})") from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = importer.load(content, file.name)
    for warning in caught:
        err.print(f"note: {warning.message}", markup=False)
    report = import_into(output, data)
    for line in report.notes:
        err.print(f"note: {line}", markup=False)
    for line in report.changes:
        out.print(line, markup=False)
    out.print(f"{'merged into' if report.merged else 'wrote'} {output}: {report.summary}", markup=False)


@app.command()
def export(
    format: Annotated[str, typer.Argument(help="ics, frab-json or frab-xml (or a plugin's).")],
    project_dir: ProjectDir = Path("."),
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write ('-' for stdout); default build/export/schedule.<ext>.")] = None,
) -> None:
    """Write the conference in another format (validated: errors in conference.yaml stop it)."""
    project = open_project(project_dir)
    exporters = project.plugins.exporters()
    exporter = exporters.get(format)
    if exporter is None:
        raise InputError(f"unknown export format {format!r}; known: {', '.join(sorted(exporters))}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = exporter.dump(project.conference)
    for warning in caught:
        err.print(f"note: {warning.message}", markup=False)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = output or project.build_dir / "export" / f"schedule{exporter.suffix}"
    atomic.write_bytes(target, data)
    out.print(f"wrote {target} ({len(data)} bytes)", markup=False)


@app.command()
def publish(
    project_dir: ProjectDir = Path("."),
    remote: Annotated[str, typer.Option("--remote", help="The git remote to push to.")] = "origin",
    branch: Annotated[str, typer.Option("--branch", help="The branch GitHub Pages serves.")] = "gh-pages",
    message: Annotated[Optional[str], typer.Option("--message", "-m", help="Commit message.")] = None,
) -> None:
    """Commit build/site to the Pages branch (leaving your working tree alone) and push it."""
    from confgen.commands.publish import publish_site

    result = publish_site(Path(project_dir), remote=remote, branch=branch, message=message)
    out.print(f"published {result.files} files as {result.commit[:12]} to {remote}/{branch}", markup=False)


@app.command()
def serve(
    project_dir: ProjectDir = Path("."),
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")] = 8000,
    interval: Annotated[float, typer.Option("--interval", min=0.1, help="Seconds between checks for changes.")] = 1.0,
    engine: Annotated[Optional[str], typer.Option("--engine", help="mkdocs or zensical (default: site.engine, else mkdocs).")] = None,
) -> None:
    """Build, serve build/site on 127.0.0.1 and rebuild when conference.yaml, content/ or templates/ change."""
    from confgen.commands.serve import Preview
    from confgen.sitebuild.engines import check

    if engine is not None:
        check(engine)  # before the first build, which would only report it and serve nothing
    preview = Preview(Path(project_dir), port=port, interval=interval, log=lambda line: err.print(line, markup=False),
                      engine=engine)
    preview.build()
    err.print(f"serving {preview.site} at {preview.url} (Ctrl+C stops)", markup=False)
    preview.serve_forever()
