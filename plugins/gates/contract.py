"""Gate ``contract``: a draft does what its kind's contract (:mod:`confgen.contract`) promises:
the ``##`` sections in their order, the markers, a length within the range, every mention (a FAQ
answers each question of the facts; a speaker profile names the speaker and their talks).

The prompt states the same contract, so its findings read as the rule the model was given."""

from __future__ import annotations

from difflib import SequenceMatcher

from confgen.api import LONG, SHORT, Finding, GateContext, hookimpl, length_unit, measure, normalized
from confgen_plugins.gates._markdown import parse

#: A FAQ heading this similar to a question of the facts asks that question (reworded slightly).
SAME_QUESTION = 0.8


def gate(ctx: GateContext):
    contract = ctx.contract
    if contract is None:
        return
    doc = parse(ctx.text)
    headings = doc.headings
    if contract.no_headings and headings:
        yield Finding("contract", "this text has no headings: write paragraphs only", headings[0][0])
    yield from _order(contract.sections.get(ctx.lang, []), headings)
    for marker in contract.markers:
        yield from _marker(marker, ctx.text, headings, contract.sections.get(ctx.lang, []))
    if ctx.lang in contract.length:
        least, most = contract.length[ctx.lang]
        size = measure(ctx.text, ctx.lang)
        unit = length_unit(ctx.lang)
        if size < least * SHORT or size > most * LONG:
            yield Finding("contract", f"{size} {unit}; write {least} to {most} {unit}")
    flat = normalized(ctx.text)
    titles = [normalized(text) for _, level, text in headings if level == 2]
    for mention in contract.must_mention(ctx.job):
        want = normalized(mention.text)
        if mention.heading:
            if not any(want in t or SequenceMatcher(None, want, t).ratio() >= SAME_QUESTION for t in titles):
                yield Finding("contract", f"the question “{mention.text}” has no `##` heading and answer of its own")
        elif want and want not in flat:
            yield Finding("contract", f"“{mention.text}” is not mentioned (write it as in the facts)")


def _order(wanted: list[str], headings: list[tuple[int, int, str]]):
    """Required sections present in another order (the ``sections`` gate reports missing ones)."""
    seen = [normalized(text) for _, level, text in headings if level == 2]
    positions = []
    for title in wanted:
        key = normalized(title)
        at = next((i for i, have in enumerate(seen) if have == key or have.startswith(key)), None)
        if at is not None:
            positions.append((at, title))
    for (before, first), (after, second) in zip(positions, positions[1:]):
        if after < before:
            yield Finding("contract", f"section “{second}” comes before “{first}”; keep the order asked for")
            return


def _marker(marker, text: str, headings: list[tuple[int, int, str]], sections: list[str]):
    pattern = marker.regex()
    lines = text.splitlines()
    if marker.in_section is not None and marker.in_section < len(sections):
        title = sections[marker.in_section]
        key = normalized(title)
        for index, (line, level, heading) in enumerate(headings):
            if level == 2 and normalized(heading).startswith(key):
                end = next((later for later, lvl, _ in headings[index + 1:] if lvl <= 2), len(lines) + 1)
                if not pattern.search("\n".join(lines[line:end - 1])):
                    yield Finding("contract", f"section “{title}” needs its {marker.name}", line)
                return
        return  # the missing section itself is reported by the ``sections`` gate
    if not marker.under_level:
        if not pattern.search(text):
            yield Finding("contract", f"the {marker.name} is missing")
        return
    for index, (line, level, title) in enumerate(headings):
        if level != marker.under_level:
            continue
        end = next((later for later, lvl, _ in headings[index + 1:] if lvl <= level), len(lines) + 1)
        if not pattern.search("\n".join(lines[line:end - 1])):
            yield Finding("contract", f"“{title[:60]}” lacks its {marker.name}", line)


@hookimpl
def confgen_gates():
    return {"contract": gate}
