"""iCalendar files: one per talk, per day, per room and for the whole event, in each language.

A talk keeps one UID in every file and language (event + session id), so importing a newer file
updates the entry instead of adding a second one. DTSTAMP is the build's day (or
``SOURCE_DATE_EPOCH``) and SEQUENCE grows with it: republished files are seen as newer revisions,
while two builds on the same day with the same facts give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import lru_cache
from typing import Iterable

import icalendar

from confgen.api import Asset, ContentKind, Memo, RenderContext, StashKey, hookimpl, pure, word
from confgen.model import Conference, Session, tr

PRODID = "-//confgen//conference site//EN"
SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)


def stamp() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    today = dt.datetime.now(dt.timezone.utc).date()
    return dt.datetime(today.year, today.month, today.day, tzinfo=dt.timezone.utc)


def event_domain(conference: Conference) -> str:
    host = re.sub(r"^[a-z]+://", "", conference.base_url).split("/")[0]
    if host:
        return host
    slug = re.sub(r"[^a-z0-9]+", "-", tr(conference.event.name, "en").lower()).strip("-") or "event"
    return f"{slug}-{conference.event.start_date.isoformat()}.confgen.invalid"


def uid(conference: Conference, session: Session) -> str:
    return f"{session.id}@{event_domain(conference)}"


def talk_url(conference: Conference, session: Session, lang: str) -> str | None:
    return conference.talk_url(session.id, lang)


def vevent(conference: Conference, session: Session, lang: str, when: dt.datetime) -> icalendar.Event:
    return _vevent(*vevent_fields(conference, session, lang, when))


def vevent_fields(conference: Conference, session: Session, lang: str, when: dt.datetime) -> tuple:
    """What one talk's VEVENT says, as plain values: its serialization is memoized by them."""
    room = conference.room(session.room)
    venue = tr(conference.event.venue.name, lang)
    names = [tr(s.name, lang) for s in (conference.speaker(i) for i in session.speakers) if s]
    lines = [", ".join(names)] if names else []
    track = conference.track(session.track)
    if track:
        lines.append(tr(track.name, lang))
    url = talk_url(conference, session, lang)
    if url:
        lines.append(url)
    return (uid(conference, session), when, conference.aware(session.start), conference.aware(session.end),
            tr(session.title, lang), f"{tr(room.name, lang)}, {venue}" if room else venue,
            "\n".join(lines) if lines else None, url, tr(track.name, lang) if track else None)


def _vevent(uid: str, when: dt.datetime, start: dt.datetime, end: dt.datetime, summary: str, location: str,
            description: str | None, url: str | None, category: str | None) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", when)
    event.add("sequence", int((when - SEQUENCE_EPOCH).total_seconds() // 86400))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("location", location)
    if url:
        event.add("url", url)
    if description is not None:
        event.add("description", description)
    if category is not None:
        event.add("categories", [category])
    return event


@pure("icalendar")
def vevent_ical(*fields) -> bytes:
    return _vevent(*fields).to_ical()


@lru_cache(maxsize=16)
def vtimezone(tzid: str, first: dt.date, last: dt.date) -> icalendar.Timezone:
    """The VTIMEZONE of ``tzid`` between two dates. Built once: icalendar scans the zone's
    transitions for each call (tens of milliseconds), and a site has thousands of calendar files."""
    return icalendar.Timezone.from_tzid(tzid, first_date=first, last_date=last)


def event_vtimezone(conference: Conference) -> icalendar.Timezone:
    year = dt.timedelta(days=366)  # the event's dates, with room for calendars kept for a while
    return vtimezone(conference.event.timezone, conference.event.start_date - year, conference.event.end_date + year)


def calendar(conference: Conference, sessions: Iterable[Session], lang: str, name: str,
             when: dt.datetime | None = None) -> icalendar.Calendar:
    when = when or stamp()
    cal = _shell(name, conference.event.timezone)
    cal.add_component(event_vtimezone(conference))
    for session in sessions:
        if session.scheduled:
            cal.add_component(vevent(conference, session, lang, when))
    return cal


def _shell(name: str, timezone: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone)
    return cal


@pure("icalendar")
def shell_ical(name: str, timezone: str) -> tuple[bytes, bytes]:
    """An empty VCALENDAR named ``name``, split where its components go."""
    head, end = _shell(name, timezone).to_ical().rsplit(b"END:VCALENDAR", 1)
    return head, b"END:VCALENDAR" + end


#: Serialized VEVENTs by (language, stamp), kept with the conference they were made from.
EVENTS = StashKey[dict[tuple[str, dt.datetime], dict[str, bytes]]]()


def serialized_events(conference: Conference, lang: str, when: dt.datetime, memo: Memo) -> dict[str, bytes]:
    """Every scheduled session's VEVENT, serialized once per build and language: the calendar
    files and the "my schedule" data both need them, and icalendar's folding is not cheap."""
    made = conference.stash.setdefault_by(EVENTS, dict)
    if (lang, when) not in made:  # two threads at once would only make the same bytes twice
        made[lang, when] = {s.id: memo(vevent_ical, *vevent_fields(conference, s, lang, when))
                            for s in conference.scheduled_sessions()}
    return made[lang, when]


def files(conference: Conference, lang: str, memo: Memo | None = None) -> dict[str, bytes]:
    """Every calendar file of one language, by path in the docs folder.

    A session stands in four files (event, day, room, talk); icalendar serializes each VEVENT and
    the VTIMEZONE once, and every file is its own VCALENDAR shell around those bytes."""
    memo = memo or Memo()
    when = stamp()
    event_name = tr(conference.event.name, lang)
    scheduled = conference.scheduled_sessions()
    events = serialized_events(conference, lang, when, memo)
    zone = event_vtimezone(conference).to_ical()

    def assemble(name: str, sessions: Iterable[Session]) -> bytes:
        head, end = memo(shell_ical, name, conference.event.timezone)
        return head + zone + b"".join(events[s.id] for s in sessions) + end

    out = {"calendar/event.ics": assemble(event_name, scheduled)}
    for number, day in enumerate(conference.event.days, start=1):
        label = word("agenda.day", lang).format(n=number)
        out[f"calendar/day-{number}.ics"] = assemble(f"{event_name} · {label}", [s for s in scheduled if s.start.date() == day])
    for room in conference.rooms:
        out[f"calendar/room-{room.id}.ics"] = assemble(f"{event_name} · {tr(room.name, lang)}",
                                                       [s for s in scheduled if s.room == room.id])
    for session in scheduled:
        out[f"talks/{session.id}.ics"] = assemble(f"{event_name} · {tr(session.title, lang)}", [session])
    return out


class Calendars(ContentKind):
    name = "calendar"

    def pages(self, ctx: RenderContext):
        for path, content in files(ctx.conference, ctx.lang, ctx.memo).items():
            yield Asset(path, content)


@hookimpl
def confgen_content_kinds():
    return [Calendars()]
