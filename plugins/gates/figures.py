"""Gate ``figures``: every count, share or statistic a draft states comes from the facts.

A figure is a number said to count something (people, developers, seats, sessions, companies,
"名", "位", "家", "场"), a percentage, or a large round amount ("5 万", "50,000+"). Allowed are the
numbers of the trusted facts and of the job's facts (including what confgen computes from them: a
budget plan's revenue, cost and net, the number of sessions by type), the sizes of the lists in
them (three tracks, two days) and session lengths in minutes. Counts up to ten are prose, not statistics. Dates, times and prices are the
``facts`` and ``when`` gates' business; years and version numbers are not figures.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from confgen.api import Finding, GateContext, StashKey, hookimpl
from confgen.model import Conference
from confgen_plugins.gates import _claims
from confgen_plugins.gates._markdown import parse

UNIT_EN = (r"people|persons?|attendees?|participants?|developers?|engineers?|researchers?|visitors?|delegates?"
           r"|registrations?|registrants?|members?|users?|customers?|speakers?|talks?|sessions?|workshops?|keynotes?"
           r"|panels?|tracks?|rooms?|halls?|seats?|tickets?|companies|company|organi[sz]ations?|sponsors?|partners?"
           r"|exhibitors?|countries|cities|universities|startups?|teams?|projects?|papers?|submissions?|proposals?"
           r"|days?|stars|downloads|times|fold|questions?")
WORD_NUMBERS = ("hundred", "thousand", "million", "billion")
FIGURE_EN = re.compile(
    rf"(?<![\w.,-])(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:\s*(%|percent\b|k\b|[kK]\+|\+))?"
    rf"(?:\s*(?:{'|'.join(WORD_NUMBERS)})\b)?(?:\s+(?:more\s+|new\s+|active\s+|registered\s+|[a-z-]+\s+)?(?:{UNIT_EN})\b)?",
    re.I)
FIGURE_ZH = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿|千|百)?\s*(多|余)?\s*(%|％|倍|名|位|人|家|个|场|席|座|张|天|间|条|次|项|篇|所|支)")
MULTIPLIER = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2, "k": 1e3, "thousand": 1e3, "million": 1e6, "billion": 1e9,
              "hundred": 1e2}
#: Counts this small are how prose is organised ("three steps"), not statistics.
SMALL = 10
HEADING_NUMBER = re.compile(r"^\s*#{1,6}\s+\d+(?:\.\d+)*[.、]?\s")
LIST_NUMBER = re.compile(r"^\s*\d+[.)、]\s")


def numbers(value: Any, into: set[float]) -> set[float]:
    """Every number in a JSON-able value: values, numbers inside strings, sizes of lists."""
    if isinstance(value, bool) or value is None:
        return into
    if isinstance(value, (int, float)):
        into.add(float(value))
    elif isinstance(value, str):
        into.update(_string_numbers(value))
    elif isinstance(value, dict):
        for item in value.values():
            numbers(item, into)
    elif isinstance(value, (list, tuple)):
        into.add(float(len(value)))
        for item in value:
            numbers(item, into)
    return into


@lru_cache(maxsize=1 << 16)
def _string_numbers(value: str) -> tuple[float, ...]:
    """The numbers of one string of the facts, once per string: every draft's check reads its job's
    facts, and the jobs of an event share most of their strings (names, titles, the event's own)."""
    if not _claims.DIGIT.search(value):
        return ()
    found = [float(m.group(0).replace(",", "")) for m in re.finditer(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", value)]
    found += [v for v, _ in figures(value)]  # "4K", "5 万" as the facts write them
    return tuple(found)


ALLOWED = StashKey[frozenset[float]]()


def _allowed(conference: Conference) -> frozenset[float]:
    # Built once per loaded conference, and kept with it: every draft's check asks for it.
    return conference.stash.setdefault_by(ALLOWED, lambda: _allowed_built(conference))


def _allowed_built(conference: Conference) -> frozenset[float]:
    data = conference.model_dump(mode="json", exclude={"provider", "gates"})
    found = numbers(data, set())
    found |= {float(len(conference.event.days)), float(len(conference.scheduled_sessions()))}
    for session in conference.sessions:
        if session.start and session.end:
            found.add((session.end - session.start).total_seconds() / 60)
    kinds: dict[str, int] = {}
    for session in conference.sessions:
        kinds[session.type.value] = kinds.get(session.type.value, 0) + 1
    found |= {float(n) for n in kinds.values()}
    found.add(float(sum(r.capacity or 0 for r in conference.rooms)))
    return frozenset(found)


def _blank_claims(line: str) -> str:
    """Dates, times and prices blanked: other gates judge them."""
    spans = [(c.start, c.end) for c in _claims.dates(line)]
    for pattern in (_claims.TIME_24, _claims.TIME_12, _claims.TIME_ZH, _claims.PRICE, _claims.ZH_YEAR_MONTH,
                    _claims.EN_MONTH_YEAR):
        spans += [(m.start(), m.end()) for m in pattern.finditer(line)]
    chars = list(line)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def figures(line: str) -> list[tuple[float, str]]:
    if not _claims.DIGIT.search(line):
        return []  # every figure has a digit
    line = LIST_NUMBER.sub(" ", HEADING_NUMBER.sub(" ", line))
    line = _blank_claims(line)
    found = []
    for match in FIGURE_EN.finditer(line):
        text = match.group(0).strip()
        whole = match.group(1)
        counted = text != whole  # a unit, a percent sign or a multiplier follows
        value = float(whole.replace(",", ""))
        if not counted or (1900 <= value <= 2100 and "." not in whole and not match.group(2)):
            continue
        word = next((w for w in WORD_NUMBERS if re.search(rf"\b{w}\b", text, re.I)), None)
        scale = MULTIPLIER.get(word or "", 1.0)
        if match.group(2) and match.group(2).lower().startswith("k"):
            scale = 1e3
        found.append((value * scale, text))
    for match in FIGURE_ZH.finditer(line):
        value = float(match.group(1)) * MULTIPLIER.get(match.group(2) or "", 1.0)
        found.append((value, match.group(0)))
    return found


def gate(ctx: GateContext):
    if ctx.conference is None or ctx.kind == "brief":
        return  # the brief's every number is checked against its computed plan by ``brief-numbers``
    allowed = set(_allowed(ctx.conference))
    if ctx.job is not None:
        allowed |= numbers(ctx.job.facts, set())
        allowed |= numbers(ctx.job.untrusted, set())  # the submitter's own figures, shown as theirs
    for number, line in enumerate(parse(ctx.text).plain, 1):
        if not line.strip():
            continue
        for value, text in figures(line):
            if value <= SMALL and "%" not in text and "％" not in text:
                continue  # "two examples", "three bullet points": not statistics
            if not any(abs(value - a) <= max(0.5, 0.005 * abs(a)) for a in allowed):
                yield Finding("figures", f"{text!r}: this figure is not in the facts; state only the numbers "
                                         "the facts give", number)


@hookimpl
def confgen_gates():
    return {"figures": gate}
