"""validate, generate, build, plugins: the commands that take a project from facts to a site."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from confgen.errors import ConfgenError
from confgen.cli.app import ProjectDir, app
from confgen.cli.console import err, out
from confgen import pipeline
from confgen.cli.progress import drafting_progress, print_summary
from confgen.pipeline import drafting
from confgen.load.project import open_project
from confgen.draft.drafters import OFFLINE
from confgen.draft.runner import Runner, Summary


@app.command()
def validate(project_dir: ProjectDir = Path(".")) -> None:
    """Check conference.yaml: schema, references, dates and agenda conflicts. Exit 2 on problems."""
    project = open_project(project_dir)
    conference = project.conference
    out.print(f"{project.conference_file}: ok · {len(conference.sessions)} sessions, {len(conference.speakers)} speakers, "
              f"{len(conference.rooms)} rooms, {len(conference.tracks)} tracks", markup=False)


def _draft(project_dir: Path, *, only: list[str] | None, provider: str | None, model: str | None,
           concurrency: int | None, force: bool, dry_run: bool) -> Summary | None:
    work = drafting(open_project(project_dir), only=only, provider=provider, model=model, concurrency=concurrency,
                    force=force, require_provider=True)
    if dry_run:
        _dry_run(work.runner, work.jobs)
        return None
    with drafting_progress(len(work.jobs)) as listener:
        summary = work.runner.run(work.jobs, listener)
    print_summary(summary, work.settings.price_per_1k_input, work.settings.price_per_1k_output)
    return summary


def _dry_run(runner: Runner, jobs) -> None:
    plan_ = runner.dry_run(jobs)
    todo = plan_.todo
    out.print(f"{len(jobs)} jobs planned, {len(todo)} to draft with {runner.drafter.name}"
              f"{'/' + runner.drafter.model if runner.drafter.model != runner.drafter.name else ''}, "
              f"{plan_.cached} of them cached, about {plan_.tokens} tokens at most; nothing was called.", markup=False)
    for job in todo[:50]:
        out.print(f"  {job.path}", markup=False)
    if len(todo) > 50:
        out.print(f"  … and {len(todo) - 50} more", markup=False)


def _fail_if_any(summary: Summary | None) -> None:
    # An exception, not typer.Exit: the CLI runs Typer with standalone_mode=False, where Exit's code is lost.
    failed = summary.of("failed") if summary else []
    if failed:
        raise ConfgenError(f"{len(failed)} of {len(summary.outcomes)} drafts failed; see the reasons above")


Only = Annotated[Optional[list[str]], typer.Option("--only", help="Draft only this content kind (repeatable).")]


@app.command()
def generate(
    project_dir: ProjectDir = Path("."),
    only: Only = None,
    provider: Annotated[Optional[str], typer.Option(help="Provider: offline, openai, transformers, or a plugin's.")] = None,
    model: Annotated[Optional[str], typer.Option(help="Model name (or, for transformers, a local folder).")] = None,
    concurrency: Annotated[Optional[int], typer.Option(min=1, max=256, help="Calls in flight at once.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Redraft even up-to-date and hand-edited drafts.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the jobs, cache hits and estimated tokens; call nothing.")] = False,
) -> None:
    """Draft what is missing or stale into content/ (cached; hand-edited drafts are kept)."""
    summary = _draft(project_dir, only=only, provider=provider, model=model, concurrency=concurrency, force=force,
                     dry_run=dry_run)
    _fail_if_any(summary)


@app.command()
def build(
    ctx: typer.Context,
    project_dir: ProjectDir = Path("."),
    offline: Annotated[bool, typer.Option("--offline", help="Draft anything missing with the offline drafter.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on any MkDocs warning.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Redraft even up-to-date and hand-edited drafts.")] = False,
    engine: Annotated[Optional[str], typer.Option("--engine", help="mkdocs or zensical (default: site.engine, else mkdocs).")] = None,
) -> None:
    """Draft what is missing (cached), render the pages and run mkdocs build into build/site."""
    note = lambda message: err.print(message, markup=False)  # noqa: E731
    built = pipeline.build(project_dir, offline=offline, strict=strict, force=force, note=note, progress=drafting_progress,
                           mkdocs=ctx.obj, engine=engine)
    print_summary(built.summary, built.settings.price_per_1k_input, built.settings.price_per_1k_output)
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
