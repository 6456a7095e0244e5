"""The facts of one scheduling instance, precomputed once for both steps of the solver: what each
session may do (allowed rooms, feasible start slots) and what is already taken."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from confgen.agenda.grid import Slot, minutes_of, slots, slots_needed
from confgen.agenda.rules import ScheduleSettings, room_refusal, unavailable
from confgen.model import Conference, Room, Session


@dataclass
class Item:
    index: int
    session: Session
    rooms: frozenset[str]  # allowed rooms
    minutes: int
    starts: list[int] = field(default_factory=list)  # feasible start slots (open items only)
    fixed_time: tuple[dt.datetime, dt.datetime] | None = None


def overlap(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> bool:
    return a0 < b1 and b0 < a1


class Problem:
    """The facts of the instance, precomputed once for both steps."""

    def __init__(self, conference: Conference, settings: ScheduleSettings):
        self.conference = conference
        self.settings = settings
        self.grid: list[Slot] = slots(conference, settings)
        self.rooms: dict[str, Room] = {r.id: r for r in conference.rooms}
        self.fixed: list[Session] = [s for s in conference.sessions if s.scheduled]
        self.open: list[Item] = []  # need a time (and a room unless they have one)
        self.timed: list[Item] = []  # have a time, need a room
        self.reasons: list[str] = []
        self.busy_rooms: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        self.busy_speakers: dict[str, list[tuple[dt.datetime, dt.datetime, str]]] = defaultdict(list)
        for s in self.fixed:
            self.busy_rooms[s.room].append((s.start, s.end))
        for s in conference.sessions:
            if s.start and s.end:
                for speaker in s.speakers:
                    self.busy_speakers[speaker].append((s.start, s.end, s.id))
        for index, s in enumerate(conference.sessions):
            if s.scheduled:
                continue
            allowed = self._allowed_rooms(s)
            item = Item(index, s, allowed, minutes_of(s, settings))
            if s.start and s.end:
                item.fixed_time = (s.start, s.end)
                free = [r for r in allowed if self.room_free(r, s.start, s.end)]
                if not free:
                    self.reasons.append(f"{s.id} ({s.start:%m-%d %H:%M}) has no free room that it may use: {self._why_rooms(s)}")
                self.timed.append(item)
            elif s.start is None and s.end is None:
                item.starts = self._starts(item)
                self.open.append(item)
        if not self.reasons:
            self._room_supply()
            self._speaker_supply()

    def _room_supply(self) -> None:
        """Sessions that can only use a few rooms must fit in those rooms' free slots, all told."""
        free = [{r for r in self.rooms if self.room_free(r, g.start, g.end)} for g in self.grid]
        everything = frozenset(self.rooms)
        for S in sorted({item.rooms for item in (*self.open, *self.timed)} | {everything}, key=lambda S: (len(S), sorted(S))):
            need = [item for item in self.open if item.rooms <= S]
            if not need:
                continue
            demand = sum(slots_needed(item.session, self.settings) for item in need)
            supply = sum(len(S & room_set) for room_set in free) - sum(
                1 for item in self.timed if item.rooms <= S for g in self.grid if overlap(*item.fixed_time, g.start, g.end))
            if demand <= supply:
                continue
            ids = ", ".join(item.session.id for item in need[:10]) + (" …" if len(need) > 10 else "")
            if S == everything:
                self.reasons.append(f"the {len(need)} sessions to place need {demand} room-slots but the event has "
                                    f"only {supply} free ({len(self.grid)} slots × {len(S)} rooms, less those taken)")
            else:
                self.reasons.append(f"{len(need)} sessions ({ids}) may only use rooms {', '.join(sorted(S))} "
                                    f"(room capacity, keynote main hall, workshop rooms or a given room) and need "
                                    f"{demand} slots there, but those rooms have only {supply} free slots")

    def _speaker_supply(self) -> None:
        by_speaker: dict[str, list[Item]] = defaultdict(list)
        for item in self.open:
            for speaker in item.session.speakers:
                by_speaker[speaker].append(item)
        for speaker, items in sorted(by_speaker.items()):
            demand = sum(slots_needed(item.session, self.settings) for item in items)
            reachable = {u for item in items for t in item.starts for u in self.covered(item, t)}
            if len(items) > 1 and demand > len(reachable):
                self.reasons.append(f"speaker {speaker} gives {', '.join(i.session.id for i in items)} ({demand} slots) "
                                    f"but is free for only {len(reachable)} slots (availability and other sessions)")

    def _allowed_rooms(self, s: Session) -> frozenset[str]:
        candidates = [self.rooms[s.room]] if s.room in self.rooms else list(self.rooms.values())
        return frozenset(r.id for r in candidates if room_refusal(self.conference, s, r) is None)

    def _why_rooms(self, s: Session) -> str:
        candidates = [self.rooms[s.room]] if s.room in self.rooms else list(self.rooms.values())
        refusals = [room_refusal(self.conference, s, r) for r in candidates]
        said = sorted({r for r in refusals if r})
        if said:
            return "; ".join(said[:3]) + (" …" if len(said) > 3 else "")
        return "every allowed room is taken at that time"

    def room_free(self, room: str, start: dt.datetime, end: dt.datetime) -> bool:
        return not any(overlap(start, end, b0, b1) for b0, b1 in self.busy_rooms.get(room, ()))

    def span(self, item: Item, t: int) -> tuple[dt.datetime, dt.datetime]:
        start = self.grid[t].start
        return start, start + dt.timedelta(minutes=item.minutes)

    def covered(self, item: Item, t: int) -> range:
        return range(t, t + slots_needed(item.session, self.settings))

    def _starts(self, item: Item) -> list[int]:
        s, k = item.session, slots_needed(item.session, self.settings)
        counts = {"run": 0, "speaker": 0, "busy": 0, "room": 0}
        starts, absent = [], set()
        if not item.rooms:
            self.reasons.append(f"{s.id} may use no room: {self._why_rooms(s)}")
            return []
        for t in range(len(self.grid)):
            if t + k > len(self.grid) or not all(self.grid[u].follows for u in range(t + 1, t + k)):
                counts["run"] += 1
                continue
            start, end = self.span(item, t)
            missing = unavailable(self.conference, s, start, end)
            if missing:
                absent.update(missing)
                counts["speaker"] += 1
                continue
            if any(overlap(start, end, b0, b1) for sp in s.speakers for b0, b1, _ in self.busy_speakers.get(sp, ())):
                counts["busy"] += 1
                continue
            if not any(self.room_free(r, start, end) for r in item.rooms):
                counts["room"] += 1
                continue
            starts.append(t)
        if not starts:
            why = []
            if not self.grid:
                why.append("there are no slots at all (check the event dates, day_start/day_end and breaks)")
            if counts["run"]:
                why.append(f"{item.minutes} minutes need {k} consecutive {self.settings.slot_minutes}-minute slots "
                           f"without a break ({counts['run']} slots fail that)")
            if counts["speaker"]:
                why.append(f"speaker availability ({', '.join(sorted(absent))}) rules out {counts['speaker']} slots")
            if counts["busy"]:
                why.append(f"its speakers are in other sessions during {counts['busy']} slots")
            if counts["room"]:
                why.append(f"every room it may use ({', '.join(sorted(item.rooms))}) is taken during {counts['room']} slots")
            self.reasons.append(f"{s.id} fits no slot: " + "; ".join(why))
        return starts
