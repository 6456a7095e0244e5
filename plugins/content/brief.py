"""The planning brief for organizers: goals, audiences, formats, organization, success factors."""

from __future__ import annotations

from collections import Counter

from confgen.api import ContentKind, Job, Page, RenderContext, hookimpl
from confgen.model import Conference, tr

SECTIONS = {
    "zh": ["大会目标", "目标受众", "活动形式", "组织安排", "成功要素与后续"],
    "en": ["Goals", "Audiences", "Programme formats", "Organization", "Success factors and follow-up"],
}


class Brief(ContentKind):
    name = "brief"
    required_sections = SECTIONS

    def plan(self, conference: Conference):
        types = Counter(s.type.value for s in conference.sessions)
        for lang in ("zh", "en"):
            facts = {
                "event": tr(conference.event.name, lang), "city": tr(conference.event.city, lang),
                "venue": tr(conference.event.venue.name, lang),
                "start_date": conference.event.start_date.isoformat(), "end_date": conference.event.end_date.isoformat(),
                "tracks": [tr(t.name, lang) for t in conference.tracks], "types": dict(sorted(types.items())),
                "rooms": [{"name": tr(r.name, lang), "capacity": r.capacity} for r in conference.rooms],
                "tickets": [{"name": tr(t.name, lang), "price": t.price, "currency": t.currency, "quota": t.quota}
                            for t in conference.tickets],
                "sponsors": len(conference.sponsors), "speakers": len(conference.speakers),
            }
            yield Job(self.name, "brief", lang, facts=facts)

    def pages(self, ctx: RenderContext):
        yield Page("brief.md", ctx.lang, ctx.tr({"zh": "策划方案", "en": "Planning brief"}),
                   ctx.render("pages/draft.md.j2", draft=ctx.draft(self.name, "brief"), heading=None), nav=(), order=95)


@hookimpl
def confgen_content_kinds():
    return [Brief()]
