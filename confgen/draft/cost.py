"""What drafting costs: a price table per model (overridable in conference.yaml under
``provider.prices``), the cost of each call from its usage, and the ``--max-cost`` budget, which
refuses to start a call that could take the run past it.

Prices are in US dollars per million tokens as OpenAI lists them; the Batch API takes half off.
They change: a project pays what its provider charges, and says so in ``provider.prices``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from confgen.draft.cache import Cache
from confgen.draft.pacing import estimate_tokens
from confgen.draft.outcomes import OverBudget
from confgen.errors import InputError
from confgen.model import Price, ProviderSettings
from confgen.types import Completion, Job

PRICES: dict[str, Price] = {
    "gpt-4o": Price(input=2.50, cached_input=1.25, output=10.00),
    "gpt-4o-mini": Price(input=0.15, cached_input=0.075, output=0.60),
    "gpt-4.1": Price(input=2.00, cached_input=0.50, output=8.00),
    "gpt-4.1-mini": Price(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1-nano": Price(input=0.10, cached_input=0.025, output=0.40),
    "gpt-5": Price(input=1.25, cached_input=0.125, output=10.00),
    "gpt-5-mini": Price(input=0.25, cached_input=0.025, output=2.00),
    "gpt-5-nano": Price(input=0.05, cached_input=0.005, output=0.40),
    "o4-mini": Price(input=1.10, cached_input=0.275, output=4.40),
}


def price_for(settings: ProviderSettings) -> Price | None:
    """The run's price: ``provider.prices[model]``, else the older ``price_per_1k_*`` settings,
    else confgen's table (a dated snapshot such as ``gpt-4o-2024-08-06`` priced as its model)."""
    model = settings.model or ""
    if model in settings.prices:
        return settings.prices[model]
    if settings.price_per_1k_input is not None or settings.price_per_1k_output is not None:
        return Price(input=(settings.price_per_1k_input or 0) * 1000, output=(settings.price_per_1k_output or 0) * 1000)
    if model in PRICES:
        return PRICES[model]
    for name in sorted(PRICES, key=len, reverse=True):
        if model.startswith(name + "-") and model[len(name) + 1:][:1].isdigit():
            return PRICES[name]
    return None


def unknown(model: str | None) -> str:
    return (f"no price for model {model!r}: add it to conference.yaml as provider.prices.{model}: "
            "{input: …, output: …} (per million tokens; cached_input and batch_discount are optional)")


def cost(price: Price, tokens_in: int, tokens_out: int, cached: int = 0, *, batch: bool = False) -> float:
    cached = min(cached, tokens_in)
    cached_price = price.input if price.cached_input is None else price.cached_input
    amount = ((tokens_in - cached) * price.input + cached * cached_price + tokens_out * price.output) / 1e6
    return amount * (1 - price.batch_discount) if batch else amount


class Budget:
    """``--max-cost``: a call starts only if what was spent, plus the most each call in flight may
    still cost, plus this call's most (its prompt and all of ``max_tokens``), stays within
    ``limit``. Once one call is refused no other starts, so the run ends soon and says what is left."""

    def __init__(self, limit: float, price: Price | None, model: str | None):
        if price is None:
            raise InputError(f"--max-cost needs a price: {unknown(model)}")
        self.limit, self.price = limit, price
        self.spent = 0.0
        self._reserved = 0.0
        self.refused = False
        self._lock = threading.Lock()

    def reserve(self, prompt_tokens: int, max_tokens: int, *, batch: bool = False) -> float:
        most = cost(self.price, prompt_tokens, max_tokens, batch=batch)
        with self._lock:
            if self.refused or self.spent + self._reserved + most > self.limit:
                self.refused = True
                raise OverBudget(f"not started: the cost budget of {self.limit:g} is spent "
                                 f"({self.spent:.4f} spent, the next call could cost up to {most:.4f})")
            self._reserved += most
        return most

    def settle(self, reserved: float, completion: Completion | None, *, batch: bool = False) -> None:
        with self._lock:
            self._reserved -= reserved
            if completion is not None:
                self.spent += cost(self.price, completion.tokens_in, completion.tokens_out, completion.cached_tokens,
                                   batch=batch)


def estimate(runner: Any, jobs: list[Job]) -> Estimate:
    """What drafting ``jobs`` would send and cost, calling nothing: one call per job whose first
    request is not cached (gate retries come on top), each at most its prompt plus ``max_tokens``."""
    result = Estimate(todo=[job for job in jobs if runner.skip_reason(job, runner.store.read(job.path)) is None])
    drafter = runner.drafter
    if not hasattr(drafter, "meter"):
        return result
    result.price = drafter.meter.price
    path = drafter.cache_path
    cache = Cache(path) if path.exists() else None
    try:
        for job in result.todo:
            request = drafter.request(job)
            if cache is not None and cache.has(drafter.cache_key(request, job)):
                result.cached += 1
                continue
            result.calls += 1
            result.prompt_tokens += estimate_tokens(request.messages)
            result.output_tokens += request.max_tokens
    finally:
        if cache is not None:
            cache.close()
    return result


@dataclass
class Estimate:
    todo: list[Job]
    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0  # at most: every call's max_tokens
    price: Price | None = None

    def cost(self, *, batch: bool) -> float | None:
        if self.price is None:
            return None
        return cost(self.price, self.prompt_tokens, self.output_tokens, batch=batch)
