"""Metering one model call: within the ``--max-cost`` budget, at the pace the provider's limits
allow, and with the usage of every answer counted (tokens in and out, prompt tokens the provider
served from its prefix cache, cost), including answers the drafter then rejects: cut off by
``length``, empty, or stopped by a content filter all were paid for."""

from __future__ import annotations

import threading

from confgen.draft.cost import Budget, cost, price_for
from confgen.draft.outcomes import Outcome, Stopped
from confgen.draft.pacing import Pacer, estimate_tokens
from confgen.model import ProviderSettings
from confgen.types import ChatRequest, Completion, Job, Provider


class Meter:
    def __init__(self, provider: Provider, settings: ProviderSettings, stop: threading.Event,
                 max_cost: float | None = None):
        self.provider = provider
        self.price = price_for(settings)
        learn = hasattr(provider, "observe")  # the provider can pass on its answers' headers
        self.pacer = Pacer(settings.tpm, settings.rpm, learn=learn, stop=stop)
        if learn:
            provider.observe = self.pacer.observe  # type: ignore[attr-defined]
        self.budget = Budget(max_cost, self.price, settings.model) if max_cost is not None else None
        #: Answers a batch brought in this run: in the cache already, but paid for now.
        self.prepaid: dict[str, tuple[Completion, bool]] = {}

    def call(self, request: ChatRequest, job: Job, outcome: Outcome) -> Completion:
        prompt = estimate_tokens(request.messages)
        reserved = self.budget.reserve(prompt, request.max_tokens) if self.budget else 0.0
        completion: Completion | None = None
        try:
            with self.pacer.hold(prompt + request.max_tokens) as admitted:
                if not admitted:
                    raise Stopped("interrupted before this job finished")
                outcome.calls += 1
                completion = self.provider.complete(request, job)
        finally:
            if self.budget is not None:
                self.budget.settle(reserved, completion)
        self.count(outcome, completion)
        return completion

    def cache_hit(self, key: str, outcome: Outcome) -> None:
        """A cached answer costs nothing, unless a batch of this run fetched it."""
        paid = self.prepaid.pop(key, None)
        if paid is not None:
            completion, batched = paid
            self.count(outcome, completion, batch=batched)
            outcome.batched = outcome.batched or batched

    def count(self, outcome: Outcome, completion: Completion, *, batch: bool = False) -> None:
        outcome.tokens_in += completion.tokens_in
        outcome.tokens_out += completion.tokens_out
        outcome.tokens_cached += completion.cached_tokens
        if self.price is not None:
            outcome.cost += cost(self.price, completion.tokens_in, completion.tokens_out, completion.cached_tokens,
                                 batch=batch)
