"""A schedule as the frab family of formats sees it (rooms, tracks, events with persons), read
from JSON or XML alike, and turned into the data of a conference.yaml in one place so every
format maps ids, times and text the same way."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from confgen_plugins.interop._common import (
    DEFAULT_CAPACITY, Ids, finish_notes, identifier, language, mark_main_rooms, placeholder_event,
    resolve_double_bookings, session_type, slug, wall,
)


@dataclass
class Person:
    name: str
    code: str = ""
    url: str = ""
    bio: str = ""
    links: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Event:
    title: str
    start: dt.datetime
    end: dt.datetime
    room: str
    code: str = ""
    url: str = ""
    slug: str = ""
    type: str = ""
    language: str = ""
    track: str = ""
    abstract: str = ""
    persons: list[Person] = field(default_factory=list)


@dataclass
class Program:
    title: str
    timezone: str
    acronym: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    url: str = ""
    rooms: list[dict[str, Any]] = field(default_factory=list)  # name, slug, capacity, description
    tracks: list[dict[str, Any]] = field(default_factory=list)  # name, slug
    events: list[Event] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)


def _tail(url: str, folders: tuple[str, ...]) -> str:
    """The id in a talk or speaker URL: ``…/talk/G9JGWY/`` -> ``G9JGWY``."""
    match = re.search(r"/(?:%s)/([^/?#]+)/?(?:[?#].*)?$" % "|".join(folders), url or "")
    return match.group(1) if match else ""


def _session_id(event: Event, acronym: str, index: int) -> str:
    if event.code:
        return identifier(event.code, "")
    from_url = _tail(event.url, ("talk", "talks", "events", "event"))
    if from_url and identifier(from_url, ""):
        return identifier(from_url, "")
    if event.slug:
        # our own exports write "<acronym>-<n>-<id>"; pretalx and frab write "<acronym>-<n>-<title>"
        stripped = re.sub(rf"^{re.escape(acronym)}-\d+-", "", event.slug) if acronym else event.slug
        return identifier(stripped, f"session-{index}")
    return f"session-{index}"


def to_conference(program: Program) -> dict[str, Any]:
    unknown_types: set[str] = set()
    other_languages: set[str] = set()
    room_ids, track_ids, speaker_ids, session_ids = Ids(), Ids(), Ids(), Ids()

    rooms: list[dict[str, Any]] = []
    missing_capacity = 0
    room_names = [r["name"] for r in program.rooms]
    room_names += [e.room for e in program.events if e.room not in room_names]
    described = {r["name"]: r for r in program.rooms}
    for position, name in enumerate(dict.fromkeys(room_names), 1):
        info = described.get(name, {})
        rid = room_ids.get(name, identifier(info.get("slug") or "", "") or slug(name, f"room-{position}"))
        room: dict[str, Any] = {"id": rid, "name": name}
        capacity = info.get("capacity")
        if isinstance(capacity, (int, float)) and capacity > 0:
            room["capacity"] = int(capacity)
        else:
            room["capacity"] = DEFAULT_CAPACITY
            missing_capacity += 1
        if info.get("description"):
            room["floor"] = info["description"]
        if info.get("type") == "workshop":
            room["workshop"] = True
        rooms.append(room)

    tracks: list[dict[str, Any]] = []
    track_names = [t["name"] for t in program.tracks]
    track_names += [e.track for e in program.events if e.track and e.track not in track_names]
    track_slugs = {t["name"]: t.get("slug") or "" for t in program.tracks}
    for position, name in enumerate(dict.fromkeys(track_names), 1):
        tid = track_ids.get(name, identifier(track_slugs.get(name, ""), "") or slug(name, f"track-{position}"))
        tracks.append({"id": tid, "name": name})

    speakers: dict[str, dict[str, Any]] = {}
    sessions: list[dict[str, Any]] = []
    for index, event in enumerate(program.events, 1):
        people = []
        for person in event.persons:
            key = person.code or person.url or person.name
            wanted = (identifier(_tail(person.url, ("speakers", "speaker")), "")
                      or slug(person.name) or identifier(person.code, "") or f"speaker-{len(speaker_ids.taken) + 1}")
            sid = speaker_ids.get(key, wanted)
            if sid not in speakers:
                speaker: dict[str, Any] = {"id": sid, "name": person.name}
                if person.bio:
                    speaker["bio"] = person.bio
                if person.links:
                    speaker["links"] = person.links
                speakers[sid] = speaker
            elif person.bio and "bio" not in speakers[sid]:
                speakers[sid]["bio"] = person.bio
            if sid not in people:
                people.append(sid)
        session: dict[str, Any] = {
            "id": session_ids.get(("session", index), _session_id(event, program.acronym, index)),
            "title": event.title,
        }
        if event.abstract.strip():
            session["abstract"] = event.abstract.strip()
        session["type"] = session_type(event.type, unknown_types)
        if event.track:
            session["track"] = track_ids.by_key[event.track]
        session["language"] = language(event.language, other_languages)
        session["speakers"] = people
        session["room"] = room_ids.by_key[event.room]
        session["start"] = wall(event.start)
        session["end"] = wall(event.end)
        sessions.append(session)

    resolve_double_bookings(sessions)
    mark_main_rooms(rooms, sessions)
    days = [e.start.date() for e in program.events] + [e.end.date() for e in program.events]
    start = program.start or (min(days) if days else dt.date.today())
    end = max([program.end or start, *days])
    data: dict[str, Any] = {
        "event": placeholder_event(program.title, start, end, program.timezone, program.url or None),
        "tracks": tracks, "rooms": rooms, "speakers": list(speakers.values()), "sessions": sessions,
    }
    if program.acronym:
        data["extensions"] = {"frab": {"acronym": program.acronym}}
    finish_notes(unknown_types=unknown_types, other_languages=other_languages, ignored=program.ignored,
                 placeholder_fields=["event.city", "event.venue"], capacities=missing_capacity)
    return data
