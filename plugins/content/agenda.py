"""The agenda: one page per day (a time × room grid, each cell linking to the talk page, with a
drafted overview of the day) and one page listing each room's sessions."""

from __future__ import annotations

from confgen.api import ContentKind, Job, Page, RenderContext, hookimpl
from confgen.model import Conference, Session, tr


def day_sessions(conference: Conference, day) -> list[Session]:
    return [s for s in conference.scheduled_sessions() if s.start.date() == day]


class Agenda(ContentKind):
    name = "agenda"

    def plan(self, conference: Conference):
        for number, day in enumerate(conference.event.days, start=1):
            for lang in ("zh", "en"):
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
        section = ctx.tr({"zh": "议程", "en": "Agenda"})
        for number, day in enumerate(conference.event.days, start=1):
            sessions = day_sessions(conference, day)
            rooms = [r for r in conference.rooms if any(s.room == r.id for s in sessions)]
            starts = sorted({s.start for s in sessions})
            grid = {(s.start, s.room): s for s in sessions}
            breaks = [b for b in conference.breaks if b.start.date() == day]
            title = ctx.tr({"zh": f"第 {number} 天", "en": f"Day {number}"})
            yield Page(f"agenda/day-{number}.md", ctx.lang, title, ctx.render(
                "pages/agenda_day.md.j2", day=day, number=number, title=title, rooms=rooms, starts=starts, grid=grid,
                sessions=sessions, breaks=breaks, draft=ctx.draft(self.name, f"day-{number}"),
            ), nav=(section,), order=10 + number)
        yield Page("agenda/rooms.md", ctx.lang, ctx.tr({"zh": "按会场", "en": "By room"}), ctx.render(
            "pages/agenda_rooms.md.j2",
            rooms=[(r, [s for s in conference.scheduled_sessions() if s.room == r.id]) for r in conference.rooms],
        ), nav=(section,), order=19)


@hookimpl
def confgen_content_kinds():
    return [Agenda()]
