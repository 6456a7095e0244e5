"""The budget plan of the planning brief: the integer programme against hand-solved cases, and
bad settings reported as FILE:LINE errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from confgen.model import Conference
from confgen_plugins.content.budget import BudgetError, solve
from helpers import MINI_CONFERENCE, write_project

# One ticket tier at 100, organic demand 30, a channel that brings 10 buyers for 200 (at most 5
# units), catering 20 per head for 1 day, venue 1000. Each channel unit earns 10 * (100 - 20) - 200
# = 600, so all 5 are bought: 80 attendees, net 80*80 - 1000 - 1000 = 4400, break-even 2000/80 = 25.
SMALL = {
    "event": {"name": "E", "start_date": "2026-06-12", "end_date": "2026-06-12", "city": "C",
              "venue": {"name": "V", "address": "A"}},
    "rooms": [{"id": "hall", "name": "H", "capacity": 100, "main": True}],
    "tickets": [{"id": "std", "name": "S", "price": 100, "quota": 200}],
}
BUDGET = {
    "organic_demand": 30,
    "costs": {"venue_per_day": 1000, "catering_per_head": 20},
    "tiers": [{"ticket": "std"}],
    "channels": [{"id": "ads", "name": "Ads", "cost_per_unit": 200, "attendees_per_unit": 10, "max_spend": 1000}],
}


def conference(budget: dict, **changes) -> Conference:
    return Conference.model_validate(SMALL | changes | {"extensions": {"budget": budget}})


def test_hand_solved_plan():
    plan = solve(conference(BUDGET))
    assert [l.quantity for l in plan.channels] == [5]
    assert plan.attendance == 80
    assert plan.net == 4400
    assert plan.revenue == 8000 and plan.cost == 3600
    assert plan.break_even == 25
    assert plan.fill_rate == 80.0


def test_sponsor_sells_only_when_its_audience_is_there():
    sponsors = [{"id": "big", "name": "Big", "price": 5000, "max_count": 1, "min_attendance": 90},
                {"id": "mid", "name": "Mid", "price": 500, "max_count": 2, "min_attendance": 50}]
    plan = solve(conference(BUDGET | {"sponsors": sponsors}))
    # Big needs 90 attendees but demand tops out at 80: only the two Mid packages sell.
    assert [l.quantity for l in plan.sponsors] == [0, 2]
    assert plan.net == 5400
    assert plan.break_even == 13  # (2000 - 1000) / 80 = 12.5, rounded up


def test_capacity_binds_and_buys_only_the_promotion_needed():
    plan = solve(conference(BUDGET, rooms=[{"id": "hall", "name": "H", "capacity": 60, "main": True}]))
    assert plan.attendance == 60
    assert [l.quantity for l in plan.channels] == [3]  # 30 + 10 * 3 = 60
    assert plan.net == 60 * 80 - 600 - 1000


def test_attendance_objective_respects_the_net_floor():
    # Tickets at 100 with catering 20: each extra attendee helps, so attendance rises to 80 even
    # with a floor of 4000 on net revenue; a floor of 4401 cannot be met.
    plan = solve(conference(BUDGET | {"objective": "attendance", "min_net": 4000}))
    assert plan.attendance == 80
    with pytest.raises(BudgetError, match="min_net"):
        solve(conference(BUDGET | {"objective": "attendance", "min_net": 4401}))


def test_shares_split_demand_between_tiers():
    tickets = SMALL["tickets"] + [{"id": "vip", "name": "VIP", "price": 300, "quota": 5}]
    budget = BUDGET | {"tiers": [{"ticket": "std", "share": 0.9}, {"ticket": "vip", "share": 0.1}]}
    plan = solve(conference(budget, tickets=tickets))
    assert [l.quantity for l in plan.tickets] == [72, 5]  # 0.9 * 80; VIP capped by its quota


def test_no_budget_section_means_no_plan():
    assert solve(Conference.model_validate(SMALL)) is None


def test_unknown_ticket_is_reported_with_its_path():
    with pytest.raises(BudgetError) as caught:
        solve(conference(BUDGET | {"tiers": [{"ticket": "nope"}]}))
    assert caught.value.path == "extensions.budget.tiers.0.ticket"


def test_reference_site_plan_fills_the_main_hall():
    from confgen.load.project import open_project
    from helpers import REFERENCE_SITE

    plan = solve(open_project(REFERENCE_SITE).conference)
    assert plan.attendance <= plan.capacity == 1200
    assert plan.net == pytest.approx(plan.revenue - plan.cost)
    assert all(l.total <= ch["max_spend"] for l, ch in zip(plan.channels, open_project(REFERENCE_SITE).conference.extensions["budget"]["channels"]))


def test_bad_budget_settings_fail_validate_with_file_line(tmp_path):
    text = MINI_CONFERENCE + textwrap.dedent("""\
        extensions:
          budget:
            costs:
              venue_per_day: -5
        """)
    project = write_project(tmp_path / "bad", text)
    result = subprocess.run([sys.executable, "-m", "confgen", "validate", str(project)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "extensions.budget.costs.venue_per_day" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_a_budget_with_no_plan_validates_and_stops_the_build_at_planning_with_its_line(tmp_path):
    # validate checks what the settings refer to; only solving shows that no plan meets the floor.
    text = MINI_CONFERENCE + textwrap.dedent("""\
        extensions:
          budget:
            objective: attendance
            min_net: 100000000
            tiers:
              - ticket: standard
        """)
    project = write_project(tmp_path / "tight", text)
    validate = subprocess.run([sys.executable, "-m", "confgen", "validate", str(project)], capture_output=True, text=True)
    assert validate.returncode == 0, validate.stderr
    built = subprocess.run([sys.executable, "-m", "confgen", "generate", str(project), "--provider", "offline"],
                           capture_output=True, text=True)
    assert built.returncode == 2
    line = text.splitlines().index("  budget:") + 1
    assert f"conference.yaml:{line}: extensions.budget: no budget plan satisfies the settings" in built.stderr + built.stdout
    assert "Traceback" not in built.stderr
    assert not (project / "content").exists() or not any((project / "content").rglob("*.md"))
