"""Gate ``tables``: pipe tables with no separator row, a separator that does not match the header,
or rows with a different number of cells (a cut-off answer often ends mid-row)."""

from __future__ import annotations

import re

from confgen.api import Finding, GateContext, hookimpl
from confgen_plugins.gates._markdown import parse

SEPARATOR = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")


def cells(line: str) -> int:
    body = re.sub(r"\\\|", "", line.strip())
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return body.count("|") + 1


def is_row(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("|") and stripped.count("|") >= 2


def gate(ctx: GateContext):
    doc = parse(ctx.text)
    lines, n = doc.prose, len(doc.prose)
    i = 0
    while i < n:
        if doc.in_code[i] or not is_row(lines[i]):
            i += 1
            continue
        start = i
        while i < n and not doc.in_code[i] and is_row(lines[i]):
            i += 1
        block = lines[start:i]
        if len(block) < 2 or not SEPARATOR.match(block[1]):
            yield Finding("tables", "table has no separator row (| --- |) under its header", start + 1)
            continue
        width = cells(block[0])
        if cells(block[1]) != width:
            yield Finding("tables", f"separator row has {cells(block[1])} cells, the header {width}", start + 2)
        for offset, row in enumerate(block[2:], 3):
            if cells(row) != width:
                yield Finding("tables", f"row has {cells(row)} cells, the header {width}", start + offset)
        if i < n and lines[i].strip() and not doc.in_code[i] and "|" in lines[i]:
            yield Finding("tables", "row does not start with | (broken table)", i + 1)


@hookimpl
def confgen_gates():
    return {"tables": gate}
