"""The whole event as one iCalendar file: every scheduled session and every break, in the event's
time zone with its VTIMEZONE. Sessions come out exactly as in the site's calendars (same UIDs,
so an attendee who imported either gets updates from both)."""

from __future__ import annotations

import icalendar

from confgen.api import Exporter, hookimpl
from confgen.model import Conference, tr
from confgen_plugins.site.calendar import calendar, event_domain, stamp


def to_ics(conference: Conference) -> bytes:
    lang = conference.site.default_language
    when = stamp()
    cal = calendar(conference, conference.scheduled_sessions(), lang, tr(conference.event.name, lang), when)
    venue = tr(conference.event.venue.name, lang)
    for index, item in enumerate(conference.breaks):
        event = icalendar.Event()
        event.add("uid", f"break-{item.start:%Y%m%d%H%M}-{index}@{event_domain(conference)}")
        event.add("dtstamp", when)
        event.add("dtstart", conference.aware(item.start))
        event.add("dtend", conference.aware(item.end))
        event.add("summary", tr(item.title, lang))
        event.add("location", venue)
        event.add("transp", "TRANSPARENT")  # a break does not make the attendee busy
        cal.add_component(event)
    return cal.to_ical()


@hookimpl
def confgen_exporters():
    return [Exporter("ics", "iCalendar file of the whole event (every session and break)", ".ics", to_ics)]
