"""The question bank: concept, interview and programming questions per track, with reference
answers folded on the page."""

from __future__ import annotations

from confgen.api import ContentKind, Job, Page, RenderContext, hookimpl
from confgen.model import Conference
from confgen_plugins.content.articles import track_facts

SECTIONS = {"zh": ["概念题", "面试题", "编程题"], "en": ["Concept questions", "Interview questions", "Programming questions"]}


class Questions(ContentKind):
    name = "questions"
    required_sections = SECTIONS

    def plan(self, conference: Conference):
        for track in conference.tracks:
            for lang in ("zh", "en"):
                yield Job(self.name, track.id, lang, facts=track_facts(conference, track, lang))

    def pages(self, ctx: RenderContext):
        section = ctx.tr({"zh": "题库", "en": "Question bank"})
        for track in ctx.conference.tracks:
            heading = ctx.tr({"zh": f"题库：{ctx.tr(track.name)}", "en": f"Questions: {ctx.tr(track.name)}"})
            yield Page(f"questions/{track.id}.md", ctx.lang, ctx.tr(track.name),
                       ctx.render("pages/draft.md.j2", draft=ctx.draft(self.name, track.id), heading=heading),
                       nav=(section,), order=85)


@hookimpl
def confgen_content_kinds():
    return [Questions()]
