"""Place unscheduled sessions into slots and rooms with OR-Tools CP-SAT.

The model is split in two so that it scales to FOSDEM-sized events:

1. **Times.** A boolean per (session, feasible start slot). Rooms enter only as counts: in each
   slot, the sessions whose allowed rooms all lie in a set S never outnumber the free rooms of S
   (Hall's condition over the distinct allowed-room sets; exact when those sets are nested, as
   capacity makes them). Speaker clashes, availability and the time soft rules live here.
2. **Rooms**, one day at a time, with the times fixed: a boolean per (session, allowed room), one
   session per room at every instant, and the room soft rules. Should a day have no room plan
   (allowed-room sets that are not nested can fool the counts), that day's time choice is cut
   from step 1 and both steps run again.

Sessions that already have a start and end keep them; those that have a room keep it.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from confgen.errors import InputError
from confgen.model import Conference, Session, tr
from confgen.agenda.problem import Item, Problem, overlap
from confgen.agenda.rules import ScheduleSettings, settings_of

BACK_TO_BACK = dt.timedelta(minutes=15)  # a shorter gap between two talks leaves no time to walk far
CUT_ROUNDS = 5


@dataclass(frozen=True)
class Placement:
    index: int  # position in conference.sessions
    session: str
    room: str
    start: dt.datetime
    end: dt.datetime


@dataclass
class Phase:
    name: str
    status: str
    objective: float
    bound: float
    seconds: float


@dataclass
class Plan:
    placements: list[Placement]
    phases: list[Phase] = field(default_factory=list)
    seconds: float = 0.0
    rounds: int = 1  # time steps solved: more than one when a day had no room plan

    @property
    def objective(self) -> float:
        return sum(p.objective for p in self.phases)

    @property
    def bound(self) -> float:
        # Each room step is bounded for the times chosen in the time step, not for every timing.
        return sum(p.bound for p in self.phases)

    @property
    def gap(self) -> float:
        return (self.objective - self.bound) / max(1.0, abs(self.objective))

    @property
    def optimal(self) -> bool:
        return all(p.status == "OPTIMAL" for p in self.phases)


class Infeasible(InputError):
    """No plan exists; ``reasons`` says which sessions and which rules stand in the way."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("no schedule satisfies every hard rule:\n" + "\n".join(f"  - {r}" for r in reasons))


# ---- step 1: times -------------------------------------------------------------------------------


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


# ---- step 2: rooms for one day -------------------------------------------------------------------


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


# ---- the solve ---------------------------------------------------------------------------------


def _solver(settings: ScheduleSettings, seconds: float, workers: int | None = None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers or settings.workers
    solver.parameters.random_seed = settings.seed
    if settings.relative_gap:
        solver.parameters.relative_gap_limit = settings.relative_gap
    return solver


def _phase(name: str, solver: cp_model.CpSolver, status: int, began: float) -> Phase:
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return Phase(name, solver.status_name(status), solver.objective_value if found else math.nan,
                 solver.best_objective_bound if found else math.nan, time.perf_counter() - began)


def solve(conference: Conference, settings: ScheduleSettings | None = None, *, time_limit: float | None = None) -> Plan:
    """A plan for every session that lacks a time or a room. Raises :class:`Infeasible`."""
    began = time.perf_counter()
    settings = settings or settings_of(conference)[0]
    limit = time_limit or settings.time_limit
    problem = Problem(conference, settings)
    if problem.reasons:
        raise Infeasible(problem.reasons)
    plan = Plan([])
    if not problem.open and not problem.timed:
        return plan
    times = TimeModel(problem)
    for _ in range(CUT_ROUNDS):
        left = limit - (time.perf_counter() - began)
        solver = _solver(settings, left * 0.8)  # the room steps are small assignment models
        started = time.perf_counter()
        status = solver.solve(times.model)
        plan.phases.append(_phase("times", solver, status, started))
        if status == cp_model.INFEASIBLE:
            raise Infeasible(explain(problem, settings))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise Infeasible([f"no plan found within the time limit ({limit:g} s); raise extensions.schedule.time_limit"])
        chosen = {i: t for (i, t), var in times.x.items() if solver.boolean_value(var)}
        placed, failed = _rooms(problem, settings, chosen, plan, began, limit)
        if not failed:
            plan.placements = sorted(placed, key=lambda p: (p.start, p.room, p.session))
            plan.seconds = time.perf_counter() - began
            return plan
        for day in failed:
            times.cut([(i, t) for i, t in chosen.items() if problem.grid[t].start.date() == day])
        plan.phases, plan.rounds = [], plan.rounds + 1
    raise Infeasible([f"no room plan found for {', '.join(f'{d:%m-%d}' for d in failed)} after {CUT_ROUNDS} tries; "
                      "the rooms allowed to keynotes, workshops and large sessions are too few at the chosen times"])


def _rooms(problem: Problem, settings: ScheduleSettings, chosen: dict[int, int], plan: Plan,
           began: float, limit: float) -> tuple[list[Placement], list[dt.date]]:
    by_day: dict[dt.date, list[tuple[Item, dt.datetime, dt.datetime]]] = defaultdict(list)
    for i, t in chosen.items():
        item = problem.open[i]
        start, end = problem.span(item, t)
        by_day[start.date()].append((item, start, end))
    for item in problem.timed:
        by_day[item.fixed_time[0].date()].append((item, *item.fixed_time))
    placed, failed = [], []
    days = sorted(by_day)
    for n, day in enumerate(days):
        model = RoomModel(problem, by_day[day])
        left = max(0.2, limit - (time.perf_counter() - began)) / (len(days) - n)
        solver = _solver(settings, left)
        solver.parameters.linearization_level = 2  # an assignment model: its LP gives a useful bound
        started = time.perf_counter()
        status = solver.solve(model.model)
        plan.phases.append(_phase(f"rooms {day:%m-%d}", solver, status, started))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            failed.append(day)
            continue
        for (e, r), var in model.y.items():
            if solver.boolean_value(var):
                item, start, end = model.entries[e]
                placed.append(Placement(item.index, item.session.id, r, start, end))
    return placed, failed


def explain(problem: Problem, settings: ScheduleSettings) -> list[str]:
    """Which sessions and rules cannot hold together: a small infeasible core found by CP-SAT."""
    model = TimeModel(problem, explain=True)
    model.model.add_assumptions([literal for literal, _ in model.labels])
    solver = _solver(settings, min(settings.time_limit, 10.0), workers=1)
    status = solver.solve(model.model)
    if status != cp_model.INFEASIBLE:
        return ["the sessions fit one by one but not all together; no smaller conflict was found in time"]
    names = {literal.index: label for literal, label in model.labels}
    core = [names[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in names]
    sessions = sorted(label.split()[1] for label in core if label.startswith("session "))
    rules = [label for label in core if not label.startswith("session ")]
    head = f"these sessions cannot all be placed: {', '.join(sessions)}" if sessions else "the placed sessions conflict"
    return [head + (f" — because of: {'; '.join(rules)}" if rules else " — there are not enough slots")]
