"""The agenda's settings, ``extensions.schedule`` in conference.yaml: the day's hours, the slot
length, the solver's limits and the weights of the soft rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from confgen.model import Conference, Strict

Issue = tuple[str, str]


def _clock(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 17:30 as the base-60 integer 1050 (17*60+30): turn it back.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return dt.time(value // 60, value % 60)
    return value


Clock = Annotated[dt.time, BeforeValidator(_clock)]


class Weights(Strict):
    """How much each soft rule costs per violation; 0 turns a rule off."""

    track_parallel: Annotated[int, Field(ge=0, le=1000)] = 10  # two talks of one track at once
    popular_small_room: Annotated[int, Field(ge=0, le=1000)] = 3  # a big audience in a small room
    speaker_far_rooms: Annotated[int, Field(ge=0, le=1000)] = 5  # back-to-back talks on different floors
    track_room_changes: Annotated[int, Field(ge=0, le=1000)] = 2  # a track moving rooms within a half-day
    level_clustering: Annotated[int, Field(ge=0, le=1000)] = 1  # one level crowding a slot


class ScheduleSettings(Strict):
    """``extensions.schedule`` in conference.yaml."""

    day_start: Clock = dt.time(9, 0)
    day_end: Clock = dt.time(17, 30)
    slot_minutes: Annotated[int, Field(ge=5, le=600)] = 45
    default_minutes: Annotated[int, Field(ge=5, le=600)] | None = None  # a session with no length given
    time_limit: Annotated[float, Field(gt=0, le=3600)] = 30.0  # seconds for the whole solve
    workers: Annotated[int, Field(ge=1, le=64)] = 2
    relative_gap: Annotated[float, Field(ge=0, le=1)] = 0.0  # stop once this close to the bound
    seed: int = 0
    weights: Weights = Weights()

    @model_validator(mode="after")
    def _day(self) -> "ScheduleSettings":
        if self.day_end <= self.day_start:
            raise ValueError("day_end must be after day_start")
        return self


SETTINGS_PATH = "extensions.schedule"


def settings_of(conference: Conference) -> tuple[ScheduleSettings, list[Issue]]:
    """The schedule settings, or the defaults and the problems found in them."""
    raw = conference.extensions.get("schedule") or {}
    try:
        return ScheduleSettings.model_validate(raw), []
    except ValidationError as exc:
        issues = []
        for error in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = f"unknown setting (known: {', '.join(ScheduleSettings.model_fields)})"
            issues.append((f"{SETTINGS_PATH}.{loc}" if loc else SETTINGS_PATH, message))
        return ScheduleSettings(), issues
