"""Bad input, one problem at a time: each names conference.yaml:LINE and the field, exit 2, no traceback."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from helpers import MINI_CONFERENCE, write_project


def confgen(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "confgen", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = text.splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if needle in line]
    return hits[occurrence - 1]


def test_valid_project_passes(mini_project):
    result = confgen("validate", str(mini_project))
    assert result.returncode == 0, result.stderr
    assert "3 sessions" in result.stdout


CASES = {
    "broken yaml": (lambda t: t.replace("  capacity: 120", "  capacity: [120"), "capacity: [120", 1, "", "invalid YAML"),
    "wrong type": (lambda t: t.replace("capacity: 120", "capacity: lots"), "capacity: lots", 1, "rooms.1.capacity", "integer"),
    "missing field": (lambda t: t.replace("  city: {zh: 上海, en: Shanghai}\n", ""), "event:", 1, "event.city", "required field is missing"),
    "unknown field": (lambda t: t.replace("  capacity: 500\n", "  capacity: 500\n    capacty: 5\n"), "capacty: 5", 1, "rooms.0.capacty", "unknown field"),
    "unknown speaker": (lambda t: t.replace("speakers: [wang-lei]", "speakers: [wang-lie]"), "speakers: [wang-lie]", 1, "sessions.1.speakers.0", "unknown speaker 'wang-lie'"),
    "unknown track": (lambda t: t.replace("track: devtech\n    level: advanced", "track: devops\n    level: advanced"), "track: devops", 1, "sessions.1.track", "unknown track 'devops'"),
    "unknown room": (lambda t: t.replace("room: room-a", "room: room-z"), "room: room-z", 1, "sessions.1.room", "unknown room 'room-z'"),
    "duplicate id": (lambda t: t.replace("- id: t1", "- id: k1"), "- id: k1", 2, "sessions.1.id", "duplicate id 'k1'"),
    "outside the event": (lambda t: t.replace("start: 2026-06-12 10:00", "start: 2026-06-15 10:00").replace("end: 2026-06-12 10:40", "end: 2026-06-15 10:40"),
                          "start: 2026-06-15 10:00", 1, "sessions.1.start", "outside the event"),
    "end before start": (lambda t: t.replace("end: 2026-06-12 10:40", "end: 2026-06-12 09:50"), "end: 2026-06-12 09:50", 1, "sessions.1.end", "before or when it starts"),
    "room double-booked": (lambda t: t.replace("room: room-a", "room: hall").replace("start: 2026-06-12 10:00", "start: 2026-06-12 09:30"),
                           "room: hall", 2, "sessions.1.room", "overlaps k1 in room hall"),
    "speaker in two places": (lambda t: t.replace("speakers: [wang-lei]", "speakers: [li-na]").replace("start: 2026-06-12 10:00", "start: 2026-06-12 09:30"),
                              "speakers: [li-na]", 2, "sessions.1.speakers", "speaker li-na is in t1 and k1"),
    "unknown time zone": (lambda t: t.replace("timezone: Asia/Shanghai", "timezone: Mars/Olympus"), "timezone: Mars", 1, "event.timezone", "unknown time zone"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_reported_with_file_line_and_field(tmp_path, case):
    mutate, needle, occurrence, field, message = CASES[case]
    text = mutate(MINI_CONFERENCE)
    assert text != MINI_CONFERENCE, "the mutation must change the file"
    project = write_project(tmp_path / "p", text)
    result = confgen("validate", str(project))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    expected_line = line_of(text, needle, occurrence)
    first = next(line for line in result.stderr.splitlines() if line.startswith("conference.yaml:"))
    prefix = rf"conference\.yaml:{expected_line}(:\d+)?: " + (re.escape(f"{field}: ") if field else "")
    assert re.match(prefix, first), f"{first!r} should match {prefix!r}\n{result.stderr}"
    assert message in result.stderr


def test_all_problems_are_reported_at_once(tmp_path):
    text = MINI_CONFERENCE.replace("room: room-a", "room: room-z").replace("speakers: [wang-lei]", "speakers: [nobody]")
    result = confgen("validate", str(write_project(tmp_path / "p", text)))
    assert result.returncode == 2
    assert "unknown room 'room-z'" in result.stderr and "unknown speaker 'nobody'" in result.stderr


def test_bad_build_writes_nothing(tmp_path):
    project = write_project(tmp_path / "p", MINI_CONFERENCE.replace("room: room-a", "room: room-z"))
    result = confgen("build", str(project))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert not (project / "content").exists() and not (project / "build").exists()


def test_missing_project_and_file(tmp_path):
    result = confgen("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "no such project folder" in result.stderr
    (tmp_path / "empty").mkdir()
    result = confgen("build", str(tmp_path / "empty"))
    assert result.returncode == 2 and "confgen init" in result.stderr and "Traceback" not in result.stderr


def test_usage_error_exits_2(mini_project):
    result = confgen("generate", str(mini_project), "--concurrency", "0")
    assert result.returncode == 2 and "Traceback" not in result.stderr
