"""Speaker pages: a drafted bio per speaker and language, with affiliation, links and talks; plus
the speakers index."""

from __future__ import annotations

from confgen.api import ContentKind, Contract, Job, Mention, Page, RenderContext, hookimpl, word
from confgen.model import Conference, tr
from confgen_plugins.content.notes import roles


def _named(job: Job) -> list[Mention]:
    """A profile names its speaker and what they present."""
    return [Mention(job.facts.get("name", ""))] + [Mention(t["title"]) for t in job.facts.get("talks", [])]


class Speakers(ContentKind):
    name = "speakers"
    contract = Contract(length={"zh": (150, 300), "en": (80, 150)}, no_headings=True, mentions=_named)

    def jobs(self, conference: Conference, lang: str, templates=None):
        for speaker in conference.speakers:
            talks = [
                {"id": s.id, "title": tr(s.title, lang), "type": s.type.value,
                 "start": s.start.isoformat() if s.start else None,
                 "role": roles(conference, s)[speaker.id],
                 "with": [{"name": tr(p.name, lang), "role": roles(conference, s)[p.id]}
                          for p in (conference.speaker(i) for i in s.speakers if i != speaker.id) if p]}
                for s in conference.sessions_of(speaker.id)
            ]
            facts = {"id": speaker.id, "name": tr(speaker.name, lang), "affiliation": tr(speaker.affiliation, lang),
                     "title": tr(speaker.title, lang), "talks": talks, "event": tr(conference.event.name, lang)}
            yield Job(self.name, speaker.id, lang, facts=facts, untrusted={"bio": tr(speaker.bio, lang)},
                      title=tr(speaker.name, lang))

    def pages(self, ctx: RenderContext):
        conference = ctx.conference
        for speaker in conference.speakers:
            yield Page(f"speakers/{speaker.id}.md", ctx.lang, ctx.tr(speaker.name), ctx.render(
                "pages/speaker.md.j2", speaker=speaker, draft=ctx.draft(self.name, speaker.id),
                talks=sorted(conference.sessions_of(speaker.id), key=lambda s: (s.start is None, s.start or 0)),
            ))
        yield Page("speakers.md", ctx.lang, word("common.speakers", ctx.lang),
                   ctx.render("pages/speakers.md.j2", speakers=sorted(conference.speakers, key=lambda s: s.id)),
                   nav=(), order=30)


@hookimpl
def confgen_content_kinds():
    return [Speakers()]
