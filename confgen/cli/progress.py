"""Progress of a drafting run on the terminal (rich): jobs done, cached, failed, tokens, ETA."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from confgen.cli.console import err
from confgen.draft.cost import price_for
from confgen.draft.runner import Outcome, Summary
from confgen.model import ProviderSettings


@contextmanager
def drafting_progress(total: int) -> Iterator:
    counts = {"drafted": 0, "fresh": 0, "kept": 0, "failed": 0, "cached": 0, "retries": 0, "tokens": 0}
    columns = (
        TextColumn("[bold]drafting"), BarColumn(), MofNCompleteColumn(),
        TextColumn("new {task.fields[drafted]} · up to date {task.fields[fresh]} · cached {task.fields[cached]} · "
                   "kept {task.fields[kept]} · failed {task.fields[failed]} · retries {task.fields[retries]} · "
                   "tokens {task.fields[tokens]}"),
        TimeElapsedColumn(), TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=False, disable=not err.is_terminal) as progress:
        task = progress.add_task("drafting", total=total, **{k: 0 for k in counts})

        def listener(outcome: Outcome) -> None:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            counts["cached"] += int(outcome.cached)
            counts["retries"] += outcome.retries
            counts["tokens"] += outcome.tokens_in + outcome.tokens_out
            progress.update(task, advance=1, **counts)

        yield listener


def print_summary(summary: Summary, settings: ProviderSettings | None = None) -> None:
    line = (f"drafts: {summary.count('drafted')} new, {summary.count('fresh')} up to date, {summary.count('kept')} kept, "
            f"{summary.count('failed')} failed · calls {summary.calls}, cache hits {summary.cache_hits}, "
            f"retries {summary.retries}, tokens in/out {summary.tokens_in}/{summary.tokens_out}")
    if summary.tokens_cached:
        line += f" ({summary.tokens_cached} prompt tokens cached by the provider)"
    batched = sum(1 for o in summary.outcomes if o.batched)
    if batched:
        line += f", {batched} answered in a batch"
    if settings is not None and price_for(settings) is not None:
        line += f", cost {summary.cost:.4f}"
    err.print(line + f" · {summary.seconds:.1f}s", markup=False)
    undrafted = summary.of("undrafted")
    if undrafted:
        shown = ", ".join(o.job.path for o in undrafted[:5]) + (f" and {len(undrafted) - 5} more" if len(undrafted) > 5 else "")
        err.print(f"left undrafted, {len(undrafted)} jobs: {shown} — {undrafted[0].message}", markup=False)
    for outcome in summary.of("kept"):
        err.print(f"kept {outcome.job.path}: {outcome.message}", markup=False)
        for detail in outcome.details:
            err.print(f"    {detail}", markup=False)
    for outcome in summary.review:
        err.print(f"needs review {outcome.job.path}: {outcome.message}", markup=False)
    # One cause (a wrong key, a server down) often fails many jobs: say it once, with the jobs.
    by_cause: dict[str, list[str]] = {}
    for outcome in summary.of("failed"):
        by_cause.setdefault(outcome.message, []).append(outcome.job.path)
    for message, paths in by_cause.items():
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        err.print(f"failed {shown}: {message}", markup=False)
    if summary.of("failed"):
        err.print("Fix the cause above and run the command again: finished drafts are kept, only the failed ones are redone.")
