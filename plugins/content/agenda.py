"""The agenda: one page per day (a time × room grid, each cell linking to the talk page, with a
drafted overview of the day) and one page listing each room's sessions. Both carry the data
attributes the reader's browser filters on (track, type, level) and marks "now / next" with
(start and end with the event's UTC offset)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from confgen.api import ContentKind, Contract, Job, Page, RenderContext, hookimpl, word
from confgen.model import Conference, Session, tr

TYPES = ("keynote", "talk", "workshop", "case", "panel", "competition")
LEVELS = ("beginner", "intermediate", "advanced")


def day_sessions(conference: Conference, day) -> list[Session]:
    return [s for s in conference.scheduled_sessions() if s.start.date() == day]


@dataclass
class Cell:
    session: Session | None = None
    rows: int = 1
    label: str = ""  # a break shown across the free rooms


@dataclass
class Row:
    start: dt.datetime
    cells: list[Cell | None]  # None: covered by a session starting in an earlier row
    is_break: bool = False


def grid_rows(sessions: list[Session], rooms: list, breaks: list, lang: str) -> list[Row]:
    """Rows at every start time; a session spans the rows that begin before it ends, so a
    two-hour workshop is one tall cell rather than one row at its start and holes below."""
    break_at = {b.start: b for b in breaks}
    starts = sorted({s.start for s in sessions} | set(break_at))
    by_start = {(s.start, s.room): s for s in sessions}
    covered: set[tuple[int, str]] = set()
    rows: list[Row] = []
    for index, start in enumerate(starts):
        cells: list[Cell | None] = []
        for room in rooms:
            if (index, room.id) in covered:
                cells.append(None)
                continue
            session = by_start.get((start, room.id))
            if session:
                span = sum(1 for later in starts[index:] if later < session.end)
                covered.update((index + k, room.id) for k in range(1, span))
                cells.append(Cell(session, span))
            elif start in break_at:
                cells.append(Cell(label=tr(break_at[start].title, lang)))
            else:
                cells.append(Cell())
        rows.append(Row(start, cells, start in break_at and not any(c and c.session for c in cells)))
    return rows


def filters(conference: Conference, sessions: list[Session], lang: str, day: dt.date | None = None) -> list[dict]:
    """The choices offered by the filter bar: only values that occur in ``sessions``. An option is
    ``(value, text)``; an empty text means the template's own label for the value. On a day's page
    (``day`` given) the day filter goes to another day's page instead of hiding sessions."""
    tracks = [t for t in conference.tracks if any(s.track == t.id for s in sessions)]
    rooms = [r for r in conference.rooms if any(s.room == r.id for s in sessions)]
    days = [(n, d) for n, d in enumerate(conference.event.days, start=1) if day or any(s.start.date() == d for s in sessions)]
    return [
        {"name": "day", "options": [(d.isoformat(), d) for _, d in days], "selected": day.isoformat() if day else "",
         "pages": {d.isoformat(): f"../day-{n}/" for n, d in days} if day else {}},
        {"name": "room", "options": [(r.id, tr(r.name, lang)) for r in rooms]},
        {"name": "track", "options": [(t.id, tr(t.name, lang)) for t in tracks]},
        {"name": "type", "options": [(v, "") for v in TYPES if any(s.type.value == v for s in sessions)]},
        {"name": "level", "options": [(v, "") for v in LEVELS if any(s.level.value == v for s in sessions)]},
    ]


def time_slots(sessions: list[Session], rooms: list, breaks: list, lang: str) -> list[dict]:
    """The day as a list by start time (what a phone shows, and any screen at a scale no grid
    fits): each slot's sessions in room order, and the breaks between them."""
    order = {r.id: i for i, r in enumerate(rooms)}
    starts = sorted({s.start for s in sessions} | {b.start for b in breaks})
    return [{"start": start,
             "sessions": sorted((s for s in sessions if s.start == start), key=lambda s: order.get(s.room, len(order))),
             "breaks": [tr(b.title, lang) for b in breaks if b.start == start]}
            for start in starts]


#: More rooms than this and the day is shown as a list by time slot on every screen: a grid of
#: FOSDEM's 41 rooms fits none.
GRID_MAX_ROOMS = 8


class Agenda(ContentKind):
    name = "agenda"
    contract = Contract(length={"zh": (150, 300), "en": (80, 150)}, no_headings=True)

    def jobs(self, conference: Conference, lang: str, templates=None):
        for number, day in enumerate(conference.event.days, start=1):
            sessions = day_sessions(conference, day)
            facts = {
                "event": tr(conference.event.name, lang), "date": day.isoformat(), "number": number,
                "sessions": [
                    {"id": s.id, "title": tr(s.title, lang), "type": s.type.value, "start": s.start.isoformat(),
                     "room": tr(conference.room(s.room).name, lang),
                     "track": tr(conference.track(s.track).name, lang) if s.track else ""}
                    for s in sessions
                ],
            }
            yield Job(self.name, f"day-{number}", lang, facts=facts)

    def pages(self, ctx: RenderContext):
        conference = ctx.conference
        section = word("nav.agenda", ctx.lang)
        days = conference.event.days
        for number, day in enumerate(days, start=1):
            sessions = day_sessions(conference, day)
            rooms = [r for r in conference.rooms if any(s.room == r.id for s in sessions)]
            breaks = [b for b in conference.breaks if b.start.date() == day]
            title = word("agenda.day", ctx.lang).format(n=number)
            day_start = conference.aware(dt.datetime.combine(day, dt.time()))
            yield Page(f"agenda/day-{number}.md", ctx.lang, title, ctx.render(
                "pages/agenda_day.md.j2", day=day, number=number, title=title, rooms=rooms,
                rows=grid_rows(sessions, rooms, breaks, ctx.lang), sessions=sessions, breaks=breaks,
                filters=filters(conference, sessions, ctx.lang, day), aware=conference.aware,
                slots=time_slots(sessions, rooms, breaks, ctx.lang), grid=len(rooms) <= GRID_MAX_ROOMS,
                day_start=day_start.isoformat(), day_end=(day_start + dt.timedelta(days=1)).isoformat(),
                other_days=[(n, d) for n, d in enumerate(days, start=1) if n != number],
                draft=ctx.draft(self.name, f"day-{number}"),
            ), nav=(section,), order=10 + number)
        scheduled = conference.scheduled_sessions()
        yield Page("agenda/rooms.md", ctx.lang, word("agenda.by_room", ctx.lang), ctx.render(
            "pages/agenda_rooms.md.j2", aware=conference.aware, filters=filters(conference, scheduled, ctx.lang),
            rooms=[(r, [s for s in scheduled if s.room == r.id]) for r in conference.rooms],
        ), nav=(section,), order=19)


@hookimpl
def confgen_content_kinds():
    return [Agenda()]
