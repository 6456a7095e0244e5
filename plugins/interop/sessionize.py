"""Import a Sessionize "All data" JSON export (API endpoint ``view/All``): sessions, speakers,
categories (track, format, level, language), rooms and questions.

Sessionize keeps times as local wall-clock times without a zone, and the file says nothing about
the event itself, so the event's name, zone and place are placeholders the organizer fills in
(or keeps from their project when importing into it)."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

from confgen.api import Importer, hookimpl
from confgen_plugins.interop._common import (
    DEFAULT_CAPACITY, Ids, Node, count_ignored, finish_notes, identifier, language, load_json, mark_main_rooms, note,
    parse_moment, placeholder_event, resolve_double_bookings, session_type, slug, wall, zone,
)

LEVELS = {"introductory": "beginner", "beginner": "beginner", "intermediate": "intermediate",
          "advanced": "advanced", "expert": "advanced"}
CATEGORY_ROLES = {"track": "track", "tracks": "track", "topic": "track", "session format": "type", "format": "type",
                  "level": "level", "language": "language"}
SESSION_FIELDS = {"id", "title", "description", "startsAt", "endsAt", "isServiceSession", "speakers", "categoryItems",
                  "roomId", "status", "isInformed", "isConfirmed", "isPlenumSession", "room"}
SPEAKER_FIELDS = {"id", "firstName", "lastName", "fullName", "bio", "tagLine", "links", "sessions", "isTopSpeaker",
                  "categoryItems"}


def load(content: bytes, filename: str) -> dict[str, Any]:
    root = Node(load_json(content, filename), filename, source=content.decode("utf-8-sig"))
    root.dict()
    tz = zone("UTC")  # wall-clock times stay as they are
    ignored: dict[str, int] = {}
    unknown_types: set[str] = set()
    other_languages: set[str] = set()

    roles: dict[Any, tuple[str, str]] = {}  # category item id -> (role, name)
    tracks: list[dict[str, Any]] = []
    track_ids = Ids()
    for category in root.child("categories").items() if root.value.get("categories") else ():
        title = category.str("title").strip()
        role = CATEGORY_ROLES.get(title.lower())
        if role is None:
            note(f"category {title!r} has no place in conference.yaml; ignored")
        for item in category.child("items").items() if category.dict().get("items") else ():
            name = item.req("name").text().strip()
            item_id = item.req("id").value
            if role == "track":
                tid = track_ids.get(item_id, slug(name, f"track-{len(tracks) + 1}"))
                tracks.append({"id": tid, "name": name})
            if role:
                roles[item_id] = (role, name)

    rooms: list[dict[str, Any]] = []
    room_ids = Ids()
    for room in root.child("rooms").items() if root.value.get("rooms") else ():
        name = room.req("name").text().strip()
        rooms.append({"id": room_ids.get(room.req("id").value, slug(name, f"room-{len(rooms) + 1}")), "name": name,
                      "capacity": DEFAULT_CAPACITY})

    speakers: list[dict[str, Any]] = []
    speaker_ids = Ids()
    for node in root.child("speakers").items() if root.value.get("speakers") else ():
        record = node.dict()
        name = node.str("fullName").strip() or f"{node.str('firstName')} {node.str('lastName')}".strip()
        if not name:
            raise node.fail("a speaker needs fullName or firstName/lastName")
        speaker: dict[str, Any] = {"id": speaker_ids.get(node.req("id").value, slug(name, f"speaker-{len(speakers) + 1}")),
                                   "name": name}
        if node.str("tagLine").strip():
            speaker["title"] = node.str("tagLine").strip()
        if node.str("bio").strip():
            speaker["bio"] = node.str("bio").strip()
        links = [{"label": link.str("title") or link.str("linkType") or link.str("url"), "url": link.str("url")}
                 for link in (node.child("links").items() if record.get("links") else ())
                 if link.str("url").startswith(("http://", "https://"))]
        if links:
            speaker["links"] = links
        count_ignored(record, SPEAKER_FIELDS, ignored, "speakers.")
        speakers.append(speaker)

    sessions: list[dict[str, Any]] = []
    breaks: list[dict[str, Any]] = []
    session_ids = Ids()
    for index, node in enumerate(root.req("sessions").items(), 1):
        record = node.dict()
        title = node.req("title").text().strip()
        start = parse_moment(node.child("startsAt"), tz) if record.get("startsAt") else None
        end = parse_moment(node.child("endsAt"), tz) if record.get("endsAt") else None
        if start and end and end <= start:
            raise node.fail("endsAt is before or at startsAt")
        if record.get("isServiceSession") and not record.get("speakers"):
            if start and end:  # lunch, registration, coffee: the agenda shows them as breaks
                breaks.append({"start": wall(start), "end": wall(end), "title": title})
            continue
        sid = identifier(node.str("id"), f"session-{index}") if record.get("id") is not None else f"session-{index}"
        session: dict[str, Any] = {"id": session_ids.get(index, sid), "title": title}
        if node.str("description").strip():
            session["abstract"] = node.str("description").strip()
        for item_id in record.get("categoryItems") or []:
            role, name = roles.get(item_id, ("", ""))
            if role == "track":
                session["track"] = track_ids.by_key[item_id]
            elif role == "type":
                session["type"] = session_type(name, unknown_types)
            elif role == "level":
                session["level"] = LEVELS.get(name.split()[0].lower(), "intermediate") if name else "intermediate"
            elif role == "language":
                session["language"] = language(name, other_languages)
        people = []
        for position, speaker_key in enumerate(record.get("speakers") or []):
            if speaker_key not in speaker_ids.by_key:
                raise node.child("speakers").child(position).fail(f"unknown speaker id {speaker_key!r}")
            people.append(speaker_ids.by_key[speaker_key])
        session["speakers"] = people
        if record.get("roomId") is not None:
            if record["roomId"] not in room_ids.by_key:
                raise node.child("roomId").fail(f"unknown room id {record['roomId']!r}")
            session["room"] = room_ids.by_key[record["roomId"]]
        if start and end:
            session["start"], session["end"] = wall(start), wall(end)
        count_ignored(record, SESSION_FIELDS, ignored, "sessions.")
        sessions.append(session)

    resolve_double_bookings(sessions)
    mark_main_rooms(rooms, sessions)
    moments = [dt.datetime.fromisoformat(s[k]) for s in [*sessions, *breaks] for k in ("start", "end") if k in s]
    first = min(moments).date() if moments else dt.date.today()
    last = max(moments).date() if moments else first
    name = PurePath(filename).stem.replace("_", " ").replace("-", " ").strip() or "Conference"
    if root.value.get("questions"):
        note(f"{len(root.value['questions'])} Sessionize question(s) and their answers are not imported")
    finish_notes(unknown_types=unknown_types, other_languages=other_languages, ignored=ignored,
                 placeholder_fields=["event.city", "event.venue"], capacities=len(rooms))
    note(f"Sessionize does not say the event's name or time zone: named {name!r}; times are kept as the local "
         f"times they are, so set event.timezone (UTC until you do)")
    event = placeholder_event(name, first, last, "UTC", None)
    del event["timezone"]  # unknown: a merge keeps the project's zone and the local times as they are
    data: dict[str, Any] = {"event": event, "tracks": tracks,
                            "rooms": rooms, "speakers": speakers, "sessions": sessions}
    if breaks:
        data["breaks"] = breaks
    return data


@hookimpl
def confgen_importers():
    return [Importer("sessionize", "Sessionize \"All data\" JSON export", load)]
