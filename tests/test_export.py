"""Exporters: frab JSON and XML validate against the C3VOC schema and XSD, the .ics parses, and a
pretalx import exported and imported again gives back the same programme."""

from __future__ import annotations

import json
import os
import subprocess
import warnings

import icalendar
import jsonschema
import pytest
from lxml import etree

from confgen.load.loader import load_conference
from confgen.model import Conference
from confgen_plugins.interop import frab, ics, pretalx
from helpers import INTEROP, REFERENCE_SITE


def conference_from(data: dict) -> Conference:
    return Conference.model_validate(data)


def quietly(function, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args)


@pytest.fixture(scope="module")
def democon() -> Conference:
    return conference_from(quietly(pretalx.load, (INTEROP / "pretalx-democon.json").read_bytes(), "pretalx-democon.json"))


@pytest.fixture(scope="module")
def reference() -> Conference:
    return load_conference(REFERENCE_SITE / "conference.yaml")[0]


@pytest.fixture(scope="module")
def json_validator():
    schema = json.loads((INTEROP / "schedule-json.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def xsd():
    return etree.XMLSchema(etree.parse(str(INTEROP / "frab-schedule.xsd")))


def json_errors(validator, document: bytes) -> list[str]:
    return [f"{e.json_path}: {e.message[:200]}" for e in validator.iter_errors(json.loads(document))]


@pytest.mark.parametrize("which", ["democon", "reference"])
def test_frab_json_validates(request, json_validator, which):
    conference = request.getfixturevalue(which)
    document = frab.to_json(conference)
    assert json_errors(json_validator, document) == []
    events = [e for day in json.loads(document)["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]
    assert len(events) == len(conference.scheduled_sessions())


@pytest.mark.parametrize("which", ["democon", "reference"])
def test_frab_xml_validates(request, xsd, which):
    conference = request.getfixturevalue(which)
    root = etree.fromstring(frab.to_xml(conference))
    assert xsd.validate(root), str(xsd.error_log)
    assert len(root.findall("day/room/event")) == len(conference.scheduled_sessions())


def test_schema_catches_a_broken_export(json_validator, xsd, democon):
    # the checks above can fail: a damaged document is rejected by both references
    document = json.loads(frab.to_json(democon))
    del document["schedule"]["conference"]["days"][0]["rooms"]["Gray Room"][0]["guid"]
    assert json_errors(json_validator, json.dumps(document).encode())
    root = etree.fromstring(frab.to_xml(democon))
    root.find("day/room/event/date").text = "tomorrow"
    assert not xsd.validate(root)


def programme(conference: Conference) -> dict:
    return {
        "sessions": sorted((s.id, s.title["en"], s.room, s.start, s.end, s.track, s.type.value, s.language, tuple(s.speakers))
                           for s in conference.sessions),
        "rooms": [(r.id, r.name["en"]) for r in conference.rooms],
        "persons": sorted((p.id, p.name["en"]) for p in conference.speakers),
        "tracks": [(t.id, t.name["en"]) for t in conference.tracks],
        "zone": conference.event.timezone,
    }


def test_round_trip_through_frab_json_and_xml(democon):
    again_json = conference_from(quietly(pretalx.load, frab.to_json(democon), "schedule.json"))
    again_xml = conference_from(quietly(frab.load_xml, frab.to_xml(democon), "schedule.xml"))
    assert programme(again_json) == programme(democon)
    assert programme(again_xml) == programme(democon)
    # JSON carries abstracts and bios too
    assert {s.id: s.abstract for s in again_json.sessions} == {s.id: s.abstract for s in democon.sessions}
    assert {p.id: p.bio for p in again_json.speakers} == {p.id: p.bio for p in democon.speakers}


def test_ics_has_every_session_and_break_in_the_event_zone(reference):
    calendar = icalendar.Calendar.from_ical(ics.to_ics(reference))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(reference.scheduled_sessions()) + len(reference.breaks)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    first = reference.scheduled_sessions()[0]
    event = next(e for e in events if str(e["UID"]).startswith(f"{first.id}@"))
    assert event.decoded("DTSTART") == reference.aware(first.start)
    assert str(event["SUMMARY"]) == first.title["zh"]
    assert str(event["URL"]).endswith(f"/zh/talks/{first.id}/")
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_ics_is_reproducible(democon):
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    try:
        assert ics.to_ics(democon) == ics.to_ics(democon)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(["confgen", *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "1000"})


def test_export_command_writes_files(mini_project, xsd):
    result = run("export", "frab-xml", mini_project)
    assert result.returncode == 0, result.stderr
    assert xsd.validate(etree.parse(str(mini_project / "build" / "export" / "schedule.xml")))
    target = mini_project / "whole.ics"
    assert run("export", "ics", mini_project, "-o", target).returncode == 0
    assert len(list(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT"))) == 4  # 3 talks, 1 break


def test_export_refuses_bad_input(mini_project):
    result = run("export", "pdf", mini_project)
    assert result.returncode == 2 and "unknown export format 'pdf'" in result.stderr and "frab-json" in result.stderr
    text = (mini_project / "conference.yaml").read_text(encoding="utf-8")
    (mini_project / "conference.yaml").write_text(text.replace("room: room-a", "room: nowhere"), encoding="utf-8")
    result = run("export", "ics", mini_project)
    assert result.returncode == 2 and "unknown room 'nowhere'" in result.stderr and "Traceback" not in result.stderr
