"""The runner: turns planned jobs into drafts.

For each job it decides whether a draft is needed (missing, stale, or ``--force``; a human edit is
kept), asks the provider through the cache with bounded concurrency and retries, passes the answer
through the quality gates (sending findings back to the model a bounded number of times), falls
back to the offline drafter when the model cannot produce a passing draft, and writes the draft
atomically. One failing job never stops the others.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Callable

from confgen import atomic
from confgen.api import ChatRequest, Completion, ConfgenError, Draft, Finding, GateContext, Job, Provider, ProviderError
from confgen.cache import Cache
from confgen.drafts import DraftStore
from confgen.gates import errors, run_gates
from confgen.project import Project
from confgen.prompt import build_request, template_name

OFFLINE = "offline"
MAX_TRANSIENT_TRIES = 6
MAX_BACKOFF = 30.0


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


Listener = Callable[[Outcome], None]


class Runner:
    def __init__(self, project: Project, provider: Provider, *, force: bool = False, require_provider: bool = False,
                 concurrency: int = 1, listener: Listener | None = None, sleep: Callable[[float], None] = time.sleep):
        self.project = project
        self.provider = provider
        self.force = force
        self.require_provider = require_provider
        self.concurrency = max(1, concurrency)
        self.listener = listener or (lambda outcome: None)
        self.sleep = sleep
        self.store = DraftStore(project.content_dir)
        self.settings = project.conference.provider
        self.gates = project.plugins.gates()
        self._cache: Cache | None = None
        self._cache_lock = threading.Lock()

    @property
    def offline(self) -> bool:
        return self.provider.name == OFFLINE

    @property
    def cache(self) -> Cache:
        with self._cache_lock:
            if self._cache is None:
                self._cache = Cache(self.project.state_dir / "cache.sqlite")
            return self._cache

    # -- deciding -----------------------------------------------------------------------------------

    def version(self, job: Job, provider_name: str) -> str:
        """The hash of the template a draft of ``job`` is made from: the offline template for the
        offline drafter, the prompt template for a model."""
        kind = self.project.kinds[job.kind]
        templates = self.project.templates
        name = f"offline/{kind.name}.{job.lang}.md.j2" if provider_name == OFFLINE else template_name(kind, job.lang)
        return templates.version(name) if templates.exists(name) else ""

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
        if self.offline or self.concurrency == 1:
            for job in todo:
                outcome = self._safe_draft(job)
                summary.outcomes.append(outcome)
                self.listener(outcome)
        else:
            with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
                futures = [pool.submit(self._safe_draft, job) for job in todo]
                for future in as_completed(futures):
                    outcome = future.result()
                    summary.outcomes.append(outcome)
                    self.listener(outcome)
        if self._cache is not None:
            self._cache.close()
        summary.seconds = time.perf_counter() - started
        return summary

    def _safe_draft(self, job: Job) -> Outcome:
        try:
            return self._draft(job)
        except ConfgenError as exc:
            return Outcome(job, "failed", message=str(exc))

    def _draft(self, job: Job) -> Outcome:
        kind = self.project.kinds[job.kind]
        conference = self.project.conference
        outcome = Outcome(job, "drafted")
        if self.offline:
            text = self._offline_text(job)
            findings = self._check(job, text)
            outcome.needs_review = bool(errors(findings))
            self._write(job, text, OFFLINE, OFFLINE, findings, outcome.needs_review)
            return outcome
        feedback: list[tuple[str, list[Finding]]] = []
        findings: list[Finding] = []
        for _ in range(self.project.conference.gates.max_attempts):
            request = build_request(job, kind, self.project.templates, self.settings, conference, feedback)
            completion = self._call(request, job, outcome)
            text = completion.text
            findings = self._check(job, text)
            if not errors(findings):
                self._write(job, text, self.provider.name, self.provider.model, findings, False)
                return outcome
            feedback.append((text, errors(findings)))
        # The model could not produce a passing draft: the facts-only draft stands in, flagged.
        outcome.needs_review = True
        outcome.message = "; ".join(f"{f.gate}: {f.message}" for f in errors(findings)[:3])
        text = self._offline_text(job)
        self._write(job, text, self.provider.name, self.provider.model, self._check(job, text), True, drafted_by=OFFLINE)
        return outcome

    def _offline_text(self, job: Job) -> str:
        kind = self.project.kinds[job.kind]
        return kind.offline(job, self.project.conference, self.project.templates)

    def _check(self, job: Job, text: str) -> list[Finding]:
        kind = self.project.kinds[job.kind]
        ctx = GateContext(text=text, lang=job.lang, kind=job.kind, conference=self.project.conference, job=job,
                          required_sections=list(kind.required_sections.get(job.lang, [])))
        return run_gates(ctx, self.gates, self.project.conference.gates.disabled)

    def _call(self, request: ChatRequest, job: Job, outcome: Outcome) -> Completion:
        key = request.key(self.provider.name, self.provider.model)
        cached = self.cache.get(key)
        if cached is not None:
            outcome.cached = True
            return cached
        tries = 0
        while True:
            tries += 1
            started = time.perf_counter()
            try:
                outcome.calls += 1
                completion = self.provider.complete(request, job)
                if completion.finish_reason == "length":
                    raise ProviderError("the answer was cut off at max_tokens (raise provider.max_tokens)", retryable=True)
                if not completion.text.strip():
                    raise ProviderError("the model returned an empty answer", retryable=True)
            except ProviderError as exc:
                if not exc.retryable or tries >= MAX_TRANSIENT_TRIES:
                    raise ProviderError(f"{exc} (after {tries} tries)") from exc
                outcome.retries += 1
                self.sleep(self._backoff(tries, exc.retry_after))
                continue
            outcome.tokens_in += completion.tokens_in
            outcome.tokens_out += completion.tokens_out
            self.cache.put(key, self.provider.name, self.provider.model, request, completion, time.perf_counter() - started)
            return completion

    @staticmethod
    def _backoff(tries: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), MAX_BACKOFF)
        return min(0.25 * 2 ** (tries - 1), MAX_BACKOFF) * random.uniform(0.8, 1.2)

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
