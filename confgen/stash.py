"""Per-object storage for derived data, after pytest's ``Stash``.

A :class:`Stash` hangs off the object whose life it shares (the loaded ``Conference``: one per
opened project), so what a plugin derives from the conference lives exactly as long as the
conference does and no longer. ``confgen serve`` opens a new project on every rebuild, and the old
stash goes with the old conference. Keys are typed objects, not strings, so two plugins cannot
clash on a name::

    FACTS = StashKey[Facts]()

    def facts_of(conference):
        return conference.stash.setdefault_by(FACTS, lambda: build_facts(conference))
"""

from __future__ import annotations

import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class StashKey(Generic[T]):
    """A key into a :class:`Stash`; compared by identity, so create each once, at module level."""

    __slots__ = ()


class Stash:
    """A typed, thread-safe store of values by :class:`StashKey`."""

    __slots__ = ("_values", "_lock", "__weakref__")

    def __init__(self) -> None:
        self._values: dict[StashKey, object] = {}
        # Held while building: threads asking at once (the first drafts checked in parallel) wait
        # for the one build instead of each doing it. Reentrant, for builds that ask for others.
        self._lock = threading.RLock()

    def __getitem__(self, key: StashKey[T]) -> T:
        return self._values[key]  # type: ignore[return-value]

    def __setitem__(self, key: StashKey[T], value: T) -> None:
        with self._lock:
            self._values[key] = value

    def __contains__(self, key: StashKey) -> bool:
        return key in self._values

    def get(self, key: StashKey[T], default: T | None = None) -> T | None:
        return self._values.get(key, default)  # type: ignore[return-value]

    def setdefault_by(self, key: StashKey[T], build: Callable[[], T]) -> T:
        """The value under ``key``, built by ``build()`` the first time it is asked for."""
        try:
            return self._values[key]  # type: ignore[return-value]
        except KeyError:
            pass
        with self._lock:
            if key not in self._values:
                self._values[key] = build()
            return self._values[key]  # type: ignore[return-value]
