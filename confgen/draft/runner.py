"""The runner: turns planned jobs into drafts.

For each job it decides whether a draft is needed (missing, stale, or ``--force``; a human edit is
kept), has the drafter write it (a model through the call cache, with bounded concurrency and
retries: :mod:`confgen.draft.chat`; or the offline drafter), passes it through the quality gates
(sending findings back to the drafter a bounded number of times), falls back to the offline
drafter when a model cannot produce a passing draft, and writes the draft atomically. One failing
job never stops the others.
"""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Callable

from confgen import atomic
from confgen.draft.chat import ChatDrafter
from confgen.draft.drafters import OFFLINE, Drafter, OfflineDrafter
from confgen.draft.gates import errors, gates_for, run_gates
from confgen.draft.outcomes import DryRun, Listener, Outcome, Summary
from confgen.draft.prompt import template_version
from confgen.draft.store import DraftStore
from confgen.errors import ConfgenError
from confgen.load.project import Project
from confgen.model import ProviderSettings
from confgen.types import Draft, Finding, GateContext, Job, Provider


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
        self.store = DraftStore(project.content_dir, project.memo)
        self.gates = gates_for(project.plugins)
        self._stop = threading.Event()
        self.offline_drafter = OfflineDrafter(project)
        settings = settings or project.conference.provider  # merged with env and flags by the caller
        self.drafter: Drafter = self.offline_drafter if provider.name == OFFLINE else ChatDrafter(
            project, provider, settings, concurrency=self.concurrency, sleep=sleep, stop=self._stop)
        #: Writes a job's draft when the drafter could not write one that passes the gates.
        self.fallback: Drafter | None = None if self.drafter is self.offline_drafter else self.offline_drafter

    # -- deciding -----------------------------------------------------------------------------------

    def version(self, job: Job, provider_name: str) -> str:
        """The hash of the templates a draft of ``job`` by ``provider_name`` is made from: the
        offline template for the offline drafter, the prompt templates for a model."""
        if provider_name == OFFLINE:
            return self.offline_drafter.version(job)
        return template_version(self.project.kinds[job.kind], job.lang, self.project.templates)

    def skip_reason(self, job: Job, existing: Draft | None) -> Outcome | None:
        """Why ``job`` needs no drafting (kept, fresh), or None when it must be drafted."""
        if existing is None or self.force:
            return None
        if existing.edited:
            return Outcome(job, "kept", message="edited by hand (use --force to replace)")
        meta = existing.meta
        if meta.get("input_hash") != job.input_hash(self.version(job, meta.get("provider", OFFLINE))):
            return None
        if self.require_provider and (meta.get("provider"), meta.get("model")) != (self.drafter.name, self.drafter.model):
            return None
        return Outcome(job, "fresh")

    def dry_run(self, jobs: list[Job]) -> DryRun:
        """The jobs to draft, how many first requests are cached and a rough count of tokens."""
        todo = [job for job in jobs if self.skip_reason(job, self.store.read(job.path)) is None]
        result = DryRun(jobs, todo)
        self.drafter.estimate(result)
        return result

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
        # What is loaded by now (model, plugins, client) lives as long as the run: frozen, it is not
        # walked again by every full collection, which would stall all the calls in flight.
        gc.freeze()
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

    @staticmethod
    def _finish(summary: Summary, outcome: Outcome, hear: Listener) -> None:
        summary.outcomes.append(outcome)
        hear(outcome)

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
        drafter = self.drafter
        feedback: list[tuple[str, list[Finding]]] = []
        for _ in range(max(1, drafter.attempts)):
            text = drafter.draft(job, feedback, outcome)
            findings = self._check(job, text)
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
        text = self.fallback.draft(job, (), outcome)
        self._write(job, text, drafter.name, drafter.model, self._check(job, text), True, drafted_by=self.fallback.name)
        return outcome

    def _check(self, job: Job, text: str) -> list[Finding]:
        kind = self.project.kinds[job.kind]
        ctx = GateContext(text=text, lang=job.lang, kind=job.kind, conference=self.project.conference, job=job,
                          required_sections=list(kind.required_sections.get(job.lang, [])))
        return run_gates(ctx, self.gates, self.project.conference.gates.disabled)

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
