"""The question bank: concept, interview and programming questions per track, each with a
reference answer and a difficulty, shown on one page per track with the answers folded.

A draft lists questions as level-3 headings under the three section headings; each question has a
difficulty line and a reference answer after a marker::

    ### 1. What is ...?

    **Difficulty**: beginner            (zh: **难度**：入门)

    **Reference answer**:               (zh: **参考答案**：)

    ...text, and for programming questions a ```python block whose asserts check it...

Near-duplicate questions (by normalized text similarity) are merged when the page is rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from confgen.api import ContentKind, Contract, Job, Marker, Page, RenderContext, hookimpl, word
from confgen.model import Conference, tr
from confgen_plugins.content.articles import from_abstracts, offline_inputs, track_facts
from confgen_plugins.content.notes import topics
from confgen_plugins.content.sections import HEADING, find, headings, normalize

SECTIONS = {"zh": ["概念题", "面试题", "编程题"], "en": ["Concept questions", "Interview questions", "Programming questions"]}
KINDS = ("concept", "interview", "programming")
LEVELS = {
    "beginner": "beginner", "easy": "beginner", "入门": "beginner", "初级": "beginner", "简单": "beginner",
    "intermediate": "intermediate", "medium": "intermediate", "进阶": "intermediate", "中级": "intermediate", "中等": "intermediate",
    "advanced": "advanced", "hard": "advanced", "高级": "advanced", "困难": "advanced",
}
DIFFICULTY = re.compile(r"^\s*[*_]{0,2}(?:difficulty|level|难度)[*_]{0,2}\s*[:：]\s*[*_]{0,2}\s*([^\s*_。.，,]+)", re.I | re.M)
ANSWER = re.compile(r"^\s*[*_]{0,2}(?:reference answer|answer|参考答案|答案)[*_]{0,2}\s*[:：]?\s*[*_]{0,2}\s*$", re.I | re.M)
NUMBERING = re.compile(r"^\s*(?:Q\s*)?\d+\s*[.、:：)]\s*", re.I)
#: Questions at least this similar (difflib ratio of their normalized text) are one question.
SIMILAR = 0.88


@dataclass(frozen=True)
class Question:
    kind: str  # concept | interview | programming
    text: str  # the heading, without its number
    detail: str  # text between the heading and the answer (the task of a programming question)
    level: str | None  # beginner | intermediate | advanced, None when missing or unknown
    answer: str | None  # None when the reference-answer marker is missing
    line: int  # 1-based line of the heading in the draft
    merged: int = 0  # near-duplicates folded into this one


def parse(text: str, lang: str) -> list[Question]:
    """The questions of a draft, section by section."""
    found: list[Question] = []
    for kind, title in zip(KINDS, SECTIONS.get(lang, SECTIONS["en"])):
        section = find(text, title)
        if section is None:
            continue
        body = section.body.splitlines()
        starts = [index for index, level, _ in headings(section.body) if level == 3]
        for position, start in enumerate(starts):
            end = starts[position + 1] if position + 1 < len(starts) else len(body)
            heading = HEADING.match(body[start]).group(2)
            found.append(_question(kind, NUMBERING.sub("", heading).strip(), "\n".join(body[start + 1:end]),
                                   section.line + 1 + start))
    return found


def _question(kind: str, text: str, rest: str, line: int) -> Question:
    level_match = DIFFICULTY.search(rest)
    level = LEVELS.get(level_match.group(1).casefold()) if level_match else None
    if level_match:  # the difficulty line is shown by the page, not repeated in the question
        rest = rest[:level_match.start()] + _after_line(rest, level_match.end())
    marker = ANSWER.search(rest)
    if marker is None:
        return Question(kind, text, rest.strip(), level, None, line)
    return Question(kind, text, rest[:marker.start()].strip(), level, rest[marker.end():].strip("\n").rstrip(), line)


def _after_line(text: str, position: int) -> str:
    newline = text.find("\n", position)
    return "" if newline < 0 else text[newline:]


def _comparable(question: Question) -> str:
    return normalize(question.text + question.detail[:200])


def _matches(matcher: SequenceMatcher, text: str) -> bool:
    """Whether ``text`` is similar to the matcher's second sequence."""
    if not (text and matcher.b):
        return False
    matcher.set_seq1(text)
    # The quick ratios are upper bounds of ratio(): most pairs are ruled out without the full match.
    return matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR


def merge_duplicates(questions: list[Question]) -> list[Question]:
    """One question per group of near-duplicates: the first asked, with the fuller answer."""
    texts = tuple(_comparable(q) for q in questions)
    kept: dict[int, Question] = {}  # by the position of the question it keeps
    for question, group in zip(questions, duplicate_of(texts)):
        if group not in kept:
            kept[group] = question
            continue
        earlier = kept[group]
        fuller = question.answer if len(question.answer or "") > len(earlier.answer or "") else earlier.answer
        kept[group] = replace(earlier, answer=fuller, level=earlier.level or question.level, merged=earlier.merged + 1)
    return list(kept.values())


def duplicate_of(texts: tuple[str, ...]) -> list[int]:
    """For each text, the position of the first earlier kept text it is similar to (or its own)."""
    groups: list[int] = []
    kept: list[int] = []
    # The new text is the matcher's second sequence, indexed once for all the earlier ones.
    matcher = SequenceMatcher(None, autojunk=False)
    for position, text in enumerate(texts):
        matcher.set_seq2(text)
        group = next((k for k in kept if _matches(matcher, texts[k])), None)
        if group is None:
            kept.append(position)
            group = position
        groups.append(group)
    return groups


#: The two lines every question carries, asked for by the prompt and checked by the gates.
MARKERS = (
    Marker("difficulty", DIFFICULTY.pattern, {
        "zh": "每道题标题下先写一行难度：`**难度**：入门`、`**难度**：进阶` 或 `**难度**：高级`。",
        "en": "Under each question, first a difficulty line: `**Difficulty**: beginner`, `intermediate` or `advanced`."},
        under_level=3),
    Marker("reference answer", ANSWER.pattern, {
        "zh": "然后单独一行 `**参考答案**：`，答案写在它下面。",
        "en": "Then a line `**Reference answer**:` on its own, with the answer below it."},
        under_level=3),
)


class Questions(ContentKind):
    name = "questions"
    required_sections = SECTIONS
    contract = Contract(sections=SECTIONS, length={"zh": (800, 4000), "en": (500, 2500)}, markers=MARKERS)

    def jobs(self, conference: Conference, lang: str, templates=None):
        for track in conference.tracks:
            yield Job(self.name, track.id, lang, facts=track_facts(conference, track, lang, templates))

    def offline(self, job: Job, conference: Conference, templates) -> str:
        # The topics each abstract lists are pieces of untrusted text: read here for the offline
        # draft, never put among the facts.
        listed = {s.id: topics(tr(s.abstract, job.lang), job.lang) for s in conference.sessions
                  if s.track == job.key}
        read = from_abstracts(conference, job.key, job.lang, job.facts["topic"], templates)
        sessions = [{**s, "covers": read["covers"].get(s["id"], [])} for s in job.facts["sessions"]]
        return templates.render(f"offline/{self.name}.{job.lang}.md.j2", conference=conference, job=job, lang=job.lang,
                                facts=job.facts, sessions=sessions, topics=listed)

    def offline_inputs(self, job: Job, conference: Conference, templates=None):
        return offline_inputs(conference, job.key, job.lang, templates)

    def pages(self, ctx: RenderContext):
        section = word("nav.questions", ctx.lang)
        for track in ctx.conference.tracks:
            draft = ctx.draft(self.name, track.id)
            questions = parse(draft.body, ctx.lang) if draft else []
            unique = merge_duplicates(questions)
            groups = [(title, [q for q in unique if q.kind == kind])
                      for kind, title in zip(KINDS, SECTIONS[ctx.lang])]
            heading = ctx.tr({"zh": f"题库：{ctx.tr(track.name)}", "en": f"Questions: {ctx.tr(track.name)}"})
            yield Page(f"questions/{track.id}.md", ctx.lang, ctx.tr(track.name), ctx.render(
                "pages/questions.md.j2", draft=draft, heading=heading, track=track, groups=groups,
                total=len(unique), merged=len(questions) - len(unique), indent=_indent,
            ), nav=(section,), order=85)


def _indent(text: str) -> str:
    """Text indented into a ``??? note`` block (blank lines stay blank)."""
    return "\n".join(("    " + line) if line.strip() else "" for line in text.splitlines())


@hookimpl
def confgen_content_kinds():
    return [Questions()]
