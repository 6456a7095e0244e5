"""When an offline redraft may skip the gates.

An offline draft is redrafted whenever something it may read changed (another session's abstract,
for a track's guide), and it often comes out the same. When its text and its facts are those of
the draft in place, which confgen wrote and nobody edited since, the gates' verdict on that draft
stands, as it does for every draft that is up to date: only the front matter is written again.
"""

from __future__ import annotations

from confgen.draft import fact_changes
from confgen.draft.drafters import OFFLINE
from confgen.types import Draft, Job


def same_offline_draft(existing: Draft | None, job: Job, text: str) -> bool:
    return (existing is not None and not existing.edited and existing.meta.get("provider") == OFFLINE
            and not existing.meta.get("drafted_by") and existing.body == text.strip() + "\n"
            and existing.meta.get("facts") == fact_changes.snapshot(job.facts))
