"""The planning brief for organizers: goals, audiences, formats, organization, success factors.

Its figures are computed, never written: the budget plan (``budget.solve``) is rendered as tables
by the page template, and the draft is prose around it whose every number must be one of the
computed or fact numbers (the ``brief-numbers`` gate). Revenue, costs and net income are the
organizers' business: the brief is an ``OrganizerPage``, written to ``build/organizer/<lang>/`` and
never into the published site. (``extensions.brief.nav`` is still accepted, and no longer matters.)
"""

from __future__ import annotations

from collections import Counter

from confgen.api import ContentKind, Contract, Job, OrganizerPage, RenderContext, hookimpl, word
from confgen.model import Conference, tr
from confgen_plugins.content import budget

SECTIONS = {
    "zh": ["大会目标", "目标受众", "活动形式", "组织安排", "成功要素与后续"],
    "en": ["Goals", "Audiences", "Programme formats", "Organization", "Success factors and follow-up"],
}
#: The section the computed budget tables are shown in.
BUDGET_SECTION = {"zh": "组织安排", "en": "Organization"}


def brief_facts(conference: Conference, lang: str) -> dict:
    types = Counter(s.type.value for s in conference.sessions)
    plan = budget.solve(conference, lang)
    return {
        "event": tr(conference.event.name, lang), "city": tr(conference.event.city, lang),
        "venue": tr(conference.event.venue.name, lang),
        "start_date": conference.event.start_date.isoformat(), "end_date": conference.event.end_date.isoformat(),
        "days": len(conference.event.days),
        "tracks": [tr(t.name, lang) for t in conference.tracks], "types": dict(sorted(types.items())),
        "sessions": len(conference.sessions),
        "levels": dict(sorted(Counter(s.level.value for s in conference.sessions).items())),
        "languages": dict(sorted(Counter(s.language for s in conference.sessions).items())),
        "rooms": [{"name": tr(r.name, lang), "capacity": r.capacity} for r in conference.rooms],
        "tickets": [{"name": tr(t.name, lang), "price": t.price, "currency": t.currency, "quota": t.quota,
                     "sale_start": t.sale_start.isoformat() if t.sale_start else None,
                     "sale_end": t.sale_end.isoformat() if t.sale_end else None} for t in conference.tickets],
        "sponsors": len(conference.sponsors), "speakers": len(conference.speakers),
        "plan": plan.as_facts() if plan else None,
    }


class Brief(ContentKind):
    name = "brief"
    required_sections = SECTIONS
    contract = Contract(sections=SECTIONS, length={"zh": (1200, 2000), "en": (600, 1000)})

    def jobs(self, conference: Conference, lang: str, templates=None):
        yield Job(self.name, "brief", lang, facts=brief_facts(conference, lang))

    def pages(self, ctx: RenderContext):
        plan = budget.solve(ctx.conference, ctx.lang)
        draft = ctx.draft(self.name, "brief")
        before, after = split_at_section_end(draft.body if draft else "", BUDGET_SECTION[ctx.lang])
        yield OrganizerPage("brief.md", ctx.lang, word("brief.title", ctx.lang),
                            ctx.render("pages/brief.md.j2", draft=draft, before=before, after=after, plan=plan))


def split_at_section_end(body: str, heading: str) -> tuple[str, str]:
    """``body`` cut at the end of the level-2 section titled ``heading`` (where the computed
    tables go); everything in ``before`` when there is no such section."""
    lines = body.splitlines(keepends=True)
    inside = False
    for index, line in enumerate(lines):
        title = line.lstrip("#").strip() if line.startswith("## ") else None
        if title is None:
            continue
        if inside:
            return "".join(lines[:index]), "".join(lines[index:])
        inside = title == heading
    return body, ""


@hookimpl
def confgen_content_kinds():
    return [Brief()]


@hookimpl
def confgen_settings():
    return {"budget": budget.BudgetSettings}


@hookimpl
def confgen_validate(conference: Conference):
    settings = conference.extensions.get("brief")
    if settings is not None and not isinstance(settings, dict):
        return [("extensions.brief", "must be a mapping (for example `nav: false`)")]
    if settings and not isinstance(settings.get("nav", True), bool):
        return [("extensions.brief.nav", f"must be true or false, not {settings['nav']!r}")]
    try:
        budget.check(conference)  # the references only: the plan is solved when the brief is planned
    except budget.BudgetError as exc:
        return [(exc.path, str(exc))]
    return []
