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
from confgen.model import Conference
from confgen.agenda.problem import Item, Problem
from confgen.agenda.room_model import RoomModel
from confgen.agenda.settings import ScheduleSettings, settings_of
from confgen.agenda.time_model import TimeModel

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
