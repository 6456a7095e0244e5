"""Talk pages: one drafted description per session and language, shown with the session's facts
(time, room, track, type, level, language, speakers)."""

from __future__ import annotations

from confgen.api import ContentKind, Job, Page, RenderContext, hookimpl
from confgen.model import Conference, Session, tr


def session_facts(conference: Conference, session: Session, lang: str) -> dict:
    """The facts of a session a writer may state, JSON-able (they are hashed into the job)."""
    track = conference.track(session.track)
    room = conference.room(session.room)
    return {
        "id": session.id,
        "title": tr(session.title, lang),
        "type": session.type.value,
        "level": session.level.value,
        "language": session.language,
        "track": tr(track.name, lang) if track else "",
        "room": tr(room.name, lang) if room else "",
        "start": session.start.isoformat() if session.start else None,
        "end": session.end.isoformat() if session.end else None,
        "speakers": [
            {"id": s.id, "name": tr(s.name, lang), "affiliation": tr(s.affiliation, lang)}
            for s in (conference.speaker(i) for i in session.speakers) if s
        ],
        "event": tr(conference.event.name, lang),
    }


class Talks(ContentKind):
    name = "talks"

    def plan(self, conference: Conference):
        for session in conference.sessions:
            for lang in ("zh", "en"):
                yield Job(self.name, session.id, lang, facts=session_facts(conference, session, lang),
                          untrusted={"abstract": tr(session.abstract, lang)}, title=tr(session.title, lang))

    def pages(self, ctx: RenderContext):
        conference = ctx.conference
        by_room: dict[str | None, list[Session]] = {}
        for session in conference.scheduled_sessions():
            by_room.setdefault(session.room, []).append(session)
        for session in conference.sessions:
            siblings = by_room.get(session.room, [])
            position = siblings.index(session) if session in siblings else -1
            previous = siblings[position - 1] if position > 0 else None
            following = siblings[position + 1] if 0 <= position < len(siblings) - 1 else None
            yield Page(f"talks/{session.id}.md", ctx.lang, ctx.tr(session.title), ctx.render(
                "pages/talk.md.j2", session=session, draft=ctx.draft(self.name, session.id),
                track=conference.track(session.track), room=conference.room(session.room),
                speakers=[conference.speaker(i) for i in session.speakers], previous=previous, following=following,
            ))


@hookimpl
def confgen_content_kinds():
    return [Talks()]
