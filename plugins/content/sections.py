"""Reading the structure of a Markdown draft: its headings, the text under each, its fenced
blocks. Fenced code is skipped when looking for headings (a ``# comment`` is not a heading)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    line: int  # 1-based line of the heading
    body: str  # everything up to the next heading of the same or a higher level


@dataclass(frozen=True)
class Block:
    lang: str
    code: str
    line: int  # 1-based line of the opening fence


@lru_cache(maxsize=8192)  # question merging compares every pair of a track's questions
def normalize(title: str) -> str:
    """A heading reduced to letters and digits, casefolded: ``## 1. Background`` == ``1 Background``."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def headings(text: str) -> list[tuple[int, int, str]]:
    """``(line index, level, title)`` of every heading outside fenced blocks."""
    found, fence = [], None
    for index, line in enumerate(text.splitlines()):
        opening = FENCE.match(line)
        if opening:
            marker = opening.group(2)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not opening.group(3):
                fence = None
            continue
        if fence is None:
            match = HEADING.match(line)
            if match:
                found.append((index, len(match.group(1)), match.group(2)))
    return found


def sections(text: str) -> list[Section]:
    lines = text.splitlines()
    marks = headings(text)
    result = []
    for position, (index, level, title) in enumerate(marks):
        end = len(lines)
        for later, later_level, _ in marks[position + 1:]:
            if later_level <= level:
                end = later
                break
        result.append(Section(level, title, index + 1, "\n".join(lines[index + 1:end])))
    return result


def find(text: str, title: str) -> Section | None:
    """The first section whose heading is ``title`` (or starts with it), ignoring punctuation."""
    wanted = normalize(title)
    candidates = sections(text)
    for section in candidates:
        if normalize(section.title) == wanted:
            return section
    for section in candidates:
        if normalize(section.title).startswith(wanted):
            return section
    return None


def has_content(body: str) -> bool:
    """True when ``body`` holds more than headings and blank lines."""
    return any(line.strip() and not HEADING.match(line) for line in body.splitlines())


def blocks(text: str) -> list[Block]:
    """Fenced code blocks with their info-string language (``python``, ``mermaid``, ``text``...)."""
    found, fence, lang, start, buffer = [], None, "", 0, []
    for index, line in enumerate(text.splitlines()):
        opening = FENCE.match(line)
        if fence is None:
            if opening:
                fence, lang, start, buffer = opening.group(2), opening.group(3).lower(), index, []
                indent = len(opening.group(1))
            continue
        if opening and opening.group(2)[0] == fence[0] and len(opening.group(2)) >= len(fence) and not opening.group(3):
            found.append(Block(lang, "\n".join(buffer), start + 1))
            fence = None
            continue
        buffer.append(line[indent:] if line[:indent].strip() == "" else line)
    return found
