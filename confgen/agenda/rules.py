"""The agenda's rules: the hard ones checked on every ``validate`` (one session per room at a time,
no speaker in two places, speaker availability, room capacity, keynotes in the main hall, workshops
in workshop rooms), the soft ones reported by ``confgen schedule``, the slot grid the solver fills,
and the settings under ``extensions.schedule``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Iterator

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from confgen.model import Conference, Room, Session, SessionType, Strict

Issue = tuple[str, str]


def _clock(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 17:30 as the base-60 integer 1050 (17*60+30): turn it back.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return dt.time(value // 60, value % 60)
    return value


Clock = Annotated[dt.time, BeforeValidator(_clock)]


class Weights(Strict):
    """How much each soft rule costs per violation; 0 turns a rule off."""

    track_parallel: Annotated[int, Field(ge=0, le=1000)] = 10  # two talks of one track at once
    popular_small_room: Annotated[int, Field(ge=0, le=1000)] = 3  # a big audience in a small room
    speaker_far_rooms: Annotated[int, Field(ge=0, le=1000)] = 5  # back-to-back talks on different floors
    track_room_changes: Annotated[int, Field(ge=0, le=1000)] = 2  # a track moving rooms within a half-day
    level_clustering: Annotated[int, Field(ge=0, le=1000)] = 1  # one level crowding a slot


class ScheduleSettings(Strict):
    """``extensions.schedule`` in conference.yaml."""

    day_start: Clock = dt.time(9, 0)
    day_end: Clock = dt.time(17, 30)
    slot_minutes: Annotated[int, Field(ge=5, le=600)] = 45
    default_minutes: Annotated[int, Field(ge=5, le=600)] | None = None  # a session with no length given
    time_limit: Annotated[float, Field(gt=0, le=3600)] = 30.0  # seconds for the whole solve
    workers: Annotated[int, Field(ge=1, le=64)] = 2
    relative_gap: Annotated[float, Field(ge=0, le=1)] = 0.0  # stop once this close to the bound
    seed: int = 0
    weights: Weights = Weights()

    @model_validator(mode="after")
    def _day(self) -> "ScheduleSettings":
        if self.day_end <= self.day_start:
            raise ValueError("day_end must be after day_start")
        return self


SETTINGS_PATH = "extensions.schedule"


def settings_of(conference: Conference) -> tuple[ScheduleSettings, list[Issue]]:
    """The schedule settings, or the defaults and the problems found in them."""
    raw = conference.extensions.get("schedule") or {}
    try:
        return ScheduleSettings.model_validate(raw), []
    except ValidationError as exc:
        issues = []
        for error in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = f"unknown setting (known: {', '.join(ScheduleSettings.model_fields)})"
            issues.append((f"{SETTINGS_PATH}.{loc}" if loc else SETTINGS_PATH, message))
        return ScheduleSettings(), issues


# ---- rooms a session may use -------------------------------------------------------------------


def main_rooms(conference: Conference) -> list[Room]:
    """Rooms marked ``main``; with none marked, the largest room is the main hall."""
    marked = [r for r in conference.rooms if r.main]
    if marked or not conference.rooms:
        return marked
    biggest = max(r.capacity for r in conference.rooms)
    return [r for r in conference.rooms if r.capacity == biggest]


def workshop_rooms(conference: Conference) -> list[Room]:
    """Rooms marked ``workshop``; with none marked the project has not opted in, and any room serves."""
    marked = [r for r in conference.rooms if r.workshop]
    return marked or list(conference.rooms)


def room_refusal(conference: Conference, session: Session, room: Room) -> str | None:
    """Why ``session`` may not be held in ``room``, or None when it may."""
    if session.type == SessionType.keynote and room not in main_rooms(conference):
        names = ", ".join(r.id for r in main_rooms(conference))
        return f"keynote {session.id} is in {room.id}, not the main hall ({names})"
    if session.type == SessionType.workshop and room not in workshop_rooms(conference):
        names = ", ".join(r.id for r in workshop_rooms(conference))
        return f"workshop {session.id} is in {room.id}, which is not a workshop room ({names})"
    if session.expected_audience and session.expected_audience > room.capacity:
        return f"{session.id} expects {session.expected_audience} people but {room.id} seats {room.capacity}"
    return None


def unavailable(conference: Conference, session: Session, start: dt.datetime, end: dt.datetime) -> list[str]:
    """Speakers of ``session`` whose availability windows do not cover [start, end)."""
    missing = []
    for speaker_id in session.speakers:
        speaker = conference.speaker(speaker_id)
        if speaker and speaker.available and not any(w.start <= start and end <= w.end for w in speaker.available):
            missing.append(speaker_id)
    return missing


def _windows(conference: Conference, speaker_id: str) -> str:
    speaker = conference.speaker(speaker_id)
    return ", ".join(f"{w.start:%m-%d %H:%M}–{w.end:%H:%M}" for w in speaker.available) if speaker else ""


# ---- hard rules --------------------------------------------------------------------------------


def conflicts(conference: Conference) -> Iterator[Issue]:
    """Every broken hard rule of the placed sessions, as ``(dotted.path, message)``."""
    yield from settings_of(conference)[1]
    yield from _overlaps(conference)
    for index, session in enumerate(conference.sessions):
        where = f"sessions.{index}"
        room = conference.room(session.room)
        if room is not None:
            refusal = room_refusal(conference, session, room)
            if refusal:
                yield f"{where}.room", refusal
        if session.start and session.end and session.end > session.start:
            for speaker_id in unavailable(conference, session, session.start, session.end):
                yield f"{where}.start", (
                    f"speaker {speaker_id} is not available {session.start:%m-%d %H:%M}–{session.end:%H:%M} "
                    f"(available: {_windows(conference, speaker_id)})"
                )


def _running_together(conference: Conference) -> Iterator[tuple[str, Session, list[Session]]]:
    """Each timed session (with its field path) and the earlier-starting sessions still running
    when it starts: a sweep over start times, so each session meets only those it overlaps."""
    index_of = {id(s): i for i, s in enumerate(conference.sessions)}
    timed = sorted((s for s in conference.sessions if s.start and s.end and s.end > s.start), key=lambda s: s.start)
    running: list[Session] = []
    for session in timed:
        running = [other for other in running if other.end > session.start]
        yield f"sessions.{index_of[id(session)]}", session, running
        running.append(session)


def _overlaps(conference: Conference) -> Iterator[Issue]:
    for where, session, running in _running_together(conference):
        for other in running:
            if session.room and session.room == other.room:
                yield f"{where}.room", (
                    f"{session.id} overlaps {other.id} in room {session.room} "
                    f"({other.start:%m-%d %H:%M}–{other.end:%H:%M})"
                )
            for speaker_id in sorted(set(session.speakers) & set(other.speakers)):
                yield f"{where}.speakers", (
                    f"speaker {speaker_id} is in {session.id} and {other.id} at the same time "
                    f"({session.start:%m-%d %H:%M})"
                )


# ---- soft rules --------------------------------------------------------------------------------


def warnings(conference: Conference) -> Iterator[Issue]:
    """Placed sessions that break a soft rule: worth a look, never an error."""
    for where, session, running in _running_together(conference):
        for other in running:
            if session.track and session.track == other.track:
                yield f"{where}.start", f"{session.id} runs in parallel with {other.id} of the same track {session.track}"
        for item in conference.breaks:
            if session.start < item.end and item.start < session.end:
                yield f"{where}.start", f"{session.id} runs into the break {item.start:%m-%d %H:%M}–{item.end:%H:%M}"


# ---- the slot grid -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    index: int
    start: dt.datetime
    end: dt.datetime
    half_day: int  # counts mornings and afternoons across the event; a break at noon splits them
    follows: bool  # starts right where the previous slot ended (no break between)


def slots(conference: Conference, settings: ScheduleSettings) -> list[Slot]:
    """Each event day from ``day_start`` to ``day_end`` cut into slots of ``slot_minutes``; a slot
    that would overlap a break starts again after it."""
    length = dt.timedelta(minutes=settings.slot_minutes)
    grid: list[Slot] = []
    half_day = -1
    for day in conference.event.days:
        at = dt.datetime.combine(day, settings.day_start)
        day_end = dt.datetime.combine(day, settings.day_end)
        noon = dt.datetime.combine(day, dt.time(12, 0))
        breaks = sorted((b for b in conference.breaks if b.start < day_end and b.end > at), key=lambda b: b.start)
        half_day += 1
        afternoon = False
        previous_end = None
        while at + length <= day_end:
            clash = next((b for b in breaks if at < b.end and b.start < at + length), None)
            if clash is not None:
                at = max(at, clash.end)
                continue
            if not afternoon and at >= noon:
                afternoon = True
                half_day += 1
            grid.append(Slot(len(grid), at, at + length, half_day, follows=previous_end == at))
            previous_end = at + length
            at += length
        if not afternoon:
            half_day += 1
    return grid


def minutes_of(session: Session, settings: ScheduleSettings) -> int:
    return session.minutes or settings.default_minutes or settings.slot_minutes


def slots_needed(session: Session, settings: ScheduleSettings) -> int:
    return max(1, math.ceil(minutes_of(session, settings) / settings.slot_minutes))


# ---- writing a plan back -----------------------------------------------------------------------

_FIELD_ORDER = ("id", "title", "abstract", "type", "track", "level", "language", "speakers", "room", "start", "end")


def write_placements(path: Path, placements: list[tuple[int, str, dt.datetime, dt.datetime]]) -> None:
    """Set ``room``, ``start`` and ``end`` of the sessions at the given positions in ``path``,
    keeping every comment, quote, key order and indentation of the rest of the file."""
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    from confgen.atomic import write_text

    text = path.read_text(encoding="utf-8")
    _, sequence_indent, offset = load_yaml_guess_indent(text)
    yaml = YAML()  # round-trip mode
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never re-wrap the user's long lines
    yaml.indent(mapping=2, sequence=sequence_indent or 2, offset=offset or 0)
    document = yaml.load(text)
    sessions = document["sessions"]
    for index, room, start, end in placements:
        entry = sessions[index]
        for key, value in (("room", room), ("start", f"{start:%Y-%m-%d %H:%M}"), ("end", f"{end:%Y-%m-%d %H:%M}")):
            if key in entry:
                entry[key] = value
            else:
                entry.insert(_position(entry, key), key, value)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    write_text(path, buffer.getvalue())


def _position(entry: Any, key: str) -> int:
    """Where ``key`` goes: right after the last key that comes before it in the usual order."""
    before = _FIELD_ORDER[: _FIELD_ORDER.index(key)]
    keys = list(entry.keys())
    last = max((i for i, k in enumerate(keys) if k in before), default=len(keys) - 1)
    return last + 1
