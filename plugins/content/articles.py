"""Technical articles: one per track (``site.articles_per_track``), in the ten-part structure such
articles use, drafted from the track and its sessions."""

from __future__ import annotations

import re

from confgen.api import ContentKind, Contract, Job, Marker, Page, RenderContext, hookimpl, word
from confgen.model import Conference, tr
from confgen_plugins.content.topics import tools, topic

SECTIONS = {
    "zh": ["摘要", "1 背景介绍", "2 核心概念与联系", "3 核心方法与步骤", "4 数学模型与公式", "5 项目实践",
           "6 应用场景", "7 展望", "8 工具和资源", "9 总结：趋势与挑战", "10 附录：常见问题"],
    "en": ["Abstract", "1 Background", "2 Core concepts and how they connect", "3 Core method and steps",
           "4 Mathematical model and formulas", "5 Project practice", "6 Application scenarios", "7 Outlook",
           "8 Tools and resources", "9 Summary: trends and challenges", "10 Appendix: FAQ"],
}


def track_facts(conference: Conference, track, lang: str, templates=None) -> dict:
    sessions = [s for s in conference.sessions if s.track == track.id]
    return {
        "event": tr(conference.event.name, lang), "track_id": track.id, "track": tr(track.name, lang),
        "description": tr(track.description, lang),
        "sessions": [{"id": s.id, "title": tr(s.title, lang), "type": s.type.value, "level": s.level.value,
                      "speakers": [tr(conference.speaker(p).name, lang) for p in s.speakers]} for s in sessions],
        "references": [r.model_dump(mode="json") for r in conference.references],
        "author": tr(conference.site.author, lang),
        "topic": topic(track.id, lang, conference, templates),
    }


def from_abstracts(conference: Conference, track_id: str, lang: str, material: dict, templates=None) -> dict:
    """What the offline drafter reads from a track's abstracts: for each session the concept-graph
    nodes its abstract mentions (``covers``), and the catalogued tools the abstracts name. Kept out
    of the facts: editing an abstract must not make a model redraft a track's articles."""
    sessions = [s for s in conference.sessions if s.track == track_id]
    catalogue = tools(lang, conference, templates)
    return {
        "covers": {s.id: covers(material, abstract_text(s)) for s in sessions},
        "tools": {name: about for name, about in catalogue.items()
                  if any(_names(name, abstract_text(s)) for s in sessions)},
    }


def offline_inputs(conference: Conference, track_id: str, lang: str, templates=None) -> list:
    """The abstracts and tool descriptions a track's offline drafts read (hashed into their version)."""
    return [[abstract_text(s) for s in conference.sessions if s.track == track_id], tools(lang, conference, templates)]


def abstract_text(session) -> str:
    """Both languages of an abstract, for matching words (never shown: abstracts are untrusted)."""
    return " ".join(filter(None, [tr(session.abstract, "zh"), tr(session.abstract, "en")])) if session.abstract else ""


def covers(material: dict, text: str) -> list[str]:
    """The ids of the concept-graph nodes whose keywords the text mentions."""
    lowered = text.lower()

    def mentions(word: str) -> bool:
        word = word.lower()
        if word.isascii():  # a Latin keyword starts a word: "eval" finds "evaluation", not "medieval"
            return re.search(rf"(?<![a-z0-9]){re.escape(word)}", lowered) is not None
        return word in lowered

    return [node["id"] for node in material.get("nodes", [])
            if any(mentions(str(word)) for word in node.get("keywords", []))]


def _names(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w])", text) is not None


class Articles(ContentKind):
    name = "articles"
    required_sections = SECTIONS
    contract = Contract(sections=SECTIONS, length={"zh": (2000, 3500), "en": (1200, 2000)}, markers=(
        Marker("```mermaid diagram", r"^\s*(`{3,}|~{3,})\s*mermaid\b", {
            "zh": "第 2 节用 ```mermaid 图画出各概念之间的联系。",
            "en": "In section 2, draw how the concepts connect as a ```mermaid diagram."}, in_section=2),
        Marker("display formula ($$ … $$)", r"^\s*\$\$", {
            "zh": "第 4 节用 `$$ ... $$` 单独成行写出公式并解释各符号。",
            "en": "In section 4, write the formula in a `$$ ... $$` display block and explain its symbols."}, in_section=4),
        Marker("```python source code", r"^\s*(`{3,}|~{3,})\s*(python3?|py)\b", {
            "zh": "第 5 节用 ```python 代码块给出可以直接运行的源代码。",
            "en": "In section 5, give source code that runs as is in a ```python block."}, in_section=5),
    ))

    def jobs(self, conference: Conference, lang: str, templates=None):
        for track in conference.tracks:
            for number in range(1, conference.site.articles_per_track + 1):
                key = track.id if number == 1 else f"{track.id}-{number}"
                yield Job(self.name, key, lang, facts=track_facts(conference, track, lang, templates) | {"number": number})

    def offline(self, job: Job, conference: Conference, templates) -> str:
        read = from_abstracts(conference, job.facts["track_id"], job.lang, job.facts["topic"], templates)
        sessions = [{**s, "covers": read["covers"].get(s["id"], [])} for s in job.facts["sessions"]]
        return templates.render(f"offline/{self.name}.{job.lang}.md.j2", conference=conference, job=job, lang=job.lang,
                                facts=job.facts, sessions=sessions, tools=read["tools"])

    def offline_inputs(self, job: Job, conference: Conference, templates=None):
        return offline_inputs(conference, job.facts["track_id"], job.lang, templates)

    def pages(self, ctx: RenderContext):
        section = word("nav.articles", ctx.lang)
        for job in self.plan(ctx.conference):
            if job.lang != ctx.lang:
                continue
            draft = ctx.draft(self.name, job.key)
            title = ctx.tr({"zh": f"{job.facts['track']}：技术综述", "en": f"{job.facts['track']}: a technical overview"})
            yield Page(f"articles/{job.key}.md", ctx.lang, title, ctx.render(
                "pages/article.md.j2", draft=draft, title=title, body=without_author(draft.body) if draft else "",
                author=ctx.tr(ctx.conference.site.author) if ctx.conference.site.author else ""), nav=(section,), order=80)


# An author line a draft may carry ("**Author**: ...", "作者：...", "By ..."): the page shows the
# author from `site.author` instead, so a model can never put a name on the article.
AUTHOR_LINE = re.compile(
    r"^\s*[*_]{0,2}(?:author|authors|written by|作者|撰稿|撰文)[*_]{0,2}\s*[:：][*_]{0,2}\s*\S.*$"
    r"|^\s*[*_]{0,2}(?-i:By\s+[A-Z\u4e00-\u9fff][^.!?。]{0,60})$",
    re.IGNORECASE | re.MULTILINE)


def without_author(body: str) -> str:
    """The draft body with its author lines (outside code) removed."""
    lines, fence = [], False
    for line in body.splitlines(keepends=True):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if not fence and AUTHOR_LINE.match(line):
            continue
        lines.append(line)
    return "".join(lines)


@hookimpl
def confgen_content_kinds():
    return [Articles()]
