"""Single-line fields of imported data made to fit: titles, names, rooms and affiliations arrive
from CFP systems with line breaks and runaway lengths, which conference.yaml refuses (they end up
in page titles, calendar entries and XML attributes). An import collapses the whitespace and
shortens what is too long, and says what it changed."""

from __future__ import annotations

import re
from typing import Any

from confgen.model import MAX_LINE

#: The single-line fields of each section (see ``Line`` and ``Name`` in the model).
FIELDS = {
    "tracks": ("name",), "rooms": ("name", "floor"), "speakers": ("name", "affiliation", "title"),
    "sessions": ("title",), "breaks": ("title",), "sponsors": ("name",), "tickets": ("name",),
}
EVENT_FIELDS = ("name", "tagline", "city", "organizer")
WHITESPACE = re.compile(r"\s+")
ELLIPSIS = "…"


def fit(text: str) -> str:
    """``text`` on one line and at most :data:`MAX_LINE` characters."""
    text = WHITESPACE.sub(" ", text).strip()
    if len(text) > MAX_LINE:
        text = text[: MAX_LINE - 1].rstrip() + ELLIPSIS
    return text


def _fit_value(value: Any, where: str, notes: list[str]) -> Any:
    if isinstance(value, dict):
        return {lang: _fit_value(text, f"{where}.{lang}", notes) for lang, text in value.items()}
    if not isinstance(value, str):
        return value
    fitted = fit(value)
    if fitted != value.strip():
        what = []
        if WHITESPACE.sub(" ", value.strip()) != value.strip() and any(c in value for c in "\n\r\t\v\f\x85\u2028\u2029"):
            what.append("joined its lines")
        if fitted.endswith(ELLIPSIS) and not value.strip().endswith(ELLIPSIS):
            what.append(f"shortened it from {len(value.strip()):,} to {MAX_LINE} characters")
        notes.append(f"{where}: {' and '.join(what) or 'collapsed its spaces'} (a title or name is one line)")
    return fitted


def normalise(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of imported conference data with every single-line field fitted, and notes on what changed."""
    notes: list[str] = []
    data = dict(data)
    if isinstance(data.get("event"), dict):
        event = dict(data["event"])
        for key in EVENT_FIELDS:
            if key in event:
                event[key] = _fit_value(event[key], f"event.{key}", notes)
        if isinstance(event.get("venue"), dict) and "name" in event["venue"]:
            event["venue"] = {**event["venue"], "name": _fit_value(event["venue"]["name"], "event.venue.name", notes)}
        data["event"] = event
    for section, keys in FIELDS.items():
        items = data.get(section)
        if not isinstance(items, list):
            continue
        fitted = []
        for index, item in enumerate(items):
            if isinstance(item, dict):
                label = item.get("id", index)
                item = {**item, **{k: _fit_value(item[k], f"{section}.{label}.{k}", notes) for k in keys if k in item}}
            fitted.append(item)
        data[section] = fitted
    return data, notes
