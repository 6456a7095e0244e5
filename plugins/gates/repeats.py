"""Gate ``repeated``: a paragraph or a section heading that occurs twice. The commonest form is the
whole answer written out a second time after a stray end-of-text token."""

from __future__ import annotations

from confgen.api import Finding, GateContext, hookimpl
from confgen_plugins.gates._markdown import parse

MIN_CHARS = 30  # short lines ("Yes.", a bare date) may well repeat in a FAQ or an agenda


def gate(ctx: GateContext):
    doc = parse(ctx.text)
    # Keyed by section: a template-like answer repeated under different questions is style, the same
    # paragraph twice in one section (or the whole text twice, headings included) is a defect.
    seen: dict[tuple[str, str], int] = {}
    starts = [(line, text) for line, _, text in doc.headings]
    for paragraph in doc.paragraphs:
        if len(paragraph.text) < MIN_CHARS:
            continue
        section = next((text for line, text in reversed(starts) if line < paragraph.line), "")
        first = seen.setdefault((section, paragraph.text), paragraph.line)
        if first != paragraph.line:
            yield Finding("repeated", f"paragraph repeats the one on line {first}", paragraph.line)
    headings: dict[tuple[int, str], int] = {}
    for line, level, text in doc.headings:
        key = (level, " ".join(text.lower().split()))
        first = headings.setdefault(key, line)
        if first != line:
            yield Finding("repeated", f"heading {text!r} repeats the one on line {first}", line)


@hookimpl
def confgen_gates():
    return {"repeated": gate}
