"""Talk pages: one drafted description per session and language, shown with the session's facts
(time, room, track, type, level, language, speakers)."""

from __future__ import annotations

import json

from confgen.api import LANGUAGES, ContentKind, Contract, Job, Page, RenderContext, StashKey, hookimpl, label, word
from confgen.model import Conference, Session, tr
from confgen_plugins.content.notes import ROLES, practical, roles, takeaways, topics


def session_facts(conference: Conference, session: Session, lang: str) -> dict:
    """The facts of a session a writer may state, JSON-able (they are hashed into the job)."""
    track = conference.track(session.track)
    room = conference.room(session.room)
    role = roles(conference, session)
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
            {"id": s.id, "name": tr(s.name, lang), "affiliation": tr(s.affiliation, lang), "role": role[s.id]}
            for s in (conference.speaker(i) for i in session.speakers) if s
        ],
        "event": tr(conference.event.name, lang),
        # What the page's facts box does not show: the practical notes of the session.
        "notes": practical(conference, session, lang),
        "next_in_track": next_in_track(conference, session, lang),
    }


def next_in_track(conference: Conference, session: Session, lang: str) -> dict | None:
    """The track's next session after this one starts, in any room: where a reader goes next."""
    if session.track is None or session.start is None:
        return None
    later = next((s for s in _by_start(conference).get(session.track, ()) if s.start > session.start), None)
    if later is None:
        return None
    # Only its title: the facts gate reads a room or time in a talk's text as this session's own.
    return {"id": later.id, "title": tr(later.title, lang)}


BY_START = StashKey["dict[str, list[Session]]"]()


def _by_start(conference: Conference) -> dict[str, list[Session]]:
    """Each track's scheduled sessions by start (then id): asked once per session and language."""
    return conference.stash.setdefault_by(BY_START, lambda: _sorted_by_track(conference))


def _sorted_by_track(conference: Conference) -> dict[str, list[Session]]:
    tracks: dict[str, list[Session]] = {}
    for s in sorted((s for s in conference.sessions if s.track and s.start), key=lambda s: (s.start, s.id)):
        tracks.setdefault(s.track, []).append(s)
    return tracks


def json_ld(conference: Conference, session: Session, lang: str) -> str:
    """schema.org EducationEvent for search engines and calendar tools, safe to inline in a
    ``<script>`` (no ``<`` in it can close it early)."""
    event = conference.event
    room = conference.room(session.room)
    venue = {"@type": "Place", "name": tr(event.venue.name, lang),
             "address": {"@type": "PostalAddress", "streetAddress": tr(event.venue.address, lang),
                         "addressLocality": tr(event.city, lang)}}
    data = {
        "@context": "https://schema.org",
        "@type": "EducationEvent",
        "@id": conference.talk_url(session.id, lang),
        "url": conference.talk_url(session.id, lang),
        "name": tr(session.title, lang),
        "description": tr(session.abstract, lang) or None,
        "startDate": conference.aware(session.start).isoformat() if session.start else None,
        "endDate": conference.aware(session.end).isoformat() if session.end else None,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": word("language.tag", session.language) if session.language in LANGUAGES else session.language,
        "educationalLevel": session.level.value,
        "location": ({"@type": "Place", "name": f"{tr(room.name, lang)}, {tr(event.venue.name, lang)}",
                      "address": venue["address"]} if room else venue),
        "performer": [
            {"@type": "Person", "name": tr(p.name, lang),
             **({"affiliation": {"@type": "Organization", "name": tr(p.affiliation, lang)}} if p.affiliation else {})}
            for p in (conference.speaker(i) for i in session.speakers) if p
        ],
        "superEvent": {"@type": "Event", "name": tr(event.name, lang), "startDate": event.start_date.isoformat(),
                       "endDate": event.end_date.isoformat(), "location": venue,
                       **({"url": conference.base_url} if conference.base_url else {})},
    }
    if conference.track(session.track):
        data["about"] = tr(conference.track(session.track).name, lang)
    data = {k: v for k, v in data.items() if v not in (None, [], "")}
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


class Talks(ContentKind):
    name = "talks"
    contract = Contract(
        sections={"zh": ["内容简介", "你将收获", "适合人群"], "en": ["About this session", "What you will learn", "Who should attend"]},
        length={"zh": (300, 500), "en": (150, 250)},
    )

    def offline(self, job: Job, conference: Conference, templates) -> str:
        # The topics an abstract lists are pieces of untrusted text: read from the job's
        # untrusted abstract here, never put among the facts.
        abstract = job.untrusted.get("abstract") or ""
        listed = topics(abstract, job.lang)
        # A competition's abstract lists rules, not topics: what to expect reads better as points.
        listing = listed and job.facts.get("type") != "competition"
        opening, points = (abstract, []) if listing else takeaways(abstract, job.lang)
        return templates.render(f"offline/{self.name}.{job.lang}.md.j2", conference=conference, job=job, lang=job.lang,
                                facts=job.facts, topics=listed, opening=opening, points=points)

    def jobs(self, conference: Conference, lang: str, templates=None):
        for session in conference.sessions:
            yield Job(self.name, session.id, lang, facts=session_facts(conference, session, lang),
                      untrusted={"abstract": tr(session.abstract, lang)}, title=tr(session.title, lang))

    def pages(self, ctx: RenderContext):
        conference = ctx.conference
        by_room: dict[str | None, list[Session]] = {}
        for session in conference.scheduled_sessions():
            by_room.setdefault(session.room, []).append(session)
        positions = {s.id: i for room in by_room.values() for i, s in enumerate(room)}
        for session in conference.sessions:
            siblings = by_room.get(session.room, [])
            position = positions.get(session.id, -1)
            previous = siblings[position - 1] if position > 0 else None
            following = siblings[position + 1] if 0 <= position < len(siblings) - 1 else None
            yield Page(f"talks/{session.id}.md", ctx.lang, ctx.tr(session.title), ctx.render(
                "pages/talk.md.j2", session=session, draft=ctx.draft(self.name, session.id),
                track=conference.track(session.track), room=conference.room(session.room),
                people=people_by_role(conference, session, ctx.lang),
                previous=previous, following=following, json_ld=json_ld(conference, session, ctx.lang),
            ))


def people_by_role(conference: Conference, session: Session, lang: str) -> list[tuple[str, list]]:
    """The session's people grouped under what they do in it ("Host", "Panelists", "Judges"), in
    the order of ``notes.ROLES``, for the facts box."""
    role_of = roles(conference, session)
    groups = []
    for role in ROLES:
        people = [conference.speaker(i) for i in session.speakers if role_of[i] == role and conference.speaker(i)]
        if people:
            groups.append((label(f"role.{role}" + (".many" if len(people) > 1 else ""), lang), people))
    return groups


@hookimpl
def confgen_content_kinds():
    return [Talks()]
