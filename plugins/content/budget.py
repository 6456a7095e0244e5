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

``_solve`` states the programme above line by line through highspy's modelling API. It runs once
per loaded conference, the first time a plan is asked for (when the brief is planned), and its
quantities are kept in ``conference.stash``; ``check`` is all that ``confgen validate`` runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Annotated, Literal

from pydantic import Field

from confgen.api import SettingsError, StashKey, word
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


class BudgetError(SettingsError):
    """The budget settings are wrong or admit no plan; ``path`` is where in conference.yaml."""


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
    """The budget section, or None when there is none. The loader has validated it already (the
    ``confgen_settings`` hook), every problem with its line; this reads it back as the model."""
    raw = conference.extensions.get("budget")
    if raw is None:
        return None
    return BudgetSettings.model_validate(raw)


def _capacity(conference: Conference, budget: BudgetSettings) -> int:
    if budget.capacity:
        return budget.capacity
    main = [r for r in conference.rooms if r.main] or conference.rooms
    if not main:
        raise BudgetError(f"{SETTINGS_PATH}.capacity", "no rooms to take the capacity from: set capacity")
    return max(r.capacity for r in main)


def check(conference: Conference) -> BudgetSettings | None:
    """The settings' references checked against the facts (tickets, rooms), without solving: what
    ``confgen validate`` reports. Whether a plan exists is known only once it is solved."""
    budget = settings(conference)
    if budget is None:
        return None
    tickets = {t.id for t in conference.tickets}
    for index, tier in enumerate(budget.tiers):
        if tier.ticket not in tickets:
            raise BudgetError(f"{SETTINGS_PATH}.tiers.{index}.ticket", f"no ticket with id {tier.ticket!r} in tickets")
    _capacity(conference, budget)
    if not any(not t.addon for t in budget.tiers):
        raise BudgetError(f"{SETTINGS_PATH}.tiers", "needs at least one ticket tier that admits an attendee")
    return budget


#: How many of each tier, channel and package the plan sells or buys, solved once per conference.
QUANTITIES = StashKey["dict[str, list[int]] | None"]()


def solve(conference: Conference, lang: str = "en") -> Plan | None:
    """The budget plan in ``lang``, or None when conference.yaml has no budget section. The
    programme is solved the first time a plan is asked for (when the brief is planned) and the
    quantities are kept with the conference; each language only names the lines."""
    budget = check(conference)
    if budget is None:
        return None
    quantities = conference.stash.setdefault_by(QUANTITIES, lambda: _solve(conference, budget))
    return _plan(conference, budget, quantities, lang)


def _solve(conference: Conference, budget: BudgetSettings) -> dict[str, list[int]]:
    """The programme of the module docstring, line by line, solved with HiGHS."""
    import highspy  # imported here: only the brief needs it, not every command

    tickets = {t.id: t for t in conference.tickets}
    capacity = _capacity(conference, budget)
    days = len(conference.event.days)
    costs = budget.costs
    seats = [t for t in budget.tiers if not t.addon]
    addons = [t for t in budget.tiers if t.addon]
    head_cost = costs.catering_per_head * days
    fixed = costs.venue_per_day * days + costs.production + costs.travel_per_speaker * len(conference.speakers)

    def quota(tier: TicketTier) -> int:
        return capacity if tickets[tier.ticket].quota is None else tickets[tier.ticket].quota

    h = _quiet(highspy.Highs)()
    h.setOptionValue("time_limit", 10.0)
    t = [h.addIntegral(ub=quota(tier)) for tier in seats]  # tickets sold, per tier
    a = [h.addIntegral(ub=quota(tier)) for tier in addons]  # add-ons sold
    u = [h.addIntegral(ub=math.floor(c.max_spend / c.cost_per_unit + 1e-9)) for c in budget.channels]  # promotion
    s = [h.addIntegral(ub=p.max_count) for p in budget.sponsors]  # sponsor packages sold
    y = [h.addBinary() for _ in budget.sponsors]  # whether package k sells at all

    def total(terms) -> "highspy.highs_linear_expression":
        return sum(terms, start=h.expr(0.0))

    attendance = total(t)  # A
    promoted = total(c.attendees_per_unit * u_c for c, u_c in zip(budget.channels, u))  # D - organic
    h.addConstr(attendance <= capacity)
    for tier, sold in zip(seats + addons, t + a):
        h.addConstr(sold - tier.share * promoted <= tier.share * budget.organic_demand)  # t_i <= share_i * D
    if a:
        h.addConstr(total(a) - attendance <= 0)
    for package, sold, sells in zip(budget.sponsors, s, y):
        h.addConstr(sold - package.max_count * sells <= 0)
        h.addConstr(attendance - package.min_attendance * sells >= 0)
    revenue = total([*(tickets[tier.ticket].price * n for tier, n in zip(seats + addons, t + a)),
                     *(p.price * n for p, n in zip(budget.sponsors, s))])
    spend = total([*(head_cost * n for n in t), *(c.cost_per_unit * n for c, n in zip(budget.channels, u))])
    if budget.max_spend is not None:
        h.addConstr(spend <= budget.max_spend - fixed)
    net = revenue - spend  # the net revenue, less the fixed costs
    if budget.objective == "attendance":
        h.addConstr(net >= budget.min_net + fixed)
        # Most attendees first; among equal attendance the most net revenue, weighted too little
        # to ever trade an attendee for money.
        weights = [tickets[tier.ticket].price - head_cost for tier in seats] + [tickets[tier.ticket].price for tier in addons]
        weights += [c.cost_per_unit for c in budget.channels] + [p.price for p in budget.sponsors]
        bounds = [quota(tier) for tier in seats + addons] + [p.max_count for p in budget.sponsors] + [1]
        bounds += [math.floor(c.max_spend / c.cost_per_unit + 1e-9) for c in budget.channels]
        h.maximize(attendance + net * (1.0 / (1.0 + sum(abs(w) for w in weights) * (max(bounds) + 1))))
    else:
        h.maximize(net)

    status = h.getModelStatus()
    if not (status == highspy.HighsModelStatus.kOptimal
            or h.getInfo().primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible):
        why = "the costs exceed max_spend" if budget.max_spend is not None and fixed > budget.max_spend else (
            "no ticket plan meets min_net" if budget.objective == "attendance" else h.modelStatusToString(status))
        raise BudgetError(SETTINGS_PATH, f"no budget plan satisfies the settings: {why}")

    def values(variables) -> list[int]:
        return [int(round(h.val(v))) for v in variables]

    return {"tickets": values(t), "addons": values(a), "channels": values(u), "sponsors": values(s)}


def _plan(conference: Conference, budget: BudgetSettings, quantities: dict[str, list[int]], lang: str) -> Plan:
    """The solved quantities as the brief's tables, named in ``lang``, with the figures they imply."""
    tickets = {t.id: t for t in conference.tickets}
    capacity = _capacity(conference, budget)
    days = len(conference.event.days)
    speakers = len(conference.speakers)
    costs = budget.costs
    head_cost = costs.catering_per_head * days
    seats = [t for t in budget.tiers if not t.addon]
    addons = [t for t in budget.tiers if t.addon]

    def line(quantity: int, ident: str, name: str, unit: float) -> Line:
        unit = float(unit)
        return Line(ident, name, quantity, unit, round(float(quantity) * unit, 2))

    def ticket_line(quantity: int, tier: TicketTier) -> Line:
        return line(quantity, tier.ticket, tr(tickets[tier.ticket].name, lang), tickets[tier.ticket].price)

    ticket_lines = [ticket_line(n, tier) for n, tier in zip(quantities["tickets"], seats)]
    addon_lines = [ticket_line(n, tier) for n, tier in zip(quantities["addons"], addons)]
    channel_lines = [line(n, ch.id, tr(ch.name, lang), ch.cost_per_unit) for n, ch in zip(quantities["channels"], budget.channels)]
    sponsor_lines = [line(n, p.id, tr(p.name, lang), p.price) for n, p in zip(quantities["sponsors"], budget.sponsors)]
    attendance = sum(quantities["tickets"])
    def label(item: str) -> str:
        return word(f"cost.{item}", lang)

    cost_lines = [
        Line("venue", label("venue"), days, costs.venue_per_day, costs.venue_per_day * days),
        Line("production", label("production"), 1, costs.production, costs.production),
        Line("travel", label("travel"), speakers, costs.travel_per_speaker, costs.travel_per_speaker * speakers),
        Line("catering", label("catering"), attendance * days, costs.catering_per_head, head_cost * attendance),
        Line("promotion", label("promotion"), 1, 0.0, sum(l.total for l in channel_lines)),
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
    return replace(plan, numbers=numbers)
