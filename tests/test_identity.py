"""The identity cache (confgen.identity): one build of derived data per object, however many threads ask."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from confgen.api import by_identity


def test_the_identity_cache_builds_once_for_threads_asking_at_once():
    builds = []
    barrier = threading.Barrier(8)

    @by_identity
    def derived(obj):
        builds.append(obj)
        time.sleep(0.05)
        return len(builds)

    subject = object()

    def ask(_):
        barrier.wait()
        return derived(subject)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(8)))
    assert builds == [subject] and answers == [1] * 8
