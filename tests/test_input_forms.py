"""Input that is unusual but right is accepted: times written with a UTC offset become the venue's
wall-clock time; imports fit titles and names onto one line and say so; the e-mail pattern of the
gates stays linear on long unbroken text."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import pytest
import yaml

from confgen.load.project import open_project
from confgen_plugins.gates._markdown import EMAIL
from helpers import INTEROP, MINI_CONFERENCE, write_project


def confgen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "confgen", *args], capture_output=True, text=True, timeout=120)


BIO = "    bio: {zh: 李娜专注于检索增强生成。, en: Li Na works on retrieval-augmented generation.}\n"
OFFSETS = {
    "session-plus-8": ("start: 2026-06-12 09:00", "start: 2026-06-12T09:00:00+08:00"),
    "session-z": ("start: 2026-06-12 09:00", "start: 2026-06-12T01:00:00Z"),
    "session-minus-2-quoted": ("start: 2026-06-12 09:00", 'start: "2026-06-11T23:00:00-02:00"'),
    "session-end-z": ("end: 2026-06-12 09:45", "end: 2026-06-12T01:45:00Z"),
    "break-z": ("start: 2026-06-12 12:00", "start: 2026-06-12T04:00:00Z"),
}


@pytest.mark.parametrize("name", OFFSETS)
def test_times_with_offsets_are_converted_to_the_event_zone(tmp_path, name):
    old, new = OFFSETS[name]
    assert old in MINI_CONFERENCE
    project = write_project(tmp_path / "p", MINI_CONFERENCE.replace(old, new, 1))
    conference = open_project(project).conference
    k1 = conference.sessions[0]
    assert k1.start == dt.datetime(2026, 6, 12, 9, 0) and k1.end == dt.datetime(2026, 6, 12, 9, 45)
    assert conference.breaks[0].start == dt.datetime(2026, 6, 12, 12, 0)
    assert k1.start.tzinfo is None  # compared with every naive time without a TypeError


def test_availability_windows_with_offsets_are_checked_against_naive_sessions(tmp_path):
    assert BIO in MINI_CONFERENCE
    text = MINI_CONFERENCE.replace(
        BIO, BIO +
        "    available:\n"
        "      - {start: 2026-06-12T00:00:00Z, end: 2026-06-12T02:00:00Z}\n"
        "      - {start: '2026-06-13T13:00:00+08:00', end: 2026-06-13T16:00:00+08:00}\n")
    result = confgen("validate", str(write_project(tmp_path / "p", text)))
    assert result.returncode == 0, result.stderr
    window = open_project(tmp_path / "p").conference.speakers[0].available[0]
    assert (window.start, window.end) == (dt.datetime(2026, 6, 12, 8, 0), dt.datetime(2026, 6, 12, 10, 0))


def test_a_window_in_utc_that_misses_the_talk_is_a_conflict(tmp_path):
    text = MINI_CONFERENCE.replace(
        BIO, BIO +
        "    available:\n"
        "      - {start: 2026-06-12T09:00:00Z, end: 2026-06-13T09:00:00Z}\n")  # 17:00 to 17:00 local
    result = confgen("validate", str(write_project(tmp_path / "p", text)))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert re.search(r"conference\.yaml:\d+: sessions\.0\.", result.stderr), result.stderr


def test_import_fits_multi_line_and_long_titles_and_says_what_it_changed(tmp_path):
    schedule = json.loads((INTEROP / "pretalx-democon.json").read_text("utf-8"))
    events = [e for day in schedule["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]
    events[0]["title"] = "First line of a title\nand its second line"
    events[1]["title"] = "Long " * 100
    events[2]["persons"][0]["public_name"] = "A\tspeaker\r\nname" if events[2]["persons"] else "x"
    source = tmp_path / "export.json"
    source.write_text(json.dumps(schedule), "utf-8")
    target = tmp_path / "conference.yaml"
    result = confgen("import", "pretalx", str(source), "-o", str(target))
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert any(".title: joined its lines" in n for n in notes), notes
    assert any("shortened it from 499 to 200 characters" in n for n in notes), notes
    data = yaml.safe_load(target.read_text("utf-8"))
    titles = [s["title"] if isinstance(s["title"], str) else s["title"]["en"] for s in data["sessions"]]
    assert "First line of a title and its second line" in titles
    long_title = next(t for t in titles if t.startswith("Long Long"))
    assert len(long_title) == 200 and long_title.endswith("…")
    assert all("\n" not in (s["name"] if isinstance(s["name"], str) else s["name"]["en"]) for s in data["speakers"])
    assert confgen("validate", str(tmp_path)).returncode == 0


@pytest.mark.timeout(30)
def test_the_email_pattern_is_linear_on_long_unbroken_text():
    """Quadratic before: each start inside a run of word characters scanned the whole run."""
    text = "a" * 200_000
    assert EMAIL.search(text) is None
    assert EMAIL.search(text + "@example.org").group(0) == text + "@example.org"
    assert [m.group(0) for m in EMAIL.finditer("write to hi@x.org or to a.b@c.example.com.")] == ["hi@x.org", "a.b@c.example.com"]
