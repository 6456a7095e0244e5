"""Pacing calls by tokens: keep what the calls in flight may cost (prompt plus ``max_tokens``, which
is what OpenAI charges against a rate limit when a request arrives) within the budget the provider
allows, instead of learning the limit from a storm of 429s.

The budget is a token bucket (and one for requests), refilled continuously: from ``--tpm``/``--rpm``
(or ``provider.tpm``/``rpm``), or learnt from the ``x-ratelimit-limit-*``, ``-remaining-*`` and
``-reset-*`` headers of every answer, 429s included. Until the first answer says whether the server
limits at all, one call goes at a time; a server that sends no such header is not paced. A 429's
headers drain the bucket for every caller, so all of them wait, not only the one refused.
"""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, Mapping

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
#: The least share of the budget spent for its reset time to tell the refill rate.
RATE_SAMPLE = 0.05


def estimate_tokens(messages: list[dict[str, str]]) -> int:
    """Prompt tokens, erring high (an underestimate is a 429): a Chinese character is about one
    token, other text about four characters one; three characters are counted as one here."""
    total = 0
    for message in messages:
        text = message.get("content") or ""
        chinese = len(CJK.findall(text))
        total += chinese + -(-(len(text) - chinese) // 3) + 4
    return total


def duration(text: str | None) -> float | None:
    """Seconds from OpenAI's reset form (``6m0s``, ``1.5s``, ``20ms``), or None."""
    parts = DURATION.findall(text or "")
    if not parts or "".join(n + u for n, u in parts) != (text or "").strip():
        return None
    return sum(float(n) * UNIT[u] for n, u in parts)


class Bucket:
    """``capacity`` units refilled at ``rate`` a second; ``level`` is what may be spent now."""

    def __init__(self, capacity: float, rate: float, level: float | None = None, *, now: float):
        self.capacity, self.rate = capacity, rate
        self.level = capacity if level is None else level
        self.stamp = now

    def refill(self, now: float) -> None:
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_for(self, amount: float) -> float:
        need = min(amount, self.capacity)  # a call larger than the whole budget goes when it is full
        return 0.0 if self.level >= need else (need - self.level) / self.rate


def _header(headers: Mapping[str, str], name: str) -> float | None:
    try:
        return float(headers.get(name) or "")
    except ValueError:
        return None


class Pacer:
    """Admits a call when the budget can cover it; ``learn``: the provider passes its answers'
    headers to :meth:`observe`."""

    def __init__(self, tpm: int | None = None, rpm: int | None = None, *, learn: bool = True,
                 clock: Callable[[], float] = time.monotonic, stop: threading.Event | None = None):
        self._clock = clock
        now = clock()
        self.fixed = {"tokens": tpm is not None, "requests": rpm is not None}
        self.buckets: dict[str, Bucket] = {}
        if tpm:
            self.buckets["tokens"] = Bucket(tpm, tpm / 60, now=now)
        if rpm:
            self.buckets["requests"] = Bucket(rpm, rpm / 60, now=now)
        self.learning = learn and not self.buckets
        self.in_flight = 0
        self.waits = 0  # calls that had to wait for the budget
        self._stop = stop or threading.Event()
        self._cond = threading.Condition()

    @contextmanager
    def hold(self, tokens: int) -> Iterator[bool]:
        """Wait until a call of ``tokens`` fits, then count it in flight; yields False if the run stopped."""
        admitted = self._acquire(tokens)
        try:
            yield admitted
        finally:
            if admitted:
                with self._cond:
                    self.in_flight -= 1
                    self._cond.notify_all()

    def _acquire(self, tokens: int) -> bool:
        cost = {"tokens": tokens, "requests": 1}
        waited = False
        with self._cond:
            while not self._stop.is_set():
                now = self._clock()
                for bucket in self.buckets.values():
                    bucket.refill(now)
                if self.learning and self.in_flight:
                    wait = 0.5  # woken by the first answer's headers
                else:
                    wait = max((b.wait_for(cost[name]) for name, b in self.buckets.items()), default=0.0)
                if wait <= 0:
                    for name, bucket in self.buckets.items():
                        bucket.level -= cost[name]
                    self.in_flight += 1
                    self.waits += waited
                    return True
                waited = True
                self._cond.wait(min(wait, 1.0))
        return False

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the budget from an answer's ``x-ratelimit-*`` headers."""
        with self._cond:
            now = self._clock()
            for name in ("tokens", "requests"):
                limit = _header(headers, f"x-ratelimit-limit-{name}")
                remaining = _header(headers, f"x-ratelimit-remaining-{name}")
                if limit is None or remaining is None or limit <= 0:
                    continue
                reset = duration(headers.get(f"x-ratelimit-reset-{name}"))
                bucket = self.buckets.get(name)
                if bucket is None:
                    bucket = self.buckets[name] = Bucket(limit, limit / 60, remaining, now=now)
                bucket.refill(now)
                if not self.fixed[name]:
                    bucket.capacity = limit
                    # The server refills limit - remaining in reset seconds; a nearly full budget's reset
                    # is a few rounded milliseconds, too coarse to tell the rate by.
                    if reset and limit - remaining >= RATE_SAMPLE * limit:
                        bucket.rate = (limit - remaining) / reset
                bucket.level = min(bucket.level, remaining)
            self.learning = False
            self._cond.notify_all()
