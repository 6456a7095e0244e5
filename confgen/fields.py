"""The field types of ``conference.yaml``: localized text, one-line titles and names, counts,
amounts, links and identifiers, with the limits that keep every later step linear in the input.
Imports nothing of confgen's but the language list, like :mod:`confgen.model`, which builds on it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AnyUrl, BaseModel, BeforeValidator, ConfigDict, Field, HttpUrl, PlainSerializer, UrlConstraints

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
    first = next((v for v in value.values() if v), next(iter(value.values())))
    return {lang: value.get(lang) or first for lang in LANGUAGES}


#: Longest title, name or room (one line on a page, in a calendar entry, in a <title>).
MAX_LINE = 200
#: Longest abstract, bio or description, per language.
MAX_TEXT = 20_000
#: Longest event: more days than this is not a conference (and every page lists the days).
MAX_DAYS = 366
#: Characters that end a line somewhere (YAML, HTML, iCalendar or a terminal).
LINE_BREAKS = ("\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _one_line(value: dict[str, str]) -> dict[str, str]:
    for lang, text in value.items():
        if any(mark in text for mark in LINE_BREAKS):
            raise ValueError(f"{lang}: must be a single line (it has a line break); a title or name is one line")
        if len(text) > MAX_LINE:
            raise ValueError(f"{lang}: {len(text)} characters; a title or name has at most {MAX_LINE}")
    return value


def _text(value: dict[str, str]) -> dict[str, str]:
    for lang, text in value.items():
        if len(text) > MAX_TEXT:
            raise ValueError(f"{lang}: {len(text):,} characters; at most {MAX_TEXT:,}")
    return value


def _not_blank(value: dict[str, str]) -> dict[str, str]:
    if not any(text.strip() for text in value.values()):
        raise ValueError("must not be empty")
    return value


Localized = Annotated[dict[str, str], BeforeValidator(_localized), AfterValidator(_text), AfterValidator(_fill_languages)]
#: A title, name or room: one line, not too long.
Line = Annotated[dict[str, str], BeforeValidator(_localized), AfterValidator(_one_line), AfterValidator(_fill_languages)]
#: A name that must say something.
Name = Annotated[dict[str, str], BeforeValidator(_localized), AfterValidator(_one_line), AfterValidator(_not_blank),
                 AfterValidator(_fill_languages)]
#: Counts written as numbers: ``true`` is not a capacity.
Count = Annotated[int, Field(strict=True)]
#: Money and other amounts: finite (``.inf`` is not a price).
Amount = Annotated[float, Field(allow_inf_nan=False)]
Url = Annotated[HttpUrl, PlainSerializer(str, return_type=str)]
#: A link a person gives (a profile, an email address): http, https or mailto, nothing that runs.
LinkUrl = Annotated[AnyUrl, UrlConstraints(allowed_schemes=["http", "https", "mailto"]), PlainSerializer(str, return_type=str)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)]


def known_zone(name: Any) -> bool:
    """An IANA zone name. Directories of the tz database (``America``) and over-long names make
    ZoneInfo raise OSError, not ZoneInfoNotFoundError."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _local(value: Any, zone: ZoneInfo) -> Any:
    """A moment written with a UTC offset (``09:00:00+08:00``, ``...Z``), as wall-clock time in ``zone``."""
    if isinstance(value, str) and len(value) <= 64:
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(zone).replace(tzinfo=None)
    return value


class Strict(BaseModel):
    """A part of conference.yaml: unknown keys are errors, and a loaded value never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
