"""Drafting through a model: the prompt, the call cache, at most ``concurrency`` calls in flight,
and retries with back-off.

Concurrency is the number of calls in flight, not of threads: a job waiting out a back-off holds
no slot, so the other jobs keep the server busy. A 429 asking to wait a second or more pauses every
call, since a spent quota is shared by all of them.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Callable

from confgen.draft.cache import Cache
from confgen.draft.outcomes import DryRun, Outcome, Stopped
from confgen.draft.drafters import Feedback
from confgen.draft.prompt import build_request, template_version
from confgen.draft.slots import Slots
from confgen.errors import ProviderError
from confgen.load.project import Project
from confgen.model import ProviderSettings
from confgen.types import ChatRequest, Completion, Job, Provider, stable_hash

#: Attempts of one call before the job fails (the first one included).
MAX_TRIES = 6
#: Longest single wait, even when a server asks for more in Retry-After.
MAX_BACKOFF = 60.0
#: Longest total waiting for one call across its retries.
MAX_TOTAL_WAIT = 180.0
FIRST_BACKOFF = 0.25
#: A Retry-After this long means the quota is spent: every call waits, not just the one refused.
#: Shorter hints (OpenAI's retry-after-ms) only pace the call that got them.
SHARED_PAUSE_MIN = 1.0


class ChatDrafter:
    """A :class:`~confgen.draft.drafters.Drafter` that asks ``provider`` for each draft, with the
    gates' findings on earlier attempts as feedback."""

    parallel = True  # a call waits on the network: many at once keep the server busy

    def __init__(self, project: Project, provider: Provider, settings: ProviderSettings, *, concurrency: int = 1,
                 sleep: Callable[[float], None] = time.sleep, stop: threading.Event | None = None):
        self.project = project
        self.provider = provider
        self.settings = settings
        self.sleep = sleep
        self.attempts = project.conference.gates.max_attempts
        self._stop = stop or threading.Event()
        self._cache: Cache | None = None
        self._cache_lock = threading.Lock()
        self._slots = Slots(max(1, concurrency))
        self._pause_lock = threading.Lock()
        self._resume_at = 0.0  # time.monotonic() before which no call starts (a shared Retry-After)

    @property
    def name(self) -> str:
        return self.provider.name

    @property
    def model(self) -> str:
        return self.provider.model

    def version(self, job: Job) -> str:
        """The hash of the prompt templates a draft of ``job`` is made from."""
        return template_version(self.project.kinds[job.kind], job.lang, self.project.templates)

    def draft(self, job: Job, feedback: Feedback, outcome: Outcome) -> str:
        return self._call(self.request(job, feedback), job, outcome).text

    def request(self, job: Job, feedback: Feedback = ()) -> ChatRequest:
        kind = self.project.kinds[job.kind]
        return build_request(job, kind, self.project.templates, self.settings, self.project.conference, feedback)

    def cache_key(self, request: ChatRequest, job: Job) -> str:
        """The full request (provider, model, messages, parameters) plus the prompt templates' version."""
        return stable_hash(request.key(self.provider.name, self.provider.model), self.version(job))

    @property
    def cache_path(self) -> Path:
        return self.project.state_dir / "cache.sqlite"

    def open(self) -> None:
        """Open the call cache now, not in the first threads queueing on its lock while one creates it."""
        self.cache  # noqa: B018

    @property
    def cache(self) -> Cache:
        with self._cache_lock:
            if self._cache is None:
                self._cache = Cache(self.cache_path)
            return self._cache

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def estimate(self, result: DryRun) -> None:
        """Count the cached first requests of ``result.todo`` and roughly the tokens of the others."""
        cache = Cache(self.cache_path) if self.cache_path.exists() else None
        try:
            for job in result.todo:
                request = self.request(job)
                if cache is not None and cache.has(self.cache_key(request, job)):
                    result.cached += 1
                else:  # rough: ~4 characters a token in English, ~1.5 in Chinese, plus the answer at most
                    chars = sum(len(m["content"]) for m in request.messages)
                    result.tokens += int(chars / (1.5 if job.lang == "zh" else 4)) + request.max_tokens
        finally:
            if cache is not None:
                cache.close()

    def _call(self, request: ChatRequest, job: Job, outcome: Outcome) -> Completion:
        key = self.cache_key(request, job)
        cached = self.cache.get(key)
        if cached is not None:
            outcome.cached = True
            return cached
        tries = 0
        waited = 0.0
        while True:
            if self._stop.is_set():
                raise Stopped("interrupted before this job finished")
            tries += 1
            try:
                completion, seconds = self._attempt(request, job, outcome, priority=-tries)
            except ProviderError as exc:
                delay = self._backoff(tries, exc.retry_after)
                if not exc.retryable or tries >= MAX_TRIES or waited + delay > MAX_TOTAL_WAIT:
                    advice = "" if not exc.retryable else " — the server kept failing; run the command again later"
                    raise ProviderError(f"{exc} (after {tries} {'try' if tries == 1 else 'tries'}){advice}") from exc
                if exc.retry_after is not None and delay >= SHARED_PAUSE_MIN:
                    self._pause_all(delay)
                outcome.retries += 1
                waited += delay
                self.sleep(delay)
                continue
            outcome.tokens_in += completion.tokens_in
            outcome.tokens_out += completion.tokens_out
            self.cache.put(key, self.provider.name, self.provider.model, request, completion, seconds)
            return completion

    def _attempt(self, request: ChatRequest, job: Job, outcome: Outcome, priority: int = 0) -> tuple[Completion, float]:
        """One call in a concurrency slot, after any pause a server asked for."""
        with self._slots.hold(priority):
            self._wait_for_pause()
            started = time.perf_counter()
            outcome.calls += 1
            completion = self.provider.complete(request, job)
            seconds = time.perf_counter() - started
        if completion.finish_reason == "length":
            raise ProviderError(f"the answer was cut off at max_tokens={request.max_tokens} "
                                "(raise provider.max_tokens if this keeps happening)", retryable=True)
        if completion.finish_reason == "content_filter":
            raise ProviderError("the server's content filter stopped the answer", retryable=True)
        if not completion.text.strip():
            raise ProviderError("the model returned an empty answer", retryable=True)
        return completion, seconds

    def _pause_all(self, seconds: float) -> None:
        with self._pause_lock:
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)

    def _wait_for_pause(self) -> None:
        while True:
            with self._pause_lock:
                remaining = self._resume_at - time.monotonic()
            if remaining <= 0 or self._stop.is_set():
                return
            self.sleep(min(remaining, 1.0))

    @staticmethod
    def _backoff(tries: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), MAX_BACKOFF)
        return min(FIRST_BACKOFF * 2 ** (tries - 1), MAX_BACKOFF) * random.uniform(0.8, 1.2)
