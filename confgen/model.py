"""The typed model of ``conference.yaml``.

Everything a page or a prompt states as a fact comes from here. This module imports nothing of
confgen's own, so plugins, the loader and every core module can depend on it.

Times are local wall-clock times in ``event.timezone``; ``Conference.aware`` attaches the zone.
Text shown to readers is ``Localized``: a plain string (the same in every language) or a mapping
``{zh: ..., en: ...}``.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from functools import cached_property
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    PlainSerializer,
    field_validator,
)

from confgen import LANGUAGES


def _localized(value: Any) -> Any:
    if isinstance(value, str):
        return {lang: value for lang in LANGUAGES}
    if isinstance(value, dict):
        unknown = set(value) - set(LANGUAGES)
        if unknown:
            raise ValueError(f"unknown language key(s) {sorted(unknown)}; use {list(LANGUAGES)}")
        if not value:
            raise ValueError("needs at least one language")
        return {k: ("" if v is None else str(v)) for k, v in value.items()}
    raise ValueError("expected a string or a mapping of language to string")


def _fill_languages(value: dict[str, str]) -> dict[str, str]:
    first = next(iter(value.values()))
    return {lang: value.get(lang) or first for lang in LANGUAGES}


Localized = Annotated[dict[str, str], BeforeValidator(_localized), AfterValidator(_fill_languages)]
Url = Annotated[HttpUrl, PlainSerializer(str, return_type=str)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)]


def tr(value: dict[str, str] | str | None, lang: str) -> str:
    """The text of a Localized value in ``lang``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or next(iter(value.values()), "")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SessionType(str, Enum):
    keynote = "keynote"
    talk = "talk"
    workshop = "workshop"
    case = "case"
    panel = "panel"
    competition = "competition"


class Level(str, Enum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"


class Venue(Strict):
    name: Localized
    address: Localized
    map_url: Url | None = None


class Event(Strict):
    name: Localized
    tagline: Localized | None = None
    start_date: dt.date
    end_date: dt.date
    timezone: str = "UTC"
    city: Localized
    venue: Venue
    url: Url | None = None
    organizer: Localized | None = None
    contact_email: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)") from None
        return value

    @property
    def days(self) -> list[dt.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=i) for i in range(max(count, 0))]


class Track(Strict):
    id: Identifier
    name: Localized
    description: Localized | None = None


class Room(Strict):
    id: Identifier
    name: Localized
    capacity: Annotated[int, Field(gt=0)]
    floor: Localized | None = None
    workshop: bool = False
    main: bool = False


class Link(Strict):
    label: str
    url: Url


class Window(Strict):
    start: dt.datetime
    end: dt.datetime


class Speaker(Strict):
    id: Identifier
    name: Localized
    affiliation: Localized | None = None
    title: Localized | None = None
    bio: Localized | None = None  # untrusted: written by the speaker
    links: list[Link] = []
    available: list[Window] = []  # empty: available for the whole event


class Session(Strict):
    id: Identifier
    title: Localized
    abstract: Localized | None = None  # untrusted: written by the submitter
    type: SessionType = SessionType.talk
    track: Identifier | None = None
    level: Level = Level.intermediate
    language: str = "zh"
    speakers: list[Identifier] = []
    room: Identifier | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    duration: Annotated[int, Field(gt=0, le=600)] | None = None  # minutes; for unscheduled sessions
    expected_audience: Annotated[int, Field(ge=0)] | None = None
    pinned: bool = False

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {list(LANGUAGES)}")
        return value

    @property
    def scheduled(self) -> bool:
        return self.start is not None and self.end is not None and self.room is not None

    @property
    def minutes(self) -> int | None:
        if self.start and self.end:
            return int((self.end - self.start).total_seconds() // 60)
        return self.duration


class Break(Strict):
    start: dt.datetime
    end: dt.datetime
    title: Localized


class SponsorTier(str, Enum):
    diamond = "diamond"
    platinum = "platinum"
    gold = "gold"
    silver = "silver"
    partner = "partner"
    media = "media"


class Sponsor(Strict):
    name: Localized
    tier: SponsorTier
    url: Url | None = None
    description: Localized | None = None


class Ticket(Strict):
    id: Identifier
    name: Localized
    price: Annotated[float, Field(ge=0)]
    currency: str = "CNY"
    sale_start: dt.date | None = None
    sale_end: dt.date | None = None
    description: Localized | None = None
    quota: Annotated[int, Field(ge=0)] | None = None


class Hotel(Strict):
    name: Localized
    address: Localized | None = None
    distance: Localized | None = None
    url: Url | None = None


class Logistics(Strict):
    registration: Localized | None = None
    transport: list[Localized] = []
    hotels: list[Hotel] = []
    wifi: Localized | None = None
    accessibility: Localized | None = None


class Faq(Strict):
    q: Localized
    a: Localized


class Reference(Strict):
    title: str
    url: Url | None = None
    authors: str | None = None
    year: int | None = None


class SiteSettings(Strict):
    url: Url | None = None
    repo_url: Url | None = None
    author: Localized | None = None
    default_language: str = "zh"
    articles_per_track: Annotated[int, Field(ge=0, le=10)] = 1


class ProviderSettings(Strict):
    name: str = "offline"
    model: str | None = None
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    temperature: Annotated[float, Field(ge=0, le=2)] = 0.3
    max_tokens: Annotated[int, Field(gt=0)] | None = None  # None: from each kind's length range; set: a cap
    timeout: Annotated[float, Field(gt=0)] = 60.0
    concurrency: Annotated[int, Field(ge=1, le=256)] = 4
    seed: int | None = 0
    price_per_1k_input: Annotated[float, Field(ge=0)] | None = None
    price_per_1k_output: Annotated[float, Field(ge=0)] | None = None


class GateSettings(Strict):
    max_attempts: Annotated[int, Field(ge=1, le=10)] = 3
    run_code: bool = True  # Python blocks of drafts run in the sandbox
    disabled: list[str] = []


class Conference(Strict):
    event: Event
    tracks: list[Track] = []
    rooms: list[Room] = []
    speakers: list[Speaker] = []
    sessions: list[Session] = []
    breaks: list[Break] = []
    sponsors: list[Sponsor] = []
    tickets: list[Ticket] = []
    logistics: Logistics = Logistics()
    faq: list[Faq] = []
    references: list[Reference] = []
    site: SiteSettings = SiteSettings()
    provider: ProviderSettings = ProviderSettings()
    gates: GateSettings = GateSettings()
    extensions: dict[str, Any] = {}  # free-form settings owned by plugins, keyed by plugin name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.event.timezone)

    def aware(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` (local wall-clock time at the venue) with the event's zone attached."""
        return moment if moment.tzinfo else moment.replace(tzinfo=self.tz)

    # Lookups are cached: the model is frozen, and pages ask for them thousands of times.
    @cached_property
    def _tracks(self) -> dict[str, Track]:
        return {t.id: t for t in self.tracks}

    @cached_property
    def _rooms(self) -> dict[str, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def _speakers(self) -> dict[str, Speaker]:
        return {s.id: s for s in self.speakers}

    @cached_property
    def _talks_by_speaker(self) -> dict[str, list[Session]]:
        talks: dict[str, list[Session]] = {}
        for session in self.sessions:
            for speaker_id in session.speakers:
                talks.setdefault(speaker_id, []).append(session)
        return talks

    def track(self, track_id: str | None) -> Track | None:
        return self._tracks.get(track_id) if track_id else None

    def room(self, room_id: str | None) -> Room | None:
        return self._rooms.get(room_id) if room_id else None

    def speaker(self, speaker_id: str) -> Speaker | None:
        return self._speakers.get(speaker_id)

    def sessions_of(self, speaker_id: str) -> list[Session]:
        return self._talks_by_speaker.get(speaker_id, [])

    def scheduled_sessions(self) -> list[Session]:
        return sorted((s for s in self.sessions if s.scheduled), key=lambda s: (s.start, s.room, s.id))
