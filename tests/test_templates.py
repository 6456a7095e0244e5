"""Templates compile once per source, across threads and across runs, and an edited template is
never served from a stale compile or a stale version."""

from __future__ import annotations

import gc
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

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


def test_a_template_s_version_is_its_source_hash_and_a_dropped_templates_object_is_freed(tmp_path):
    own = tmp_path / "templates"
    (own / "pages").mkdir(parents=True)
    (own / "pages" / "hello.md.j2").write_text("Hello\n", "utf-8")
    templates = Templates(own, tmp_path / "cache")
    version = templates.version("pages/hello.md.j2")
    (own / "pages" / "hello.md.j2").write_text("Goodbye\n", "utf-8")
    assert Templates(own, tmp_path / "cache").version("pages/hello.md.j2") != version

    # The live preview opens a new Templates for every rebuild: none may outlive its build.
    alive = weakref.ref(templates)
    del templates
    gc.collect()
    assert alive() is None
