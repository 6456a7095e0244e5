"""Semantic checks of a conference beyond its schema: references that point nowhere, duplicate ids,
sessions outside the event, and (through :mod:`confgen.agenda.rules`) agenda conflicts.

Each check yields ``(dotted.path, message)``; the project turns them into FILE:LINE problems.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from confgen.agenda import rules as schedule
from confgen.model import LANGUAGES, Conference

Issue = tuple[str, str]


def check(conference: Conference) -> list[Issue]:
    return [*duplicate_ids(conference), *references(conference), *dates(conference), *schedule.conflicts(conference)]


def duplicate_ids(conference: Conference) -> Iterator[Issue]:
    for section in ("tracks", "rooms", "speakers", "sessions", "tickets"):
        items = getattr(conference, section)
        counts = Counter(item.id for item in items)
        seen: set[str] = set()
        for index, item in enumerate(items):
            if counts[item.id] > 1:
                if item.id in seen:
                    yield f"{section}.{index}.id", f"duplicate id {item.id!r} (ids must be unique within {section})"
                seen.add(item.id)


def references(conference: Conference) -> Iterator[Issue]:
    for index, session in enumerate(conference.sessions):
        if session.track and conference.track(session.track) is None:
            yield f"sessions.{index}.track", f"unknown track {session.track!r}; known: {_known(conference.tracks)}"
        if session.room and conference.room(session.room) is None:
            yield f"sessions.{index}.room", f"unknown room {session.room!r}; known: {_known(conference.rooms)}"
        for position, speaker_id in enumerate(session.speakers):
            if conference.speaker(speaker_id) is None:
                yield f"sessions.{index}.speakers.{position}", f"unknown speaker {speaker_id!r} (add it under `speakers:`)"
        if len(set(session.speakers)) != len(session.speakers):
            yield f"sessions.{index}.speakers", "a speaker is listed twice"
        for speaker_id in session.roles:
            if speaker_id not in session.speakers:
                yield f"sessions.{index}.roles.{speaker_id}", f"{speaker_id!r} is not one of this session's speakers"
    if conference.site.default_language not in LANGUAGES:
        yield "site.default_language", f"must be one of the site's languages: {', '.join(LANGUAGES)}"


def dates(conference: Conference) -> Iterator[Issue]:
    event = conference.event
    if event.end_date < event.start_date:
        yield "event.end_date", f"ends ({event.end_date}) before it starts ({event.start_date})"
        return
    for index, session in enumerate(conference.sessions):
        if (session.start is None) != (session.end is None):
            yield f"sessions.{index}.{'end' if session.end is None else 'start'}", "give both start and end, or neither"
            continue
        if session.start is None or session.end is None:
            continue
        if session.end <= session.start:
            yield f"sessions.{index}.end", f"ends ({session.end:%Y-%m-%d %H:%M}) before or when it starts ({session.start:%H:%M})"
        if not event.includes(session.start.date()) or not event.includes(session.end.date()):
            yield f"sessions.{index}.start", (
                f"{session.start:%Y-%m-%d %H:%M} is outside the event ({event.start_date} to {event.end_date})"
            )
    for index, item in enumerate(conference.breaks):
        if item.end <= item.start:
            yield f"breaks.{index}.end", "ends before or when it starts"
    for index, ticket in enumerate(conference.tickets):
        if ticket.sale_start and ticket.sale_end and ticket.sale_end < ticket.sale_start:
            yield f"tickets.{index}.sale_end", "sale ends before it starts"


def _known(items: list) -> str:
    ids = [item.id for item in items]
    return ", ".join(ids[:12]) + (" …" if len(ids) > 12 else "") if ids else "(none defined)"
