"""What changed in a draft's facts since it was written. A draft records a flat snapshot of the
facts it was made from (``facts:`` in its front matter); when a person has edited the draft, confgen
keeps it, and this says which facts moved under it (``start: 09:00 → 09:05``) so the text can be
brought in line. Only short values are recorded: the snapshot is for people to read, the
``input_hash`` still covers everything."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Values longer than this (an abstract quoted in the facts) are left out of the snapshot.
MAX_VALUE = 200
#: Facts per draft in the snapshot; a computed plan has hundreds of figures.
MAX_FACTS = 60


def snapshot(facts: dict[str, Any]) -> dict[str, Any]:
    """``facts`` flattened to ``{"speakers.0.name": "Li Na", ...}``, short scalar values only."""
    flat: dict[str, Any] = {}

    def walk(value: Any, path: str) -> None:
        if len(flat) >= MAX_FACTS:
            return
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                walk(item, f"{path}.{index}" if path else str(index))
        elif value is None or isinstance(value, (bool, int, float)):
            flat[path] = value
        elif isinstance(value, str) and len(value) <= MAX_VALUE:
            flat[path] = value

    walk(facts, "")
    return flat


def changes(recorded: Any, facts: dict[str, Any]) -> list[str]:
    """``field: old → new`` for every recorded fact that is different now."""
    if not isinstance(recorded, dict):
        return []
    now = snapshot(facts)
    found = []
    for key, old in recorded.items():
        new = now.get(key, _GONE) if key in now or len(now) < MAX_FACTS else old
        if new != old:
            found.append(f"{key}: {_show(old)} → {_show(new)}")
    for key in now.keys() - recorded.keys():
        if len(recorded) < MAX_FACTS:
            found.append(f"{key}: (none) → {_show(now[key])}")
    return found


class _Gone:
    def __repr__(self) -> str:
        return "(none)"


_GONE = _Gone()


def _show(value: Any) -> str:
    if value is _GONE or value is None:
        return "(none)"
    return str(value)


@dataclass
class Kept:
    message: str
    needs_review: bool = False
    changes: list[str] = field(default_factory=list)


def kept(meta: dict[str, Any], facts: dict[str, Any], same_inputs: bool) -> Kept:
    """What to tell the person whose edited draft is kept. ``same_inputs``: the draft's
    ``input_hash`` still matches what it would be drafted from now."""
    if meta.get("hand_written"):
        return Kept("written by hand (no front matter): used as it is; "
                    "confgen cannot tell whether the facts it states are current")
    if same_inputs:
        return Kept("edited by hand (use --force to replace)")
    if "facts" not in meta:
        return Kept("edited by hand, and what it was drafted from changed since (the draft has no record of which facts)",
                    needs_review=True)
    changed = changes(meta["facts"], facts)
    if not changed:
        return Kept("edited by hand; its abstract, bio or template changed, its facts did not")
    return Kept(f"edited by hand, and {len(changed)} of its facts changed since: bring the text in line, or --force to redraft",
                needs_review=True, changes=changed)
