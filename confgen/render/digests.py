"""Hashes of the values a page template is handed (sessions, drafts, lists of speakers) and of
the code it runs, for :mod:`confgen.render.reuse`: equal hashes mean equal values, and a value that
cannot be hashed soundly raises :class:`Unkeyable` rather than hash as something else."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import inspect
import sys
import types
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from confgen.stash import StashKey

#: Where pydantic's URL types are defined (they are whole once written as text).
URL_MODULES = ("pydantic.networks", "pydantic_core._pydantic_core")


class Unkeyable(Exception):
    """A value no key can hold soundly: the render it belongs to is made, and not kept."""


class Digests:
    """Hashes of values, each model and draft hashed once per build (they do not change while
    pages render; the objects are held, so an identity is never reused for another)."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[Any, bytes]] = {}

    def of(self, value: Any) -> bytes:
        h = hashlib.blake2b(digest_size=16)
        self._feed(h, value)
        return h.digest()

    def _feed(self, h: Any, value: Any) -> None:
        kind = type(value)
        if value is None or kind is bool or kind is int or kind is float:
            h.update(f"{kind.__name__}:{value!r};".encode())
        elif isinstance(value, enum.Enum):
            h.update(f"e:{kind.__module__}.{kind.__qualname__}:".encode())
            self._feed(h, value.value)
        elif isinstance(value, str):
            data = value.encode("utf-8", "surrogatepass")
            h.update(f"s:{'' if kind is str else kind.__qualname__}:{len(data)}:".encode())
            h.update(data)
        elif kind is list or kind is tuple:
            h.update(f"{kind.__name__}:{len(value)}[".encode())
            for item in value:
                self._feed(h, item)
            h.update(b"]")
        elif kind is dict:
            h.update(f"d:{len(value)}{{".encode())
            for key, item in value.items():
                self._feed(h, key)
                self._feed(h, item)
            h.update(b"}")
        elif kind is set or kind is frozenset:
            h.update(f"set:{len(value)}{{".encode())
            for digest in sorted(self.of(item) for item in value):
                h.update(digest)
            h.update(b"}")
        elif isinstance(value, (BaseModel,)) or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
            h.update(self._object(value))
        elif isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
            tz = getattr(value, "tzinfo", None)
            h.update(f"t:{kind.__name__}:{value.isoformat() if hasattr(value, 'isoformat') else value!r}:{tz!r};".encode())
        elif isinstance(value, ZoneInfo):
            h.update(f"z:{value.key};".encode())
        elif isinstance(value, (bytes, bytearray)):
            h.update(f"b:{len(value)}:".encode())
            h.update(value)
        elif isinstance(value, PurePath):
            h.update(f"p:{kind.__name__}:{value};".encode())
        elif kind.__module__ in URL_MODULES and kind.__name__.endswith("Url"):
            h.update(f"u:{kind.__name__}:{value};".encode())
        elif isinstance(value, types.FunctionType):
            h.update(function_digest(value))
            for cell in value.__closure__ or ():
                self._feed(h, cell.cell_contents)
            self._feed(h, value.__defaults__)
            self._feed(h, value.__kwdefaults__)
        else:
            raise Unkeyable(f"{kind.__module__}.{kind.__qualname__}")

    def _object(self, value: Any) -> bytes:
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        h = hashlib.blake2b(digest_size=16)
        kind = type(value)
        h.update(f"o:{kind.__module__}.{kind.__qualname__}{{".encode())
        if isinstance(value, BaseModel):
            names = list(kind.model_fields)
            extra = value.__pydantic_extra__
        else:
            names = [f.name for f in dataclasses.fields(value)]
            extra = None
        for name in names:
            h.update(name.encode() + b"=")
            self._feed(h, getattr(value, name))
        if extra:
            self._feed(h, extra)
        digest = h.digest()
        self._known[id(value)] = (value, digest)
        return digest


#: The hashes of one conference's values, kept with it: both languages' renders are handed the
#: same sessions and speakers, hashed once.
DIGESTS = StashKey[Digests]()


def digests_for(conference: Any) -> Digests:
    """The hashes of ``conference``'s values, made once per loaded conference."""
    return conference.stash.setdefault_by(DIGESTS, Digests)


@lru_cache(maxsize=None)
def function_digest(function: types.FunctionType) -> bytes:
    """A function by its name and the source of its module, as it was when first asked (the code
    running is the code imported, whatever the file says later)."""
    module = sys.modules.get(function.__module__)
    source = source_of(module) if module else None
    if source is None:
        raise Unkeyable(f"function {function.__qualname__} has no source to key it by")
    return hashlib.blake2b(f"f:{function.__module__}.{function.__qualname__}:".encode() + source, digest_size=16).digest()


def source_of(module: types.ModuleType) -> bytes | None:
    try:
        return Path(inspect.getsourcefile(module) or "").read_bytes()
    except (OSError, TypeError):
        return None
