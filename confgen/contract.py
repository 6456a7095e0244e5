"""Output contracts: what a draft of one content kind must be, declared once by the kind.

A contract names the ``##`` sections and their order, markers the draft must carry, its length
range and what it must mention. Both sides are derived from it: :meth:`Contract.instructions` is
the part of the prompt that states it, and the ``contract`` gate checks it, so a model that does
what the prompt asks passes the gate, and the gate never asks for what the prompt left unsaid.
The token budget of a request comes from the length range (:meth:`Contract.budget`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol


class Job(Protocol):
    """What a contract reads of a job (a :class:`confgen.types.Job`): named here, not imported,
    because a job's context carries its kind's contract."""

    lang: str
    facts: dict[str, Any]

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.+-]*")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
#: Tokens per unit of length (a Chinese character, an English word), generous for common
#: tokenizers, then room for Markdown, code and formulas on top.
TOKENS_PER_UNIT = {"zh": 1.5, "en": 1.5}
MARKUP_ROOM = 1.3
FLOOR_TOKENS = 256
#: How far a draft may stray from the range before the gate rejects it: models count words
#: loosely, and a draft a little short or long still does its job.
SHORT, LONG = 0.75, 1.5


@dataclass(frozen=True)
class Marker:
    """A line the draft must carry: once (``under_level`` 0) or under every heading of that level
    (``3``: every question of a question bank)."""

    name: str
    pattern: str  # a regular expression, matched per line, case-insensitive
    instruction: dict[str, str]  # how the prompt asks for it, per language
    under_level: int = 0
    #: The marker belongs in this section (an index into the contract's ``sections``).
    in_section: int | None = None

    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.I | re.M)


@dataclass(frozen=True)
class Mention:
    """Something a draft must name: a speaker, a talk title, a question of the FAQ. ``heading``:
    it must be a ``##`` heading of its own (each FAQ question)."""

    text: str
    heading: bool = False


@dataclass(frozen=True)
class Contract:
    #: ``##`` headings per language, in order. Empty: headings are free.
    sections: dict[str, list[str]] = field(default_factory=dict)
    #: ``(least, most)`` per language: Chinese in characters (字), English in words.
    length: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: True: no heading at all (a bio, a day overview shown under the page's own title).
    no_headings: bool = False
    markers: tuple[Marker, ...] = ()
    #: What a draft of this job must mention (from the job's facts).
    mentions: Callable[[Job], list[Mention]] | None = None

    def must_mention(self, job: Job | None) -> list[Mention]:
        return [m for m in (self.mentions(job) if self.mentions and job is not None else []) if m.text.strip()]

    def budget(self, lang: str) -> int | None:
        """Tokens a draft at the top of the range needs, with room for markup; None without a range."""
        if lang not in self.length:
            return None
        return int(self.length[lang][1] * TOKENS_PER_UNIT.get(lang, 1.5) * MARKUP_ROOM) + FLOOR_TOKENS

    def instructions(self, job: Job, *, form: bool = True, mentions: bool = True) -> str:
        """The contract as the prompt states it, in the job's language. ``form``: what every draft
        of the kind shares (length, sections, markers); ``mentions``: what this job's must name. A
        prompt states the first before the job's own facts, so that it is part of the prefix every
        job of the kind shares."""
        zh = job.lang == "zh"
        lines: list[str] = []
        if not form:
            return "\n".join(self._mention_lines(job, zh))
        if job.lang in self.length:
            least, most = self.length[job.lang]
            lines.append(f"篇幅：{least} 到 {most} 字。" if zh else f"Length: {least} to {most} words.")
        if self.no_headings:
            lines.append("不加任何标题，只写段落。" if zh else "No headings at all: paragraphs only.")
        sections = self.sections.get(job.lang, [])
        if sections:
            lines.append("严格使用以下 `##` 章节，顺序和标题都不变：" if zh else
                         "Use exactly these `##` sections, in this order and with these titles:")
            lines += [f"- `## {title}`" for title in sections]
        for marker in self.markers:
            lines.append(marker.instruction.get(job.lang) or marker.instruction.get("en", ""))
        return "\n".join(lines + (self._mention_lines(job, zh) if mentions else []))

    def _mention_lines(self, job: Job, zh: bool) -> list[str]:
        lines: list[str] = []
        mentions = self.must_mention(job)
        headings = [m.text for m in mentions if m.heading]
        named = [m.text for m in mentions if not m.heading]
        if headings:
            lines.append("以下每个问题都要作为一个 `##` 标题，逐字照写，并在其下作答：" if zh else
                         "Use each of these questions, word for word, as a `##` heading, and answer it below:")
            lines += [f"- {text}" for text in headings]
        if named:
            lines.append("正文必须提到（与 facts 写法完全一致）：" if zh else
                         "The text must mention, written exactly as in the facts:")
            lines += [f"- {text}" for text in named]
        return lines


def measure(text: str, lang: str) -> int:
    """The length of a draft as the contract counts it, code blocks left out: Chinese characters
    plus Latin words for ``zh``, words for ``en``."""
    prose, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            prose.append(line)
    body = "\n".join(prose)
    if lang == "zh":
        return len(CJK.findall(body)) + len(WORD.findall(CJK.sub(" ", body)))
    return len(WORD.findall(body))


def length_unit(lang: str) -> str:
    """What :func:`measure` counts in ``lang``, as feedback to the model names it."""
    return "characters (字)" if lang == "zh" else "words"


def normalized(text: str) -> str:
    """Letters and digits only, casefolded: how a mention is matched."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())
