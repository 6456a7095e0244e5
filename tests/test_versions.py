"""Libraries' installed versions as part of a cache key (confgen.versions)."""

from __future__ import annotations

from importlib.metadata import version

from confgen import versions


def test_each_library_is_named_with_its_version_and_a_missing_one_with_a_question_mark():
    assert versions.installed(["jinja2", "no-such-distribution-here"]) == \
        f"jinja2={version('jinja2')};no-such-distribution-here=?"
    assert versions.installed([]) == ""
