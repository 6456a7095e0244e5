"""The event as a whole, as every prompt of a language states it: the same text, byte for byte, for
each job, so that it belongs to the prefix a provider's prompt cache serves again.

What a writer of any one page should know of the event around it: its name, dates, place, tracks
(with what each is about), rooms and the shape of the programme. The names, dates and counts are
facts, in a ``facts`` block; the prose organizers wrote about the event (tagline, track
descriptions) is datamarked like every other typed text, since it may carry instructions too.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from confgen.model import Conference, tr
from confgen.stash import StashKey

#: The event context text per language: the same for every job, so made once per conference.
CONTEXT = StashKey["dict[str, str]"]()


def event_facts(conference: Conference, lang: str) -> tuple[dict[str, Any], dict[str, str]]:
    """``(facts, untrusted)`` of the event in ``lang``."""
    event = conference.event
    sessions = conference.sessions
    per_track = Counter(s.track for s in sessions)
    per_day = Counter(s.start.date().isoformat() for s in sessions if s.start)
    facts: dict[str, Any] = {
        "name": tr(event.name, lang),
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "city": tr(event.city, lang),
        "venue": tr(event.venue.name, lang),
        "sessions": len(sessions),
        "sessions_per_day": dict(sorted(per_day.items())),
        "session_types": dict(Counter(s.type.value for s in sessions).most_common()),
        "levels": dict(Counter(s.level.value for s in sessions).most_common()),
        # Numbered, so that each description in the data block below names its track by number
        # rather than by a name a person typed.
        "tracks": [{"number": n, "name": tr(t.name, lang), "sessions": per_track.get(t.id, 0)}
                   for n, t in enumerate(conference.tracks, 1)],
        "rooms": [tr(r.name, lang) for r in conference.rooms],
    }
    untrusted = {"tagline": tr(event.tagline, lang)} if event.tagline else {}
    untrusted |= {f"track_{n}": tr(t.description, lang) for n, t in enumerate(conference.tracks, 1) if t.description}
    return facts, untrusted
