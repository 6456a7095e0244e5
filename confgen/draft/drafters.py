"""Drafters: what writes a job's draft. The runner has one path for all of them (draft, gate,
retry with the findings as feedback, fall back, write); a drafter says how a draft is made and
from which templates.

Two are built in: :class:`~confgen.draft.runner.ChatDrafter`, which asks a model, and
:class:`OfflineDrafter`, which writes from the facts alone.
"""

from __future__ import annotations

from typing import Protocol, Sequence

from confgen.draft.outcomes import Outcome
from confgen.load.project import Project
from confgen.types import OFFLINE, Finding, Job, stable_hash

#: Earlier attempts at a draft and the gates' errors on each: what the next attempt is told.
Feedback = Sequence[tuple[str, list[Finding]]]


class Drafter(Protocol):
    #: Recorded in each draft's front matter as its ``provider`` and ``model``.
    name: str
    model: str
    #: How many drafts of one job to try before giving up on this drafter.
    attempts: int
    #: Whether jobs may be drafted on several threads at once.
    parallel: bool

    def version(self, job: Job) -> str:
        """A hash of the templates a draft of ``job`` is made from: part of the draft's input hash,
        so that editing them makes the draft stale."""
        ...

    def draft(self, job: Job, feedback: Feedback, outcome: Outcome) -> str:
        """The Markdown body of ``job``'s draft; ``outcome`` counts what it cost (calls, tokens)."""
        ...

    def open(self) -> None: ...

    def close(self) -> None: ...


class OfflineDrafter:
    """Writes from the facts alone: each content kind's ``offline`` method (usually a template in
    ``templates/offline/``), so a machine with no key and no network still builds the whole site."""

    name = model = OFFLINE
    attempts = 1  # the same facts give the same draft: another attempt would not pass
    parallel = False  # template rendering holds the GIL: threads would only add their overhead

    def __init__(self, project: Project):
        self.project = project

    def version(self, job: Job) -> str:
        name = f"offline/{job.kind}.{job.lang}.md.j2"
        templates = self.project.templates
        version = templates.version(name) if templates.exists(name) else ""
        extra = self.project.kinds[job.kind].offline_inputs(job, self.project.conference, templates)
        return version if extra is None else stable_hash(version, extra)

    def draft(self, job: Job, feedback: Feedback = (), outcome: Outcome | None = None) -> str:
        kind = self.project.kinds[job.kind]
        return kind.offline(job, self.project.conference, self.project.templates)

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass
