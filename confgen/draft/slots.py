"""Bounded concurrency with priorities: how the runner keeps at most N model calls in flight."""

from __future__ import annotations

import heapq
import itertools
import threading
from contextlib import contextmanager
from typing import Iterator


class Slots:
    """At most ``size`` holders at once; waiters enter by priority (lower first), then in order of
    arrival. Retries go ahead of first calls, so a failure near the end of a run does not queue
    behind fresh jobs and stretch the run's tail.

    A freed slot is handed to the first waiter alone (each waits on its own event): waking every
    waiter to see who is first would cost a GIL hand-off per waiter per call."""

    def __init__(self, size: int):
        self._free = size
        self._waiting: list[tuple[int, int, threading.Event]] = []
        self._arrivals = itertools.count()
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, priority: int = 0) -> Iterator[None]:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                turn = None
            else:
                turn = threading.Event()
                heapq.heappush(self._waiting, (priority, next(self._arrivals), turn))
        if turn is not None:
            turn.wait()  # set once a holder hands its slot over
        try:
            yield
        finally:
            with self._lock:
                if self._waiting:
                    heapq.heappop(self._waiting)[2].set()
                else:
                    self._free += 1
