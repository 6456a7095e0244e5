"""The budget plan of the planning brief: a mixed-integer programme solved with HiGHS.

Settings live under ``extensions.budget`` in conference.yaml. Prices and limits of tickets come from
``tickets`` (facts are stated once); the budget section adds what only organizers know: costs,
the share of demand each ticket tier draws, sponsor packages and promotion channels.

The model (all quantities per event):

* ``t_i``  tickets sold of tier i (integer), ``t_i <= quota_i`` and ``t_i <= share_i * D``
* ``a_j``  add-on tickets sold (integer), ``a_j <= quota_j``, ``sum a <= sum t``
* ``u_c``  units bought of promotion channel c (integer), ``cost_c * u_c <= max_spend_c``
* ``s_k``  sponsor packages sold (integer), ``s_k <= max_k * y_k`` and ``A >= min_attendance_k * y_k``
  (a package sells only when the audience it promises is there; ``y_k`` binary)
* demand ``D = organic + sum(attendees_per_unit_c * u_c)``, attendance ``A = sum t <= capacity``
* cost ``= venue_per_day * days + production + travel_per_speaker * speakers
  + catering_per_head * days * A + sum(cost_c * u_c)``, cost ``<= max_spend``
* objective: maximize attendance (subject to ``revenue - cost >= min_net``) or net revenue.

The break-even point is the attendance at which the plan's revenue covers its cost, with the
plan's ticket mix, sponsors and promotion spend held fixed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from confgen.api import by_identity
from confgen.model import Conference, Localized, Strict, tr

SETTINGS_PATH = "extensions.budget"
Money = Annotated[float, Field(ge=0)]


class Costs(Strict):
    venue_per_day: Money = 0
    catering_per_head: Money = 0  # per attendee and day
    production: Money = 0  # stage, AV, signage, streaming: fixed
    travel_per_speaker: Money = 0


class TicketTier(Strict):
    ticket: str  # a ticket id from `tickets`; price and quota come from there
    share: Annotated[float, Field(gt=0, le=1)] = 1.0  # share of total demand that buys this tier
    addon: bool = False  # an add-on sold with another ticket: revenue, no extra attendee


class SponsorPackage(Strict):
    id: str
    name: Localized
    price: Money
    max_count: Annotated[int, Field(ge=0)]
    min_attendance: Annotated[int, Field(ge=0)] = 0


class Channel(Strict):
    id: str
    name: Localized
    cost_per_unit: Annotated[float, Field(gt=0)]
    attendees_per_unit: Annotated[float, Field(ge=0)]
    max_spend: Money


class BudgetSettings(Strict):
    currency: str = "CNY"
    objective: Literal["attendance", "net_revenue"] = "net_revenue"
    organic_demand: Annotated[int, Field(ge=0)] = 0  # buyers who come with no paid promotion
    capacity: Annotated[int, Field(gt=0)] | None = None  # default: the main room's capacity
    max_spend: Money | None = None  # cash the organizers can commit
    min_net: float = 0.0  # floor on net revenue when maximizing attendance
    costs: Costs = Costs()
    tiers: list[TicketTier] = []
    sponsors: list[SponsorPackage] = []
    channels: list[Channel] = []


class BudgetError(ValueError):
    """The budget settings are wrong or admit no plan; ``path`` is where in conference.yaml."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Line:
    id: str
    name: str
    quantity: int
    unit: float
    total: float


@dataclass(frozen=True)
class Plan:
    currency: str
    objective: str
    capacity: int
    days: int
    speakers: int
    attendance: int
    demand: float
    tickets: list[Line]
    addons: list[Line]
    sponsors: list[Line]
    channels: list[Line]
    costs: list[Line]
    revenue: float
    cost: float
    net: float
    break_even: int | None  # attendees; None when a ticket does not cover its own catering
    fill_rate: float  # attendance / capacity, in percent
    numbers: list[float] = field(default_factory=list)  # every figure the page shows
    #: The brief's explanations: break-even when no sponsor package sells, catering per attendee
    #: over the event, and what each ticket brings per seat once that catering is paid.
    break_even_without_sponsors: int | None = None
    head_cost: float = 0.0

    def as_facts(self) -> dict:
        """The plan as JSON-able facts (hashed into the brief's job)."""
        def lines(items: list[Line]) -> list[dict]:
            return [{"id": l.id, "name": l.name, "quantity": l.quantity, "unit": l.unit, "total": l.total} for l in items]

        return {
            "currency": self.currency, "objective": self.objective, "capacity": self.capacity, "days": self.days,
            "attendance": self.attendance, "demand": self.demand, "tickets": lines(self.tickets),
            "addons": lines(self.addons), "sponsors": lines(self.sponsors), "channels": lines(self.channels),
            "costs": lines(self.costs), "revenue": self.revenue, "cost": self.cost, "net": self.net,
            "break_even": self.break_even, "fill_rate": self.fill_rate,
            "break_even_without_sponsors": self.break_even_without_sponsors, "head_cost": self.head_cost,
            "margins": {l.id: round(l.unit - self.head_cost, 2) for l in self.tickets},
            "sponsor_revenue": round(sum(l.total for l in self.sponsors), 2),
            "sponsor_share": round(100.0 * sum(l.total for l in self.sponsors) / self.revenue, 1) if self.revenue else 0.0,
            "per_attendee": round(sum(l.total for l in self.tickets + self.addons) / self.attendance, 2)
            if self.attendance else 0.0,
            "per_attendee_after_catering": round(sum(l.total for l in self.tickets + self.addons) / self.attendance
                                                 - self.head_cost, 2) if self.attendance else 0.0,
        }


def settings(conference: Conference) -> BudgetSettings | None:
    raw = conference.extensions.get("budget")
    if raw is None:
        return None
    try:
        return BudgetSettings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in (SETTINGS_PATH, *first["loc"]))
        raise BudgetError(where, first["msg"]) from None


def _capacity(conference: Conference, budget: BudgetSettings) -> int:
    if budget.capacity:
        return budget.capacity
    main = [r for r in conference.rooms if r.main] or conference.rooms
    if not main:
        raise BudgetError(f"{SETTINGS_PATH}.capacity", "no rooms to take the capacity from: set capacity")
    return max(r.capacity for r in main)


@by_identity  # validate, plan and pages of both languages ask for it; solve once each
def solve(conference: Conference, lang: str = "en") -> Plan | None:
    """The budget plan, or None when conference.yaml has no budget section."""
    import numpy as np  # imported here: only a brief needs it, not every command

    budget = settings(conference)
    if budget is None:
        return None
    tickets = {t.id: t for t in conference.tickets}
    for index, tier in enumerate(budget.tiers):
        if tier.ticket not in tickets:
            raise BudgetError(f"{SETTINGS_PATH}.tiers.{index}.ticket", f"no ticket with id {tier.ticket!r} in tickets")
    capacity = _capacity(conference, budget)
    days = len(conference.event.days)
    speakers = len(conference.speakers)
    costs = budget.costs
    seats = [t for t in budget.tiers if not t.addon]
    addons = [t for t in budget.tiers if t.addon]
    if not seats:
        raise BudgetError(f"{SETTINGS_PATH}.tiers", "needs at least one ticket tier that admits an attendee")

    # Variable layout: seats | addons | channels | sponsors | sponsor switches
    n_t, n_a, n_c, n_s = len(seats), len(addons), len(budget.channels), len(budget.sponsors)
    o_a, o_c, o_s, o_y = n_t, n_t + n_a, n_t + n_a + n_c, n_t + n_a + n_c + n_s
    n = o_y + n_s
    upper = np.zeros(n)
    for i, tier in enumerate(seats + addons):
        quota = tickets[tier.ticket].quota
        upper[i] = capacity if quota is None else quota
    for c, channel in enumerate(budget.channels):
        upper[o_c + c] = math.floor(channel.max_spend / channel.cost_per_unit + 1e-9)
    for k, package in enumerate(budget.sponsors):
        upper[o_s + k] = package.max_count
        upper[o_y + k] = 1

    price = np.zeros(n)
    for i, tier in enumerate(seats + addons):
        price[i] = tickets[tier.ticket].price
    for k, package in enumerate(budget.sponsors):
        price[o_s + k] = package.price
    head_cost = costs.catering_per_head * days
    fixed = costs.venue_per_day * days + costs.production + costs.travel_per_speaker * speakers
    spend = np.zeros(n)
    spend[:n_t] = head_cost
    for c, channel in enumerate(budget.channels):
        spend[o_c + c] = channel.cost_per_unit
    net_row = price - spend  # net revenue = net_row @ x - fixed

    rows, low, high = [], [], []

    def add(row: np.ndarray, lo: float, hi: float) -> None:
        rows.append(row)
        low.append(lo)
        high.append(hi)

    seat_row = np.zeros(n)
    seat_row[:n_t] = 1
    add(seat_row, 0, capacity)
    for i, tier in enumerate(seats + addons):
        # t_i - share_i * (sum per_unit_c u_c) <= share_i * organic
        row = np.zeros(n)
        row[i] = 1
        for c, channel in enumerate(budget.channels):
            row[o_c + c] = -tier.share * channel.attendees_per_unit
        add(row, -np.inf, tier.share * budget.organic_demand)
    if n_a:
        row = np.zeros(n)
        row[o_a:o_a + n_a] = 1
        row[:n_t] = -1
        add(row, -np.inf, 0)
    for k, package in enumerate(budget.sponsors):
        row = np.zeros(n)
        row[o_s + k] = 1
        row[o_y + k] = -package.max_count
        add(row, -np.inf, 0)
        row = seat_row.copy()
        row[o_y + k] = -package.min_attendance
        add(row, 0, np.inf)
    if budget.max_spend is not None:
        add(spend, -np.inf, budget.max_spend - fixed)
    if budget.objective == "attendance":
        add(net_row, budget.min_net + fixed, np.inf)
        # Most attendees first; among equal attendance, the most net revenue (a small tie-breaker).
        scale = 1.0 / (1.0 + float(np.abs(net_row).sum()) * (upper.max() + 1))
        objective = -(seat_row + scale * net_row)
    else:
        objective = -net_row

    solution, status = _minimize_integer(objective, upper, np.array(rows), np.array(low), np.array(high))
    if solution is None:
        why = "the costs exceed max_spend" if budget.max_spend is not None and fixed > budget.max_spend else (
            "no ticket plan meets min_net" if budget.objective == "attendance" else status)
        raise BudgetError(SETTINGS_PATH, f"no budget plan satisfies the settings: {why}")
    x = np.round(solution).astype(int)

    def line(i: int, ident: str, name: str, unit: float) -> Line:
        unit = float(unit)
        return Line(ident, name, int(x[i]), unit, round(float(x[i]) * unit, 2))

    ticket_lines = [line(i, t.ticket, tr(tickets[t.ticket].name, lang), price[i]) for i, t in enumerate(seats)]
    addon_lines = [line(n_t + j, t.ticket, tr(tickets[t.ticket].name, lang), price[n_t + j]) for j, t in enumerate(addons)]
    channel_lines = [line(o_c + c, ch.id, tr(ch.name, lang), ch.cost_per_unit) for c, ch in enumerate(budget.channels)]
    sponsor_lines = [line(o_s + k, p.id, tr(p.name, lang), p.price) for k, p in enumerate(budget.sponsors)]
    attendance = int(x[:n_t].sum())
    label = _COST_LABELS[lang if lang in _COST_LABELS else "en"]
    cost_lines = [
        Line("venue", label["venue"], days, costs.venue_per_day, costs.venue_per_day * days),
        Line("production", label["production"], 1, costs.production, costs.production),
        Line("travel", label["travel"], speakers, costs.travel_per_speaker, costs.travel_per_speaker * speakers),
        Line("catering", label["catering"], attendance * days, costs.catering_per_head, head_cost * attendance),
        Line("promotion", label["promotion"], 1, 0.0, sum(l.total for l in channel_lines)),
    ]
    cost_lines = [l for l in cost_lines if l.total or l.id in ("venue", "catering")]
    revenue = round(float(sum(l.total for l in ticket_lines + addon_lines + sponsor_lines)), 2)
    cost = round(float(sum(l.total for l in cost_lines)), 2)
    break_even = _break_even(attendance, ticket_lines, addon_lines, sponsor_lines, cost - head_cost * attendance, head_cost)
    plan = Plan(
        currency=budget.currency, objective=budget.objective, capacity=capacity, days=days, speakers=speakers,
        attendance=attendance, demand=round(budget.organic_demand + sum(ch.attendees_per_unit * l.quantity
                                                                       for ch, l in zip(budget.channels, channel_lines)), 2),
        tickets=ticket_lines, addons=addon_lines, sponsors=sponsor_lines, channels=channel_lines, costs=cost_lines,
        revenue=revenue, cost=cost, net=round(revenue - cost, 2), break_even=break_even,
        fill_rate=round(100.0 * attendance / capacity, 1),
        break_even_without_sponsors=_break_even(attendance, ticket_lines, addon_lines, [], cost - head_cost * attendance,
                                                head_cost),
        head_cost=round(float(head_cost), 2),
    )
    return _with_numbers(plan)


def _minimize_integer(objective, upper, rows, low, high):
    """Minimize ``objective @ x`` over integer ``0 <= x <= upper`` with ``low <= rows @ x <= high``,
    with HiGHS through its own Python API (a tenth of the import time of scipy's ``milp``, which
    every build paid for the brief). Returns (x, status), x None when there is no feasible plan."""
    import highspy
    import numpy as np

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(objective), len(rows)
    lp.col_cost_ = objective
    lp.col_lower_ = np.zeros(len(objective))
    lp.col_upper_ = upper
    # HiGHS reads any bound beyond kHighsInf as infinite; numpy's inf is stated as that bound.
    lp.row_lower_ = np.clip(low, -highspy.kHighsInf, highspy.kHighsInf)
    lp.row_upper_ = np.clip(high, -highspy.kHighsInf, highspy.kHighsInf)
    nonzero = rows != 0
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(nonzero.sum(axis=1))])
    lp.a_matrix_.index_ = np.nonzero(nonzero)[1]
    lp.a_matrix_.value_ = rows[nonzero]
    lp.integrality_ = [highspy.HighsVarType.kInteger] * len(objective)
    highs = _quiet(highspy.Highs)()
    highs.setOptionValue("time_limit", 10.0)
    highs.passModel(lp)
    highs.run()
    status = highs.getModelStatus()
    found = status == highspy.HighsModelStatus.kOptimal or (
        highs.getInfo().primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible)
    return (np.array(highs.getSolution().col_value) if found else None), highs.modelStatusToString(status)


def _quiet(highs_class):
    """HiGHS prints its banner to stdout as soon as ``Highs()`` enables its callbacks, before an
    option can be set on the object; this subclass turns output off first."""

    class QuietHighs(highs_class):
        def enableCallbacks(self) -> None:
            self.setOptionValue("output_flag", False)
            super().enableCallbacks()

    return QuietHighs


def _break_even(attendance: int, tickets: list[Line], addons: list[Line], sponsors: list[Line],
                fixed: float, head_cost: float) -> int | None:
    """Attendees needed for revenue to cover cost, at the plan's revenue per attendee."""
    if attendance == 0:
        return None
    per_head = sum(l.total for l in tickets + addons) / attendance - head_cost
    uncovered = fixed - sum(l.total for l in sponsors)
    if uncovered <= 0:
        return 0
    if per_head <= 0:
        return None
    return math.ceil(uncovered / per_head - 1e-9)


def _with_numbers(plan: Plan) -> Plan:
    numbers: list[float] = [plan.capacity, plan.days, plan.speakers, plan.attendance, plan.demand, plan.revenue,
                            plan.cost, plan.net, plan.fill_rate]
    if plan.break_even is not None:
        numbers.append(plan.break_even)
    for item in plan.tickets + plan.addons + plan.sponsors + plan.channels + plan.costs:
        numbers += [item.quantity, item.unit, item.total]
    plan.numbers.extend(numbers)
    return plan


_COST_LABELS = {
    "zh": {"venue": "场地（按天）", "production": "舞台与制作", "travel": "讲者差旅（按人）",
           "catering": "餐饮（按人·天）", "promotion": "推广投放"},
    "en": {"venue": "Venue (per day)", "production": "Stage and production", "travel": "Speakers' travel (per speaker)",
           "catering": "Catering (per attendee-day)", "promotion": "Promotion"},
}
