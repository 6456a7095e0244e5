"""Import a pretalx (or frab) ``schedule.json`` export: the format the C3VOC schema describes."""

from __future__ import annotations

import datetime as dt

from confgen.api import Importer, hookimpl
from confgen_plugins.interop._common import Node, count_ignored, load_json, parse_duration, parse_moment, zone
from confgen_plugins.interop._program import Event, Person, Program, to_conference

EVENT_FIELDS = {"id", "guid", "code", "date", "start", "end", "duration", "room", "slug", "url", "title", "type",
                "language", "abstract", "description", "persons", "track", "links"}
PERSON_FIELDS = {"id", "guid", "code", "name", "public_name", "biography", "url", "links", "answers", "avatar"}


def read(content: bytes, filename: str) -> Program:
    root = Node(load_json(content, filename), filename, source=content.decode("utf-8-sig"))
    conference = root.req("schedule").req("conference")
    conf = conference.dict()
    timezone = conference.str("time_zone_name", "UTC") or "UTC"
    tz = zone(timezone, conference.child("time_zone_name"))
    program = Program(title=conference.req("title").text(), timezone=timezone, acronym=conference.str("acronym"))
    for key in ("start", "end"):
        if conf.get(key):
            try:
                setattr(program, key, dt.date.fromisoformat(conference.str(key)[:10]))
            except ValueError:
                raise conference.child(key).fail(f"not a date: {conf[key]!r}") from None
    base = root.child("schedule").str("base_url")
    program.url = conference.str("url") or (base.removesuffix("schedule/") if base.startswith("http") else "")
    for room in conference.child("rooms").items() if conf.get("rooms") is not None else ():
        description = room.child("description").value
        if isinstance(description, dict):  # {en: …, de: …}
            description = description.get("en") or next(iter(description.values()), "")
        program.rooms.append({"name": room.req("name").text(), "slug": room.str("slug"),
                              "capacity": room.child("capacity").value, "description": description or "",
                              "type": room.str("type")})
    for track in conference.child("tracks").items() if conf.get("tracks") is not None else ():
        program.tracks.append({"name": track.req("name").text(), "slug": track.str("slug")})
    for day in conference.req("days").items():
        rooms = day.req("rooms")
        for room_name in rooms.dict():
            for event in rooms.child(room_name).items():
                program.events.append(_event(event, room_name, tz, program.ignored))
    return program


def _event(node: Node, room_name: str, tz, ignored: dict[str, int]) -> Event:
    record = node.dict()
    start = parse_moment(node.req("date"), tz)
    if record.get("end"):
        end = parse_moment(node.child("end"), tz)
    else:
        end = start + parse_duration(node.req("duration"))
    if end <= start:
        raise node.fail("ends before or when it starts")
    abstract = node.str("abstract").strip()
    description = node.str("description").strip()
    # pretalx splits a submission into a short abstract and a longer description; the model has one text
    text = "\n\n".join(dict.fromkeys(part for part in (abstract, description) if part))
    persons = [_person(p, ignored) for p in node.child("persons").items()] if record.get("persons") else []
    count_ignored(record, EVENT_FIELDS | {"subtitle", "logo", "attachments", "recording_license", "do_not_record",
                                          "do_not_stream", "feedback_url", "origin_url", "answers"}, ignored, "")
    for key in ("subtitle", "attachments", "feedback_url"):
        if record.get(key):
            ignored[key] = ignored.get(key, 0) + 1
    return Event(
        title=node.req("title").text(), start=start, end=end, room=node.str("room") or room_name,
        code=node.str("code"), url=node.str("url"), slug=node.str("slug"), type=node.str("type"),
        language=node.str("language"), track=node.str("track"), abstract=text, persons=persons,
    )


def _person(node: Node, ignored: dict[str, int]) -> Person:
    record = node.dict()
    name = node.str("name") or node.str("public_name")
    if not name.strip():
        raise node.fail("a person needs a name (or public_name)")
    links = []
    for link in node.child("links").items() if record.get("links") else ():
        url = link.str("url")
        if url.startswith(("http://", "https://")):
            links.append({"label": link.str("title") or link.str("type") or url, "url": url})
    count_ignored(record, PERSON_FIELDS, ignored, "persons.")
    if record.get("answers"):
        ignored["persons.answers"] = ignored.get("persons.answers", 0) + 1
    return Person(name=name.strip(), code=node.str("code"), url=node.str("url"), bio=(node.str("biography") or "").strip(),
                  links=links)


def load(content: bytes, filename: str) -> dict:
    return to_conference(read(content, filename))


@hookimpl
def confgen_importers():
    return [Importer("pretalx", "pretalx schedule.json export (the C3VOC schedule JSON format)", load)]
