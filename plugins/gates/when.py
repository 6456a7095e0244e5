"""Gate ``when``: a date or time stated about a session is that session's, not any valid time of
the programme.

A sentence is about the sessions it names (by title) or whose speakers it names; in a talk's own
page, a sentence naming no session is about that talk, and in a speaker's profile about their
talks. Its times must be the start or end of one of those sessions and its dates their days. A
sentence about the event itself (no session, no ticket sale) dates only the event's days. The
``facts`` gate still checks that every date and time exists at all.
"""

from __future__ import annotations

import datetime as dt
import re

from confgen.api import Finding, GateContext, StashKey, hookimpl
from confgen.model import Conference, tr
from confgen_plugins.gates import _claims
from confgen_plugins.gates._facts import facts_of
from confgen_plugins.gates._markdown import parse
from confgen_plugins.gates.grounding import EVENT_WORDS, quoted_lines

ABBREVIATION = re.compile(r"\b(vs|Dr|Prof|Mr|Mrs|Ms|St|e\.g|i\.e|approx|No)\.")
SENTENCE = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]|$)")
SALE_WORDS = re.compile(r"ticket|sale|register|registration|deadline|refund|early|票|售|报名|注册|截止|退款|优惠", re.I)


SESSIONS = StashKey[list[tuple[set[str], set[str], set[dt.date], set[str]]]]()


def _sessions(conference: Conference) -> list[tuple[set[str], set[str], set[dt.date], set[str]]]:
    # Built once per loaded conference, and kept with it: every draft's check asks for it.
    return conference.stash.setdefault_by(SESSIONS, lambda: _sessions_built(conference))


def _sessions_built(conference: Conference) -> list[tuple[set[str], set[str], set[dt.date], set[str]]]:
    """Per scheduled session: (lower-cased titles, speaker names, days, HH:MM of start and end)."""
    out = []
    for session in conference.scheduled_sessions():
        titles = {ABBREVIATION.sub(r"\1", t).lower() for t in session.title.values() if t and len(t) >= 4}
        names = {n for sid in session.speakers if conference.speaker(sid) for n in conference.speaker(sid).name.values() if n}
        moments = [m for m in (session.start, session.end) if m]
        out.append((titles, names, {m.date() for m in moments}, {m.strftime("%H:%M") for m in moments}))
    return out


def _about(sentence: str, conference: Conference, own: list[int], at: int) -> list[int]:
    """The sessions the claim at position ``at`` of ``sentence`` (a clause: an agenda lists
    "title at time; title at time") is about: the session whose title is nearest, else those of
    the speakers named, else the page's own."""
    lower = sentence.lower()
    sessions = _sessions(conference)
    titled = [(lower.find(t), lower.find(t) + len(t), i) for i, (titles, _, _, _) in enumerate(sessions)
              for t in titles if t in lower]
    if titled:
        distance = lambda span: span[0] - at if span[0] >= at else max(0, at - span[1])
        nearest = min(distance(span) for span in titled)
        return sorted({i for *span, i in titled if distance(span) == nearest})
    by_speaker = [i for i, (_, names, _, _) in enumerate(sessions) if any(n in sentence for n in names)]
    if own and (not by_speaker or set(own) & set(by_speaker)):
        return own
    return by_speaker


def _own(ctx: GateContext, conference: Conference) -> list[int]:
    """The sessions a talk page or a speaker profile is about."""
    if ctx.job is None:
        return []
    scheduled = conference.scheduled_sessions()
    if ctx.job.kind == "talks":
        return [i for i, s in enumerate(scheduled) if s.id == ctx.job.key]
    if ctx.job.kind == "speakers":
        return [i for i, s in enumerate(scheduled) if ctx.job.key in s.speakers]
    return []


def gate(ctx: GateContext):
    conference = ctx.conference
    if conference is None:
        return
    sessions = _sessions(conference)
    owned: list[list[int]] = []  # the page's own sessions, found when a claim first needs them

    def own() -> list[int]:
        if not owned:
            owned.append(_own(ctx, conference))
        return owned[0]

    event_days = set(conference.event.days)
    year = conference.event.start_date.year
    known = facts_of(conference).text  # a date the organizers wrote themselves (a refund deadline)
    doc = parse(ctx.text)
    quoted = quoted_lines(doc, ctx)  # the submitter's own words, shown as theirs
    for number, line in enumerate(doc.plain, 1):
        if not line.strip() or number in quoted:
            continue
        clauses = [c for sentence in SENTENCE.findall(ABBREVIATION.sub(r"\1", line)) for c in re.split(r"[;；]", sentence)]
        for sentence in clauses:
            times = _claims.times(sentence)
            dates = [(c, _claims.valid_date(c.year or year, c.month, c.day)) for c in _claims.dates(sentence)]
            dates = [(c, d) for c, d in dates if d]
            if not times and not dates:
                continue
            allowed = lambda about, field: set().union(*(sessions[i][field] for i in about))
            for hhmm, text in times:
                about = _about(sentence, conference, own(), sentence.find(text))
                if about and hhmm not in allowed(about, 3):
                    yield Finding("when", f"{text.strip()!r} is not when {_label(conference, about, ctx.lang)} starts "
                                          f"or ends ({', '.join(sorted(allowed(about, 3)))})", number)
            for claim, day in dates:
                about = _about(sentence, conference, own(), claim.start)
                if about:
                    if day not in allowed(about, 2):
                        yield Finding("when", f"{claim.text!r} is not the day of {_label(conference, about, ctx.lang)} "
                                              f"({', '.join(d.isoformat() for d in sorted(allowed(about, 2)))})", number)
                elif (EVENT_WORDS.search(sentence) and not SALE_WORDS.search(sentence) and day not in event_days
                      and claim.text.lower() not in known):
                    yield Finding("when", f"{claim.text!r} is not a day of the event "
                                          f"({', '.join(d.isoformat() for d in sorted(event_days))})", number)


def _label(conference: Conference, about: list[int], lang: str) -> str:
    scheduled = conference.scheduled_sessions()
    return " / ".join(f"“{tr(scheduled[i].title, lang)}”" for i in about[:3])


@hookimpl
def confgen_gates():
    return {"when": gate}
