"""How drafting runs, as conference.yaml's ``provider`` and ``gates`` sections say: the model and
its server, its limits and prices, and the quality gates' attempts. Part of the model
(:mod:`confgen.model` re-exports every class), kept apart because it describes the run, not the event."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from confgen.fields import Amount, Strict


class Price(Strict):
    """What a model costs, in currency units per million tokens."""

    input: Annotated[Amount, Field(ge=0)]
    output: Annotated[Amount, Field(ge=0)]
    cached_input: Annotated[Amount, Field(ge=0)] | None = None  # None: the input price
    batch_discount: Annotated[Amount, Field(ge=0, le=1)] = 0.5  # the share a batch call saves


class ProviderSettings(Strict):
    name: str = "offline"
    model: str | None = None
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    temperature: Annotated[float, Field(ge=0, le=2)] = 0.3
    max_tokens: Annotated[int, Field(gt=0)] | None = None  # None: from each kind's length range; set: a cap
    timeout: Annotated[Amount, Field(gt=0)] = 60.0
    #: Seconds to keep retrying a server that is down or answers 5xx before a job fails.
    retry_for: Annotated[Amount, Field(ge=0, le=86_400)] = 300.0
    concurrency: Annotated[int, Field(ge=1, le=256)] = 4
    seed: int | None = 0
    price_per_1k_input: Annotated[Amount, Field(ge=0)] | None = None
    price_per_1k_output: Annotated[Amount, Field(ge=0)] | None = None
    #: Tokens and requests a minute the provider allows (else read from its x-ratelimit-* headers).
    tpm: Annotated[int, Field(gt=0)] | None = None
    rpm: Annotated[int, Field(gt=0)] | None = None
    #: Prices per model, overriding confgen's table (confgen.draft.cost).
    prices: dict[str, Price] = {}


class GateSettings(Strict):
    max_attempts: Annotated[int, Field(ge=1, le=10)] = 3
    run_code: bool = True  # Python blocks of drafts run in the sandbox
    disabled: list[str] = []
