"""frab schedules: import and export ``schedule.json`` and ``schedule.xml`` (the C3VOC formats
read by Giggity, EventFahrplan, the VOC tracker and many more)."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from confgen.api import Exporter, Importer, InputError, hookimpl
from confgen_plugins.interop import pretalx
from confgen_plugins.interop._common import Node, parse_duration, parse_moment, zone
from confgen_plugins.interop._frab_write import to_json, to_xml
from confgen_plugins.interop._program import Event, Person, Program, to_conference

EVENT_TAGS = {"room", "title", "type", "date", "start", "duration", "abstract", "description", "slug", "track",
              "persons", "language", "url"}
IGNORED_TAGS = {"links", "subtitle", "logo", "recording", "attachments", "video_download_url", "feedback_url", "origin_url"}


def _parse(content: bytes, filename: str):
    # no entity expansion and no network: a schedule file is untrusted input
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else exc.lineno
        raise InputError(f"{filename}:{line}: invalid XML: {exc.msg}") from None


class _Where:
    def __init__(self, filename: str):
        self.filename = filename

    def fail(self, el, message: str) -> InputError:
        return InputError(f"{self.filename}:{el.sourceline}: <{el.tag}>: {message}")

    def text(self, el, tag: str, required: bool = False) -> str:
        child = el.find(tag)
        value = self.whole_text(child).strip() if child is not None else ""
        if required and not value:
            raise self.fail(el, f"missing <{tag}>")
        return value

    def whole_text(self, el) -> str:
        """All the text of ``el``. Entities are not expanded (untrusted input), and lxml keeps an
        unexpanded one as a child node: ``.text`` alone would silently end the text there."""
        for inner in el.iter():
            if inner is not el and not isinstance(inner.tag, str) and inner.tag is etree.Entity:
                raise self.fail(el, f"the entity {inner.text} is not expanded in a schedule; write its text out")
        return "".join(el.itertext())

    def node(self, el, tag: str) -> Node:
        """A Node so the shared time parsers can complain with this file's line."""
        return Node(self.text(el, tag, required=True), self.filename, f"line {el.find(tag).sourceline}: <{tag}>")


def read_xml(content: bytes, filename: str) -> Program:
    root = _parse(content, filename)
    where = _Where(filename)
    if root.tag != "schedule":
        raise where.fail(root, "the root element must be <schedule>")
    conf = root.find("conference")
    if conf is None:
        raise where.fail(root, "missing <conference>")
    timezone = where.text(conf, "time_zone_name") or "UTC"
    try:
        tz = zone(timezone)
    except InputError:
        raise where.fail(conf.find("time_zone_name"), f"unknown time zone {timezone!r}") from None
    program = Program(title=where.text(conf, "title", required=True), timezone=timezone,
                      acronym=where.text(conf, "acronym"))
    for key in ("start", "end"):
        value = where.text(conf, key)
        if value:
            try:
                setattr(program, key, dt.date.fromisoformat(value[:10]))
            except ValueError:
                raise where.fail(conf.find(key), f"not a date: {value!r}") from None
    program.url = where.text(conf, "url") or where.text(conf, "base_url").removesuffix("schedule/")
    for track in conf.findall("track"):
        program.tracks.append({"name": track.get("name") or (track.text or "").strip(), "slug": track.get("slug") or ""})
    days = root.findall("day")
    if not days:
        raise where.fail(root, "no <day> elements")
    for day in days:
        for room in day.findall("room"):
            name = room.get("name")
            if not name:
                raise where.fail(room, "a room needs a name attribute")
            if name not in [r["name"] for r in program.rooms]:
                program.rooms.append({"name": name})
            for event in room.findall("event"):
                program.events.append(_event(where, event, name, day, tz, program.ignored))
    return program


def _event(where: _Where, el, room_name: str, day, tz, ignored: dict[str, int]) -> Event:
    if el.find("date") is not None:
        start = parse_moment(where.node(el, "date"), tz)
    else:  # older frab files: the day's date plus a wall-clock start
        start_text = where.text(el, "start", required=True)
        try:
            start = dt.datetime.combine(dt.date.fromisoformat(day.get("date") or ""), dt.time.fromisoformat(start_text))
        except ValueError:
            raise where.fail(el, f"cannot read the start {day.get('date')} {start_text}") from None
    end = start + parse_duration(where.node(el, "duration"))
    if end <= start:
        raise where.fail(el, "has no duration")
    persons = []
    for person in el.iterfind("persons/person"):
        name = where.whole_text(person).strip()
        if not name:
            raise where.fail(person, "a person needs a name")
        persons.append(Person(name=name, url=person.get("url") or ""))
    abstract = where.text(el, "abstract")
    description = where.text(el, "description")
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag and tag not in EVENT_TAGS and (tag not in IGNORED_TAGS or len(child) or (child.text or "").strip()):
            if tag != "recording":
                ignored[tag] = ignored.get(tag, 0) + 1
    return Event(
        title=where.text(el, "title", required=True), start=start, end=end, room=where.text(el, "room") or room_name,
        code=el.get("code") or "", url=where.text(el, "url"), slug=where.text(el, "slug"), type=where.text(el, "type"),
        language=where.text(el, "language"), track=where.text(el, "track"),
        abstract="\n\n".join(dict.fromkeys(p for p in (abstract, description) if p)), persons=persons,
    )


def load_xml(content: bytes, filename: str) -> dict:
    return to_conference(read_xml(content, filename))


@hookimpl
def confgen_importers():
    return [
        Importer("frab-json", "frab schedule.json (the C3VOC schedule JSON format)", pretalx.load),
        Importer("frab-xml", "frab schedule.xml (the C3VOC schedule XML format)", load_xml),
    ]


@hookimpl
def confgen_exporters():
    return [
        Exporter("frab-json", "frab/C3VOC schedule.json", ".json", to_json),
        Exporter("frab-xml", "frab/C3VOC schedule.xml", ".xml", to_xml),
    ]
