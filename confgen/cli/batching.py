"""What ``generate`` prints about money and batches: the dry run's calls, tokens and estimated
cost (synchronous and as a batch), a batch's progress while it is polled, ``--status`` and
``--cancel``."""

from __future__ import annotations

from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from confgen.cli.console import err, out
from confgen.draft import batch as batches
from confgen.draft.cost import estimate, unknown
from confgen.draft.runner import Runner
from confgen.types import Job


def print_dry_run(runner: Runner, jobs: list[Job]) -> None:
    plan = estimate(runner, jobs)
    provider = runner.drafter  # a model's, or the offline drafter (no provider)
    name = provider.name + (f"/{provider.model}" if provider.model and provider.model != provider.name else "")
    out.print(f"{len(jobs)} jobs planned, {len(plan.todo)} to draft with {name}, {plan.cached} of them cached.",
              markup=False)
    if plan.calls:
        out.print(f"{plan.calls} calls (more if a gate sends a draft back): about {plan.prompt_tokens} prompt tokens "
                  f"and at most {plan.output_tokens} output tokens.", markup=False)
        sync, batch = plan.cost(batch=False), plan.cost(batch=True)
        if sync is None:
            out.print(f"estimated cost: unknown, {unknown(provider.model)}", markup=False)
        else:
            out.print(f"estimated cost at most {sync:.4f} synchronously, {batch:.4f} as a batch (--batch).", markup=False)
    for job in plan.todo[:50]:
        out.print(f"  {job.path}", markup=False)
    if len(plan.todo) > 50:
        out.print(f"  … and {len(plan.todo) - 50} more", markup=False)
    out.print("Nothing was called.", markup=False)


class BatchProgress:
    """A progress bar over the batch's lines, updated at every poll; on a pipe, a line whenever
    the batch's status changes. The bar is shown only while the batch runs, so that the drafting
    progress that follows has the terminal to itself (rich shows one live display at a time)."""

    def __init__(self) -> None:
        self.progress: Progress | None = None
        self.task: Any = None
        self.last = ""

    def __enter__(self) -> "BatchProgress":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop()

    def _stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def __call__(self, batch: dict[str, Any]) -> None:
        counts = batch.get("request_counts") or {}
        done = counts.get("completed", 0) + counts.get("failed", 0)
        if self.progress is None and batch["status"] not in batches.TERMINAL:
            self.progress = Progress(TextColumn("[bold]batch {task.fields[status]}"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("failed {task.fields[failed]}"), TimeElapsedColumn(), console=err,
                                     disable=not err.is_terminal)
            self.progress.start()
            self.task = self.progress.add_task("batch", total=counts.get("total") or None, status="", failed=0)
        if self.progress is not None:
            self.progress.update(self.task, completed=done, total=counts.get("total") or None, status=batch["status"],
                                 failed=counts.get("failed", 0))
        if batch["status"] != self.last and (not err.is_terminal or batch["status"] in batches.TERMINAL):
            err.print(batches.describe(batch), markup=False)
        self.last = batch["status"]
        if batch["status"] in batches.TERMINAL:
            self._stop()


def report_collected(run: batches.BatchRun) -> None:
    collected = run.collected
    if not collected:
        return
    err.print(f"batch: {collected['answers']} answers collected, {collected['failed']} lines failed", markup=False)
    for problem in collected["problems"][:10]:
        err.print(f"  {problem}", markup=False)
    if len(collected["problems"]) > 10:
        err.print(f"  … and {len(collected['problems']) - 10} more", markup=False)


def status_or_cancel(runner: Runner, *, cancel: bool) -> None:
    drafter = runner.drafter
    if not hasattr(drafter, "meter"):
        batches.api_of(runner.provider)  # says this provider has no batch mode
    if not cancel:
        out.print(batches.status(runner.project, runner.provider), markup=False)
        return
    try:
        with BatchProgress() as progress:
            message = batches.cancel(runner.project, drafter, progress)
    finally:
        drafter.close()
    out.print(message, markup=False)
