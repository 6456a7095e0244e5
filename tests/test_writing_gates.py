"""The gates of articles, question banks and the planning brief: offline drafts pass them, and
model drafts served by a real OpenAI-compatible HTTP server are caught when a section is missing,
a Mermaid block is broken, code raises, a reference is invented or a number differs from the
computed budget table."""

from __future__ import annotations

import re

import pytest

from confgen.api import GateContext
from confgen.draft.gates import errors, run_gates
from confgen.model import ProviderSettings
from confgen.load.project import open_project
from confgen.draft.runner import Runner
from confgen_plugins.content.writing_gates import numbers_in
from confgen_plugins.providers.openai import make
from llm_server import LLMServer, ok
from helpers import MINI_CONFERENCE, REFERENCE_SITE, write_project

EXTRA = """\
references:
  - title: Attention Is All You Need
    authors: Vaswani et al.
    year: 2017
    url: https://arxiv.org/abs/1706.03762
gates:
  run_code: true
  max_attempts: 1
extensions:
  budget:
    organic_demand: 100
    costs: {venue_per_day: 10000, catering_per_head: 50, production: 5000, travel_per_speaker: 1000}
    tiers: [{ticket: standard}]
    channels:
      - {id: ads, name: Ads, cost_per_unit: 1000, attendees_per_unit: 20, max_spend: 5000}
"""


@pytest.fixture
def project(tmp_path):
    return open_project(write_project(tmp_path / "p", MINI_CONFERENCE + EXTRA))


def check(project, job, text):
    kind = project.kinds[job.kind]
    ctx = GateContext(text=text, lang=job.lang, kind=job.kind, conference=project.conference, job=job,
                      required_sections=list(kind.required_sections.get(job.lang, [])))
    return run_gates(ctx, project.plugins.gates(), project.conference.gates.disabled)


def offline(project, kind_name, key, lang):
    kind = project.kinds[kind_name]
    job = next(j for j in kind.plan(project.conference) if j.key == key and j.lang == lang)
    return job, kind.offline(job, project.conference, project.templates)


@pytest.mark.parametrize("kind", ["articles", "questions", "brief"])
def test_offline_drafts_of_the_reference_site_pass_every_gate(kind):
    project = open_project(REFERENCE_SITE)
    for job in project.kinds[kind].plan(project.conference):
        text = project.kinds[kind].offline(job, project.conference, project.templates)
        assert errors(check(project, job, text)) == [], job.id


def test_offline_drafts_pass_with_code_run(project):
    for kind in ("articles", "questions"):
        for job in project.kinds[kind].plan(project.conference):
            text = project.kinds[kind].offline(job, project.conference, project.templates)
            assert errors(check(project, job, text)) == [], job.id


# -- model drafts through the HTTP server -------------------------------------------------------------

def broken(project, job_id: str, change) -> str:
    kind, rest = job_id.split("/")
    key, lang = rest.rsplit(".", 1)
    return change(offline(project, kind, key, lang)[1])


FIELDS = ("search", "support", "analytics", "coding", "finance", "health", "retail", "logistics", "education",
          "security", "legal", "media", "travel", "energy", "gaming", "manufacturing")


def full_length(text: str) -> str:
    """An offline article grown to the length the articles' contract asks of a model: one
    distinct paragraph per application field before the outlook."""
    extra = "".join(f"In {field}, teams apply the method to their own documents and tools, measure what changes for "
                    f"the people who use {field} systems every day, and keep a human in the loop where errors "
                    f"are costly. The lesson from {field} is that data quality, evaluation and careful rollout "
                    "matter more than the choice of model, and that a small pilot teaches more than a long plan.\n\n"
                    for field in FIELDS)
    return text.replace("## 7 Outlook", extra + "## 7 Outlook", 1)


def drafted(project, kind: str, change) -> list:
    """Run the real runner with a real openai provider against the server answering ``change(good draft)``."""
    def answer(request):
        return ok(broken(project, request["_job"], lambda t: change(full_length(t))))(request)

    with LLMServer(responder=answer) as server:
        provider = make(ProviderSettings(name="openai", model="m", base_url=server.base_url, timeout=10),
                        {"OPENAI_API_KEY": "sk-test"})
        jobs = [j for j in project.kinds[kind].plan(project.conference) if j.lang == "en"][:1]
        summary = Runner(project, provider).run(jobs)
        assert server.calls == len(jobs)
    return summary.outcomes


def caught(outcomes, *words):
    assert outcomes and all(o.needs_review for o in outcomes), [o.message for o in outcomes]
    for outcome in outcomes:
        assert any(w in outcome.message.lower() for w in words), outcome.message


def test_good_model_article_is_accepted(project):
    outcomes = drafted(project, "articles", lambda text: text)
    assert [o.needs_review for o in outcomes] == [False], [o.message for o in outcomes]


def test_missing_section_is_caught(project):
    caught(drafted(project, "articles", lambda t: re.sub(r"## 7 Outlook\n\n.*?\n\n(?=## )", "", t, flags=re.S)),
           "outlook")


def test_empty_section_is_caught(project):
    caught(drafted(project, "articles", lambda t: re.sub(r"(## 7 Outlook\n\n).*?\n\n(?=## )", r"\1", t, flags=re.S)),
           "outlook")


def test_broken_mermaid_is_caught(project):
    caught(drafted(project, "articles", lambda t: t.replace("graph LR", "grahp LR -->")), "mermaid")


def test_code_that_raises_is_caught(project):
    caught(drafted(project, "articles", lambda t: t.replace("```python\n", "```python\nraise RuntimeError('boom')\n", 1)),
           "boom")


def test_results_that_differ_from_the_output_are_caught(project):
    caught(drafted(project, "articles", lambda t: re.sub(r"(```text\n).*?(\n```)", r"\g<1>42\2", t, flags=re.S)),
           "differ")


def test_invented_reference_is_caught(project):
    invent = lambda t: t.replace("## 9 Summary", "- Smith et al., \"Faster Attention for Everyone\", 2024\n\n## 9 Summary")
    caught(drafted(project, "articles", invent), "not in the conference's references")


def test_invented_arxiv_url_is_caught(project):
    invent = lambda t: t.replace("## 9 Summary", "- See https://arxiv.org/abs/2401.99999\n\n## 9 Summary")
    caught(drafted(project, "articles", invent), "2401.99999")


def test_brief_number_that_differs_from_the_table_is_caught(project):
    def wrong(text):
        plan = project.kinds["brief"].plan(project.conference)
        attendance = next(plan).facts["plan"]["attendance"]
        return text.replace(f"expects {attendance:,} attendees", f"expects {attendance + 37:,} attendees")
    caught(drafted(project, "brief", wrong), "budget plan")


def test_brief_with_its_own_table_is_caught(project):
    caught(drafted(project, "brief", lambda t: t + "\n| Revenue | 1 |\n|---|---|\n"), "tables")


def test_question_whose_answer_code_fails_is_caught(project):
    caught(drafted(project, "questions", lambda t: t.replace("assert ", "assert not ", 1)), "assertionerror")


def test_question_without_difficulty_is_caught(project):
    caught(drafted(project, "questions", lambda t: t.replace("**Difficulty**: beginner\n", "", 1)), "difficulty")


# -- the number reader -----------------------------------------------------------------------------

def test_numbers_in_prose_are_read_with_their_precision():
    found = numbers_in("1. Revenue 2,044,580 and 2.04 million and 120 万, 99.2% full, `code 7`, https://x.org/8")
    values = [(v, t) for v, t, _ in found]
    assert (2044580.0, 1e-9) in values
    assert (2040000.0, 5000.0) in values
    assert (1200000.0, 5000.0) in values
    assert (99.2, 0.05) in values
    assert all(v not in (1.0, 7.0, 8.0) for v, _ in values)  # list marker, inline code and URLs are skipped
