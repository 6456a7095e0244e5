"""Pacing by tokens against a real server that enforces a token budget and sends OpenAI's
``x-ratelimit-*`` headers: the calls in flight stay within the budget, so hardly any request is
refused and no job is lost; a refusal drains the budget for every caller; --tpm/--rpm set it."""

from __future__ import annotations

import time

from bench.synthetic import write
from confgen.draft.pacing import Pacer, duration, estimate_tokens
from confgen.draft.plan import plan
from confgen.draft.providers import choose, make_provider
from confgen.draft.runner import Runner
from confgen.load.project import open_project
from llm_server import LLMServer
from llm_tokens import TokenBudget, prompt_tokens


def project(tmp_path, server: LLMServer, sessions: int, extra: str = ""):
    folder = tmp_path / "event"
    folder.mkdir()
    write(folder / "conference.yaml", sessions=sessions, rooms=3, speakers=10, days=1)
    with (folder / "conference.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"provider:\n  base_url: {server.base_url}\n{extra}")
    return folder


def runner_for(folder, concurrency: int = 8, **flags) -> tuple[Runner, list]:
    project_ = open_project(folder)
    settings = choose(project_, {"name": "openai", "model": "m", "concurrency": concurrency} | flags, {}).settings
    runner = Runner(project_, make_provider(project_, settings, {"OPENAI_API_KEY": "k"}), require_provider=True,
                    concurrency=concurrency, settings=settings)
    return runner, plan(project_, ["talks"])


def test_calls_paced_by_the_servers_headers_are_hardly_ever_refused_and_none_is_lost(tmp_path):
    budget = TokenBudget(tokens=12_000, window=2.0)
    with LLMServer(budget=budget, latency=0.05) as server:
        runner, jobs = runner_for(project(tmp_path, server, sessions=15))
        summary = runner.run(jobs)
        statuses = [r.status for r in server.chat_records]
    assert summary.count("drafted") == len(jobs) == 30 and not summary.of("failed")
    assert statuses.count(429) <= 0.02 * len(statuses), statuses
    # The budget did bind: the run lasted about as long as refilling what it was charged takes.
    assert budget.charged > 2 * budget.limit
    assert summary.seconds >= 0.8 * (budget.charged - budget.limit) * budget.window / budget.limit


def test_the_estimate_of_a_prompt_errs_high_against_the_servers_count():
    for text in ("Write the description of the talk.\n" * 30, "写一段演讲介绍，不要编造事实。" * 40):
        messages = [{"role": "system", "content": text}, {"role": "user", "content": text}]
        assert estimate_tokens(messages) >= len(prompt_tokens(messages))


def test_a_refusal_drains_the_budget_for_every_caller():
    pacer = Pacer()
    pacer.observe({"x-ratelimit-limit-tokens": "1000", "x-ratelimit-remaining-tokens": "0",
                   "x-ratelimit-reset-tokens": "1s"})  # a 429's headers: nothing left, full again in 1 s
    started = time.monotonic()
    with pacer.hold(400) as admitted:
        assert admitted
    assert time.monotonic() - started >= 0.35  # 400 of 1000 tokens refill in 0.4 s


def test_tpm_and_rpm_from_the_command_line_or_conference_yaml(tmp_path):
    with LLMServer() as server:
        runner, _ = runner_for(project(tmp_path, server, sessions=2, extra="  tpm: 90000\n  rpm: 500\n"))
        buckets = runner.drafter.meter.pacer.buckets
        assert (buckets["tokens"].capacity, buckets["requests"].capacity) == (90_000, 500)
        flagged, _ = runner_for(tmp_path / "event", tpm=60)
        assert flagged.drafter.meter.pacer.buckets["tokens"].capacity == 60
    pacer = Pacer(tpm=60)  # one token a second
    with pacer.hold(60):
        pass
    started = time.monotonic()
    with pacer.hold(1):
        pass
    assert time.monotonic() - started >= 0.9


def test_a_server_that_sends_no_limits_is_not_paced(tmp_path):
    with LLMServer(latency=0.2) as server:
        runner, jobs = runner_for(project(tmp_path, server, sessions=4), concurrency=8)
        summary = runner.run(jobs)
        assert summary.count("drafted") == 8 and server.max_in_flight >= 4


def test_reset_durations_in_openais_form():
    assert duration("6m0s") == 360 and duration("20ms") == 0.02 and duration("1.5s") == 1.5
    assert duration("1h2m3s") == 3723 and duration("soon") is None and duration(None) is None
