"""Drafting a large event within a provider's limits, against tests/llm_server.py (in this process):

- batch mode: every talk of a 1000-session event through the Batch API; requests sent and wall time
  against the server's batch delay;
- pacing: synchronous runs under a token budget, paced by the server's x-ratelimit-* headers and,
  for contrast, unpaced; wall time against the limit the budget implies, share of 429s, jobs lost;
- prompt caching: the share of prompt tokens a server that caches shared prefixes reports as cached,
  for OpenAI's minimum prefix (1,024 tokens, steps of 128) and for a fine-grained cache (64 tokens),
  and what the prompts cost (see bench/prompt_cache.py).

Run: python bench/generate.py --part batch,paced,cache
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import prompt_cache
from bench.synthetic import write
from confgen.draft.batch import BatchRun
from confgen.draft.pacing import Pacer
from confgen.draft.plan import plan
from confgen.draft.providers import choose, make_provider
from confgen.draft.runner import Runner
from confgen.load.project import open_project
from llm_server import LLMServer, delayed, ok
from llm_tokens import TokenBudget


def runner_for(folder: Path, base_url: str, sessions: int, concurrency: int, **kwargs) -> tuple[Runner, Path]:
    project_dir = folder / "event"
    project_dir.mkdir()
    write(project_dir / "conference.yaml", sessions=sessions, rooms=max(10, sessions // 25),
          speakers=max(20, sessions // 2), days=3 if sessions > 100 else 1)
    project = open_project(project_dir)
    settings = choose(project, {"name": "openai", "model": "m", "concurrency": concurrency, "base_url": base_url}, {}).settings
    runner = Runner(project, make_provider(project, settings, {"OPENAI_API_KEY": "k"}), concurrency=concurrency,
                    settings=settings, require_provider=True, **kwargs)
    return runner, project_dir


class TimedBatch(BatchRun):
    seconds = 0.0

    def __call__(self, runner, todo) -> None:
        started = time.perf_counter()
        super().__call__(runner, todo)
        self.seconds = time.perf_counter() - started


def batch(sessions: int, delay: float) -> None:
    with LLMServer() as server, tempfile.TemporaryDirectory() as folder:
        server.batches.delay = delay
        run = TimedBatch(sleep=lambda seconds: time.sleep(min(seconds, 0.5)))
        runner, project_dir = runner_for(Path(folder), server.base_url, sessions, 16, batch=run)
        jobs = plan(open_project(project_dir), ["talks"])
        started = time.perf_counter()
        summary = runner.run(jobs)
        seconds = time.perf_counter() - started
        kinds = Counter(f"{r.method} {r.path.split('/v1/')[-1].split('/')[0]}" for r in server.records)
        lost = len(jobs) - summary.count("drafted")
        batched = sum(1 for o in summary.outcomes if o.batched)
        print(f"  batch, {sessions} sessions: {len(jobs)} talk jobs in {len(server.records)} requests "
              f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), {server.calls} synchronous; "
              f"{batched} answered in the batch, {lost} lost; {seconds:.1f}s wall against a batch delay of {delay:.1f}s: "
              f"{run.seconds:.1f}s writing, uploading, polling and collecting the batch, "
              f"{seconds - run.seconds:.1f}s passing {len(jobs)} answers through the gates and writing the drafts")


def warm_up(runner: Runner, project_dir: Path) -> None:
    """Draft an event of the same size once, untimed, against a server with no limit: the first
    run in a process pays for the gates' first use (jieba's dictionary, the event's indexes), which
    would otherwise be charged to whichever strategy runs first."""
    runner.run(plan(open_project(project_dir), ["talks"]))


def paced(sessions: int, tokens: int, window: float, latency: float, concurrency: int) -> None:
    with LLMServer() as server, tempfile.TemporaryDirectory() as folder:  # untimed: see warm_up
        warm_up(*runner_for(Path(folder), server.base_url, sessions, concurrency))
    for label in ("paced by headers", "unpaced"):
        budget = TokenBudget(tokens=tokens, window=window)
        with LLMServer(budget=budget, responder=delayed(latency, ok())) as server, tempfile.TemporaryDirectory() as folder:
            runner, project_dir = runner_for(Path(folder), server.base_url, sessions, concurrency)
            if label == "unpaced":  # what confgen did before: concurrency and Retry-After only
                runner.drafter.meter.pacer = Pacer(learn=False)
            jobs = plan(open_project(project_dir), ["talks"])
            started = time.perf_counter()
            summary = runner.run(jobs)
            seconds = time.perf_counter() - started
            statuses = [r.status for r in server.chat_records]
            span = max(r.started for r in server.chat_records) - min(r.started for r in server.chat_records) + latency
        refused = statuses.count(429)
        implied = max(budget.charged - budget.limit, 0) * window / budget.limit
        lost = len(jobs) - summary.count("drafted")
        print(f"  {label:<17} {len(jobs)} jobs, budget {tokens} tokens/{window:g}s: {seconds:6.2f}s wall, calls over "
              f"{span:.2f}s; the budget implies {implied:.2f}s ({seconds / implied:.2f}× wall) · {len(statuses)} requests, "
              f"{refused} answered 429 ({refused / len(statuses):.1%}, target ≤ 2 %), {lost} jobs lost")


def main(parts: set[str]) -> None:
    if "batch" in parts:
        batch(1000, delay=10.0)
    if "paced" in parts:
        paced(100, tokens=40_000, window=2.0, latency=0.2, concurrency=16)
    if "cache" in parts:
        prompt_cache.main(1000)
