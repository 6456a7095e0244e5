"""Step 2 of the solver: the rooms of one day, with the times fixed (see :mod:`confgen.agenda.solver`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ortools.sat.python import cp_model

from confgen.agenda.problem import Item, Problem
from confgen.model import Session, tr

BACK_TO_BACK = dt.timedelta(minutes=15)  # a shorter gap between two talks leaves no time to walk far


class RoomModel:
    def __init__(self, problem: Problem, entries: list[tuple[Item, dt.datetime, dt.datetime]]):
        self.p, self.entries = problem, entries
        self.model = cp_model.CpModel()
        self.y: dict[tuple[int, str], cp_model.IntVar] = {}
        self._build()

    def _build(self) -> None:
        p, m = self.p, self.model
        for e, (item, start, end) in enumerate(self.entries):
            allowed = [r for r in sorted(item.rooms) if p.room_free(r, start, end)]
            for r in allowed:
                self.y[e, r] = m.new_bool_var(f"y_{item.session.id}_{r}")
            m.add_exactly_one([self.y[e, r] for r in allowed] or [m.new_constant(0)])
        # One session per room at every instant: an interval graph's cliques sit at start times.
        for point in sorted({start for _, start, _ in self.entries}):
            here = [e for e, (_, s0, s1) in enumerate(self.entries) if s0 <= point < s1]
            for r in p.rooms:
                terms = [self.y[e, r] for e in here if (e, r) in self.y]
                if len(terms) > 1:
                    m.add_at_most_one(terms)
        self._soft()

    def _floor(self, room: str) -> str:
        floor = self.p.rooms[room].floor
        return tr(floor, "en") if floor else room  # without floors, any other room counts as far

    def _soft(self) -> None:
        p, m, w = self.p, self.model, self.p.settings.weights
        costs = []
        capacity = max((r.capacity for r in p.rooms.values()), default=1)
        audience = max([s.expected_audience or 0 for s in p.conference.sessions] + [1])
        if w.popular_small_room:
            for (e, r), var in self.y.items():
                crowd = self.entries[e][0].session.expected_audience or 0
                cost = round(20 * crowd / audience * (capacity - p.rooms[r].capacity) / capacity)
                if cost:
                    costs.append(w.popular_small_room * cost * var)
        day = self.entries[0][1].date() if self.entries else None
        fixed_today = [s for s in p.fixed if s.start.date() == day]
        if w.track_room_changes:
            groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
            for e, (item, start, _) in enumerate(self.entries):
                if item.session.track:
                    groups[item.session.track, start.hour >= 12].append(e)
            for (track, afternoon), members in groups.items():
                pinned = {s.room for s in fixed_today if s.track == track and (s.start.hour >= 12) == afternoon}
                used = []
                for r in p.rooms:
                    terms = [self.y[e, r] for e in members if (e, r) in self.y]
                    if r in pinned:
                        continue
                    if terms:
                        flag = m.new_bool_var(f"tr_{track}_{afternoon}_{r}")
                        for term in terms:
                            m.add_implication(term, flag)
                        used.append(flag)
                # Rooms beyond the first one the track uses in this half-day each cost a change.
                if used and (len(used) + len(pinned) > 1):
                    changes = m.new_int_var(0, len(used) + len(pinned), f"trc_{track}_{afternoon}")
                    m.add(changes >= sum(used) + len(pinned) - 1)
                    costs.append(w.track_room_changes * changes)
        if w.speaker_far_rooms:
            self._far_rooms(costs, fixed_today)
        if costs:
            m.minimize(sum(costs))

    def _far_rooms(self, costs: list, fixed_today: list[Session]) -> None:
        p, m, w = self.p, self.model, self.p.settings.weights
        floors = sorted({self._floor(r) for r in p.rooms})
        where: list[tuple[str, dt.datetime, dt.datetime, object]] = []  # speaker, start, end, room expr/floor
        for e, (item, start, end) in enumerate(self.entries):
            for speaker in item.session.speakers:
                where.append((speaker, start, end, e))
        for s in fixed_today:
            for speaker in s.speakers:
                where.append((speaker, s.start, s.end, self._floor(s.room)))

        def on(at, floor: str):
            if isinstance(at, str):
                return int(at == floor)
            return sum(var for (e, r), var in self.y.items() if e == at and self._floor(r) == floor)

        by_speaker: dict[str, list] = defaultdict(list)
        for entry in where:
            by_speaker[entry[0]].append(entry)
        for speaker, talks in by_speaker.items():
            talks.sort(key=lambda t: t[1])
            for a, b in zip(talks, talks[1:]):
                if not (dt.timedelta(0) <= b[1] - a[2] <= BACK_TO_BACK) or (isinstance(a[3], str) and isinstance(b[3], str)):
                    continue
                far = m.new_bool_var(f"far_{speaker}_{b[1]:%H%M}")
                for floor in floors:
                    apart = on(a[3], floor) - on(b[3], floor)
                    if not isinstance(apart, int):  # a room with no allowed room on this floor adds nothing
                        m.add(apart <= far)
                costs.append(w.speaker_far_rooms * far)
