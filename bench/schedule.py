"""Benchmark of ``confgen schedule --solve`` on deterministic synthetic events.

    python bench/schedule.py                 # 40/5, 200/10 and 800/35 (sessions/rooms)
    python bench/schedule.py --sizes 40/5    # one size
    BASELINE_PYTHON=/path/to/venv/bin/python python bench/schedule.py

Each event: 45-minute slots, 8 a day (09:00–12:00 and 13:00–16:00, lunch between), rooms seating
100–500 (the first is the main hall, one in ten a workshop room), talk demand 50–400, one keynote a
day, a few 90-minute workshops, 15 % of talks given by a speaker who also gives another, 5 % of
speakers available on one day only. Every plan is checked against the hard rules by the validator,
not by the solver. The baseline is the ``conference-scheduler`` package (PuLP/CBC) on the 40/5
event; it is not a dependency of confgen, so it runs under ``BASELINE_PYTHON`` (or this Python if
it has the package) and is skipped with the reason when missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from confgen.agenda import rules  # noqa: E402
from confgen.agenda.grid import minutes_of, slots as grid_of  # noqa: E402
from confgen.agenda.rules import settings_of  # noqa: E402
from confgen.model import Conference  # noqa: E402
from confgen.agenda.solver import Infeasible, Plan, solve  # noqa: E402

SLOTS_PER_DAY = 8
TIME_LIMITS = {40: 5.0, 200: 5.0, 800: 60.0}


def synthetic(sessions: int, rooms: int, seed: int = 7) -> Conference:
    rng = random.Random(seed * 1_000_003 + sessions * 101 + rooms)
    days = math.ceil(sessions / (rooms * SLOTS_PER_DAY * 0.85))
    first = dt.date(2026, 6, 1)
    day_list = [first + dt.timedelta(days=d) for d in range(days)]
    room_list = []
    for r in range(rooms):
        # Capacities spread evenly from 500 down to 100 (with some jitter), as venues grade their rooms.
        capacity = 500 if r == 0 else max(100, min(500, round(500 - 400 * r / max(1, rooms - 1)) + rng.randint(-20, 20)))
        room_list.append({"id": f"r{r}", "name": f"Room {r}", "capacity": capacity,
                          "main": r == 0, "workshop": r % 10 == 5 or (rooms < 10 and r == rooms - 1),
                          "floor": f"{r // 4 + 1}F"})
    track_count = max(2, rooms - 1)
    workshops = max(1, sessions // 60) if sessions >= 100 else 0
    talks = []
    for n in range(sessions):
        kind = "keynote" if n < days else "workshop" if n < days + workshops else "talk"
        demand = 450 if kind == "keynote" else rng.randint(20, 40) if kind == "workshop" else rng.randint(50, 400)
        talks.append({"id": f"s{n}", "title": f"Session {n}", "type": kind, "track": f"t{n % track_count}",
                      "level": rng.choice(["beginner", "intermediate", "advanced"]), "speakers": [f"p{n}"],
                      "expected_audience": demand, "duration": 90 if kind == "workshop" else 40})
    shared = rng.sample(range(days + workshops, sessions), k=round(0.15 * sessions))
    for n in shared:  # this talk's speaker also gives another talk
        other = rng.randrange(days + workshops, sessions)
        if other != n:
            talks[n]["speakers"] = list(talks[other]["speakers"])
    speakers = sorted({p for t in talks for p in t["speakers"]}, key=lambda p: int(p[1:]))
    speaker_list = []
    for p in speakers:
        entry = {"id": p, "name": f"Speaker {p}"}
        if rng.random() < 0.05:
            day = rng.choice(day_list)
            entry["available"] = [{"start": f"{day} 08:00", "end": f"{day} 18:00"}]
        speaker_list.append(entry)
    data = {
        "event": {"name": "Synthetic Con", "start_date": str(first), "end_date": str(day_list[-1]),
                  "city": "Brussels", "venue": {"name": "ULB", "address": "Solbosch"}},
        "tracks": [{"id": f"t{i}", "name": f"Track {i}"} for i in range(track_count)],
        "rooms": room_list, "speakers": speaker_list, "sessions": talks,
        "breaks": [{"start": f"{d} 12:00", "end": f"{d} 13:00", "title": "Lunch"} for d in day_list],
        "extensions": {"schedule": {"day_start": "09:00", "day_end": "16:00", "slot_minutes": 45, "workers": 2}},
    }
    return Conference.model_validate(data)


def check(conference: Conference, plan: Plan) -> list[str]:
    """Every hard rule the planned event breaks, as the validator and the slot grid see it."""
    sessions = list(conference.sessions)
    for p in plan.placements:
        sessions[p.index] = sessions[p.index].model_copy(update={"room": p.room, "start": p.start, "end": p.end})
    placed = conference.model_copy(update={"sessions": sessions})
    problems = [f"{path}: {message}" for path, message in rules.conflicts(placed)]
    settings = settings_of(conference)[0]
    grid = grid_of(conference, settings)
    starts = {s.start for s in grid}
    for s in sessions:
        if not s.scheduled:
            problems.append(f"{s.id}: not placed")
        elif s.start not in starts:
            problems.append(f"{s.id}: starts off the slot grid")
        elif any(s.start < b.end and b.start < s.end for b in conference.breaks):
            problems.append(f"{s.id}: runs into a break")
        elif s.minutes != minutes_of(conference.sessions[sessions.index(s)], settings):
            problems.append(f"{s.id}: wrong length")
    return problems


BASELINE = r"""
import json, sys, time, datetime as dt
from conference_scheduler.resources import Slot, Event
from conference_scheduler import scheduler
from conference_scheduler.lp_problem import objective_functions as of
import pulp
data = json.load(sys.stdin)
slots = [Slot(venue=s["room"], starts_at=dt.datetime.fromisoformat(s["start"]), duration=45,
              capacity=s["capacity"], session=s["session"]) for s in data["slots"]]
events = [Event(name=e["id"], duration=45, demand=e["demand"]) for e in data["events"]]
for e, spec in zip(events, data["events"]):
    e.add_unavailability(*[events[j] for j in spec["clash"]])
    e.add_unavailability(*[slots[j] for j in spec["bad_slots"]])
began = time.perf_counter()
result = scheduler.solution(events, slots, objective_function=of.efficiency_capacity_demand_difference,
                            solver=pulp.PULP_CBC_CMD(msg=False, timeLimit=data["limit"], threads=2))
print(json.dumps({"seconds": time.perf_counter() - began, "placed": len(result)}))
"""


def baseline(conference: Conference, limit: float) -> tuple[float | None, str]:
    """Seconds conference-scheduler takes on the same event, or None and why not."""
    python = os.environ.get("BASELINE_PYTHON", sys.executable)
    probe = subprocess.run([python, "-c", "import conference_scheduler, pulp"], capture_output=True, text=True)
    if probe.returncode:
        return None, (f"conference-scheduler is not importable by {python} "
                      "(pip install conference-scheduler in a separate venv and set BASELINE_PYTHON)")
    if any(s.type.value == "workshop" for s in conference.sessions):
        return None, "conference-scheduler has no multi-slot sessions"
    settings = settings_of(conference)[0]
    grid = grid_of(conference, settings)
    slot_list = [{"room": r.id, "start": g.start.isoformat(), "capacity": r.capacity, "session": str(g.half_day)}
                 for g in grid for r in conference.rooms]
    events = []
    for i, s in enumerate(conference.sessions):
        # Its hard rules are only one event per slot and unavailability, so capacity, the main
        # hall and speaker windows become unavailable slots, shared speakers unavailable events.
        bad = [j for j, slot in enumerate(slot_list)
               if rules.room_refusal(conference, s, conference.room(slot["room"])) is not None
               or rules.unavailable(conference, s, dt.datetime.fromisoformat(slot["start"]),
                                    dt.datetime.fromisoformat(slot["start"]) + dt.timedelta(minutes=45))]
        clash = [j for j, o in enumerate(conference.sessions) if j != i and set(o.speakers) & set(s.speakers)]
        events.append({"id": s.id, "demand": s.expected_audience or 0, "bad_slots": bad, "clash": clash})
    payload = json.dumps({"slots": slot_list, "events": events, "limit": limit})
    try:
        run = subprocess.run([python, "-c", BASELINE], input=payload, capture_output=True, text=True, timeout=limit * 3 + 60)
    except subprocess.TimeoutExpired:
        return None, f"conference-scheduler did not finish in {limit * 3 + 60:g} s"
    if run.returncode:
        return None, "conference-scheduler failed: " + (run.stderr.strip().splitlines() or ["?"])[-1]
    return json.loads(run.stdout)["seconds"], "ok"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["40/5", "200/10", "800/35"])
    args = parser.parse_args()
    print(f"{'size':>8} {'days':>4} {'seconds':>8} {'target':>7} {'objective':>10} {'bound':>10} {'gap':>7} hard-rule breaks")
    ours_40 = None
    for size in args.sizes:
        sessions, rooms = (int(x) for x in size.split("/"))
        conference = synthetic(sessions, rooms)
        limit = TIME_LIMITS.get(sessions, 60.0)
        began = time.perf_counter()
        try:
            plan = solve(conference, time_limit=limit * 0.9)
        except Infeasible as exc:
            print(f"{size:>8} {len(conference.event.days):>4} {time.perf_counter() - began:>8.2f} {limit:>7.0f} no plan: {exc.reasons[0]}")
            continue
        seconds = time.perf_counter() - began
        broken = check(conference, plan)
        if sessions == 40:
            ours_40 = seconds
        print(f"{size:>8} {len(conference.event.days):>4} {seconds:>8.2f} {limit:>7.0f} {plan.objective:>10.0f} "
              f"{plan.bound:>10.0f} {plan.gap:>7.1%} {len(broken)}" + (f"  e.g. {broken[0]}" if broken else ""))
    if ours_40 is not None:
        seconds, why = baseline(synthetic(40, 5), 120.0)
        if seconds is None:
            print(f"baseline conference-scheduler 40/5: not run: {why}")
        else:
            print(f"baseline conference-scheduler 40/5: {seconds:.2f} s; confgen/baseline time ratio {ours_40 / seconds:.2f}")


if __name__ == "__main__":
    main()
