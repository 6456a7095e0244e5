"""The typed model of ``conference.yaml``.

Everything a page or a prompt states as a fact comes from here. This module imports nothing of
confgen's own, so plugins, the loader and every core module can depend on it.

Times are local wall-clock times in ``event.timezone``; ``Conference.aware`` attaches the zone.
Text shown to readers is ``Localized``: a plain string (the same in every language) or a mapping
``{zh: ..., en: ...}``. A loaded ``Conference`` carries a ``stash`` for what plugins derive from it,
and knows its published addresses (``base_url``, ``page_url``, ``talk_url``).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from functools import cached_property
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    EmailStr,
    Field,
    field_validator,
    model_validator,
)

from confgen import LANGUAGES
from confgen.fields import (
    MAX_DAYS, MAX_LINE, Amount, Strict, Count, Identifier, Line, LinkUrl, Localized, Name, Url, _local, known_zone,
)
from confgen.run_settings import GateSettings, Price, ProviderSettings  # noqa: F401 - Price: part of the model
from confgen.stash import Stash


def tr(value: dict[str, str] | str | None, lang: str) -> str:
    """The text of a Localized value in ``lang``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or next(iter(value.values()), "")


#: A picture (a speaker's photo, a sponsor's logo): an image file, relative to the project folder;
#: checked when the project opens (confgen.load.pictures).
ImagePath = Annotated[str, Field(min_length=1, max_length=MAX_LINE, pattern=r"^[^\n\r]*$")]




class SessionType(str, Enum):
    keynote = "keynote"
    talk = "talk"
    workshop = "workshop"
    case = "case"
    panel = "panel"
    competition = "competition"


class Role(str, Enum):
    """What a person does in a session."""

    speaker = "speaker"
    host = "host"
    panelist = "panelist"
    judge = "judge"
    instructor = "instructor"


class Level(str, Enum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"


class Venue(Strict):
    name: Line
    address: Localized
    map_url: Url | None = None


class Event(Strict):
    name: Line
    tagline: Line | None = None
    start_date: dt.date
    end_date: dt.date
    timezone: str = "UTC"
    city: Line
    venue: Venue
    url: Url | None = None
    organizer: Line | None = None
    contact_email: EmailStr | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not known_zone(value):
            shown = value if len(value) <= 64 else value[:60] + "…"
            raise ValueError(f"unknown time zone {shown!r} (use an IANA name such as Asia/Shanghai)")
        return value

    @field_validator("end_date")
    @classmethod
    def _span(cls, value: dt.date, info: Any) -> dt.date:
        start = info.data.get("start_date")
        if start is not None and (value - start).days >= MAX_DAYS:
            raise ValueError(f"the event lasts {(value - start).days + 1:,} days; at most {MAX_DAYS}")
        return value

    @cached_property
    def days(self) -> list[dt.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=i) for i in range(max(count, 0))]

    def includes(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class Track(Strict):
    id: Identifier
    name: Line
    description: Localized | None = None


class Room(Strict):
    id: Identifier
    name: Line
    capacity: Annotated[Count, Field(gt=0, le=1_000_000)]
    floor: Line | None = None
    workshop: bool = False
    main: bool = False


class Link(Strict):
    label: Annotated[str, Field(max_length=MAX_LINE, pattern=r"^[^\n\r]*$")]
    url: LinkUrl


class Window(Strict):
    start: dt.datetime
    end: dt.datetime


class Speaker(Strict):
    id: Identifier
    name: Name
    affiliation: Line | None = None
    title: Line | None = None
    bio: Localized | None = None  # untrusted: written by the speaker
    links: list[Link] = []
    available: list[Window] = []  # empty: available for the whole event
    photo: ImagePath | None = None


class Session(Strict):
    id: Identifier
    title: Line
    abstract: Localized | None = None  # untrusted: written by the submitter
    type: SessionType = SessionType.talk
    track: Identifier | None = None
    level: Level = Level.intermediate
    language: str = "zh"
    speakers: list[Identifier] = []
    #: Roles the session's type does not imply, by speaker id (a panel's host: ``{bai-yun: host}``).
    #: Otherwise a panel's people are panelists, a competition's judges, a workshop's instructors
    #: and everyone else a speaker.
    roles: dict[Identifier, Role] = {}
    room: Identifier | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    duration: Annotated[Count, Field(gt=0, le=600)] | None = None  # minutes; for unscheduled sessions
    expected_audience: Annotated[Count, Field(ge=0, le=10_000_000)] | None = None
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
    title: Line


class SponsorTier(str, Enum):
    diamond = "diamond"
    platinum = "platinum"
    gold = "gold"
    silver = "silver"
    partner = "partner"
    media = "media"


class Sponsor(Strict):
    name: Line
    tier: SponsorTier
    url: Url | None = None
    description: Localized | None = None
    logo: ImagePath | None = None


class Ticket(Strict):
    id: Identifier
    name: Line
    price: Annotated[Amount, Field(ge=0, le=1e9)]
    currency: Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")] = "CNY"
    sale_start: dt.date | None = None
    sale_end: dt.date | None = None
    description: Localized | None = None
    quota: Annotated[Count, Field(ge=0, le=10_000_000)] | None = None


class Hotel(Strict):
    name: Line
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
    #: What builds the site from the rendered projects: MkDocs with Material, or Zensical (see
    #: confgen.sitebuild.engines). ``confgen build --engine`` overrides it for one build.
    engine: Literal["mkdocs", "zensical"] = "mkdocs"


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

    @model_validator(mode="before")
    @classmethod
    def _local_times(cls, data: Any) -> Any:
        """Times are compared and shown as the venue's wall-clock time; exports write them with
        offsets, so those are converted here, before a naive and an aware time ever meet."""
        if not isinstance(data, dict) or not isinstance(data.get("event"), dict):
            return data
        zone_name = data["event"].get("timezone", "UTC")
        if not known_zone(zone_name):
            return data  # reported by Event
        zone = ZoneInfo(zone_name)
        data = dict(data)

        def convert(items: Any, *keys: str) -> Any:
            if not isinstance(items, list):
                return items
            return [{**item, **{k: _local(item[k], zone) for k in keys if k in item}} if isinstance(item, dict) else item
                    for item in items]

        for section in ("sessions", "breaks"):
            if section in data:
                data[section] = convert(data[section], "start", "end")
        if isinstance(data.get("speakers"), list):
            data["speakers"] = [{**s, "available": convert(s["available"], "start", "end")}
                                if isinstance(s, dict) and "available" in s else s for s in data["speakers"]]
        return data

    def model_post_init(self, context: Any) -> None:
        self.stash  # noqa: B018 - made now, while one thread holds the conference, not raced for later

    @cached_property
    def stash(self) -> Stash:
        """What plugins derive from this conference (indexes, the budget plan), kept as long as it is."""
        return Stash()

    @property
    def base_url(self) -> str:
        """Where the site is published, with no trailing slash (``site.url``, else ``event.url``);
        empty when neither is set. Each language lives under ``<base_url>/<lang>/``."""
        return str(self.site.url or self.event.url or "").rstrip("/")

    def page_url(self, lang: str, path: str = "") -> str | None:
        """The published address of a page of the ``lang`` site (``path`` like ``talks/s01/``), or
        None when the site's address is not known."""
        return f"{self.base_url}/{lang}/{path}" if self.base_url else None

    def talk_url(self, session_id: str, lang: str) -> str | None:
        return self.page_url(lang, f"talks/{session_id}/")

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
