"""The runner: turns planned jobs into drafts.

For each job it decides whether a draft is needed (missing, stale, or ``--force``; a human edit is
kept), has the drafter write it (a model through the call cache, with bounded concurrency and
retries: :class:`ChatDrafter` below; or the offline drafter), passes it through the quality gates
(sending findings back to the drafter a bounded number of times), falls back to the offline
drafter when a model cannot produce a passing draft, and writes the draft atomically. One failing
job never stops the others.

The model's drafter is here too (:class:`ChatDrafter`): the prompt, the call cache, at most
``concurrency`` calls in flight, and retries with back-off.

Concurrency is the number of calls in flight, not of threads: a job waiting out a back-off holds
no slot, so the other jobs keep the server busy. A 429 asking to wait a second or more pauses every
call, since a spent quota is shared by all of them.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Callable

from confgen import atomic
from confgen.contract import length_unit
from confgen.draft import fact_changes
from confgen.draft.cache import Cache
from confgen.draft.drafters import OFFLINE, Drafter, Feedback, OfflineDrafter
from confgen.draft.gates import errors, gates_for, run_gates
from confgen.draft.metering import Meter
from confgen.draft.outcomes import Batch, Listener, Outcome, OverBudget, Stopped, Summary
from confgen.draft.prompt import build_request, example, template_version
from confgen.draft.slots import Slots
from confgen.draft.store import DraftStore
from confgen.draft.typography import typeset
from confgen.draft.unchanged import same_offline_draft
from confgen.errors import ConfgenError, ProviderError
from confgen.load.project import Project
from confgen.model import ProviderSettings
from confgen.types import ChatRequest, Completion, Draft, Finding, GateContext, Job, Provider, stable_hash

#: Attempts of one call before the job fails (the first one included).
MAX_TRIES = 6
#: Longest single wait, even when a server asks for more in Retry-After.
MAX_BACKOFF = 60.0
#: Longest total waiting for one call across its retries.
MAX_TOTAL_WAIT = 180.0
FIRST_BACKOFF = 0.25
#: Longest wait between tries while a server is down: it is noticed soon after it comes back.
MAX_OUTAGE_BACKOFF = 10.0
#: A Retry-After this long means the quota is spent: every call waits, not just the one refused.
#: Shorter hints (OpenAI's retry-after-ms) only pace the call that got them.
SHARED_PAUSE_MIN = 1.0


class Runner:
    def __init__(self, project: Project, provider: Provider | None, *, force: bool = False, require_provider: bool = False,
                 concurrency: int = 1, listener: Listener | None = None, sleep: Callable[[float], None] = time.sleep,
                 settings: ProviderSettings | None = None, max_cost: float | None = None, batch: Batch | None = None):
        self.project = project
        self.provider = provider
        self.force = force
        self.require_provider = require_provider
        self.concurrency = max(1, concurrency)
        self.listener = listener or (lambda outcome: None)
        self.store = project.drafts or DraftStore(project.content_dir, project.memo)  # read once, when checked
        self.gates = gates_for(project.plugins)
        self._stop = threading.Event()
        self.offline_drafter = OfflineDrafter(project)
        settings = settings or project.conference.provider  # merged with env and flags by the caller
        #: A model's drafter, or the offline one when there is no model (``provider`` None).
        self.drafter: Drafter = self.offline_drafter if provider is None else ChatDrafter(
            project, provider, settings, concurrency=self.concurrency, sleep=sleep, stop=self._stop, max_cost=max_cost)
        self.batch = batch
        #: Writes a job's draft when the drafter could not write one that passes the gates.
        self.fallback: Drafter | None = None if self.drafter is self.offline_drafter else self.offline_drafter

    # -- deciding -----------------------------------------------------------------------------------

    def version(self, job: Job, provider_name: str) -> str:
        """The hash of the templates a draft of ``job`` by ``provider_name`` is made from: the
        offline template for the offline drafter, the prompt templates for a model."""
        if provider_name == OFFLINE:
            return self.offline_drafter.version(job)
        return ChatDrafter.prompt_version(self.project, job)  # also with no model at hand, for a model's draft

    def skip_reason(self, job: Job, existing: Draft | None) -> Outcome | None:
        """Why ``job`` needs no drafting (kept, fresh), or None when it must be drafted."""
        if existing is None or self.force:
            return None
        meta = existing.meta
        if existing.edited:
            return self._kept(job, meta)
        if meta.get("input_hash") != job.input_hash(self.version(job, meta.get("provider", OFFLINE))):
            return None
        if self.require_provider and (meta.get("provider"), meta.get("model")) != (self.drafter.name, self.drafter.model):
            return None
        return Outcome(job, "fresh")

    def _kept(self, job: Job, meta: dict) -> Outcome:
        """A person's text is kept; what it was drafted from may have moved under it since."""
        same = meta.get("input_hash") == job.input_hash(self.version(job, meta.get("provider", OFFLINE)))
        kept = fact_changes.kept(meta, job.facts, same)
        return Outcome(job, "kept", needs_review=kept.needs_review, message=kept.message, details=kept.changes)

    # -- running ------------------------------------------------------------------------------------

    def run(self, jobs: list[Job], listener: Listener | None = None) -> Summary:
        """Draft what ``jobs`` need; ``listener`` (or the runner's own) hears of every outcome."""
        hear = listener or self.listener
        started = time.perf_counter()
        atomic.remove_leftovers(self.project.content_dir)
        summary = Summary()
        todo: list[Job] = []
        for job in jobs:
            skip = self.skip_reason(job, self.store.read(job.path))
            if skip is None:
                todo.append(job)
            else:
                summary.outcomes.append(skip)
                hear(skip)
        try:
            if self.batch and todo:
                self.batch(self, todo)
            if not self.drafter.parallel or self.concurrency == 1 or len(todo) <= 1:
                for job in todo:
                    self._finish(summary, self._safe_draft(job), hear)
            else:
                self._run_pool(todo, summary, hear)
        finally:
            self.drafter.close()
        summary.seconds = time.perf_counter() - started
        return summary

    def _run_pool(self, todo: list[Job], summary: Summary, hear: Listener) -> None:
        self.drafter.open()
        # More threads than slots: a job sleeping through a back-off leaves its slot to another.
        pool = ThreadPoolExecutor(max_workers=min(len(todo), self.concurrency * 2), thread_name_prefix="draft")
        try:
            futures = [pool.submit(self._safe_draft, job) for job in todo]
            self._warm_gates(todo[0])
            for future in as_completed(futures):
                self._finish(summary, future.result(), hear)
        except BaseException:
            self._stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def _warm_gates(self, job: Job) -> None:
        """Gates index the event (names, rooms, dates) on first use. Done here while the first calls
        are out, it does not hold up the threads their answers wake."""
        try:
            self._check(job, "")
        except Exception:
            pass  # a broken gate fails each job that runs it, with its message there

    @staticmethod
    def _finish(summary: Summary, outcome: Outcome, hear: Listener) -> None:
        summary.outcomes.append(outcome)
        hear(outcome)

    def _safe_draft(self, job: Job) -> Outcome:
        outcome = Outcome(job, "drafted")  # kept on failure too: its calls and tokens were spent
        try:
            return self._draft(job, outcome)
        except OverBudget as exc:
            outcome.status, outcome.message = "undrafted", str(exc)
        except ConfgenError as exc:
            outcome.status, outcome.message = "failed", str(exc)
        except Exception as exc:  # a bug in a plugin or template must not take the other jobs down
            outcome.status, outcome.message = "failed", f"{type(exc).__name__}: {exc}"
        return outcome

    def _draft(self, job: Job, outcome: Outcome) -> Outcome:
        drafter = self.drafter
        feedback: list[tuple[str, list[Finding]]] = []
        for _ in range(max(1, drafter.attempts)):
            text = typeset(drafter.draft(job, feedback, outcome))  # typeset before the gates see it
            if drafter is self.offline_drafter and not self.force and same_offline_draft(existing := self.store.read(job.path), job, text):
                outcome.needs_review = bool(existing.meta.get("needs_review"))  # the gates' verdict stands
                self._write(job, text, OFFLINE, OFFLINE, [], outcome.needs_review, gates=existing.meta.get("gates"))
                return outcome
            findings = self._check(job, text, model=drafter is not self.offline_drafter)
            if not errors(findings):
                self._write(job, text, drafter.name, drafter.model, findings, False)
                return outcome
            feedback.append((text, errors(findings)))
        outcome.needs_review = True
        if self.fallback is None:  # nothing better to fall back on: this draft stands, flagged
            self._write(job, text, drafter.name, drafter.model, findings, True)
            return outcome
        # The model could not produce a passing draft: the facts-only draft stands in, flagged.
        outcome.message = "; ".join(f"{f.gate}: {f.message}" for f in errors(findings)[:3])
        text = typeset(self.fallback.draft(job, (), outcome))
        self._write(job, text, drafter.name, drafter.model, self._check(job, text, model=False), True,
                    drafted_by=self.fallback.name)
        return outcome

    def _check(self, job: Job, text: str, model: bool = True) -> list[Finding]:
        """``model``: a model wrote ``text``, so the kind's contract applies (the offline drafter's
        facts-only text is judged by the other gates)."""
        kind = self.project.kinds[job.kind]
        contract = kind.contract if model else None
        sections = (contract.sections if contract and contract.sections else kind.required_sections).get(job.lang, [])
        ctx = GateContext(text=text, lang=job.lang, kind=job.kind, conference=self.project.conference, job=job,
                          required_sections=list(sections), contract=contract,
                          example=example(kind, job.lang, self.project.templates) if model else "")
        return run_gates(ctx, self.gates, self.project.conference.gates.disabled)

    def _write(self, job: Job, text: str, provider: str, model: str, findings: list[Finding], needs_review: bool,
               drafted_by: str | None = None, gates: list[str] | None = None) -> None:
        meta = {
            "kind": job.kind, "key": job.key, "lang": job.lang, "provider": provider, "model": model,
            "input_hash": job.input_hash(self.version(job, provider)), "needs_review": needs_review,
        }
        if drafted_by:
            meta["drafted_by"] = drafted_by
        meta["facts"] = fact_changes.snapshot(job.facts)  # to say what changed if a person edits it
        if findings or gates:
            meta["gates"] = gates or [f"{f.gate}: {f.message}" for f in findings]
        self.store.write(job.path, meta, text)


class ChatDrafter:
    """A :class:`~confgen.draft.drafters.Drafter` that asks ``provider`` for each draft, with the
    gates' findings on earlier attempts as feedback."""

    parallel = True  # a call waits on the network: many at once keep the server busy

    def __init__(self, project: Project, provider: Provider, settings: ProviderSettings, *, concurrency: int = 1,
                 sleep: Callable[[float], None] = time.sleep, stop: threading.Event | None = None,
                 max_cost: float | None = None):
        self.project = project
        self.provider = provider
        self.settings = settings
        self.sleep = sleep
        self.attempts = project.conference.gates.max_attempts
        self._stop = stop or threading.Event()
        self.meter = Meter(provider, settings, self._stop, max_cost)  # pace, budget, usage and cost of each call
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

    @staticmethod
    def prompt_version(project: Project, job: Job) -> str:
        """The hash of the prompt templates a model's draft of ``job`` is made from: the one source
        of it, for this drafter and for the runner judging a model's draft while offline."""
        return template_version(project.kinds[job.kind], job.lang, project.templates)

    def version(self, job: Job) -> str:
        return self.prompt_version(self.project, job)

    def draft(self, job: Job, feedback: Feedback, outcome: Outcome) -> str:
        feedback = list(feedback)
        room: int | None = None  # more tokens, after an answer was cut off
        for _ in range(max(1, self.attempts)):
            request = self.request(job, feedback, room)
            completion = self._call(request, job, outcome)
            if completion.finish_reason != "length":
                break
            # Never the same request again: more room where the cap allows, and the cut-off
            # answer goes back with the length asked for, so the model can also write less.
            outcome.retries += 1
            room = self._more_room(request.max_tokens)
            feedback.append((completion.text, [Finding("length", self._cut_off(job, request.max_tokens))]))
        return completion.text

    def request(self, job: Job, feedback: Feedback = (), max_tokens: int | None = None) -> ChatRequest:
        kind = self.project.kinds[job.kind]
        return build_request(job, kind, self.project.templates, self.settings, self.project.conference, feedback,
                             max_tokens)

    def _more_room(self, max_tokens: int) -> int:
        ceiling = self.settings.max_tokens or max_tokens * 4
        return max(min(int(max_tokens * 1.5), ceiling), max_tokens)

    def _cut_off(self, job: Job, max_tokens: int) -> str:
        contract = self.project.kinds[job.kind].contract
        span = contract.length.get(job.lang) if contract else None
        unit = length_unit(job.lang)
        within = f"; write it whole, within {span[0]} to {span[1]} {unit}" if span else "; write it whole and shorter"
        return f"the answer was cut off at max_tokens={max_tokens}{within}"

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

    def _call(self, request: ChatRequest, job: Job, outcome: Outcome) -> Completion:
        key = self.cache_key(request, job)
        cached = self.cache.get(key)
        if cached is not None:
            outcome.cached = True
            self.meter.cache_hit(key, outcome)
            return cached
        tries = 0
        waited = 0.0
        outage_since: float | None = None  # time.monotonic() of the first failure of this outage
        outage_waited = 0.0
        while True:
            if self._stop.is_set():
                raise Stopped("interrupted before this job finished")
            tries += 1
            try:
                completion, seconds = self._attempt(request, job, outcome, priority=-tries)
            except ProviderError as exc:
                delay = self._backoff(tries, exc.retry_after)
                if exc.outage:  # retried by time, not by count: a server down for minutes comes back
                    outage_since = time.monotonic() if outage_since is None else outage_since
                    delay = min(delay, MAX_OUTAGE_BACKOFF)
                    # slept time counts too, so that a test's instant sleep still ends the outage
                    spent = max(time.monotonic() - outage_since, outage_waited)
                    gave_up = spent + delay > self.settings.retry_for
                    outage_waited += delay
                else:
                    gave_up = tries >= MAX_TRIES or waited + delay > MAX_TOTAL_WAIT
                if not exc.retryable or gave_up:
                    advice = "" if not exc.retryable else " — the server kept failing; run the command again later"
                    raise ProviderError(f"{exc} (after {tries} {'try' if tries == 1 else 'tries'}){advice}") from exc
                if exc.retry_after is not None and delay >= SHARED_PAUSE_MIN:
                    self._pause_all(delay)
                outcome.retries += 1
                waited += 0 if exc.outage else delay
                self.sleep(delay)
                continue
            self.cache.put(key, self.provider.name, self.provider.model, request, completion, seconds)
            return completion

    def _attempt(self, request: ChatRequest, job: Job, outcome: Outcome, priority: int = 0) -> tuple[Completion, float]:
        """One call in a concurrency slot, after any pause a server asked for."""
        with self._slots.hold(priority):
            self._wait_for_pause()
            started = time.perf_counter()
            completion = self.meter.call(request, job, outcome)
            seconds = time.perf_counter() - started
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
