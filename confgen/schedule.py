"""The agenda's hard rules, checked: one session per room at a time, no speaker in two places."""

from __future__ import annotations

from typing import Iterator

from confgen.model import Conference, Session

Issue = tuple[str, str]


def conflicts(conference: Conference) -> Iterator[Issue]:
    index_of = {id(s): i for i, s in enumerate(conference.sessions)}
    timed = sorted((s for s in conference.sessions if s.start and s.end and s.end > s.start), key=lambda s: s.start)
    # A sweep over start times: each session is compared only with those still running.
    running: list[Session] = []
    for session in timed:
        running = [other for other in running if other.end > session.start]
        for other in running:
            where = f"sessions.{index_of[id(session)]}"
            if session.room and session.room == other.room:
                yield f"{where}.room", (
                    f"{session.id} overlaps {other.id} in room {session.room} "
                    f"({other.start:%m-%d %H:%M}–{other.end:%H:%M})"
                )
            for speaker_id in sorted(set(session.speakers) & set(other.speakers)):
                yield f"{where}.speakers", (
                    f"speaker {speaker_id} is in {session.id} and {other.id} at the same time "
                    f"({session.start:%m-%d %H:%M})"
                )
        running.append(session)
