"""confgen schedule: report agenda conflicts; with --solve, place the sessions that lack a slot or room."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.table import Table

from confgen.agenda import rules
from confgen.agenda.yaml_write import write_placements
from confgen.load import validate
from confgen.errors import InputError
from confgen.cli.app import ProjectDir, app
from confgen.cli.console import err, out
from confgen.load.loader import ValidationFailed
from confgen.model import tr
from confgen.load.project import open_project

if TYPE_CHECKING:
    from confgen.agenda.solver import Plan


@app.command()
def schedule(
    project_dir: ProjectDir = Path("."),
    solve: Annotated[bool, typer.Option("--solve", help="Propose a slot and room for every session without one.")] = False,
    write: Annotated[bool, typer.Option("--write", help="With --solve: write the plan into conference.yaml.")] = False,
    time_limit: Annotated[Optional[float], typer.Option("--time-limit", min=0.1, help="Seconds for the solver "
                                                        "(default: extensions.schedule.time_limit, 30).")] = None,
) -> None:
    """Check the agenda (exit 2 on a hard conflict); --solve plans the rest; --write saves the plan."""
    if write and not solve:
        raise InputError("--write needs --solve")
    project = open_project(project_dir, check=False)
    conference = project.conference
    hard = sorted((project.problem(path, message) for path, message in validate.check(conference)), key=lambda p: p.line)
    soft = sorted((project.problem(path, message) for path, message in rules.warnings(conference)), key=lambda p: p.line)
    for problem in soft:
        out.print(f"{problem} (soft)", markup=False)
    if hard:
        raise ValidationFailed(hard)
    placed = sum(1 for s in conference.sessions if s.scheduled)
    out.print(f"{project.conference_file}: no hard conflicts · {placed} of {len(conference.sessions)} sessions placed · "
              f"{len(soft)} soft warnings", markup=False)
    if not solve:
        return
    from confgen.agenda.solver import solve as plan_for  # OR-Tools loads in a second: only when solving

    plan = plan_for(conference, time_limit=time_limit)
    if not plan.placements:
        out.print("every session already has a slot and a room; nothing to solve", markup=False)
        return
    _show(conference, plan)
    if write:
        write_placements(project.conference_file, [(p.index, p.room, p.start, p.end) for p in plan.placements])
        open_project(project_dir)  # the written file must validate like any other
        out.print(f"wrote {len(plan.placements)} sessions into {project.conference_file}", markup=False)


def _show(conference, plan: Plan) -> None:
    table = Table("session", "day", "time", "room", "track", "title", box=None, pad_edge=False)
    for p in plan.placements:
        session = conference.sessions[p.index]
        table.add_row(p.session, f"{p.start:%Y-%m-%d}", f"{p.start:%H:%M}–{p.end:%H:%M}", p.room,
                      session.track or "", tr(session.title, "en"))
    out.print(table)
    status = "optimal" if plan.optimal else "feasible (time limit reached)"
    gap = "n/a" if math.isnan(plan.gap) else f"{plan.gap:.1%}"
    out.print(f"{len(plan.placements)} sessions placed · {status} · objective {plan.objective:g} · best bound "
              f"{plan.bound:g} · gap {gap} · {plan.seconds:.2f} s", markup=False)
    for phase in plan.phases:
        err.print(f"  {phase.name}: {phase.status.lower()}, objective {phase.objective:g}, bound {phase.bound:g}, "
                  f"{phase.seconds:.2f} s", markup=False)
