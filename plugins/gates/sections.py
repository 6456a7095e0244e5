"""Gate ``sections``: headings with nothing under them, and the headings a content kind requires
(``GateContext.required_sections``) that the draft lacks. Headings match loosely: case, spaces,
and the punctuation after a section number ("1." or "1、") do not matter."""

from __future__ import annotations

import re

from confgen.api import Finding, GateContext, hookimpl
from confgen_plugins.gates._markdown import parse


def normalize(heading: str) -> str:
    text = re.sub(r"[*_`]", "", heading).lower()
    text = re.sub(r"^(\d+)\s*[.、．:：)]?\s*", r"\1 ", text)
    return " ".join(re.sub(r"[\s:：,，]+", " ", text).split())


def unnumbered(heading: str) -> str:
    return re.sub(r"^\d+ ", "", heading)


def gate(ctx: GateContext):
    doc = parse(ctx.text)
    headings = doc.headings
    for index, (line, level, text) in enumerate(headings):
        end = headings[index + 1][0] if index + 1 < len(headings) else len(doc.lines) + 1
        nested = index + 1 < len(headings) and headings[index + 1][1] > level
        content = any(doc.lines[i - 1].strip() for i in range(line + 1, end))
        if not content and not nested:
            yield Finding("sections", f"section {text!r} is empty", line)
    present = [normalize(text) for _, _, text in headings]
    for required in ctx.required_sections:
        want = normalize(required)
        bare = unnumbered(want)
        if not any(have == want or have.startswith(want) or unnumbered(have) == bare for have in present):
            yield Finding("sections", f"required section {required!r} is missing", 1)


@hookimpl
def confgen_gates():
    return {"sections": gate}
