"""Templates compile once per source, across threads and across runs, and an edited template is
never served from a stale compile; the identity cache builds once however many threads ask."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from confgen.api import by_identity
from confgen.render.templates import Templates


def test_compiled_templates_are_kept_between_runs_and_an_edit_is_seen(tmp_path):
    own, cache = tmp_path / "templates", tmp_path / ".confgen" / "templates"
    (own / "pages").mkdir(parents=True)
    page = own / "pages" / "hello.md.j2"
    page.write_text("Hello {{ who }}\n", "utf-8")

    assert Templates(own, cache).render("pages/hello.md.j2", who="zh") == "Hello zh\n"
    compiled = sorted(cache.iterdir())
    assert compiled, "the compile was not kept"

    page.write_text("Goodbye {{ who }}\n", "utf-8")
    assert Templates(own, cache).render("pages/hello.md.j2", who="en") == "Goodbye en\n"


def test_a_command_that_compiles_nothing_leaves_no_cache_folder(tmp_path):
    cache = tmp_path / ".confgen" / "templates"
    Templates(None, cache)
    assert not cache.exists()


def test_threads_asking_for_one_template_at_once_compile_it_once(tmp_path):
    templates = Templates(None, tmp_path / "cache")
    compiles = []
    original = templates.env._compile

    def counting(source, filename):
        compiles.append(filename)
        time.sleep(0.05)  # long enough for every thread to arrive while the first compiles
        return original(source, filename)

    templates.env._compile = counting
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: templates.get("prompts/system.en.md.j2"), range(8)))
    assert len(compiles) == 1


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
