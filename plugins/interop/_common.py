"""What every importer shares: located errors, ids that fit the model, times moved into the
event's zone, and the notes an import leaves for the organizer.

Notes travel as Python warnings (category :class:`ImportNote`) so the importer signature stays
``load(content, filename) -> dict``; the command that runs an importer shows them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import warnings
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from confgen.api import InputError
from confgen.model import SessionType, known_zone

PLACEHOLDER = "TBA"
DEFAULT_CAPACITY = 100
MAX_ID = 80


class ImportNote(UserWarning):
    """Something the organizer should know about an import: a field left out, a value guessed."""


def note(message: str) -> None:
    warnings.warn(message, ImportNote, stacklevel=2)


def load_json(content: bytes, filename: str) -> Any:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        column = exc.start - (content.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"{filename}:{line}:{column}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{filename}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        line, column = _deepest(text)
        raise InputError(f"{filename}:{line}:{column}: invalid JSON: nested more than {MAX_JSON_DEPTH} levels deep") from None
    except ValueError as exc:  # an integer longer than Python converts (4,300 digits)
        digits = LONG_NUMBER.search(text)
        line, column = _position(text, digits.start() if digits else 0)
        raise InputError(f"{filename}:{line}:{column}: invalid JSON: a number too long to read ({exc})".split(";")[0]) from None


#: A schedule is a few levels deep; deeper input is refused before Python's own recursion limit.
MAX_JSON_DEPTH = 200
LONG_NUMBER = re.compile(r"-?\d{1000,}")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]')


def _position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _deepest(text: str) -> tuple[int, int]:
    """Where the nesting first goes past :data:`MAX_JSON_DEPTH`."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return _position(text, match.start())
        elif token in "]}":
            depth -= 1
    return 1, 1


class Node:
    """A JSON value and the path that leads to it, so that every complaint says where."""

    def __init__(self, value: Any, filename: str, path: str = "$", source: str = "", keys: tuple = ()):
        self.value = value
        self.filename = filename
        self.path = path
        self.source = source  # the JSON text, to find a line for a complaint
        self.keys = keys

    def fail(self, message: str) -> InputError:
        line = self.line()
        return InputError(f"{self.filename}:{line}: {self.path}: {message}" if line else f"{self.filename}: {self.path}: {message}")

    def line(self) -> int:
        """The line of this value's key: each key of the path searched after the one before it,
        which finds the right one for the usual shapes of an export (0 when not found)."""
        offset, found = 0, 0
        for key in self.keys:
            if isinstance(key, int):
                continue
            match = re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:").search(self.source, offset)
            if match is None:
                match = re.compile(re.escape(json.dumps(key)) + r"\s*:").search(self.source, offset)
            if match is None:
                return found and self.source.count("\n", 0, offset) + 1
            offset, found = match.start(), 1
        return self.source.count("\n", 0, offset) + 1 if found else 0

    def child(self, key: str | int) -> "Node":
        step = f"[{key}]" if isinstance(key, int) else (f".{key}" if re.fullmatch(r"[A-Za-z_$][\w$]*", key) else f"[{json.dumps(key, ensure_ascii=False)}]")
        if isinstance(key, int):
            value = self.list()[key]
        else:
            value = self.dict().get(key)
        return Node(value, self.filename, self.path + step, self.source, (*self.keys, key))

    def dict(self) -> dict:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected an object, found {_kind(self.value)}")
        return self.value

    def list(self) -> list:
        if not isinstance(self.value, list):
            raise self.fail(f"expected an array, found {_kind(self.value)}")
        return self.value

    def items(self) -> Iterable["Node"]:
        return (self.child(i) for i in range(len(self.list())))

    def req(self, key: str) -> "Node":
        node = self.child(key)
        if node.value is None or node.value == "":
            raise node.fail("required field is missing")
        return node

    def str(self, key: str, default: str = "") -> str:
        node = self.child(key)
        if node.value is None:
            return default
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return str(node.value)
        if not isinstance(node.value, str):
            raise node.fail(f"expected a string, found {_kind(node.value)}")
        return node.value

    def text(self) -> str:
        if not isinstance(self.value, str):
            raise self.fail(f"expected a string, found {_kind(self.value)}")
        return self.value


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def slug(text: str, fallback: str = "") -> str:
    """An ASCII id from a name ("Gray Room" -> "gray-room"); ``fallback`` when nothing is left
    (a Chinese name, say)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_ID].strip("-")
    return value or fallback


def identifier(text: str, fallback: str) -> str:
    """``text`` if it already is a valid Identifier, else an ASCII slug of it."""
    text = str(text).strip()
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", text) and len(text) <= MAX_ID:
        return text
    return slug(text, fallback)


class Ids:
    """Hands out unique ids, remembering which source key got which id."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.by_key: dict[Any, str] = {}

    def get(self, key: Any, wanted: str) -> str:
        if key in self.by_key:
            return self.by_key[key]
        candidate, n = wanted, 2
        while candidate in self.taken:
            candidate = f"{wanted[:MAX_ID - 4]}-{n}"
            n += 1
        self.taken.add(candidate)
        self.by_key[key] = candidate
        return candidate


def zone(name: str | None, node: Node | None = None) -> ZoneInfo:
    if known_zone(name or "UTC"):
        return ZoneInfo(name or "UTC")
    shown = name if not isinstance(name, str) or len(name) <= 64 else name[:60] + "…"
    if node is not None:
        raise node.fail(f"unknown time zone {shown!r}")
    raise InputError(f"unknown time zone {shown!r}")


def parse_moment(node: Node, tz: ZoneInfo) -> dt.datetime:
    """An ISO date-time moved to the event's wall clock (naive, as conference.yaml keeps times).
    A time without offset is already wall-clock time."""
    text = node.text().strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise node.fail(f"not an ISO date-time: {text!r}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz).replace(tzinfo=None)
    return moment


def parse_duration(node: Node) -> dt.timedelta:
    """frab durations: "00:30", "1:30", "01:30:00"."""
    text = node.text().strip()
    match = re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", text)
    if not match:
        raise node.fail(f"not a duration (HH:MM): {text!r}")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)


def wall(moment: dt.datetime) -> str:
    """How conference.yaml writes a time."""
    return moment.strftime("%Y-%m-%d %H:%M")


SESSION_TYPES = {
    "keynote": SessionType.keynote, "talk": SessionType.talk, "lecture": SessionType.talk,
    "presentation": SessionType.talk, "lightning talk": SessionType.talk, "session": SessionType.talk,
    "workshop": SessionType.workshop, "hands-on": SessionType.workshop, "tutorial": SessionType.workshop,
    "case": SessionType.case, "case study": SessionType.case, "panel": SessionType.panel,
    "discussion": SessionType.panel, "round table": SessionType.panel, "roundtable": SessionType.panel,
    "competition": SessionType.competition, "hackathon": SessionType.competition, "contest": SessionType.competition,
}


def session_type(name: str, unknown: set[str]) -> str:
    key = (name or "").strip().lower()
    if not key:
        return SessionType.talk.value
    if key in SESSION_TYPES:
        return SESSION_TYPES[key].value
    unknown.add(name)
    return SessionType.talk.value


def language(code: str | None, others: set[str]) -> str:
    """conference.yaml knows zh and en; anything else is shown as en and noted."""
    code = (code or "").strip().lower()
    if code.startswith("zh") or code in ("chinese", "中文"):
        return "zh"
    if code and not code.startswith("en") and code != "english":
        others.add(code)
    return "en"


def placeholder_event(name: str, start: dt.date, end: dt.date, timezone: str, url: str | None) -> dict:
    event: dict[str, Any] = {
        "name": name, "start_date": start, "end_date": end, "timezone": timezone,
        "city": PLACEHOLDER, "venue": {"name": PLACEHOLDER, "address": PLACEHOLDER},
    }
    if url:
        event["url"] = url
    return event


def finish_notes(*, unknown_types: set[str], other_languages: set[str], ignored: dict[str, int],
                 placeholder_fields: Iterable[str] = (), capacities: int = 0) -> None:
    if unknown_types:
        note(f"session types {sorted(unknown_types)} have no match in conference.yaml; imported as talk")
    if other_languages:
        note(f"session languages {sorted(other_languages)} are shown as en (conference.yaml knows zh and en)")
    if ignored:
        listed = ", ".join(f"{name} ({count}×)" for name, count in sorted(ignored.items()))
        note(f"ignored fields with no place in conference.yaml: {listed}")
    fields = list(placeholder_fields)
    if fields:
        note(f"{', '.join(fields)} are not in this format: set to {PLACEHOLDER!r}; edit them in conference.yaml")
    if capacities:
        note(f"{capacities} room(s) have no capacity: set to {DEFAULT_CAPACITY}; edit them in conference.yaml")


def count_ignored(record: dict, used: set[str], ignored: dict[str, int], prefix: str) -> None:
    """Tally fields a record carries (with a value) that the import does not use."""
    for key, value in record.items():
        if key not in used and value not in (None, "", [], {}, False):
            ignored[f"{prefix}{key}"] = ignored.get(f"{prefix}{key}", 0) + 1


def resolve_double_bookings(sessions: list[dict[str, Any]]) -> None:
    """Source systems let a speaker be in two rooms at once; conference.yaml does not. Keep the
    speaker where they matter most (the session with fewer speakers, else the earlier one), take
    them off the other, and say so."""
    timed = sorted((s for s in sessions if s.get("start") and s.get("end")), key=lambda s: s["start"])
    for position, first in enumerate(timed):
        for second in timed[position + 1:]:
            if second["start"] >= first["end"]:
                break
            for speaker in sorted(set(first["speakers"]) & set(second["speakers"])):
                keep, drop = (first, second) if len(first["speakers"]) <= len(second["speakers"]) else (second, first)
                if len(drop["speakers"]) == 1:
                    keep, drop = drop, keep
                if len(drop["speakers"]) == 1:
                    note(f"speaker {speaker} is in {first['id']} and {second['id']} at the same time; "
                         f"fix the schedule at the source or in conference.yaml")
                    continue
                drop["speakers"].remove(speaker)
                note(f"speaker {speaker} was booked in {first['id']} and {second['id']} at the same time "
                     f"({first['start']}); kept in {keep['id']}, taken off {drop['id']}")


def mark_main_rooms(rooms: list[dict[str, Any]], sessions: list[dict[str, Any]]) -> None:
    """Keynotes belong in the main hall: mark the rooms the source put keynotes in."""
    keynote_rooms = {s.get("room") for s in sessions if s.get("type") == SessionType.keynote.value}
    for room in rooms:
        if room["id"] in keynote_rooms:
            room["main"] = True
