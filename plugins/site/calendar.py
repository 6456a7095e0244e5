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
from typing import Iterable

import icalendar

from confgen.api import Asset, ContentKind, RenderContext, hookimpl
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
    url = str(conference.site.url or conference.event.url or "")
    host = re.sub(r"^[a-z]+://", "", url).split("/")[0]
    if host:
        return host
    slug = re.sub(r"[^a-z0-9]+", "-", tr(conference.event.name, "en").lower()).strip("-") or "event"
    return f"{slug}-{conference.event.start_date.isoformat()}.confgen.invalid"


def uid(conference: Conference, session: Session) -> str:
    return f"{session.id}@{event_domain(conference)}"


def talk_url(conference: Conference, session: Session, lang: str) -> str | None:
    base = str(conference.site.url or conference.event.url or "").rstrip("/")
    return f"{base}/{lang}/talks/{session.id}/" if base else None


def vevent(conference: Conference, session: Session, lang: str, when: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid(conference, session))
    event.add("dtstamp", when)
    event.add("sequence", int((when - SEQUENCE_EPOCH).total_seconds() // 86400))
    event.add("dtstart", conference.aware(session.start))
    event.add("dtend", conference.aware(session.end))
    event.add("summary", tr(session.title, lang))
    room = conference.room(session.room)
    venue = tr(conference.event.venue.name, lang)
    event.add("location", f"{tr(room.name, lang)}, {venue}" if room else venue)
    names = [tr(s.name, lang) for s in (conference.speaker(i) for i in session.speakers) if s]
    lines = [", ".join(names)] if names else []
    track = conference.track(session.track)
    if track:
        lines.append(tr(track.name, lang))
    url = talk_url(conference, session, lang)
    if url:
        lines.append(url)
        event.add("url", url)
    if lines:
        event.add("description", "\n".join(lines))
    if track:
        event.add("categories", [tr(track.name, lang)])
    return event


def calendar(conference: Conference, sessions: Iterable[Session], lang: str, name: str,
             when: dt.datetime | None = None) -> icalendar.Calendar:
    when = when or stamp()
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", conference.event.timezone)
    for session in sessions:
        if session.scheduled:
            cal.add_component(vevent(conference, session, lang, when))
    cal.add_missing_timezones()
    return cal


def files(conference: Conference, lang: str) -> dict[str, bytes]:
    """Every calendar file of one language, by path in the docs folder."""
    when = stamp()
    event_name = tr(conference.event.name, lang)
    scheduled = conference.scheduled_sessions()
    out = {"calendar/event.ics": calendar(conference, scheduled, lang, event_name, when).to_ical()}
    for number, day in enumerate(conference.event.days, start=1):
        label = f"第 {number} 天" if lang == "zh" else f"Day {number}"
        todays = [s for s in scheduled if s.start.date() == day]
        out[f"calendar/day-{number}.ics"] = calendar(conference, todays, lang, f"{event_name} · {label}", when).to_ical()
    for room in conference.rooms:
        here = [s for s in scheduled if s.room == room.id]
        out[f"calendar/room-{room.id}.ics"] = calendar(
            conference, here, lang, f"{event_name} · {tr(room.name, lang)}", when).to_ical()
    for session in scheduled:
        out[f"talks/{session.id}.ics"] = calendar(
            conference, [session], lang, f"{event_name} · {tr(session.title, lang)}", when).to_ical()
    return out


class Calendars(ContentKind):
    name = "calendar"

    def pages(self, ctx: RenderContext):
        for path, content in files(ctx.conference, ctx.lang).items():
            yield Asset(path, content)


@hookimpl
def confgen_content_kinds():
    return [Calendars()]
