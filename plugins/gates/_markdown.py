"""A draft read once for all gates: its lines, its code blocks, headings and paragraphs, and the
"prose" view with code, math, URLs and e-mail addresses blanked out so that a gate looking at words
or numbers never trips over a port number or a formula. Line numbers are 1-based and the prose view
keeps the same lines as the text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^\s`{]*)?[^`]*$")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_CODE = re.compile(r"(`+)[^`\n].*?\1")
INLINE_MATH = re.compile(r"\$(?=\S)[^$\n]+?(?<=\S)\$(?!\d)|\\\(.+?\\\)")
URL = re.compile(r"(?:https?|ftp)://[^\s<>()\[\]\"'`]+|www\.[A-Za-z0-9-]+\.[^\s<>()\[\]\"'`]+", re.I)
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
TRAILING = ".,;:!?)]}>'\"。，；：！？）》」』"


@dataclass(frozen=True)
class CodeBlock:
    line: int  # line of the opening fence
    info: str
    body: str
    closed: bool

    @property
    def lang(self) -> str:
        return self.info.strip().lstrip("{.").split()[0].lower() if self.info.strip() else ""


@dataclass(frozen=True)
class Paragraph:
    line: int
    text: str  # whitespace collapsed


@dataclass
class Doc:
    lines: list[str]
    prose: list[str]  # code and math blanked
    plain: list[str]  # prose with URLs and e-mails blanked too
    code: list[CodeBlock] = field(default_factory=list)
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # (line, level, text)
    paragraphs: list[Paragraph] = field(default_factory=list)
    in_code: list[bool] = field(default_factory=list)  # fenced code or display math
    fenced: list[bool] = field(default_factory=list)  # fenced code only

    def outside_fences(self) -> list[str]:
        """Lines with fenced code and inline code blanked, math kept: what Markdown may pass as HTML."""
        return ["" if fenced else INLINE_CODE.sub(_blank, line) for line, fenced in zip(self.lines, self.fenced)]

    def urls(self) -> list[tuple[int, str]]:
        found = []
        for number, line in enumerate(self.prose, 1):
            for match in URL.finditer(line):
                found.append((number, match.group(0).rstrip(TRAILING)))
        return found


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


@lru_cache(maxsize=64)
def parse(text: str) -> Doc:
    """Parsed once per distinct text: every gate of a run asks for the same draft."""
    lines = text.split("\n")
    prose: list[str] = []
    in_code: list[bool] = []
    fenced: list[bool] = []
    code: list[CodeBlock] = []
    fence: tuple[str, int, str, list[str]] | None = None  # (marker, start line, info, body lines)
    math_open = False
    for number, line in enumerate(lines, 1):
        if fence is not None:
            marker = fence[0]
            stripped = line.strip()
            if stripped.startswith(marker[0] * len(marker)) and set(stripped) == {marker[0]}:
                code.append(CodeBlock(fence[1], fence[2], "\n".join(fence[3]), True))
                fence = None
            else:
                fence[3].append(line)
            prose.append("")
            in_code.append(True)
            fenced.append(True)
            continue
        opening = FENCE_OPEN.match(line)
        if opening and not math_open:
            info = line.strip()[len(opening.group(1)):]
            fence = (opening.group(1), number, info, [])
            prose.append("")
            in_code.append(True)
            fenced.append(True)
            continue
        stripped = line.strip()
        if math_open or stripped.startswith("$$") or stripped.startswith("\\["):
            closes = stripped.endswith("$$") or stripped.endswith("\\]")
            single = len(stripped) > 2 and closes and not math_open
            math_open = False if (math_open and closes) or single else True
            prose.append("")
            in_code.append(True)
            fenced.append(False)
            continue
        masked = INLINE_CODE.sub(_blank, line)
        masked = INLINE_MATH.sub(_blank, masked)
        prose.append(masked)
        in_code.append(False)
        fenced.append(False)
    if fence is not None:
        code.append(CodeBlock(fence[1], fence[2], "\n".join(fence[3]), False))
    plain = [EMAIL.sub(_blank, URL.sub(_blank, line)) for line in prose]
    doc = Doc(lines, prose, plain, code, in_code=in_code, fenced=fenced)
    start, block = 0, []
    for number, line in enumerate(prose, 1):
        heading = HEADING.match(line) if not in_code[number - 1] else None
        if heading:
            doc.headings.append((number, len(heading.group(1)), heading.group(2).strip()))
        if in_code[number - 1] or not line.strip() or heading:
            if block:
                doc.paragraphs.append(Paragraph(start, " ".join(" ".join(block).split())))
                block = []
            continue
        if not block:
            start = number
        block.append(line.strip())
    if block:
        doc.paragraphs.append(Paragraph(start, " ".join(" ".join(block).split())))
    return doc
