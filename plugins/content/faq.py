"""The FAQ: one drafted page per language from the FAQ facts, tickets and logistics."""

from __future__ import annotations

from confgen.api import ContentKind, Contract, Job, Mention, Page, RenderContext, hookimpl, word
from confgen.model import Conference, tr


class Faq(ContentKind):
    name = "faq"
    required_sections = {"zh": [], "en": []}
    # A FAQ does its job when it answers every question the organizers listed.
    contract = Contract(length={"zh": (150, 1500), "en": (100, 900)},
                        mentions=lambda job: [Mention(item["q"], heading=True) for item in job.facts.get("faq", [])])

    def jobs(self, conference: Conference, lang: str, templates=None):
        facts = {
            "event": tr(conference.event.name, lang),
            "faq": [{"q": tr(f.q, lang), "a": tr(f.a, lang)} for f in conference.faq],
            "tickets": [{"name": tr(t.name, lang), "price": t.price, "currency": t.currency,
                         "sale_end": t.sale_end.isoformat() if t.sale_end else None} for t in conference.tickets],
            "registration": tr(conference.logistics.registration, lang),
            "wifi": tr(conference.logistics.wifi, lang),
            "accessibility": tr(conference.logistics.accessibility, lang),
            "contact": conference.event.contact_email or "",
        }
        yield Job(self.name, "faq", lang, facts=facts)

    def pages(self, ctx: RenderContext):
        yield Page("faq.md", ctx.lang, word("faq.title", ctx.lang),
                   ctx.render("pages/draft.md.j2", draft=ctx.draft(self.name, "faq"), heading=word("faq.heading", ctx.lang)),
                   nav=(), order=70)


@hookimpl
def confgen_content_kinds():
    return [Faq()]
