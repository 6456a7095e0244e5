"""Importers: real pretalx, Sessionize and frab files become a conference.yaml that validates and
builds; broken files fail with where and why (exit 2); an import merges into a project."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from confgen.load.loader import parse_yaml

from helpers import INTEROP

pytestmark = pytest.mark.slow  # started first, so that no worker is left alone with it at the end

DATA = Path(__file__).parent / "data"
DEMOCON = INTEROP / "pretalx-democon.json"


def load_yaml(text: str):
    """Read YAML with the loader confgen itself uses."""
    return parse_yaml(text, "conference.yaml")[0]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def confgen(*args) -> Result:
    """Run the real command line in a child process (its output unwrapped, as one line per message)."""
    done = subprocess.run(["confgen", *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "1000"})
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def democon(tmp_path_factory) -> Path:
    """DemoCon imported from its real pretalx export and built once."""
    root = tmp_path_factory.mktemp("democon")
    result = confgen("import", "pretalx", DEMOCON, "-o", root / "conference.yaml")
    assert result.returncode == 0, result.stderr
    built = confgen("build", "--offline", root)
    assert built.returncode == 0, built.stderr
    return root


def test_pretalx_import_reports_what_it_did(tmp_path):
    result = confgen("import", "pretalx", DEMOCON, "-o", tmp_path / "conference.yaml")
    assert result.returncode == 0, result.stderr
    assert "36 sessions added" in result.stdout
    assert "note: event.city, event.venue are not in this format" in result.stderr
    # the real export double-books a speaker; the import says so instead of writing an invalid file
    assert "stephanie-hudson" in result.stderr


def test_pretalx_import_validates_and_builds(democon):
    assert confgen("validate", democon).returncode == 0
    data = load_yaml((democon / "conference.yaml").read_text(encoding="utf-8"))
    assert [r["id"] for r in data["rooms"]] == ["gray-room", "tan-room"]
    first = next(s for s in data["sessions"] if s["id"] == "G9JGWY")
    # 09:00+01:00 in an event whose zone is UTC is 08:00 on the event's clock
    assert (first["start"], first["end"], first["room"], first["track"]) == ("2020-12-14 08:00", "2020-12-14 08:30", "gray-room", "phased")
    assert first["speakers"] == ["brian-robinson"] and first["language"] == "en"
    assert first["abstract"].startswith("Brand back-end models!\n\nStation provide")
    workshop = next(s for s in data["sessions"] if s["room"] == "tan-room")
    assert workshop["type"] == "workshop"
    page = democon / "build" / "site" / "en" / "talks" / "G9JGWY" / "index.html"
    assert "Focused 5thgeneration hardware" in page.read_text(encoding="utf-8")
    assert (democon / "build" / "site" / "en" / "speakers" / "brian-robinson" / "index.html").is_file()


def imported(fmt: str, source: Path, project: Path) -> tuple[Result, dict]:
    """Import ``source`` as the project's conference.yaml, which must then validate: what the
    import said, and the data it wrote."""
    result = confgen("import", fmt, source, "-o", project / "conference.yaml")
    assert result.returncode == 0, result.stderr
    assert confgen("validate", project).returncode == 0
    return result, load_yaml((project / "conference.yaml").read_text(encoding="utf-8"))


def test_sessionize_import(tmp_path):
    result, data = imported("sessionize", DATA / "sessionize-all.json", tmp_path)
    assert "category 'Audience'" in result.stderr and "question" in result.stderr
    sessions = {s["id"]: s for s in data["sessions"]}
    assert set(sessions) == {"512301", "512302", "512303"}
    assert sessions["512302"]["type"] == "workshop" and sessions["512302"]["language"] == "zh"
    assert sessions["512302"]["level"] == "advanced" and sessions["512302"]["speakers"] == ["speaker-2", "ada-lovelace"]
    assert sessions["512301"]["start"] == "2026-06-12 09:00"  # local time kept as it is
    assert "<script>" in sessions["512301"]["abstract"]  # kept as data; pages sanitize it
    assert data["breaks"] == [{"start": "2026-06-12 12:00", "end": "2026-06-12 13:30", "title": "Lunch"}]
    speakers = {s["id"]: s for s in data["speakers"]}
    assert speakers["ada-lovelace"]["links"] == [{"label": "Blog", "url": "https://ada.example.org"}]
    assert next(r for r in data["rooms"] if r["id"] == "main-hall")["main"] is True  # hosts keynotes


def test_frab_xml_import(tmp_path):
    result, data = imported("frab-xml", DATA / "frab-schedule.xml", tmp_path)
    assert "['de']" in result.stderr and "video_download_url" in result.stderr
    assert data["event"]["timezone"] == "Europe/Berlin"
    ids = [s["id"] for s in data["sessions"]]
    assert ids == ["AB12CD", "soldering-for-everyone", "firmware-archaeology"]
    assert data["sessions"][1]["speakers"] == ["linus-torvalds", "grace-hopper"]
    assert data["sessions"][2]["room"] == "saal-2" and data["sessions"][2]["type"] == "talk"


@pytest.mark.parametrize(("fmt", "name", "content", "expected"), [
    ("pretalx", "broken.json", '{"schedule": {\n  "conference": [1,\n}', "broken.json:3:1: invalid JSON"),
    ("pretalx", "empty.json", '{"schedule": {"version": "1"}}', "empty.json:1: $.schedule.conference: required field is missing"),
    ("frab-json", "bad-date.json", json.dumps({"schedule": {"conference": {"title": "X", "days": [{"rooms": {"Hall": [
        {"date": "yesterday", "duration": "00:30", "title": "T"}]}}]}}}),
     "bad-date.json:1: $.schedule.conference.days[0].rooms.Hall[0].date: not an ISO date-time"),
    ("frab-xml", "broken.xml", "<schedule>\n<conference>\n</schedule>", "broken.xml:3: invalid XML"),
    ("frab-xml", "notitle.xml", "<schedule><conference><acronym>abcd</acronym></conference>\n<day/></schedule>",
     "notitle.xml:1: <conference>: missing <title>"),
    ("sessionize", "speaker.json", json.dumps({"sessions": [{"id": "1", "title": "T", "speakers": ["nobody"]}], "speakers": []}),
     "speaker.json:1: $.sessions[0].speakers[0]: unknown speaker id 'nobody'"),
])
def test_bad_input_says_where(tmp_path, fmt, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = confgen("import", fmt, path, "-o", tmp_path / "conference.yaml")
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "conference.yaml").exists()


def test_unknown_format_and_missing_file(tmp_path):
    result = confgen("import", "eventbrite", DEMOCON, "-o", tmp_path / "c.yaml")
    assert result.returncode == 2 and "unknown import format 'eventbrite'" in result.stderr and "pretalx" in result.stderr
    result = confgen("import", "pretalx", tmp_path / "nope.json", "-o", tmp_path / "c.yaml")
    assert result.returncode == 2 and "cannot read" in result.stderr and "Traceback" not in result.stderr


def test_import_merges_into_a_project(mini_project):
    # an export of the project itself, with one talk moved and one talk new
    exported = confgen("export", "frab-json", mini_project, "-o", "-")
    assert exported.returncode == 0, exported.stderr
    schedule = json.loads(exported.stdout)
    day = schedule["schedule"]["conference"]["days"][0]
    talk = day["rooms"]["主会场"][0]
    talk["date"] = talk["date"].replace("09:00", "08:30")
    talk["end"] = talk["end"].replace("09:45", "09:15")
    extra = dict(talk, id=99, guid="0b5c9c9e-1d1a-4c39-9a3a-5b0e4c8e7f10", code="NEW123", title="A new talk",
                 date=talk["date"].replace("08:30", "16:00"), end=talk["date"].replace("08:30", "16:30"),
                 slug="testdevcon-099-new123",
                 url="https://testdevcon.example.org/zh/talks/NEW123/")
    day["rooms"]["主会场"].append(extra)
    source = mini_project / "schedule.json"
    source.write_text(json.dumps(schedule, ensure_ascii=False), encoding="utf-8")
    venue = load_yaml((mini_project / "conference.yaml").read_text(encoding="utf-8"))["event"]["venue"]

    result = confgen("import", "frab-json", source, "-o", mini_project / "conference.yaml")
    assert result.returncode == 0, result.stderr
    assert "sessions: updated k1 (start, end)" in result.stdout
    assert "sessions: added NEW123" in result.stdout
    text = (mini_project / "conference.yaml").read_text(encoding="utf-8")
    assert "# A small two-day event used across the tests." in text  # the organizer's comments stay
    data = load_yaml(text)
    k1 = data["sessions"][0]
    assert k1["title"] == {"zh": "大模型应用的下一步", "en": "What comes next for LLM applications"}  # translations kept
    assert (k1["start"], k1["end"]) == ("2026-06-12 08:30", "2026-06-12 09:15")
    assert data["event"]["venue"] == venue  # no TBA over real facts
    assert [r["id"] for r in data["rooms"]] == ["hall", "room-a", "lab"]  # matched by name, not duplicated
    assert data["sessions"][-1]["speakers"] == ["li-na"]
    assert confgen("validate", mini_project).returncode == 0


def test_merge_that_would_break_the_project_writes_nothing(mini_project):
    before = (mini_project / "conference.yaml").read_text(encoding="utf-8")
    clash = {"schedule": {"version": "1", "conference": {"title": "X", "acronym": "xxxx", "time_zone_name": "Asia/Shanghai", "days": [
        {"index": 1, "date": "2026-06-12", "rooms": {"主会场": [
            {"date": "2026-06-12T09:10:00+08:00", "duration": "00:30", "title": "Clash", "code": "CLASH1", "persons": []}]}}]}}}
    source = mini_project / "clash.json"
    source.write_text(json.dumps(clash, ensure_ascii=False), encoding="utf-8")
    result = confgen("import", "pretalx", source, "-o", mini_project / "conference.yaml")
    assert result.returncode == 2
    assert "does not validate; nothing was written" in result.stderr and "overlaps" in result.stderr
    assert (mini_project / "conference.yaml").read_text(encoding="utf-8") == before
