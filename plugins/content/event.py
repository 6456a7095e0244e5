"""The event's own pages: home (with a drafted welcome), venue and travel, tickets, sponsors."""

from __future__ import annotations

from confgen.api import ContentKind, Contract, Job, Mention, Page, RenderContext, hookimpl, word
from confgen.model import Conference, tr


def event_facts(conference: Conference, lang: str) -> dict:
    event = conference.event
    return {
        "name": tr(event.name, lang), "tagline": tr(event.tagline, lang), "city": tr(event.city, lang),
        "venue": tr(event.venue.name, lang), "address": tr(event.venue.address, lang),
        "start_date": event.start_date.isoformat(), "end_date": event.end_date.isoformat(),
        "days": len(event.days), "organizer": tr(event.organizer, lang),
        "tracks": [tr(t.name, lang) for t in conference.tracks],
        "rooms": len(conference.rooms), "sessions": len(conference.sessions), "speakers": len(conference.speakers),
        "types": sorted({s.type.value for s in conference.sessions}),
        "keynotes": [tr(s.title, lang) for s in conference.sessions if s.type.value == "keynote"],
    }


class Event(ContentKind):
    name = "event"
    contract = Contract(sections={"zh": ["大会亮点", "适合谁参加"], "en": ["What to expect", "Who it is for"]},
                        length={"zh": (300, 500), "en": (150, 250)},
                        mentions=lambda job: [Mention(job.facts.get("name", ""))])

    def jobs(self, conference: Conference, lang: str, templates=None):
        yield Job(self.name, "welcome", lang, facts=event_facts(conference, lang), title=tr(conference.event.name, lang))

    def pages(self, ctx: RenderContext):
        conference = ctx.conference
        yield Page("index.md", ctx.lang, word("home.title", ctx.lang),
                   ctx.render("pages/home.md.j2", draft=ctx.draft(self.name, "welcome")), nav=(), order=0)
        yield Page("venue.md", ctx.lang, word("common.venue_travel", ctx.lang),
                   ctx.render("pages/venue.md.j2"), nav=(), order=50)
        if conference.tickets:
            yield Page("tickets.md", ctx.lang, word("tickets.title", ctx.lang),
                       ctx.render("pages/tickets.md.j2"), nav=(), order=55)
        if conference.sponsors:
            yield Page("sponsors.md", ctx.lang, word("common.sponsors", ctx.lang),
                       ctx.render("pages/sponsors.md.j2"), nav=(), order=60)


@hookimpl
def confgen_content_kinds():
    return [Event()]
