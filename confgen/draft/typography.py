"""Typesetting of every draft's prose by autocorrect (CJK/Latin spacing, punctuation), applied where
confgen writes a draft, whoever drafted it.

Fenced blocks and display math are left alone: autocorrect would space the strings of a program
(changing what it prints) and the letters of a formula.
"""

from __future__ import annotations

import re

import autocorrect_py

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
MATH = re.compile(r"^\s*\$\$\s*$")


def prose_runs(text: str) -> list[tuple[bool, str]]:
    """``(is_prose, text)`` runs of whole lines; fenced code and ``$$`` blocks are not prose."""
    runs: list[tuple[bool, list[str]]] = []
    closing: str | None = None
    for line in text.splitlines(keepends=True):
        prose = closing is None
        if closing is None:
            opening = FENCE.match(line)
            if opening:
                closing, prose = opening.group(1)[0] * len(opening.group(1)), False
            elif MATH.match(line):
                closing, prose = "$$", False
        elif (closing == "$$" and MATH.match(line)) or (closing != "$$" and line.strip().startswith(closing)
                                                         and not line.strip().strip(closing[0])):
            closing = None
        if runs and runs[-1][0] == prose:
            runs[-1][1].append(line)
        else:
            runs.append((prose, [line]))
    return [(prose, "".join(lines)) for prose, lines in runs]


def format_prose(prose: str) -> str:
    # autocorrect drops a trailing newline of its input; keep the run's own line ends.
    body = prose.rstrip("\n")
    return autocorrect_py.format_for(body, "markdown") + prose[len(body):]


def typeset(text: str) -> str:
    """``text`` with autocorrect's spacing and punctuation applied to its prose."""
    return "".join(format_prose(chunk) if prose else chunk for prose, chunk in prose_runs(text))
