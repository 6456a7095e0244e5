"""A cache keyed by object identity, for data derived from the frozen (and unhashable) conference."""

from __future__ import annotations

import threading
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def by_identity(build: Callable[..., T]) -> Callable[..., T]:
    """Memoize ``build(obj, *args)`` by the identity of ``obj`` (and the hashable ``args``).

    The conference model is frozen but not hashable, and many pages, gates and drafts of one run
    ask for the same derived data. The last few objects are kept alive with their results, so an
    id cannot be reused by another object while its entry stands.
    """
    entries: dict[tuple, tuple[Any, T]] = {}
    # Held while building: threads asking at once (sixteen drafts checked at the start of a run)
    # wait for the one build instead of each doing it. Reentrant, for builds that recurse.
    lock = threading.RLock()

    def cached(obj: Any, *args: Any) -> T:
        key = (id(obj), *args)
        hit = entries.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        with lock:
            hit = entries.get(key)
            if hit is not None and hit[0] is obj:
                return hit[1]
            value = build(obj, *args)
            if len(entries) >= IDENTITY_CACHE_SIZE:
                entries.pop(next(iter(entries)))
            entries[key] = (obj, value)
        return value

    cached.__doc__ = build.__doc__
    cached.__name__ = getattr(build, "__name__", "cached")
    return cached


IDENTITY_CACHE_SIZE = 16
