"""validate, generate, build, plugins: the commands that take a project from facts to a site."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from confgen.errors import ConfgenError, InputError
from confgen.cli.batching import BatchProgress, print_dry_run, report_collected, status_or_cancel
from confgen.draft.batch import BatchRun
from confgen.cli.app import ProjectDir, app
from confgen.cli.console import err, out
from confgen import pipeline
from confgen.cli.progress import drafting_progress, print_summary
from confgen.pipeline import drafting
from confgen.load.project import open_project
from confgen.draft.drafters import OFFLINE
from confgen.draft.runner import Summary


@app.command()
def validate(project_dir: ProjectDir = Path(".")) -> None:
    """Check conference.yaml: schema, references, dates and agenda conflicts. Exit 2 on problems."""
    project = open_project(project_dir)
    conference = project.conference
    out.print(f"{project.conference_file}: ok · {len(conference.sessions)} sessions, {len(conference.speakers)} speakers, "
              f"{len(conference.rooms)} rooms, {len(conference.tracks)} tracks", markup=False)


def _draft(project_dir: Path, *, only: list[str] | None, provider: str | None, model: str | None,
           concurrency: int | None, force: bool, dry_run: bool, batch: bool = False, status: bool = False,
           cancel: bool = False, **limits) -> Summary | None:
    with BatchProgress() as progress:
        run = BatchRun(progress) if batch else None
        work = drafting(open_project(project_dir), only=only, provider=provider, model=model, concurrency=concurrency,
                        force=force, require_provider=True, batch=run, **limits)
        if dry_run or status or cancel:
            return print_dry_run(work.runner, work.jobs) if dry_run else status_or_cancel(work.runner, cancel=cancel)
        try:
            with drafting_progress(len(work.jobs)) as listener:
                summary = work.runner.run(work.jobs, listener)
        finally:
            if run is not None:
                report_collected(run)
    print_summary(summary, work.settings)
    return summary


def _fail_if_any(summary: Summary | None) -> None:
    # An exception, not typer.Exit: the CLI runs Typer with standalone_mode=False, where Exit's code is lost.
    failed = summary.of("failed") if summary else []
    if failed:
        raise ConfgenError(f"{len(failed)} of {len(summary.outcomes)} drafts failed; see the reasons above")
    undrafted = summary.of("undrafted") if summary else []
    if undrafted:
        raise ConfgenError(f"{len(undrafted)} of {len(summary.outcomes)} drafts left undrafted by --max-cost; "
                           "raise it (or drop it) and run again: finished drafts are kept")


Only = Annotated[Optional[list[str]], typer.Option("--only", help="Draft only this content kind (repeatable).")]


@app.command()
def generate(
    project_dir: ProjectDir = Path("."),
    only: Only = None,
    provider: Annotated[Optional[str], typer.Option(help="Provider: offline, openai, transformers, or a plugin's.")] = None,
    model: Annotated[Optional[str], typer.Option(help="Model name (or, for transformers, a local folder).")] = None,
    concurrency: Annotated[Optional[int], typer.Option(min=1, max=256, help="Calls in flight at once.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Redraft even up-to-date and hand-edited drafts.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the jobs, calls, tokens and estimated cost; call nothing.")] = False,
    batch: Annotated[bool, typer.Option("--batch", help="Send the calls as one batch: half the price, within 24 h.")] = False,
    status: Annotated[bool, typer.Option("--status", help="With --batch: where the pending batch stands.")] = False,
    cancel: Annotated[bool, typer.Option("--cancel", help="With --batch: cancel the pending batch, keeping its answers.")] = False,
    tpm: Annotated[Optional[int], typer.Option(min=1, help="Tokens a minute the provider allows (else from its headers).")] = None,
    rpm: Annotated[Optional[int], typer.Option(min=1, help="Requests a minute the provider allows.")] = None,
    max_cost: Annotated[Optional[float], typer.Option(min=0, help="Start no call that could take the run's cost past this.")] = None,
) -> None:
    """Draft what is missing or stale into content/ (cached; hand-edited drafts are kept)."""
    if (status or cancel) and not batch:
        raise InputError("--status and --cancel go with --batch: `confgen generate --batch --status`")
    summary = _draft(project_dir, only=only, provider=provider, model=model, concurrency=concurrency, force=force,
                     dry_run=dry_run, batch=batch, status=status, cancel=cancel, tpm=tpm, rpm=rpm, max_cost=max_cost)
    _fail_if_any(summary)


@app.command()
def build(
    ctx: typer.Context,
    project_dir: ProjectDir = Path("."),
    offline: Annotated[bool, typer.Option("--offline", help="Draft anything missing with the offline drafter.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on any MkDocs warning.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Redraft even up-to-date and hand-edited drafts.")] = False,
    engine: Annotated[Optional[str], typer.Option("--engine", help="mkdocs or zensical (default: site.engine, else mkdocs).")] = None,
    batch: Annotated[bool, typer.Option("--batch", help="Send the calls as one batch: half the price, within 24 h.")] = False,
) -> None:
    """Draft what is missing (cached), render the pages and build the site into build/site."""
    note = lambda message: err.print(message, markup=False)  # noqa: E731
    with BatchProgress() as progress:
        built = pipeline.build(project_dir, offline=offline, strict=strict, force=force, note=note,
                               progress=drafting_progress, mkdocs=ctx.obj, engine=engine,
                               batch=BatchRun(progress) if batch else None)
    print_summary(built.summary, built.settings)
    out.print(f"built {built.rendered.page_count} pages into {built.site}", markup=False)
    for folder in built.rendered.organizer:
        out.print(f"for organizers only, not published: {folder}", markup=False)
    _fail_if_any(built.summary)


@app.command("plugins")
def list_plugins(project_dir: ProjectDir = Path(".")) -> None:
    """List loaded plugins, their hooks and where they came from."""
    from rich.table import Table

    project = open_project(project_dir, check=False)
    table = Table("plugin", "from", "hooks", box=None)
    for info in project.plugins.describe():
        table.add_row(info.name, info.source, ", ".join(h.removeprefix("confgen_") for h in info.hooks))
    out.print(table)
    kinds = ", ".join(sorted(project.kinds))
    out.print(f"content kinds: {kinds}\nproviders: {', '.join(sorted([OFFLINE, *project.plugins.providers()]))}\n"
              f"gates: {', '.join(sorted(project.plugins.gates())) or '(none)'}", markup=False)
