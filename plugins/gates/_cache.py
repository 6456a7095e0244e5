"""A small cache keyed by object identity: the conference model is frozen but not hashable, and
every gate of every draft of a run asks for the same one."""

from __future__ import annotations

import threading
from typing import Any, Callable, TypeVar

T = TypeVar("T")
LIMIT = 8


def by_identity(build: Callable[[Any], T]) -> Callable[[Any], T]:
    entries: dict[int, tuple[Any, T]] = {}
    lock = threading.Lock()

    def cached(obj: Any) -> T:
        hit = entries.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        value = build(obj)
        with lock:
            if len(entries) >= LIMIT:
                entries.pop(next(iter(entries)))
            entries[id(obj)] = (obj, value)  # holding obj keeps its id from being reused
        return value

    cached.__doc__ = build.__doc__
    return cached
