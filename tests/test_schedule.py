"""The agenda's hard rules, each broken on purpose: `confgen validate` and `confgen schedule` must
name the file and line, exit 2, and print no traceback."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import MINI_CONFERENCE, write_project
from confgen.agenda.grid import slots
from confgen.agenda.rules import ScheduleSettings, settings_of
from confgen.load.loader import load_conference

CONFGEN = shutil.which("confgen")


def run(*args: str) -> subprocess.CompletedProcess:
    """The confgen console script; its output with rich's line wrapping undone."""
    assert CONFGEN, "the confgen console script is not installed"
    result = subprocess.run([CONFGEN, *map(str, args)], capture_output=True, text=True, timeout=120)
    result.stdout, result.stderr = (" ".join(stream.split()) for stream in (result.stdout, result.stderr))
    return result


def line_of(text: str, needle: str, after: str = "") -> int:
    """1-based line of the first ``needle`` that comes after ``after``."""
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def changed(old: str, new: str) -> str:
    assert old in MINI_CONFERENCE, old
    return MINI_CONFERENCE.replace(old, new, 1)


T1_TIME = "    room: room-a\n    start: 2026-06-12 10:00\n"

CASES = {
    "availability": (
        changed("    bio: {zh: 王磊研究模型推理优化。, en: Wang Lei optimizes model inference.}\n",
                "    bio: {zh: 王磊研究模型推理优化。, en: Wang Lei optimizes model inference.}\n"
                "    available:\n      - {start: 2026-06-12 13:00, end: 2026-06-13 18:00}\n"),
        ("start: 2026-06-12 10:00", "id: t1"),
        "sessions.1.start: speaker wang-lei is not available 06-12 10:00–10:40",
    ),
    "capacity": (
        changed(T1_TIME, "    expected_audience: 200\n" + T1_TIME),
        ("room: room-a", "id: t1"),
        "sessions.1.room: t1 expects 200 people but room-a seats 120",
    ),
    "keynote": (
        changed("    room: hall\n", "    room: room-a\n"),
        ("room: room-a", "id: k1"),
        "sessions.0.room: keynote k1 is in room-a, not the main hall (hall)",
    ),
    "workshop": (
        changed("    room: lab\n", "    room: hall\n"),
        ("room: hall", "id: w1"),
        "sessions.2.room: workshop w1 is in hall, which is not a workshop room (lab)",
    ),
    "room overlap": (
        changed(T1_TIME, "    room: hall\n    start: 2026-06-12 09:30\n"),
        ("room: hall", "id: t1"),
        "sessions.1.room: t1 overlaps k1 in room hall",
    ),
    "speaker overlap": (
        changed("    speakers: [wang-lei]\n", "    speakers: [li-na]\n").replace("start: 2026-06-12 10:00", "start: 2026-06-12 09:30"),
        ("speakers: [li-na]", "id: t1"),
        "sessions.1.speakers: speaker li-na is in t1 and k1 at the same time",
    ),
    "settings": (
        MINI_CONFERENCE + "extensions:\n  schedule:\n    slot_minutes: 2\n",
        ("slot_minutes: 2", ""),
        "extensions.schedule.slot_minutes: Input should be greater than or equal to 5",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_hard_rule_is_reported_with_file_and_line(tmp_path: Path, case: str) -> None:
    text, (needle, after), message = CASES[case]
    project = write_project(tmp_path / "p", text)
    expected = f"conference.yaml:{line_of(text, needle, after)}: {message}"
    for command in ("validate", "schedule"):
        result = run(command, project)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert expected in result.stderr, (command, expected, result.stderr)
        assert "Traceback" not in result.stderr


def test_a_valid_agenda_passes_and_soft_rules_only_warn(tmp_path: Path) -> None:
    text = changed(T1_TIME, "    room: room-a\n    start: 2026-06-12 09:00\n").replace(
        "    track: devtech\n    level: advanced", "    track: foundations\n    level: advanced")
    project = write_project(tmp_path / "p", text)
    result = run("schedule", project)
    assert result.returncode == 0, result.stderr
    assert f"conference.yaml:{line_of(text, 'start: 2026-06-12 09:00', 'id: t1')}: sessions.1.start: t1 runs in parallel " \
           "with k1 of the same track foundations (soft)" in result.stdout
    assert "no hard conflicts · 3 of 3 sessions placed · 1 soft warnings" in result.stdout


def test_write_without_solve_is_a_usage_error(mini_project: Path) -> None:
    result = run("schedule", mini_project, "--write")
    assert result.returncode == 2
    assert "--write needs --solve" in result.stderr and "Traceback" not in result.stderr


def test_missing_project_is_an_input_error(tmp_path: Path) -> None:
    result = run("schedule", tmp_path / "nowhere", "--solve")
    assert result.returncode == 2 and "no such project folder" in result.stderr


def test_unquoted_clock_times_survive_yaml_base_60(tmp_path: Path) -> None:
    # YAML 1.1 turns an unquoted 17:30 into 1050; the settings must still mean half past five.
    project = write_project(tmp_path / "p", MINI_CONFERENCE + "extensions:\n  schedule:\n    day_start: 8:30\n    day_end: 17:30\n")
    conference, _ = load_conference(project / "conference.yaml")
    settings, issues = settings_of(conference)
    assert issues == []
    assert (settings.day_start, settings.day_end) == (dt.time(8, 30), dt.time(17, 30))


def test_slots_skip_breaks_and_stop_at_day_end(mini_project: Path) -> None:
    conference, _ = load_conference(mini_project / "conference.yaml")
    grid = slots(conference, ScheduleSettings())
    first_day = [s for s in grid if s.start.date() == dt.date(2026, 6, 12)]
    assert [f"{s.start:%H:%M}" for s in first_day] == ["09:00", "09:45", "10:30", "11:15", "13:30", "14:15", "15:00", "15:45", "16:30"]
    assert not first_day[4].follows and first_day[5].follows  # lunch splits the runs
    assert len(grid) - len(first_day) == 11  # the second day has no break: 09:00 to 17:15
    assert all(s.end <= dt.datetime.combine(s.start.date(), dt.time(17, 30)) for s in grid)
    assert {s.half_day for s in first_day} == {0, 1}
