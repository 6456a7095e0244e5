"""The typography gate: what autocorrect would still change in a draft's prose (confgen typesets
every draft it writes, so this speaks of hand edits and ``confgen check`` on any file), plus what
autocorrect cannot see: doubled words (「上海上海」), two date styles in one text, full-width
punctuation in English, "studys"-style plurals."""

from __future__ import annotations

import re
from typing import Iterable

from confgen.api import Finding, GateContext, StashKey, format_prose, hookimpl, prose_runs
from confgen.model import tr

GATE = "typography"
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
CJK_CHAR = re.compile(f"[{CJK}]")
URL = re.compile(r"https?://[^\s\u3000-\u303f\uff00-\uffef]+\s?")
#: A run of Chinese characters written twice in a row: 「上海上海」, 「社区社区」. Two-character
#: reduplication is often meant (「很长很长」, 「研究研究」): a two-character run counts only when it
#: is part of a name in the facts (the city, the venue, the organizer...).
DOUBLED_ZH = re.compile(rf"([{CJK}]{{2,6}})\1")
DOUBLED_EN = re.compile(r"\b([A-Za-z]{2,})\s+\1\b", re.IGNORECASE)
#: English words legitimately doubled ("that that" is rare enough to flag; these are not).
DOUBLED_OK = {"had", "is", "that"}
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
#: The ways a date gets written, per language; a text should use one.
DATE_STYLES = {
    "zh": {"ISO": re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])"),
           "年月日": re.compile(r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日")},
    "en": {"ISO": re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])"),
           "Month D": re.compile(rf"\b{MONTH}\s+\d{{1,2}}\b"),
           "D Month": re.compile(rf"\b\d{{1,2}}\s+{MONTH}\b")},
}
FULL_WIDTH = re.compile(r"[，。：；！？（）【】「」『』、]")
BAD_PLURAL = re.compile(r"\b[A-Za-z]*[bcdfghjklmnpqrstvwxz]ys\b")
BAD_PLURAL_OK = {"ys"}


def _prose_lines(text: str) -> Iterable[tuple[int, str, str]]:
    """``(line number, line, line without inline code and math)`` of every prose line."""
    number = 1
    for prose, chunk in prose_runs(text):
        lines = chunk.splitlines()
        if prose:
            for offset, line in enumerate(lines):
                yield number + offset, line, re.sub(r"`[^`]*`|\$[^$\n]+\$", " ", line)
        number += len(lines)


def _without_urls(line: str) -> str:
    return URL.sub("", line)


NAMES = StashKey[str]()


def _names(conference) -> str:
    """Every name of the facts, in both languages, joined: where a doubled pair is a real mistake.
    Built once per loaded conference, and kept with it: every draft's check asks for it."""
    if conference is None:
        return ""
    return conference.stash.setdefault_by(NAMES, lambda: _names_built(conference))


def _names_built(conference) -> str:
    event = conference.event
    values = [event.name, event.city, event.venue.name, event.organizer]
    values += [t.name for t in conference.tracks] + [r.name for r in conference.rooms]
    values += [p.name for p in conference.speakers] + [p.affiliation for p in conference.speakers]
    return "\n".join(text for value in values if value for text in (tr(value, "zh"), tr(value, "en")) if text)


def findings(text: str, lang: str, conference=None) -> Iterable[Finding]:
    """What is wrong with the typography of ``text`` (a draft body in ``lang``)."""
    names = _names(conference)
    for number, original, line in _prose_lines(text):
        # autocorrect knows inline code and math: it judges the line as written. It speaks of
        # Chinese text only, and a space it would remove between a URL and the punctuation after
        # it is kept on purpose (the link must not swallow the punctuation).
        if CJK_CHAR.search(original) and _without_urls(format_prose(original)) != _without_urls(original):
            # A warning: confgen typesets every draft it writes, so only a hand edit can carry this.
            yield Finding(GATE, f"spacing or punctuation: “{original.strip()[:60]}” → “{format_prose(original).strip()[:60]}”",
                          number, "warning")
        for match in DOUBLED_ZH.finditer(line):
            if len(match.group(1)) > 2 or match.group(1) in names:
                yield Finding(GATE, f"doubled word “{match.group(0)}”", number)
        for match in DOUBLED_EN.finditer(line):
            if match.group(1).lower() not in DOUBLED_OK:
                yield Finding(GATE, f"doubled word “{match.group(0)}”", number)
        if lang == "en":
            # Full-width punctuation belongs to Chinese text; a Chinese title quoted in English is fine.
            bare = re.sub(rf"[{CJK}][^A-Za-z]*", "", line)
            for match in FULL_WIDTH.finditer(bare):
                yield Finding(GATE, f"full-width “{match.group(0)}” in English text", number)
                break
            for match in BAD_PLURAL.finditer(line):
                if match.group(0).lower() not in BAD_PLURAL_OK:
                    yield Finding(GATE, f"misspelt plural “{match.group(0)}”", number)
    prose = "\n".join(line for _, _, line in _prose_lines(text))
    used = [(style, match.group(0)) for style, pattern in DATE_STYLES.get(lang, {}).items()
            for match in [pattern.search(prose)] if match]
    if len(used) > 1:
        yield Finding(GATE, "dates written in more than one style (" + ", ".join(f"“{example}”" for _, example in used)
                      + "); write them one way")


def typography(ctx: GateContext) -> Iterable[Finding]:
    yield from findings(ctx.text, ctx.lang, ctx.conference)


@hookimpl
def confgen_gates():
    return {GATE: typography}
