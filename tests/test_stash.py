"""The stash (confgen.stash): derived data kept with the conference it was derived from."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

import yaml

from confgen.api import Stash, StashKey
from confgen.model import Conference
from helpers import MINI_CONFERENCE

DERIVED = StashKey[int]()


def test_the_stash_builds_once_for_threads_asking_at_once():
    builds = []
    barrier = threading.Barrier(8)
    stash = Stash()

    def build():
        builds.append(1)
        time.sleep(0.05)
        return len(builds)

    def ask(_):
        barrier.wait()
        return stash.setdefault_by(DERIVED, build)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(8)))
    assert builds == [1] and answers == [1] * 8


def test_each_conference_has_its_own_stash_which_goes_with_it():
    first = Conference.model_validate(yaml.safe_load(MINI_CONFERENCE))
    second = Conference.model_validate(yaml.safe_load(MINI_CONFERENCE))
    first.stash[DERIVED] = 1
    assert DERIVED in first.stash and DERIVED not in second.stash
    assert first == second  # the stash is no part of the facts
    gone = weakref.ref(first.stash)
    del first
    gc.collect()
    assert gone() is None
