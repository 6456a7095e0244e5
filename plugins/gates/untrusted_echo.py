"""Gate ``untrusted-echo``: a draft that carries the untrusted block back out.

A model steered by instructions planted in an abstract or bio gives itself away: it copies the
datamarked text (so its draft holds the marker characters), it carries the bidirectional controls
and zero-width characters used to hide an instruction, or it weaves a long stretch of the
submitter's words into its own prose. Any of these fails the draft, and the findings go back to the
model like every gate's.

A paragraph or list item quoted whole from the abstract or bio is the submitter's own text, shown as theirs on
a sanitized page (the facts gate treats it the same way); what this gate refuses is a long copied
stretch inside a paragraph the model wrote.

The prompt also shows a worked example of the kind's form, written for an invented job. A draft that
copies a stretch of it, quoted whole or not, describes a session or person that does not exist.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from confgen.api import Finding, GateContext, hookimpl

#: The datamark characters of the prompts' untrusted blocks (confgen.prompt.MARKERS).
DATAMARKS = "ˆ¦‡¤"
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\u180e\ufeff]")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: The longest verbatim stretch of an untrusted field a paragraph of the model's own may hold, in
#: characters other than spaces: a phrase, not a sentence (Chinese packs one in fewer characters).
LONGEST_COPY = {"latin": 50, "cjk": 24}
SHORTEST_COPY = min(LONGEST_COPY.values())


def gate(ctx: GateContext):
    for number, line in enumerate(ctx.text.split("\n"), 1):
        marks = sorted({ch for ch in line if ch in DATAMARKS})
        if marks:
            yield Finding("untrusted-echo", f"carries the datamark of the untrusted block ({''.join(marks)!r}): "
                                            "write your own text, without the marker characters", number)
        for pattern, what in ((BIDI, "bidirectional control"), (ZERO_WIDTH, "zero-width")):
            found = sorted({f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".strip() for ch in pattern.findall(line)})
            if found:
                yield Finding("untrusted-echo", f"{what} character(s) {', '.join(found)}: remove them", number)
    yield from copies(ctx)
    yield from example_copies(ctx)


def longest_copy(paragraph: str, source: str) -> str | None:
    """The longest stretch of ``source`` in ``paragraph`` (both squeezed), when it is long enough
    to be a copy rather than a shared phrase."""
    match = SequenceMatcher(None, paragraph, source, autojunk=False).find_longest_match(0, len(paragraph), 0, len(source))
    copied = paragraph[match.a:match.a + match.size].strip()
    limit = LONGEST_COPY["cjk" if len(CJK.findall(copied)) * 2 >= len(copied) else "latin"]
    return copied if len(copied) >= limit else None


@lru_cache(maxsize=16)
def _grams(source: str) -> frozenset[str]:
    return frozenset(source[i:i + SHORTEST_COPY] for i in range(len(source) - SHORTEST_COPY + 1))


def _may_copy(paragraph: str, source: str) -> bool:
    """False when no stretch of ``paragraph`` as long as the shortest copy limit is in ``source``:
    then no copy can be found, and the costly longest-match search over the example is skipped."""
    grams = _grams(source)
    return any(paragraph[i:i + SHORTEST_COPY] in grams for i in range(len(paragraph) - SHORTEST_COPY + 1))


def example_copies(ctx: GateContext):
    if not ctx.example.strip():
        return
    source = squeeze(ctx.example)
    for line, paragraph in paragraphs(ctx.text):
        paragraph = squeeze(paragraph)
        copied = longest_copy(paragraph, source) if _may_copy(paragraph, source) else None
        if copied:
            yield Finding("untrusted-echo", f"copies {len(copied)} characters of the prompt's example word for word "
                                            f"({copied[:60]!r}...): the example shows the form only, for an invented "
                                            "job; write about this job's own facts", line)


def copies(ctx: GateContext):
    if ctx.job is None or not ctx.job.untrusted:
        return
    sources = {name: squeeze(value) for name, value in ctx.job.untrusted.items() if value and value.strip()}
    for line, paragraph in paragraphs(ctx.text):
        paragraph = squeeze(paragraph)
        if any(paragraph in source for source in sources.values()):
            continue  # quoted whole: the submitter's words, shown as theirs
        for name, source in sources.items():
            copied = longest_copy(paragraph, source) if _may_copy(paragraph, source) else None
            if copied:
                yield Finding("untrusted-echo", f"copies {len(copied)} characters of the {name} word for word into its own "
                                                f"prose ({copied[:60]!r}...): the {name} is material to write about, not text to repeat",
                              line)
                break


def squeeze(text: str) -> str:
    """Text compared without whitespace and marks: a copy with the spaces moved (or with spaces
    between Chinese characters, where the datamark stood) is still a copy."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in DATAMARKS
                   and not BIDI.match(ch) and not ZERO_WIDTH.match(ch))


LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def paragraphs(text: str):
    """(first line, the paragraph or list item with its whitespace collapsed, without the item's
    marker), outside code fences."""
    start, lines, fence = 0, [], None
    for number, line in enumerate(text.split("\n") + [""], 1):
        marker = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence or marker:
            if marker:
                fence = None if fence and marker.group(1)[0] == fence[0] else (fence or marker.group(1))
            continue
        item = LIST_ITEM.match(line)
        if item and lines:  # each list item stands alone: one quoted whole is quoted, as a paragraph is
            yield start, " ".join(" ".join(lines).split())
            lines = []
        if line.strip():
            if not lines:
                start = number
            lines.append(line[item.end():] if item else line)
        elif lines:
            yield start, " ".join(" ".join(lines).split())
            lines = []


@hookimpl
def confgen_gates():
    return {"untrusted-echo": gate}
