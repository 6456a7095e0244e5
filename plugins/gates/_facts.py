"""What the facts allow a draft to say, indexed once per conference: known dates, times, prices,
URLs, e-mail addresses, names and the lower-cased text of every trusted string. Abstracts and bios
are written by outsiders and are left out: a date in an abstract is not a fact."""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from dataclasses import dataclass, field
from typing import Any

from confgen.api import StashKey
from confgen.model import Conference
from confgen_plugins.gates import _claims
from confgen_plugins.gates._markdown import EMAIL, TRAILING, URL

UNTRUSTED_FIELDS = {"abstract", "bio"}


def normalize_url(url: str) -> str:
    url = url.strip().rstrip(TRAILING)
    _, _, rest = url.partition("://")
    rest = rest or url  # a bare host: the scheme does not matter for matching
    host, slash, path = rest.partition("/")
    path = path.split("#")[0].rstrip("/")
    return f"{host.lower().removeprefix('www.')}/{path}" if path else host.lower().removeprefix("www.")


@dataclass
class Facts:
    dates: set[dt.date] = field(default_factory=set)
    month_days: set[tuple[int, int]] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    times: set[str] = field(default_factory=set)
    prices: set[float] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    text: str = ""  # every trusted string, lower-cased, one per line
    event_year: int = 0
    speakers: dict[str, set[str]] = field(default_factory=dict)  # speaker id -> names in every language
    affiliations: dict[str, set[str]] = field(default_factory=dict)  # speaker id -> affiliations and titles
    organizations: set[str] = field(default_factory=set)  # every company named in the facts
    rooms: dict[str, set[str]] = field(default_factory=dict)  # room id -> names
    tickets: dict[str, tuple[set[str], float]] = field(default_factory=dict)  # id -> (names, price)

    @cached_property
    def speaker_names(self) -> set[str]:
        return {name for names in self.speakers.values() for name in names}

    @cached_property
    def speaker_of_name(self) -> dict[str, str]:
        return {name: speaker_id for speaker_id, names in self.speakers.items() for name in names}

    @cached_property
    def names_pattern(self) -> re.Pattern[str] | None:
        """Every speaker name in one alternation, longest first: one scan of a line instead of one
        ``find`` per name (thousands of names at a large event)."""
        names = sorted(self.speaker_of_name, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, names))) if names else None

    def add_date(self, day: dt.date) -> None:
        self.dates.add(day)
        self.month_days.add((day.month, day.day))
        self.years.add(day.year)

    def add_time(self, moment: dt.datetime) -> None:
        self.add_date(moment.date())
        self.times.add(moment.strftime("%H:%M"))


def _strings(value: Any, key: str = "") -> list[str]:
    if key in UNTRUSTED_FIELDS:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, k if k not in ("zh", "en") else key)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item, key)]
    return [str(value)] if value is not None else []


FACTS_OF = StashKey[Facts]()


def facts_of(conference: Conference) -> Facts:
    # Built once per loaded conference, and kept with it: every draft's check asks for it.
    return conference.stash.setdefault_by(FACTS_OF, lambda: _facts_of_built(conference))


def _facts_of_built(conference: Conference) -> Facts:
    facts = Facts(event_year=conference.event.start_date.year)
    data = conference.model_dump(mode="json", exclude={"provider", "gates", "extensions"})
    strings = _strings(data)
    facts.text = "\n".join(strings).lower()
    for day in conference.event.days:
        facts.add_date(day)
    for session in conference.sessions:
        for moment in (session.start, session.end):
            if moment:
                facts.add_time(moment)
    for speaker in conference.speakers:
        for window in speaker.available:
            facts.add_time(window.start)
            facts.add_time(window.end)
    for item in conference.breaks:
        facts.add_time(item.start)
        facts.add_time(item.end)
    for ticket in conference.tickets:
        facts.prices.add(float(ticket.price))
        facts.tickets[ticket.id] = ({n.lower() for n in ticket.name.values()}, float(ticket.price))
        for day in (ticket.sale_start, ticket.sale_end):
            if day:
                facts.add_date(day)
    for text in strings:
        for claim in _claims.dates(text):
            year = claim.year or facts.event_year
            day = _claims.valid_date(year, claim.month, claim.day)
            if day:
                facts.add_date(day)
        for year, _, _ in _claims.year_months(text):
            facts.years.add(year)
        facts.times.update(t for t, _ in _claims.times(text))
        facts.prices.update(p for p, _ in _claims.prices(text))
        facts.urls.update(normalize_url(u.group(0)) for u in URL.finditer(text))
        facts.emails.update(e.group(0).lower() for e in EMAIL.finditer(text))
    for year in re.findall(r"(?<!\d)(20\d\d)(?!\d)", "\n".join(str(v) for v in conference.event.name.values())
                           + "\n".join(str(v) for v in (conference.event.tagline or {}).values())):
        facts.years.add(int(year))
    for speaker in conference.speakers:
        facts.speakers[speaker.id] = {n for n in speaker.name.values() if n}
        known = set()
        for value in (speaker.affiliation, speaker.title):
            known.update(v.lower() for v in (value or {}).values() if v)
        facts.affiliations[speaker.id] = known
        facts.organizations.update(v.lower() for v in (speaker.affiliation or {}).values() if v)
    for sponsor in conference.sponsors:
        facts.organizations.update(v.lower() for v in sponsor.name.values())
    for room in conference.rooms:
        facts.rooms[room.id] = {n for n in room.name.values() if n}
    return facts
