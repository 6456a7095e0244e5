"""A model server that goes away and comes back: connection errors and 5xx are retried for a span
of time (provider.retry_for), not a count of quick tries, over real HTTP."""

from __future__ import annotations

import threading
import time

import pytest

from confgen.draft import runner as runner_module
from confgen.draft.plan import plan
from confgen.load.project import open_project
from confgen.draft.providers import choose, make_provider
from confgen.draft.runner import MAX_TRIES, Runner
from llm_server import LLMServer, error, ok

ONLY = ["talks"]  # 6 jobs, one call each


def runner_for(project_dir, base_url: str, retry_for: float, concurrency: int = 3) -> tuple[Runner, list]:
    path = project_dir / "conference.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"provider:\n  base_url: {base_url}\n  retry_for: {retry_for}\n",
                    encoding="utf-8")
    project = open_project(project_dir)
    settings = choose(project, {"name": "openai", "model": "m", "concurrency": concurrency}, {}).settings
    provider = make_provider(project, settings, {"OPENAI_API_KEY": "k"})
    runner = Runner(project, provider, require_provider=True, concurrency=settings.concurrency, settings=settings)
    return runner, plan(project, ONLY)


#: The first back-off, a fifth of the runner's: the outages below are as many back-offs long and
#: take a fifth of the time to wait out.
FIRST_BACKOFF = runner_module.FIRST_BACKOFF / 5
#: What a count of tries used to survive: the sum of its back-offs (jitter at most +20%).
COUNTED_SPAN = sum(FIRST_BACKOFF * 2 ** n for n in range(MAX_TRIES - 1)) * 1.2


@pytest.fixture(autouse=True)
def _short_back_offs(monkeypatch):
    monkeypatch.setattr(runner_module, "FIRST_BACKOFF", FIRST_BACKOFF)


def test_a_server_down_longer_than_the_counted_retries_is_waited_for(mini_project):
    # Bind a port, then close it: calls are refused until a server listens there again.
    probe = LLMServer().start()
    base_url = probe.base_url
    port = int(base_url.rsplit(":", 1)[1].split("/")[0])
    probe.stop()
    runner, jobs = runner_for(mini_project, base_url, retry_for=60)
    down_for = COUNTED_SPAN + 1.5
    back: list[LLMServer] = []
    timer = threading.Timer(down_for, lambda: back.append(LLMServer().start(port)))
    started = time.monotonic()
    timer.start()
    try:
        summary = runner.run(jobs)
    finally:
        timer.join()
        for server in back:
            server.stop()
    assert not summary.of("failed"), [o.message for o in summary.of("failed")]
    assert summary.count("drafted") == len(jobs)
    assert summary.retries >= len(jobs)  # every job met the outage
    assert time.monotonic() - started >= down_for
    assert back and back[0].calls == len(jobs)  # one answered call each once it was back


def test_5xx_for_a_while_then_answers(mini_project):
    with LLMServer() as server:
        until = time.monotonic() + COUNTED_SPAN + 1.0
        server.responder = lambda request: (error(503, "maintenance") if time.monotonic() < until else ok())(request)
        runner, jobs = runner_for(mini_project, server.base_url, retry_for=60)
        summary = runner.run(jobs)
    assert not summary.of("failed"), [o.message for o in summary.of("failed")]
    assert summary.count("drafted") == len(jobs)
    statuses = [r.status for r in server.chat_records]
    assert statuses.count(200) == len(jobs) and statuses.count(503) >= len(jobs)


def test_a_server_that_stays_down_fails_the_jobs_after_retry_for(mini_project):
    probe = LLMServer().start()
    base_url = probe.base_url
    probe.stop()
    runner, jobs = runner_for(mini_project, base_url, retry_for=2)
    started = time.monotonic()
    summary = runner.run(jobs)
    elapsed = time.monotonic() - started
    failed = summary.of("failed")
    assert len(failed) == len(jobs)
    assert all("cannot reach" in o.message and "run the command again later" in o.message for o in failed)
    assert 1.0 <= elapsed < 2 + 5  # gave up at about retry_for, not at once and not much later
