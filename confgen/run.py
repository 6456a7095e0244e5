"""The runner: turns planned jobs into drafts.

For each job it decides whether a draft is needed (missing, stale, or ``--force``; a human edit is
kept), asks the provider through the cache with bounded concurrency and retries, passes the answer
through the quality gates (sending findings back to the model a bounded number of times), falls
back to the offline drafter when the model cannot produce a passing draft, and writes the draft
atomically. One failing job never stops the others.

Concurrency is the number of calls in flight, not of threads: a job waiting out a back-off holds
no slot, so the other jobs keep the server busy. A 429 asking to wait a second or more pauses every
call, since a spent quota is shared by all of them.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import random
import threading
import time
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Callable, Iterator

from confgen import atomic
from confgen.api import ChatRequest, Completion, ConfgenError, Draft, Finding, GateContext, Job, Provider, ProviderError, stable_hash
from confgen.cache import Cache
from confgen.drafts import DraftStore
from confgen.gates import errors, run_gates, gates_for
from confgen.model import ProviderSettings
from confgen.project import Project
from confgen.prompt import build_request, template_version

OFFLINE = "offline"
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


class Slots:
    """At most ``size`` holders at once; waiters enter by priority (lower first), then in order of
    arrival. Retries go ahead of first calls, so a failure near the end of a run does not queue
    behind fresh jobs and stretch the run's tail.

    A freed slot is handed to the first waiter alone (each waits on its own event): waking every
    waiter to see who is first would cost a GIL hand-off per waiter per call."""

    def __init__(self, size: int):
        self._free = size
        self._waiting: list[tuple[int, int, threading.Event]] = []
        self._arrivals = itertools.count()
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, priority: int = 0) -> Iterator[None]:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                turn = None
            else:
                turn = threading.Event()
                heapq.heappush(self._waiting, (priority, next(self._arrivals), turn))
        if turn is not None:
            turn.wait()  # set once a holder hands its slot over
        try:
            yield
        finally:
            with self._lock:
                if self._waiting:
                    heapq.heappop(self._waiting)[2].set()
                else:
                    self._free += 1


@dataclass
class Outcome:
    job: Job
    status: str  # drafted | fresh | kept | failed
    cached: bool = False
    needs_review: bool = False
    message: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    retries: int = 0
    calls: int = 0


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

    def of(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def review(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.needs_review]


@dataclass
class DryRun:
    """What a run would do, computed without calling anything."""

    jobs: list[Job]
    todo: list[Job]
    cached: int = 0
    tokens: int = 0


Listener = Callable[[Outcome], None]


class Stopped(ConfgenError):
    """The run was interrupted; jobs not yet started are left for the next run."""


class Runner:
    def __init__(self, project: Project, provider: Provider, *, force: bool = False, require_provider: bool = False,
                 concurrency: int = 1, listener: Listener | None = None, sleep: Callable[[float], None] = time.sleep,
                 settings: ProviderSettings | None = None):
        self.project = project
        self.provider = provider
        self.force = force
        self.require_provider = require_provider
        self.concurrency = max(1, concurrency)
        self.listener = listener or (lambda outcome: None)
        self.sleep = sleep
        self.store = DraftStore(project.content_dir, project.memo)
        self.settings = settings or project.conference.provider  # merged with env and flags by the caller
        self.gates = gates_for(project.plugins)
        self._cache: Cache | None = None
        self._cache_lock = threading.Lock()
        self._slots = Slots(self.concurrency)
        self._pause_lock = threading.Lock()
        self._resume_at = 0.0  # time.monotonic() before which no call starts (a shared Retry-After)
        self._stop = threading.Event()

    @property
    def offline(self) -> bool:
        return self.provider.name == OFFLINE

    @property
    def cache_path(self):
        return self.project.state_dir / "cache.sqlite"

    @property
    def cache(self) -> Cache:
        with self._cache_lock:
            if self._cache is None:
                self._cache = Cache(self.cache_path)
            return self._cache

    # -- deciding -----------------------------------------------------------------------------------

    def version(self, job: Job, provider_name: str) -> str:
        """The hash of the templates a draft of ``job`` is made from: the offline template for the
        offline drafter, the prompt templates for a model."""
        kind = self.project.kinds[job.kind]
        templates = self.project.templates
        if provider_name == OFFLINE:
            name = f"offline/{kind.name}.{job.lang}.md.j2"
            return templates.version(name) if templates.exists(name) else ""
        return template_version(kind, job.lang, templates)

    def cache_key(self, request: ChatRequest, job: Job) -> str:
        """The full request (provider, model, messages, parameters) plus the prompt templates' version."""
        return stable_hash(request.key(self.provider.name, self.provider.model), self.version(job, self.provider.name))

    def pending(self, job: Job, existing: Draft | None) -> Outcome | None:
        """None when the job must be drafted; otherwise why not."""
        if existing is None or self.force:
            return None
        if existing.edited:
            return Outcome(job, "kept", message="edited by hand (use --force to replace)")
        meta = existing.meta
        if meta.get("input_hash") != job.input_hash(self.version(job, meta.get("provider", OFFLINE))):
            return None
        if self.require_provider and (meta.get("provider"), meta.get("model")) != (self.provider.name, self.provider.model):
            return None
        return Outcome(job, "fresh")

    def request(self, job: Job, feedback: list[tuple[str, list[Finding]]] = (), max_tokens: int | None = None) -> ChatRequest:
        kind = self.project.kinds[job.kind]
        return build_request(job, kind, self.project.templates, self.settings, self.project.conference, feedback,
                             max_tokens)

    def dry_run(self, jobs: list[Job]) -> DryRun:
        """The jobs to draft, how many first requests are cached and a rough count of tokens."""
        todo = [job for job in jobs if self.pending(job, self.store.read(job.path)) is None]
        result = DryRun(jobs, todo)
        if self.offline:
            return result
        cache = Cache(self.cache_path) if self.cache_path.exists() else None
        try:
            for job in todo:
                request = self.request(job)
                if cache is not None and cache.has(self.cache_key(request, job)):
                    result.cached += 1
                else:  # rough: ~4 characters a token in English, ~1.5 in Chinese, plus the answer at most
                    chars = sum(len(m["content"]) for m in request.messages)
                    result.tokens += int(chars / (1.5 if job.lang == "zh" else 4)) + request.max_tokens
        finally:
            if cache is not None:
                cache.close()
        return result

    # -- running ------------------------------------------------------------------------------------

    def run(self, jobs: list[Job]) -> Summary:
        started = time.perf_counter()
        atomic.remove_leftovers(self.project.content_dir)
        summary = Summary()
        todo: list[Job] = []
        for job in jobs:
            skip = self.pending(job, self.store.read(job.path))
            if skip is None:
                todo.append(job)
            else:
                summary.outcomes.append(skip)
                self.listener(skip)
        try:
            if self.offline or self.concurrency == 1 or len(todo) <= 1:
                for job in todo:
                    self._finish(summary, self._safe_draft(job))
            else:
                self._run_pool(todo, summary)
        finally:
            if self._cache is not None:
                self._cache.close()
                self._cache = None
        summary.seconds = time.perf_counter() - started
        return summary

    def _run_pool(self, todo: list[Job], summary: Summary) -> None:
        # What is loaded by now (model, plugins, client) lives as long as the run: frozen, it is not
        # walked again by every full collection, which would stall all the calls in flight.
        gc.freeze()
        self.cache  # opened here, not by the first threads queueing on its lock while one creates it
        # More threads than slots: a job sleeping through a back-off leaves its slot to another.
        pool = ThreadPoolExecutor(max_workers=min(len(todo), self.concurrency * 2), thread_name_prefix="draft")
        try:
            futures = [pool.submit(self._safe_draft, job) for job in todo]
            self._warm_gates(todo[0])
            for future in as_completed(futures):
                self._finish(summary, future.result())
        except BaseException:
            self._stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            gc.unfreeze()
        pool.shutdown(wait=True)

    def _warm_gates(self, job: Job) -> None:
        """Gates index the event (names, rooms, dates) on first use. Done here while the first calls
        are out, it does not hold up the threads their answers wake."""
        try:
            self._check(job, "")
        except Exception:
            pass  # a broken gate fails each job that runs it, with its message there

    def _finish(self, summary: Summary, outcome: Outcome) -> None:
        summary.outcomes.append(outcome)
        self.listener(outcome)

    def _safe_draft(self, job: Job) -> Outcome:
        outcome = Outcome(job, "drafted")  # kept on failure too: its calls and tokens were spent
        try:
            return self._draft(job, outcome)
        except ConfgenError as exc:
            outcome.status, outcome.message = "failed", str(exc)
        except Exception as exc:  # a bug in a plugin or template must not take the other jobs down
            outcome.status, outcome.message = "failed", f"{type(exc).__name__}: {exc}"
        return outcome

    def _draft(self, job: Job, outcome: Outcome) -> Outcome:
        if self.offline:
            text = self._offline_text(job)
            findings = self._check(job, text, model=False)
            outcome.needs_review = bool(errors(findings))
            self._write(job, text, OFFLINE, OFFLINE, findings, outcome.needs_review)
            return outcome
        feedback: list[tuple[str, list[Finding]]] = []
        findings: list[Finding] = []
        room: int | None = None  # more tokens, after an answer was cut off
        for _ in range(self.project.conference.gates.max_attempts):
            request = self.request(job, feedback, room)
            completion = self._call(request, job, outcome)
            text = completion.text
            if completion.finish_reason == "length":
                # Never the same request again: more room where the cap allows, and the cut-off
                # answer goes back with the length asked for, so the model can also write less.
                outcome.retries += 1
                room = self._more_room(request.max_tokens)
                findings = [Finding("length", self._cut_off(job, request.max_tokens))]
                feedback.append((text, findings))
                continue
            findings = self._check(job, text)
            if not errors(findings):
                self._write(job, text, self.provider.name, self.provider.model, findings, False)
                return outcome
            feedback.append((text, errors(findings)))
        # The model could not produce a passing draft: the facts-only draft stands in, flagged.
        outcome.needs_review = True
        outcome.message = "; ".join(f"{f.gate}: {f.message}" for f in errors(findings)[:3])
        text = self._offline_text(job)
        self._write(job, text, self.provider.name, self.provider.model, self._check(job, text, model=False), True,
                    drafted_by=OFFLINE)
        return outcome

    def _more_room(self, max_tokens: int) -> int:
        ceiling = self.settings.max_tokens or max_tokens * 4
        return max(min(int(max_tokens * 1.5), ceiling), max_tokens)

    def _cut_off(self, job: Job, max_tokens: int) -> str:
        contract = self.project.kinds[job.kind].contract
        span = contract.length.get(job.lang) if contract else None
        unit = "characters (字)" if job.lang == "zh" else "words"
        within = f"; write it whole, within {span[0]} to {span[1]} {unit}" if span else "; write it whole and shorter"
        return f"the answer was cut off at max_tokens={max_tokens}{within}"

    def _offline_text(self, job: Job) -> str:
        kind = self.project.kinds[job.kind]
        return kind.offline(job, self.project.conference, self.project.templates)

    def _check(self, job: Job, text: str, model: bool = True) -> list[Finding]:
        """``model``: a model wrote ``text``, so the kind's contract applies (the offline drafter's
        facts-only text is judged by the other gates)."""
        kind = self.project.kinds[job.kind]
        contract = kind.contract if model else None
        sections = (contract.sections if contract and contract.sections else kind.required_sections).get(job.lang, [])
        ctx = GateContext(text=text, lang=job.lang, kind=job.kind, conference=self.project.conference, job=job,
                          required_sections=list(sections), contract=contract)
        return run_gates(ctx, self.gates, self.project.conference.gates.disabled)

    # -- calling ------------------------------------------------------------------------------------

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

    def _write(self, job: Job, text: str, provider: str, model: str, findings: list[Finding], needs_review: bool,
               drafted_by: str | None = None) -> None:
        meta = {
            "kind": job.kind, "key": job.key, "lang": job.lang, "provider": provider, "model": model,
            "input_hash": job.input_hash(self.version(job, provider)), "needs_review": needs_review,
        }
        if drafted_by:
            meta["drafted_by"] = drafted_by
        if findings:
            meta["gates"] = [f"{f.gate}: {f.message}" for f in findings]
        self.store.write(job.path, meta, text)
