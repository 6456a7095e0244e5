"""What a run reports: the outcome of each job, and their sum."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from confgen.errors import ConfgenError
from confgen.types import Job


@dataclass
class Outcome:
    job: Job
    status: str  # drafted | fresh | kept | failed | undrafted (not started: the cost budget was spent)
    cached: bool = False
    needs_review: bool = False
    message: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    retries: int = 0
    calls: int = 0
    tokens_cached: int = 0  # prompt tokens the provider served from its prefix cache
    cost: float = 0.0  # at the price of the run's model (0 when unknown)
    batched: bool = False  # its answer came from a batch
    details: list[str] = field(default_factory=list)  # e.g. the facts that changed under a kept draft


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def calls(self) -> int:
        return sum(o.calls for o in self.outcomes)

    @property
    def cache_hits(self) -> int:
        return sum(1 for o in self.outcomes if o.cached)

    @property
    def retries(self) -> int:
        return sum(o.retries for o in self.outcomes)

    @property
    def tokens_in(self) -> int:
        return sum(o.tokens_in for o in self.outcomes)

    @property
    def tokens_out(self) -> int:
        return sum(o.tokens_out for o in self.outcomes)

    @property
    def tokens_cached(self) -> int:
        return sum(o.tokens_cached for o in self.outcomes)

    @property
    def cost(self) -> float:
        return sum(o.cost for o in self.outcomes)

    def of(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def review(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.needs_review]


Listener = Callable[[Outcome], None]
#: Given the runner and the jobs to draft, sends their first requests as one batch, whose answers
#: land in the call cache before the jobs are drafted (``confgen.draft.batch``).
Batch = Callable[[Any, list[Job]], None]


class Stopped(ConfgenError):
    """The run was interrupted; jobs not yet started are left for the next run."""


class OverBudget(ConfgenError):
    """A call was not started: it could have taken the run past ``--max-cost``."""
