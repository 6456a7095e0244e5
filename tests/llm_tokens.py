"""Token accounting for the test server: a crude tokenizer, OpenAI-style prompt caching of shared
prefixes, and a token-budget rate limit that sends OpenAI's ``x-ratelimit-*`` headers.

The tokenizer is not any model's: a Chinese character or punctuation mark is one token, any other
run of up to four characters is one. It only has to be deterministic, so that a shared prefix of
text is a shared prefix of tokens, and roughly as long as a real tokenizer's count.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from typing import Any

_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
TOKEN = re.compile(f"[{_CJK}]|[^{_CJK}]{{1,4}}")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def prompt_tokens(messages: list[dict[str, Any]]) -> list[str]:
    """The prompt as the server counts it: each message's role, then its content, in order."""
    return tokens("".join(f"<|{m.get('role', '')}|>{m.get('content', '')}" for m in messages))


class PrefixCache:
    """Prompt caching as OpenAI documents it: a prompt's prefix of at least ``minimum`` tokens,
    in steps of ``step`` tokens, is cached once a request with that prefix has finished, and later
    requests starting with it report those tokens in ``usage.prompt_tokens_details.cached_tokens``."""

    def __init__(self, minimum: int = 1024, step: int = 128):
        self.minimum, self.step = minimum, step
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def _digests(self, toks: list[str]) -> list[tuple[int, str]]:
        digest = hashlib.sha256()
        out, start = [], 0
        for length in range(self.minimum, len(toks) + 1, self.step):
            digest.update("".join(toks[start:length]).encode())
            start = length
            out.append((length, digest.copy().hexdigest()))
        return out

    def cached(self, toks: list[str]) -> int:
        """How many leading tokens of ``toks`` a finished earlier request has cached."""
        hit = 0
        with self._lock:
            for length, digest in self._digests(toks):
                if digest not in self._seen:
                    break
                hit = length
        return hit

    def store(self, toks: list[str]) -> None:
        with self._lock:
            self._seen.update(digest for _, digest in self._digests(toks))


def duration(seconds: float) -> str:
    """OpenAI's form of a reset time: ``1m2.5s``, ``20ms``."""
    if seconds < 1:
        return f"{max(0, math.ceil(seconds * 1000))}ms"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m{rest:.3g}s" if minutes else f"{rest:.3g}s"


class TokenBudget:
    """A rate limit like OpenAI's: ``tokens`` (and optionally ``requests``) per ``window`` seconds,
    refilled continuously. A request is charged its prompt tokens plus its ``max_tokens`` when it
    arrives, and refused with a 429 when what is left cannot cover it."""

    def __init__(self, tokens: int, window: float = 60.0, requests: int | None = None):
        self.limit, self.window, self.request_limit = tokens, window, requests
        self._tokens = float(tokens)
        self._requests = float(requests or 0)
        self._stamp = time.monotonic()
        self._lock = threading.Lock()
        self.refused = 0
        self.admitted = 0
        self.charged = 0  # tokens of the admitted requests

    def _refill(self) -> None:
        now = time.monotonic()
        elapsed, self._stamp = now - self._stamp, now
        self._tokens = min(self.limit, self._tokens + elapsed * self.limit / self.window)
        if self.request_limit:
            self._requests = min(self.request_limit, self._requests + elapsed * self.request_limit / self.window)

    def charge(self, cost: int) -> tuple[bool, float]:
        """Admit a request costing ``cost`` tokens, or say how long until it could be."""
        with self._lock:
            self._refill()
            short = max(cost - self._tokens, 0.0)
            wait = short * self.window / self.limit
            if self.request_limit and self._requests < 1:
                wait = max(wait, (1 - self._requests) * self.window / self.request_limit)
            if wait > 0:
                self.refused += 1
                return False, wait
            self._tokens -= cost
            self._requests -= 1
            self.admitted += 1
            self.charged += cost
            return True, 0.0

    def headers(self) -> dict[str, str]:
        with self._lock:
            self._refill()
            left = max(int(self._tokens), 0)
            out = {"x-ratelimit-limit-tokens": str(self.limit), "x-ratelimit-remaining-tokens": str(left),
                   "x-ratelimit-reset-tokens": duration((self.limit - left) * self.window / self.limit)}
            if self.request_limit:
                requests = max(int(self._requests), 0)
                out |= {"x-ratelimit-limit-requests": str(self.request_limit),
                        "x-ratelimit-remaining-requests": str(requests),
                        "x-ratelimit-reset-requests": duration((self.request_limit - requests) * self.window
                                                               / self.request_limit)}
            return out
