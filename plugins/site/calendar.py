"""iCalendar files: one per talk, per day, per room and for the whole event, in each language.

A talk keeps one UID in every file and language (event + session id), so importing a newer file
updates the entry instead of adding a second one. DTSTAMP is the build's day (or
``SOURCE_DATE_EPOCH``) and SEQUENCE grows with it: republished files are seen as newer revisions,
while two builds on the same day with the same facts give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

import icalendar

from confgen.api import Asset, ContentKind, RenderContext, StashKey, hookimpl, stable_hash, word
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


class Entry(NamedTuple):
    """What one talk's VEVENT says: the entry is made from these alone."""

    uid: str
    stamp: dt.datetime
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str
    description: str | None
    url: str | None
    category: str | None


def entry(conference: Conference, session: Session, lang: str, when: dt.datetime) -> Entry:
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
    return Entry(uid(conference, session), when, conference.aware(session.start), conference.aware(session.end),
                 tr(session.title, lang), f"{tr(room.name, lang)}, {venue}" if room else venue,
                 "\n".join(lines) if lines else None, url, tr(track.name, lang) if track else None)


def vevent(conference: Conference, session: Session, lang: str, when: dt.datetime) -> icalendar.Event:
    return entry_vevent(entry(conference, session, lang, when))


def entry_vevent(e: Entry) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", e.uid)
    event.add("dtstamp", e.stamp)
    event.add("sequence", int((e.stamp - SEQUENCE_EPOCH).total_seconds() // 86400))
    event.add("dtstart", e.start)
    event.add("dtend", e.end)
    event.add("summary", e.summary)
    event.add("location", e.location)
    if e.url:
        event.add("url", e.url)
    if e.description is not None:
        event.add("description", e.description)
    if e.category is not None:
        event.add("categories", [e.category])
    return event


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


#: How every VCALENDAR ends, after its components.
END = b"END:VCALENDAR\r\n"


def shell_head(name: str, timezone: str) -> bytes:
    """An empty VCALENDAR named ``name``, up to where its components go."""
    return _shell(name, timezone).to_ical().removesuffix(END)


#: Serialized VEVENTs by (language, stamp), kept with the conference they were made from.
EVENTS = StashKey[dict[tuple[str, dt.datetime], dict[str, bytes]]]()
#: What a kept entry was made by: an edit of this module or another icalendar makes every entry anew.
MADE_BY = hashlib.sha256(Path(__file__).read_bytes() + icalendar.__version__.encode()).hexdigest()


class Kept:
    """The serialized entries and calendar shells of the last build, in ``path`` (one file per
    language in the project's cache folder), by a hash of what each says: icalendar takes about
    half a millisecond for each, and a large event has thousands, the same from one build to the
    next. The file keeps only what the last build used; a file that cannot be read or written
    costs only the work again."""

    def __init__(self, path: Path | None):
        self.path = path
        self.before: dict[str, str] = {}
        self.used: dict[str, str] = {}
        if path is not None:
            try:
                data = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("made_by") == MADE_BY and isinstance(data.get("kept"), dict):
                self.before = data["kept"]

    def get(self, key: tuple, make: Callable[[], bytes]) -> bytes:
        digest = stable_hash(*key)
        if digest not in self.used:
            found = self.before.get(digest)
            self.used[digest] = found if isinstance(found, str) else make().decode("utf-8")
        return self.used[digest].encode("utf-8")

    def save(self) -> None:
        if self.path is None or self.used == self.before:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            tmp.write_text(json.dumps({"made_by": MADE_BY, "kept": self.used}, ensure_ascii=False), "utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only project: the next build serializes these again, nothing else is lost


def kept(cache_dir: Path | None, lang: str) -> Kept:
    return Kept(cache_dir / "calendar" / f"{lang}.json" if cache_dir else None)


def serialized_events(conference: Conference, lang: str, when: dt.datetime, cache_dir: Path | None = None) -> dict[str, bytes]:
    """Every scheduled session's VEVENT, serialized once per build and language: the calendar
    files and the "my schedule" data both need them, and icalendar's folding is not cheap.
    ``cache_dir``: where the entries of the last build are kept (see :class:`Kept`)."""
    made = conference.stash.setdefault_by(EVENTS, dict)
    if (lang, when) not in made:  # two threads at once would only make the same bytes twice
        store = kept(cache_dir, lang)
        events = {}
        for s in conference.scheduled_sessions():
            e = entry(conference, s, lang, when)
            events[s.id] = store.get(("VEVENT", *e), lambda: entry_vevent(e).to_ical())
        made[lang, when] = events
        store.save()
    return made[lang, when]


def files(conference: Conference, lang: str, cache_dir: Path | None = None) -> dict[str, bytes]:
    """Every calendar file of one language, by path in the docs folder.

    A session stands in four files (event, day, room, talk); icalendar serializes each VEVENT and
    the VTIMEZONE once, and every file is its own VCALENDAR shell around those bytes. With a
    ``cache_dir``, the entries and shells of the last build are used again (see :class:`Kept`)."""
    when = stamp()
    event_name = tr(conference.event.name, lang)
    scheduled = conference.scheduled_sessions()
    events = serialized_events(conference, lang, when, cache_dir)
    zone = event_vtimezone(conference).to_ical()
    shells = kept(cache_dir, f"{lang}-shells")

    def assemble(name: str, sessions: Iterable[Session]) -> bytes:
        head = shells.get(("VCALENDAR", name, conference.event.timezone), lambda: shell_head(name, conference.event.timezone))
        return head + zone + b"".join(events[s.id] for s in sessions) + END

    out = {"calendar/event.ics": assemble(event_name, scheduled)}
    for number, day in enumerate(conference.event.days, start=1):
        label = word("agenda.day", lang).format(n=number)
        out[f"calendar/day-{number}.ics"] = assemble(f"{event_name} · {label}", [s for s in scheduled if s.start.date() == day])
    for room in conference.rooms:
        out[f"calendar/room-{room.id}.ics"] = assemble(f"{event_name} · {tr(room.name, lang)}",
                                                       [s for s in scheduled if s.room == room.id])
    for session in scheduled:
        out[f"talks/{session.id}.ics"] = assemble(f"{event_name} · {tr(session.title, lang)}", [session])
    shells.save()
    return out


class Calendars(ContentKind):
    name = "calendar"

    def pages(self, ctx: RenderContext):
        for path, content in files(ctx.conference, ctx.lang, ctx.cache_dir).items():
            yield Asset(path, content)


@hookimpl
def confgen_content_kinds():
    return [Calendars()]
