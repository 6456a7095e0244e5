"""Write the conference as a frab schedule, JSON or XML, valid against the C3VOC schema and XSD.

Ids travel back on re-import: a session's id in ``code`` (when it looks like one) and at the end
of its ``slug`` and ``url`` (``…/talks/<id>/``); a speaker's id at the end of its ``url``
(``…/speakers/<id>/``). Without a site URL those URLs are ``urn:confgen:<acronym>/…``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import warnings
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from lxml import etree

from confgen.api import stable_hash
from confgen.model import Conference, Session, tr
from confgen_plugins.interop._common import slug

JSON_SCHEMA_ID = "https://c3voc.de/schedule/schema.json"
TIMESLOT = "00:05"


def _generator_version() -> str:
    try:
        return version("confgen")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


def acronym_of(conference: Conference) -> str:
    wanted = str((conference.extensions.get("frab") or {}).get("acronym") or "") or tr(conference.event.name, "en")
    value = re.sub(r"[^a-z0-9_]+", "_", slug(wanted, "conference").replace("-", "_")).strip("_") or "conference"
    return value if len(value) >= 4 else f"{value}_conf"


def duration(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class Schedule:
    """The conference seen as frab sees it, computed once for both writers."""

    conference: Conference
    lang: str
    acronym: str
    base: str  # "https://…/" or "urn:confgen:<acronym>/"

    @classmethod
    def of(cls, conference: Conference) -> "Schedule":
        acronym = acronym_of(conference)
        base = conference.base_url + "/" if conference.base_url else f"urn:confgen:{acronym}/"
        unscheduled = [s.id for s in conference.sessions if not s.scheduled]
        if unscheduled:
            warnings.warn(f"{len(unscheduled)} unscheduled session(s) left out: {', '.join(unscheduled[:10])}", stacklevel=3)
        return cls(conference, conference.site.default_language, acronym, base)

    @property
    def http(self) -> bool:
        return self.base.startswith("http")

    def guid(self, what: str, key: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.base}{what}/{key}"))

    def talk_url(self, session_id: str) -> str:
        return f"{self.base}{self.lang}/talks/{session_id}/" if self.http else f"{self.base}talks/{session_id}/"

    def speaker_url(self, speaker_id: str) -> str:
        return f"{self.base}{self.lang}/speakers/{speaker_id}/" if self.http else f"{self.base}speakers/{speaker_id}/"

    def number(self, session: Session) -> int:
        return self.conference.sessions.index(session) + 1

    def event_slug(self, session: Session) -> str:
        return f"{self.acronym}-{self.number(session):03d}-{slug(session.id, 'session')}"

    def version(self) -> str:
        return stable_hash([s.model_dump(mode="json") for s in self.conference.sessions])

    def days(self) -> list[tuple[int, dt.date, dict[str, list[Session]]]]:
        conference = self.conference
        scheduled = conference.scheduled_sessions()
        days = sorted(set(conference.event.days) | {s.start.date() for s in scheduled})
        result = []
        for index, day in enumerate(days, 1):
            rooms: dict[str, list[Session]] = {self.name(r.name): [] for r in conference.rooms}
            for session in scheduled:
                if session.start.date() == day:
                    rooms[self.name(conference.room(session.room).name)].append(session)
            result.append((index, day, rooms))
        return result

    def day_bounds(self, day: dt.date) -> tuple[str, str]:
        start = self.conference.aware(dt.datetime.combine(day, dt.time(0, 0)))
        end = self.conference.aware(dt.datetime.combine(day, dt.time(23, 59)))
        return start.isoformat(), end.isoformat()

    def name(self, value: Any) -> str:
        return tr(value, self.lang)

    def track_name(self, session: Session) -> str | None:
        track = self.conference.track(session.track)
        return self.name(track.name) if track else None


def to_json(conference: Conference) -> bytes:
    s = Schedule.of(conference)
    event = conference.event
    conf: dict[str, Any] = {
        "acronym": s.acronym,
        "title": s.name(event.name),
        "start": event.start_date.isoformat(),
        "end": event.end_date.isoformat(),
        "daysCount": len(event.days),
        "timeslot_duration": TIMESLOT,
        "time_zone_name": event.timezone,
    }
    if s.http:
        conf["url"] = s.base
    conf["tracks"] = [{"name": s.name(t.name), **({"slug": t.id} if re.fullmatch(r"[a-z0-9_-]+[a-z0-9]", t.id) else {})}
                      for t in conference.tracks]
    conf["rooms"] = [_json_room(s, r) for r in conference.rooms]
    conf["days"] = []
    for index, day, rooms in s.days():
        day_start, day_end = s.day_bounds(day)
        conf["days"].append({"index": index, "date": day.isoformat(), "day_start": day_start, "day_end": day_end,
                             "rooms": {name: [_json_event(s, e) for e in events] for name, events in rooms.items()}})
    schedule: dict[str, Any] = {"version": s.version()}
    if s.http:
        schedule["base_url"] = s.base
    schedule["conference"] = conf
    document = {"$schema": JSON_SCHEMA_ID, "generator": {"name": "confgen", "version": _generator_version()},
                "schedule": schedule}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_room(s: Schedule, room) -> dict[str, Any]:
    data: dict[str, Any] = {"name": s.name(room.name), "guid": s.guid("rooms", room.id), "capacity": room.capacity}
    if re.fullmatch(r"[a-z0-9_-]+[a-z0-9]", room.id):
        data["slug"] = room.id
    if room.floor:
        data["description"] = s.name(room.floor)
    if room.workshop:
        data["type"] = "workshop"
    return data


def _json_event(s: Schedule, session: Session) -> dict[str, Any]:
    conference = s.conference
    start = conference.aware(session.start)
    data: dict[str, Any] = {
        "guid": s.guid("talks", session.id),
        "id": s.number(session),
    }
    if re.fullmatch(r"[A-Z0-9]+", session.id):
        data["code"] = session.id
    data.update({
        "logo": "",
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "end": conference.aware(session.end).isoformat(),
        "duration": duration(session.minutes or 0),
        "room": s.name(conference.room(session.room).name),
        "slug": s.event_slug(session),
        "url": s.talk_url(session.id),
        "title": s.name(session.title),
        "subtitle": "",
        "track": s.track_name(session),
        "type": session.type.value,
        "language": session.language,
        "abstract": s.name(session.abstract),
        "description": "",
        "recording_license": "",
        "do_not_record": False,
        "persons": [_json_person(s, conference.speaker(i)) for i in session.speakers if conference.speaker(i)],
        "links": [],
        "attachments": [],
    })
    return data


def _json_person(s: Schedule, speaker) -> dict[str, Any]:
    # only "name" (no integer id with public_name): the schema accepts exactly one person style
    data: dict[str, Any] = {"name": s.name(speaker.name), "guid": s.guid("speakers", speaker.id)}
    if re.fullmatch(r"[A-Z0-9]+", speaker.id):
        data["code"] = speaker.id
    data["url"] = s.speaker_url(speaker.id)
    data["biography"] = s.name(speaker.bio) or None
    data["links"] = [{"url": str(link.url), "title": link.label} for link in speaker.links]
    return data


def to_xml(conference: Conference) -> bytes:
    s = Schedule.of(conference)
    event = conference.event
    root = etree.Element("schedule")
    etree.SubElement(root, "generator", name="confgen", version=_generator_version())
    etree.SubElement(root, "version").text = s.version()
    conf = etree.SubElement(root, "conference")
    for tag, text in (("title", s.name(event.name)), ("acronym", s.acronym), ("start", event.start_date.isoformat()),
                      ("end", event.end_date.isoformat()), ("days", str(len(event.days))),
                      ("timeslot_duration", TIMESLOT), ("time_zone_name", event.timezone)):
        etree.SubElement(conf, tag).text = text
    if s.http:
        etree.SubElement(conf, "base_url").text = s.base
        etree.SubElement(conf, "url").text = s.base
    for track in conference.tracks:
        attrs = {"name": s.name(track.name)}
        if re.fullmatch(r"[a-z][a-z0-9-]+", track.id):
            attrs["slug"] = track.id
        etree.SubElement(conf, "track", **attrs)
    speaker_numbers = {sp.id: n for n, sp in enumerate(conference.speakers, 1)}
    for index, day, rooms in s.days():
        day_start, day_end = s.day_bounds(day)
        day_el = etree.SubElement(root, "day", index=str(index), date=day.isoformat(), start=day_start, end=day_end)
        for room in conference.rooms:
            name = s.name(room.name)
            room_el = etree.SubElement(day_el, "room", name=name, guid=s.guid("rooms", room.id))
            for session in rooms[name]:
                _xml_event(s, room_el, session, speaker_numbers)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _xml_event(s: Schedule, parent, session: Session, speaker_numbers: dict[str, int]) -> None:
    conference = s.conference
    attrs = {"id": str(s.number(session)), "guid": s.guid("talks", session.id)}
    if re.fullmatch(r"[0-9A-Z]{6}", session.id):
        attrs["code"] = session.id
    el = etree.SubElement(parent, "event", **attrs)
    start = conference.aware(session.start)
    for tag, text in (
        ("room", s.name(conference.room(session.room).name)), ("title", s.name(session.title)), ("subtitle", ""),
        ("type", session.type.value), ("date", start.isoformat()), ("start", start.strftime("%H:%M")),
        ("duration", duration(session.minutes or 0)), ("abstract", s.name(session.abstract)),
        ("slug", s.event_slug(session)), ("track", s.track_name(session) or ""), ("language", session.language),
        ("description", ""),
    ):
        etree.SubElement(el, tag).text = text
    persons = etree.SubElement(el, "persons")
    for speaker_id in session.speakers:
        speaker = conference.speaker(speaker_id)
        if speaker:
            etree.SubElement(persons, "person", id=str(speaker_numbers[speaker_id]),
                             guid=s.guid("speakers", speaker_id)).text = s.name(speaker.name)
    recording = etree.SubElement(el, "recording")
    etree.SubElement(recording, "license").text = ""
    etree.SubElement(recording, "optout").text = "false"
    etree.SubElement(el, "links")
    etree.SubElement(el, "attachments")
    if s.http:
        etree.SubElement(el, "url").text = s.talk_url(session.id)
