"""Step 1 of the solver: the times. A boolean per (session, feasible start slot); rooms enter only
as counts (see :mod:`confgen.agenda.solver`)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from ortools.sat.python import cp_model

from confgen.agenda.problem import Problem, overlap


class TimeModel:
    def __init__(self, problem: Problem, *, explain: bool = False):
        self.p = problem
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.labels: list[tuple[cp_model.IntVar, str]] = []  # assumption literals, when explaining
        self.explain = explain
        self._build()

    def _guard(self, label: str):
        if not self.explain:
            return None
        literal = self.model.new_bool_var(label)
        self.labels.append((literal, label))
        return literal

    def _add(self, constraint, literal) -> None:
        if literal is not None:
            constraint.only_enforce_if(literal)

    def _build(self) -> None:
        p, m = self.p, self.model
        grid = p.grid
        occupancy: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))  # item -> slot -> vars
        for i, item in enumerate(p.open):
            for t in item.starts:
                var = m.new_bool_var(f"x_{item.session.id}_{t}")
                self.x[i, t] = var
                for u in p.covered(item, t):
                    occupancy[i][u].append(var)
            chosen = [self.x[i, t] for t in item.starts]
            self._add(m.add_exactly_one(chosen) if not self.explain else m.add(sum(chosen) == 1),
                      self._guard(f"session {item.session.id} must be placed"))

        # Speakers are never in two places.
        by_speaker: dict[str, list[int]] = defaultdict(list)
        for i, item in enumerate(p.open):
            for speaker in item.session.speakers:
                by_speaker[speaker].append(i)
        for speaker, items in sorted(by_speaker.items()):
            if len(items) < 2:
                continue
            guard = self._guard(f"speaker {speaker} can be in one session at a time")
            for u in range(len(grid)):
                terms = [v for i in items for v in occupancy[i].get(u, ())]
                if len(terms) > 1:
                    self._add(m.add(sum(terms) <= 1), guard)

        # Rooms, as counts per slot (Hall's condition over the distinct allowed-room sets).
        everything = frozenset(p.rooms)
        families = sorted({item.rooms for item in (*p.open, *p.timed)} | {everything}, key=lambda S: (len(S), sorted(S)))
        inside = {S: [i for i, item in enumerate(p.open) if item.rooms <= S] for S in families}
        timed_inside = {S: [item for item in p.timed if item.rooms <= S] for S in families}
        day_guards: dict[dt.date, object] = {}
        for u, slot in enumerate(grid):
            free = {r for r in p.rooms if p.room_free(r, slot.start, slot.end)}
            day = slot.start.date()
            if day not in day_guards:
                day_guards[day] = self._guard(f"rooms on {day:%m-%d}: one session per room, in a room it may use")
            for S in families:
                terms = [v for i in inside[S] for v in occupancy[i].get(u, ())]
                if not terms:
                    continue
                constant = sum(1 for item in timed_inside[S] if overlap(*item.fixed_time, slot.start, slot.end))
                limit = len(S & free) - constant
                if len(terms) > limit:
                    self._add(m.add(sum(terms) <= max(limit, 0)), day_guards[day])

        if self.explain:
            return
        self._soft(occupancy)

    def _soft(self, occupancy) -> None:
        p, m, w = self.p, self.model, self.p.settings.weights
        grid, costs = p.grid, []
        placed = [s for s in p.conference.sessions if s.start and s.end]

        def constant(u: int, keep) -> int:
            return sum(1 for s in placed if keep(s) and overlap(s.start, s.end, grid[u].start, grid[u].end))

        def penalize_excess(terms, const: int, allowed: int, weight: int, name: str) -> None:
            if weight and terms and len(terms) + const > allowed:
                excess = m.new_int_var(0, len(terms), name)
                m.add(excess >= sum(terms) + const - allowed)
                costs.append(weight * excess)

        tracks: dict[str, list[int]] = defaultdict(list)
        levels: dict[str, list[int]] = defaultdict(list)
        for i, item in enumerate(p.open):
            if item.session.track:
                tracks[item.session.track].append(i)
            levels[item.session.level.value].append(i)
        for track, items in tracks.items():
            for u in range(len(grid)):
                terms = [v for i in items for v in occupancy[i].get(u, ())]
                penalize_excess(terms, constant(u, lambda s: s.track == track), 1, w.track_parallel, f"tp_{track}_{u}")
        total_level = defaultdict(int)
        for s in p.conference.sessions:
            total_level[s.level.value] += 1
        for level, items in levels.items():
            fair = max(1, math.ceil(total_level[level] / max(1, len(grid))))
            for u in range(len(grid)):
                terms = [v for i in items for v in occupancy[i].get(u, ())]
                penalize_excess(terms, constant(u, lambda s: s.level.value == level), fair, w.level_clustering, f"lv_{level}_{u}")
        if costs:
            m.minimize(sum(costs))

    def cut(self, chosen: list[tuple[int, int]]) -> None:
        """Forbid this exact choice of (item, start) pairs from coming back."""
        self.model.add(sum(self.x[key] for key in chosen) <= len(chosen) - 1)
