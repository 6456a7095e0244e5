"""Calendars: every .ics a build writes parses with icalendar, carries a real VTIMEZONE and keeps
one UID per session across files and languages, so a changed schedule updates entries."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

from confgen.cli.entry import app
from confgen.model import Conference
from confgen.load.project import open_project
from confgen_plugins.site import calendar

RUNNER = CliRunner()


@pytest.fixture(scope="module")
def built_mini(tmp_path_factory) -> Path:
    from helpers import write_project

    root = write_project(tmp_path_factory.mktemp("cal") / "mini")
    result = RUNNER.invoke(app, ["build", str(root)])
    assert result.exit_code == 0, result.output
    return root


def read(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_every_calendar_file_is_valid(built_mini):
    files = sorted((built_mini / "build" / "site").rglob("*.ics"))
    names = {str(p.relative_to(built_mini / "build" / "site")) for p in files}
    for lang in ("zh", "en"):
        assert {f"{lang}/calendar/event.ics", f"{lang}/calendar/day-1.ics", f"{lang}/calendar/day-2.ics",
                f"{lang}/calendar/room-hall.ics", f"{lang}/talks/k1.ics", f"{lang}/talks/w1.ics"} <= names
    for path in files:
        raw = path.read_bytes()
        assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n")), path
        cal = read(path)
        assert cal["VERSION"] == "2.0" and cal["PRODID"]
        zones = cal.walk("VTIMEZONE")
        assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"], path
        for event in cal.walk("VEVENT"):
            for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE"):
                assert required in event, (path, required)
            assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
            assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=8)


def test_times_rooms_and_languages(built_mini):
    zh = read(built_mini / "build/site/zh/talks/k1.ics").walk("VEVENT")[0]
    en = read(built_mini / "build/site/en/talks/k1.ics").walk("VEVENT")[0]
    assert str(zh["SUMMARY"]) == "大模型应用的下一步"
    assert str(en["SUMMARY"]) == "What comes next for LLM applications"
    assert zh["UID"] == en["UID"] == "k1@testdevcon.example.org"
    start = en.decoded("DTSTART")
    assert start.astimezone(dt.timezone.utc) == dt.datetime(2026, 6, 12, 1, 0, tzinfo=dt.timezone.utc)
    assert "Main Hall" in str(en["LOCATION"]) and "Test Convention Center" in str(en["LOCATION"])
    assert str(en["URL"]) == "https://testdevcon.example.org/en/talks/k1/"
    day1 = read(built_mini / "build/site/en/calendar/day-1.ics")
    assert sorted(str(e["UID"]).split("@")[0] for e in day1.walk("VEVENT")) == ["k1", "t1"]
    lab = read(built_mini / "build/site/en/calendar/room-lab.ics")
    assert [str(e["UID"]).split("@")[0] for e in lab.walk("VEVENT")] == ["w1"]
    whole = read(built_mini / "build/site/en/calendar/event.ics")
    assert len(whole.walk("VEVENT")) == 3


def test_uid_is_stable_and_sequence_grows_when_republished(mini_project):
    conference: Conference = open_project(mini_project).conference
    first = calendar.calendar(conference, conference.scheduled_sessions(), "en", "x",
                              dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc))
    moved = conference.model_copy(update={"sessions": [
        s.model_copy(update={"start": s.start + dt.timedelta(hours=1), "end": s.end + dt.timedelta(hours=1)})
        for s in conference.sessions]})
    later = calendar.calendar(moved, moved.scheduled_sessions(), "en", "x",
                              dt.datetime(2026, 5, 3, tzinfo=dt.timezone.utc))
    before = {str(e["UID"]): e for e in first.walk("VEVENT")}
    after = {str(e["UID"]): e for e in later.walk("VEVENT")}
    assert before.keys() == after.keys()
    for key in before:
        assert after[key]["SEQUENCE"] > before[key]["SEQUENCE"]
        assert after[key].decoded("DTSTAMP") > before[key].decoded("DTSTAMP")
        assert after[key].decoded("DTSTART") - before[key].decoded("DTSTART") == dt.timedelta(hours=1)


def test_same_day_rebuild_gives_identical_files(mini_project, monkeypatch):
    conference = open_project(mini_project).conference
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    one = calendar.files(conference, "zh")
    two = calendar.files(conference, "zh")
    assert one == two
    stamp = read_bytes_stamp(one["calendar/event.ics"])
    assert stamp == dt.datetime.fromtimestamp(1780000000, dt.timezone.utc)


def read_bytes_stamp(data: bytes) -> dt.datetime:
    return icalendar.Calendar.from_ical(data).walk("VEVENT")[0].decoded("DTSTAMP")


def test_unscheduled_sessions_get_no_event(mini_project):
    from helpers import MINI_CONFERENCE, write_project

    text = MINI_CONFERENCE.replace("    room: lab\n    start: 2026-06-13 13:30\n    end: 2026-06-13 15:00\n",
                                   "    duration: 90\n")
    assert text != MINI_CONFERENCE
    conference = open_project(write_project(mini_project.parent / "unscheduled", text)).conference
    out = calendar.files(conference, "en")
    assert "talks/w1.ics" not in out
    assert len(icalendar.Calendar.from_ical(out["calendar/event.ics"]).walk("VEVENT")) == 2


def test_a_project_without_url_still_has_unique_uids(mini_project):
    from helpers import MINI_CONFERENCE, write_project

    text = MINI_CONFERENCE.replace("  url: https://testdevcon.example.org\n", "")
    conference = open_project(write_project(mini_project.parent / "nourl", text)).conference
    uids = [calendar.uid(conference, s) for s in conference.sessions]
    assert len(set(uids)) == 3 and all(u.endswith("@test-devcon-2026-06-12.confgen.invalid") for u in uids)


def test_bad_timezone_is_an_input_error(mini_project):
    (mini_project / "conference.yaml").write_text(
        (mini_project / "conference.yaml").read_text().replace("Asia/Shanghai", "Mars/Olympus"))
    result = subprocess.run([shutil.which("confgen"), "build", str(mini_project)], capture_output=True, text=True)
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "conference.yaml:7" in output and "Mars/Olympus" in output and "Traceback" not in output


def test_a_track_named_empty_still_gives_its_category(mini_project):
    """The VEVENT says what the facts say, even when a name is an empty string."""
    from helpers import MINI_CONFERENCE, write_project

    text = MINI_CONFERENCE.replace("    name: {zh: 大模型基础, en: LLM Foundations}\n", '    name: ""\n')
    assert text != MINI_CONFERENCE
    conference = open_project(write_project(mini_project.parent / "unnamed", text)).conference
    event = icalendar.Calendar.from_ical(calendar.files(conference, "en")["talks/k1.ics"]).walk("VEVENT")[0]
    assert "CATEGORIES" in event and "DESCRIPTION" in event


def test_a_rebuild_takes_the_entries_of_the_last_one_and_makes_a_changed_one_anew(mini_project, monkeypatch, tmp_path):
    """The calendar keeps its serialized entries and shells in its cache folder: the next build
    gives the same files without icalendar, and an entry whose facts changed is made again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    first = calendar.files(open_project(mini_project).conference, "en", tmp_path)
    assert first == calendar.files(open_project(mini_project).conference, "en")  # the same with nothing kept

    def refused(*args):
        raise AssertionError("serialized again")

    with monkeypatch.context() as patched:
        patched.setattr(calendar, "entry_vevent", refused)
        patched.setattr(calendar, "shell_head", refused)
        assert calendar.files(open_project(mini_project).conference, "en", tmp_path) == first
    (mini_project / "conference.yaml").write_text(
        (mini_project / "conference.yaml").read_text("utf-8").replace("Serving models with vLLM", "Serving with vLLM"), "utf-8")
    made = []
    original = calendar.entry_vevent
    monkeypatch.setattr(calendar, "entry_vevent", lambda e: made.append(e.summary) or original(e))
    changed = calendar.files(open_project(mini_project).conference, "en", tmp_path)
    assert made == ["Serving with vLLM"]
    assert icalendar.Calendar.from_ical(changed["talks/t1.ics"]).walk("VEVENT")[0]["SUMMARY"] == "Serving with vLLM"


@pytest.mark.parametrize("content", ["", "{not json", '{"made_by": "other code", "kept": {}}', '{"made_by": 1, "kept": []}'])
def test_a_damaged_or_foreign_kept_file_only_costs_the_work_again(mini_project, monkeypatch, tmp_path, content):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    expected = calendar.files(open_project(mini_project).conference, "en")
    (tmp_path / "calendar").mkdir()
    for name in ("en.json", "en-shells.json"):
        (tmp_path / "calendar" / name).write_text(content, "utf-8")
    assert calendar.files(open_project(mini_project).conference, "en", tmp_path) == expected
