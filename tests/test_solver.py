"""`confgen schedule --solve [--write]`: plans that meet every hard rule (checked here, not by the
solver), files written with their comments intact, and impossible inputs explained."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import yaml

from helpers import MINI_CONFERENCE, write_project

from test_schedule import run


EXTRA_SPEAKERS = """\
  - id: zhao-min  # only on the second day
    name: {zh: 赵敏, en: Zhao Min}
    available:
      - {start: 2026-06-13 09:00, end: 2026-06-13 12:00}
  - id: chen-yu
    name: {zh: 陈宇, en: Chen Yu}
"""

EXTRA_SESSIONS = """\
  # Below: sessions still waiting for a slot.
  - id: k2
    title: Closing keynote
    type: keynote
    speakers: [chen-yu]
    expected_audience: 450
    duration: 45
  - id: w2
    title: Prompt lab
    type: workshop
    speakers: [zhao-min, li-na]
    duration: 90
  - id: t2
    title: Scaling retrieval  # a popular one
    track: foundations
    speakers: [wang-lei]
    expected_audience: 110
    duration: 40
  - id: t3
    title: Evaluating agents
    track: foundations
    speakers: [wang-lei, chen-yu]
    duration: 40
  - id: t4
    title: Fine-tuning on a budget
    track: devtech
    level: beginner
    speakers: [zhao-min]
    duration: 30
  - id: t5
    title: Timed, room to find
    track: devtech
    speakers: [li-na]
    start: 2026-06-12 14:00
    end: 2026-06-12 14:40
"""


def open_conference() -> str:
    """MINI_CONFERENCE with t1 and w1 unplaced, and six more sessions to place."""
    text = MINI_CONFERENCE.replace(
        "    room: room-a\n    start: 2026-06-12 10:00\n    end: 2026-06-12 10:40\n", "    duration: 40  # minutes\n"
    ).replace("    room: lab\n    start: 2026-06-13 13:30\n    end: 2026-06-13 15:00\n", "    duration: 90\n")
    text = text.replace("sessions:\n", EXTRA_SPEAKERS + "sessions:\n", 1)
    return text.replace("breaks:\n", EXTRA_SESSIONS + "breaks:\n", 1)


def _at(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.strptime(str(value), "%Y-%m-%d %H:%M")


def hard_rule_breaks(data: dict) -> list[str]:
    """Every hard rule a written conference breaks, checked from the raw YAML."""
    rooms = {r["id"]: r for r in data["rooms"]}
    speakers = {s["id"]: s for s in data["speakers"]}
    breaks = [(_at(b["start"]), _at(b["end"])) for b in data.get("breaks", [])]
    sessions = data["sessions"]
    broken = []
    for s in sessions:
        if not all(k in s for k in ("room", "start", "end")):
            broken.append(f"{s['id']} not placed")
            continue
        start, end, room = _at(s["start"]), _at(s["end"]), rooms[s["room"]]
        if "duration" in s and (end - start) != dt.timedelta(minutes=s["duration"]):
            broken.append(f"{s['id']} lasts {end - start}, not {s['duration']} minutes")
        if s.get("expected_audience", 0) > room["capacity"]:
            broken.append(f"{s['id']} too big for {room['id']}")
        if s.get("type") == "keynote" and not room.get("main"):
            broken.append(f"keynote {s['id']} outside the main hall")
        if s.get("type") == "workshop" and not room.get("workshop"):
            broken.append(f"workshop {s['id']} outside a workshop room")
        if any(start < b1 and b0 < end for b0, b1 in breaks):
            broken.append(f"{s['id']} during a break")
        if start.time() < dt.time(9) or end.time() > dt.time(17, 30):
            broken.append(f"{s['id']} outside the day")
        for sp in s.get("speakers", []):
            windows = speakers[sp].get("available") or []
            if windows and not any(_at(w["start"]) <= start and end <= _at(w["end"]) for w in windows):
                broken.append(f"{sp} unavailable for {s['id']}")
    for i, a in enumerate(sessions):
        for b in sessions[i + 1:]:
            if "start" not in a or "start" not in b:
                continue
            if _at(a["start"]) < _at(b["end"]) and _at(b["start"]) < _at(a["end"]):
                if a["room"] == b["room"]:
                    broken.append(f"{a['id']} and {b['id']} share {a['room']}")
                if set(a.get("speakers", [])) & set(b.get("speakers", [])):
                    broken.append(f"{a['id']} and {b['id']} share a speaker")
    return broken


def test_solved_plan_meets_every_hard_rule_and_keeps_comments(tmp_path: Path) -> None:
    text = open_conference()
    project = write_project(tmp_path / "p", text)
    before = yaml.load(text, Loader=yaml.CSafeLoader)
    assert hard_rule_breaks(before)  # the unplaced sessions are what the solver must fix

    shown = run("schedule", project, "--solve")
    assert shown.returncode == 0, shown.stderr
    assert "8 sessions placed" in shown.stdout and "best bound" in shown.stdout and "gap" in shown.stdout
    assert (project / "conference.yaml").read_text(encoding="utf-8") == text  # without --write nothing changes

    written = run("schedule", project, "--solve", "--write")
    assert written.returncode == 0, written.stderr
    after_text = (project / "conference.yaml").read_text(encoding="utf-8")
    after = yaml.load(after_text, Loader=yaml.CSafeLoader)
    assert hard_rule_breaks(after) == []

    # Placed sessions stay; the timed one keeps its time and only gains a room.
    old = {s["id"]: s for s in before["sessions"]}
    for s in after["sessions"]:
        for key in ("room", "start", "end"):
            if key in old[s["id"]]:
                assert s[key] == old[s["id"]][key], (s["id"], key)
    assert {s["id"]: s["room"] for s in after["sessions"]}["k2"] == "hall"

    # Only room/start/end lines were added; every comment and every other line is as it was.
    diff = [d for d in difflib.ndiff(text.splitlines(), after_text.splitlines()) if d[:1] in "+-"]
    assert all(d.startswith("+ ") for d in diff), diff
    assert all(d[2:].strip().split(":")[0] in ("room", "start", "end") for d in diff), diff
    for comment in ("# A small two-day event", "# only on the second day", "# Below: sessions still waiting",
                    "# a popular one", "duration: 40  # minutes"):
        assert comment in after_text

    again = run("schedule", project)
    assert again.returncode == 0, again.stderr
    assert f"{len(after['sessions'])} of {len(after['sessions'])} sessions placed" in again.stdout


def test_speaker_who_cannot_fit_is_explained(tmp_path: Path) -> None:
    text = open_conference().replace(
        "      - {start: 2026-06-13 09:00, end: 2026-06-13 12:00}", "      - {start: 2026-06-13 09:00, end: 2026-06-13 09:45}")
    result = run("schedule", write_project(tmp_path / "p", text), "--solve")
    assert result.returncode == 2, result.stdout
    assert "w2 fits no slot" in result.stderr and "speaker availability (zhao-min)" in result.stderr
    assert "Traceback" not in result.stderr


def test_too_few_big_rooms_is_explained(tmp_path: Path) -> None:
    text = open_conference()
    for session in ("t2", "t3", "t4"):
        text = text.replace(f"  - id: {session}\n", f"  - id: {session}\n    type: keynote\n")
    text += "extensions:\n  schedule:\n    day_start: 9:00\n    day_end: 10:30\n"
    result = run("schedule", write_project(tmp_path / "p", text), "--solve")
    assert result.returncode == 2, result.stdout
    assert "may only use rooms hall" in result.stderr and "keynote main hall" in result.stderr
    for session in ("k2", "t2", "t3", "t4"):
        assert session in result.stderr


def test_conflict_found_only_by_the_solver_names_its_sessions_and_speakers(tmp_path: Path) -> None:
    # Three sessions, each pair sharing a speaker; every speaker has two sessions and two free slots,
    # so each fits alone, but the three together need three slots.
    window = "    available: [{start: 2026-06-13 09:00, end: 2026-06-13 10:30}]\n"
    text = MINI_CONFERENCE.replace("sessions:\n", "  - id: zhou\n    name: Zhou\n" + window + "sessions:\n", 1)
    for speaker in ("li-na", "wang-lei"):
        text = text.replace(f"  - id: {speaker}\n", f"  - id: {speaker}\n" + window, 1)
    for old in ("[li-na]", "[wang-lei]", "[li-na, wang-lei]"):  # the placed sessions step aside
        text = text.replace(f"    speakers: {old}\n    room:", "    speakers: []\n    room:", 1)
    text = text.replace("breaks:\n", """\
  - id: a
    title: A
    speakers: [li-na, wang-lei]
  - id: b
    title: B
    speakers: [wang-lei, zhou]
  - id: c
    title: C
    speakers: [li-na, zhou]
breaks:
""", 1)
    result = run("schedule", write_project(tmp_path / "p", text), "--solve", "--time-limit", "10")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "these sessions cannot all be placed: a, b, c" in result.stderr, result.stderr
    assert "speaker li-na can be in one session at a time" in result.stderr
    assert "Traceback" not in result.stderr


def test_nothing_to_solve(mini_project: Path) -> None:
    result = run("schedule", mini_project, "--solve", "--write")
    assert result.returncode == 0, result.stderr
    assert "nothing to solve" in result.stdout
