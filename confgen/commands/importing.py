"""Write imported conference data to conference.yaml, or merge it into an existing one.

Merging keeps what the organizer wrote: their comments, their translations, their event details
and every field the import does not know. The import is trusted only for the schedule itself
(when, where, who, which track): those fields are updated, other fields are filled in only when
missing. Nothing is written unless the result validates.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from confgen import atomic
from confgen.load import one_line, validate
from confgen.errors import InputError
from confgen.load.loader import parse_yaml, schema_problems
from confgen.model import Conference, Room, Session, Speaker, Track

SECTIONS = ("tracks", "rooms", "speakers", "sessions")
# What the source system is the authority on; anything else the organizer may have refined.
MODELS = {"tracks": Track, "rooms": Room, "speakers": Speaker, "sessions": Session}
SCHEDULE_FIELDS = {"sessions": {"start", "end", "room", "track", "speakers"}}
HEADER = "# Imported by confgen; edit freely: a later import keeps your changes outside the schedule.\n"


@dataclass
class Report:
    merged: bool
    changes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the import changed in the data to make it fit

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    @property
    def summary(self) -> str:
        return ", ".join(f"{n} {what}" for what, n in self.counts.items()) or "nothing changed"


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _blocks(value: Any) -> Any:
    """Multi-line text (abstracts, bios) as YAML literal blocks, the way a person would write it."""
    if isinstance(value, str) and "\n" in value.strip():
        return LiteralScalarString(value.strip() + "\n")
    if isinstance(value, dict):
        return {k: _blocks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blocks(v) for v in value]
    return value


def import_into(target: Path, data: dict[str, Any]) -> Report:
    data, notes = one_line.normalise(data)
    data = _blocks(data)
    if target.exists():
        try:
            text = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{target}: cannot read: {exc}") from None
        parse_yaml(text, target.name)  # a broken file is reported with its line before anything else
        document = _yaml().load(text)
        if not isinstance(document, dict):
            raise InputError(f"{target}: not a conference.yaml (the top level must be a mapping)")
        report = Report(merged=True, notes=notes)
        merge(document, data, report)
    else:
        document, report = data, Report(merged=False, notes=notes)
        for section in SECTIONS:
            if data.get(section):
                report.counts[f"{section} added"] = len(data[section])
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    text = buffer.getvalue() if report.merged else HEADER + buffer.getvalue()
    _check(text, target.name)
    atomic.write_text(target, text)
    target.chmod(0o644)  # a file for git and for people, not a private temp file
    return report


def _check(text: str, filename: str) -> None:
    data, lines = parse_yaml(text, filename)
    try:
        conference = Conference.model_validate(data)
    except ValidationError as exc:
        problems = schema_problems(exc, lines, filename)
        raise InputError("the imported conference does not validate; nothing was written:\n"
                         + "\n".join(str(p) for p in problems)) from None
    issues = validate.check(conference)
    if issues:
        raise InputError("the imported conference does not validate; nothing was written:\n"
                         + "\n".join(f"{filename}:{lines.line_of_dotted(path)}: {path}: {message}" for path, message in issues))


def _norm(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _names(item: dict) -> set[str]:
    name = item.get("name") if "name" in item else item.get("title")
    values = name.values() if isinstance(name, dict) else [name]
    return {str(v).strip().lower() for v in values if v}


def merge(document: dict, data: dict[str, Any], report: Report) -> None:
    event = document.setdefault("event", {})
    for key, value in data.get("event", {}).items():
        if key not in event:
            event[key] = value
            report.changes.append(f"event.{key}: added")
    shift = _zone_shift(event.get("timezone"), data.get("event", {}).get("timezone"), report)
    renamed: dict[str, dict[str, str]] = {}
    for section in SECTIONS:
        renamed[section] = _merge_section(document, section, data.get(section) or [], renamed, shift, report)
    existing_breaks = document.get("breaks") or []
    starts = {_norm(b.get("start")) for b in existing_breaks}
    for item in data.get("breaks") or []:
        item = {**item, "start": shift(item["start"]), "end": shift(item["end"])}
        if item["start"] not in starts:
            document.setdefault("breaks", []).append(item)
            report.count("breaks added")
    for name, settings in (data.get("extensions") or {}).items():
        extensions = document.setdefault("extensions", {})
        if name not in extensions:
            extensions[name] = settings


def _zone_shift(ours: str | None, theirs: str | None, report: Report):
    """Imported wall-clock times are in the import's zone; move them into the project's."""
    if not ours or not theirs or ours == theirs:
        return lambda text: text
    report.changes.append(f"times moved from {theirs} to the project's zone {ours}")
    source, target = ZoneInfo(theirs), ZoneInfo(ours)

    def shift(text: str) -> str:
        moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=source)
        return moment.astimezone(target).strftime("%Y-%m-%d %H:%M")

    return shift


def _merge_section(document: dict, section: str, incoming: list[dict], renamed: dict[str, dict[str, str]],
                   shift, report: Report) -> dict[str, str]:
    items = document.get(section)
    if items is None:
        items = document[section] = []
    by_id = {str(item.get("id")): item for item in items if isinstance(item, dict)}
    by_name: dict[str, dict] = {}
    for item in items:
        for name in _names(item) if isinstance(item, dict) else ():
            by_name.setdefault(name, item)
    mapping: dict[str, str] = {}  # imported id -> the project's id
    seen: set[str] = set()
    for new in incoming:
        new = _remap(section, dict(new), renamed, shift)
        match = by_id.get(new["id"]) or next((by_name[n] for n in _names(new) if n in by_name), None)
        if match is None:
            items.append(new)
            by_id[new["id"]] = new
            mapping[new["id"]] = new["id"]
            seen.add(new["id"])
            report.count(f"{section} added")
            report.changes.append(f"{section}: added {new['id']}")
            continue
        mapping[new["id"]] = str(match["id"])
        seen.add(str(match["id"]))
        changed = []
        for key, value in new.items():
            if key == "id":
                continue
            if key not in match:
                field_info = MODELS[section].model_fields.get(key)
                if field_info is not None and _norm(value) == _norm(getattr(field_info.default, "value", field_info.default)):
                    continue  # the model's default already says the same
                match[key] = value
                changed.append(key)
            elif key in SCHEDULE_FIELDS.get(section, ()) and _norm(match[key]) != _norm(value):
                match[key] = value
                changed.append(key)
        if changed:
            report.count(f"{section} updated")
            report.changes.append(f"{section}: updated {match['id']} ({', '.join(changed)})")
    untouched = [str(item.get("id")) for item in items if isinstance(item, dict) and str(item.get("id")) not in seen]
    if untouched and incoming:
        report.changes.append(f"{section}: kept {len(untouched)} not in the import ({', '.join(untouched[:8])}"
                              f"{' …' if len(untouched) > 8 else ''})")
    return mapping


def _remap(section: str, item: dict, renamed: dict[str, dict[str, str]], shift) -> dict:
    if section != "sessions":
        return item
    if item.get("track"):
        item["track"] = renamed["tracks"].get(item["track"], item["track"])
    if item.get("room"):
        item["room"] = renamed["rooms"].get(item["room"], item["room"])
    item["speakers"] = [renamed["speakers"].get(s, s) for s in item.get("speakers", [])]
    for key in ("start", "end"):
        if item.get(key):
            item[key] = shift(item[key])
    return item

