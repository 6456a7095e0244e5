"""confgen.draft.outcomes: what a run reports, job by job, and the sums the command prints."""

from __future__ import annotations

from confgen.draft.outcomes import Outcome, OverBudget, Stopped, Summary
from confgen.errors import ConfgenError
from confgen.types import Job


def job(key: str) -> Job:
    return Job("talks", key, "en", facts={})


def test_the_summary_counts_statuses_and_adds_up_calls_tokens_retries_and_cost():
    summary = Summary([
        Outcome(job("a"), "drafted", calls=2, retries=1, tokens_in=100, tokens_out=40, tokens_cached=60, cost=0.25),
        Outcome(job("b"), "drafted", cached=True, tokens_in=10, tokens_out=5),
        Outcome(job("c"), "fresh"),
        Outcome(job("d"), "failed", needs_review=True, calls=3, retries=2, cost=0.5),
    ])
    assert (summary.count("drafted"), summary.count("fresh"), summary.count("kept")) == (2, 1, 0)
    assert (summary.calls, summary.retries, summary.cache_hits) == (5, 3, 1)
    assert (summary.tokens_in, summary.tokens_out, summary.tokens_cached) == (110, 45, 60)
    assert summary.cost == 0.75
    assert [o.job.key for o in summary.of("drafted")] == ["a", "b"]
    assert [o.job.key for o in summary.review] == ["d"]


def test_an_empty_run_sums_to_nothing_and_outcomes_do_not_share_their_details():
    empty = Summary()
    assert (empty.calls, empty.cost, empty.review, empty.of("failed")) == (0, 0, [], [])
    one, two = Outcome(job("a"), "kept"), Outcome(job("b"), "kept")
    one.details.append("facts changed: title")
    assert two.details == []


def test_a_stopped_or_over_budget_run_is_a_confgen_error():
    assert issubclass(Stopped, ConfgenError) and issubclass(OverBudget, ConfgenError)
