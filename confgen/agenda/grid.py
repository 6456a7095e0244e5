"""The slot grid the solver fills: each event day cut into slots, around the breaks."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from confgen.agenda.rules import ScheduleSettings
from confgen.model import Conference, Session


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
