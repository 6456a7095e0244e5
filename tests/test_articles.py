"""Technical articles: the topics' examples print what the articles say they print, the page
renders the author from settings whatever the draft says, and the offline article has every part."""

from __future__ import annotations

import pytest

from confgen.api import Draft, RenderContext
from confgen.load.project import open_project
from confgen_plugins.content.articles import SECTIONS, without_author
from confgen_plugins.content.sandbox import run_python
from confgen_plugins.content.sections import find, has_content
from confgen_plugins.content.topics import TOPICS
from helpers import REFERENCE_SITE


@pytest.mark.parametrize("track", sorted(TOPICS))
def test_topic_example_prints_its_stated_output(track):
    result = run_python(TOPICS[track]["code"])
    assert result.ok, result.stderr
    assert result.stdout.rstrip("\n") == TOPICS[track]["output"].rstrip("\n")
    assert 40 <= len(TOPICS[track]["code"].strip().splitlines()) <= 80


@pytest.mark.parametrize("track", sorted(TOPICS))
def test_topic_exercise_passes_its_own_asserts(track):
    result = run_python(TOPICS[track]["exercise"]["code"])
    assert result.ok, result.stderr


def test_sandbox_blocks_network_and_stops_runaway_code():
    assert "not allowed" in run_python("import socket; socket.create_connection(('127.0.0.1', 9))").error
    assert run_python("while True:\n    pass\n", timeout=1).timed_out


def test_offline_article_has_every_section_and_shows_the_output():
    project = open_project(REFERENCE_SITE)
    kind = project.kinds["articles"]
    for job in kind.plan(project.conference):
        text = kind.offline(job, project.conference, project.templates)
        for title in SECTIONS[job.lang]:
            section = find(text, title)
            assert section and has_content(section.body), (job.id, title)
        assert job.facts["topic"]["output"] in find(text, SECTIONS[job.lang][5]).body
        assert "```mermaid" in text and "$$" in text


def test_author_lines_are_stripped_but_prose_stays():
    body = "# T\n\n**Author**: Someone Invented\n作者：张三\nBy Alice Smith\nby the way, this stays\n```python\n# author: kept\n```\n"
    assert without_author(body) == "# T\n\nby the way, this stays\n```python\n# author: kept\n```\n"


def test_page_shows_the_author_from_settings_not_the_draft():
    project = open_project(REFERENCE_SITE)
    kind = project.kinds["articles"]
    body = "# A title\n\n**Author**: Dr. Made Up\n\n## Abstract\n\nText.\n"
    draft = Draft("articles/foundations.en.md", {"kind": "articles", "key": "foundations", "lang": "en",
                                                  "provider": "openai"}, body)
    ctx = RenderContext(project.conference, "en", project.templates, {"articles/foundations.en": draft})
    page = next(p for p in kind.pages(ctx) if p.path == "articles/foundations.md")
    assert "Made Up" not in page.markdown
    assert "Author: AI LLM DevCon Program Committee" in page.markdown
    assert page.markdown.index("# A title") < page.markdown.index("Author:") < page.markdown.index("## Abstract")


def test_articles_per_track_plans_more_articles(reference_copy):
    text = (reference_copy / "conference.yaml").read_text(encoding="utf-8")
    (reference_copy / "conference.yaml").write_text(text.replace("  default_language: zh\n", "  default_language: zh\n  articles_per_track: 2\n"), encoding="utf-8")
    project = open_project(reference_copy)
    keys = {j.key for j in project.kinds["articles"].plan(project.conference)}
    assert {"foundations", "foundations-2", "cases-2"} <= keys and len(keys) == 10
