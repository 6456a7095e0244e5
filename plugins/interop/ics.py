"""The whole event as one iCalendar file: every scheduled session (with room, speakers and a link
to its page) and every break, in the event's time zone with its VTIMEZONE."""

from __future__ import annotations

import datetime as dt
import os

import icalendar

from confgen.api import Exporter, hookimpl
from confgen.model import Conference, tr

PRODID = "-//confgen//conference schedule//EN"


def _stamp() -> dt.datetime:
    # a reproducible build (SOURCE_DATE_EPOCH) gives a byte-identical file
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    return moment.replace(microsecond=0)


def _domain(conference: Conference) -> str:
    url = conference.site.url or conference.event.url
    return url.host if url and url.host else "confgen.invalid"


def to_ics(conference: Conference) -> bytes:
    lang = conference.site.default_language
    base = str(conference.site.url or conference.event.url or "").rstrip("/")
    venue = tr(conference.event.venue.name, lang)
    stamp = _stamp()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", tr(conference.event.name, lang))
    calendar.add("x-wr-timezone", conference.event.timezone)
    for session in conference.scheduled_sessions():
        room = conference.room(session.room)
        names = [tr(s.name, lang) for s in (conference.speaker(i) for i in session.speakers) if s]
        event = icalendar.Event()
        event.add("uid", f"{session.id}@{_domain(conference)}")
        event.add("dtstamp", stamp)
        event.add("dtstart", conference.aware(session.start))
        event.add("dtend", conference.aware(session.end))
        event.add("summary", tr(session.title, lang))
        event.add("location", f"{tr(room.name, lang)}, {venue}" if room else venue)
        description = [", ".join(names)] if names else []
        if session.abstract:
            description.append(tr(session.abstract, lang))
        if description:
            event.add("description", "\n\n".join(description))
        track = conference.track(session.track)
        if track:
            event.add("categories", [tr(track.name, lang)])
        if base:
            event.add("url", f"{base}/{lang}/talks/{session.id}/")
        calendar.add_component(event)
    for index, item in enumerate(conference.breaks):
        event = icalendar.Event()
        event.add("uid", f"break-{item.start:%Y%m%d%H%M}-{index}@{_domain(conference)}")
        event.add("dtstamp", stamp)
        event.add("dtstart", conference.aware(item.start))
        event.add("dtend", conference.aware(item.end))
        event.add("summary", tr(item.title, lang))
        event.add("location", venue)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


@hookimpl
def confgen_exporters():
    return [Exporter("ics", "iCalendar file of the whole event (every session and break)", ".ics", to_ics)]
