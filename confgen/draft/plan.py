"""Planning: every content kind says which drafts it wants; the plan is their union, in a stable
order."""

from __future__ import annotations

from confgen.errors import InputError, SettingsError
from confgen.kinds import ContentKind
from confgen.load.loader import ValidationFailed
from confgen.types import Job
from confgen.load.project import Project


def plan(project: Project, only: list[str] | None = None) -> list[Job]:
    kinds = project.kinds
    unknown = sorted(set(only or ()) - set(kinds))
    if unknown:
        raise InputError(f"unknown content kind(s) {', '.join(unknown)}; known: {', '.join(sorted(kinds))}")
    jobs: list[Job] = []
    for name, kind in kinds.items():
        if only and name not in only:
            continue
        try:
            if type(kind).plan is ContentKind.plan:  # the usual kind: jobs() per language, with the templates
                jobs.extend(kind.plan(project.conference, project.templates))
            else:  # a kind that plans every language itself, in the older shape
                jobs.extend(kind.plan(project.conference))
        except SettingsError as exc:  # a setting that admits no plan: named with its line, like validate's
            raise ValidationFailed([project.problem(exc.path, str(exc))]) from None
    seen: set[str] = set()
    for job in jobs:
        if job.id in seen:
            raise InputError(f"content kind {job.kind!r} planned {job.id} twice")
        seen.add(job.id)
    return jobs
