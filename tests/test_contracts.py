"""Each content kind's output contract: the prompt states it, the gate checks it, the token budget
follows its length range, a cut-off answer is never asked for again in the same words, and a draft
that does not do its job (a one-line FAQ) goes back to the model, then to the offline drafter."""

from __future__ import annotations

import json

import pytest

from confgen.api import GateContext
from confgen.draft.gates import gates_for, run_gates
from confgen.draft.plan import plan
from confgen.load.project import open_project
from confgen.draft.providers import choose, make_provider
from confgen.draft.runner import Runner
from llm_server import LLMServer, completion, ok


@pytest.fixture
def server():
    with LLMServer() as running:
        yield running


def runner_for(project_dir, server, **flags):
    path = project_dir / "conference.yaml"
    if "base_url" not in path.read_text(encoding="utf-8"):
        path.write_text(path.read_text(encoding="utf-8") + f"provider:\n  base_url: {server.base_url}\n", encoding="utf-8")
    project = open_project(project_dir)
    settings = choose(project, {"name": "openai", "model": "m", "concurrency": 1} | flags, {}).settings
    return project, Runner(project, make_provider(project, settings, {"OPENAI_API_KEY": "k"}), concurrency=1,
                           settings=settings, sleep=lambda s: None)


def test_a_model_that_follows_every_prompt_literally_passes_every_contract(mini_project, server):
    project, runner = runner_for(mini_project, server)
    summary = runner.run(plan(project, None))
    assert summary.outcomes and not summary.of("failed")
    rejected = {o.job.id: o.message for o in summary.outcomes if o.needs_review}
    assert rejected == {}
    assert set(server.calls_by_job().values()) == {1}


def test_the_question_bank_prompt_asks_for_the_markers_its_gate_requires(mini_project, server):
    project, runner = runner_for(mini_project, server)
    for job in plan(project, ["questions"]):
        prompt = runner.drafter.request(job).messages[1]["content"]
        assert ("**难度**" in prompt and "**参考答案**" in prompt) if job.lang == "zh" else \
            ("**Difficulty**" in prompt and "**Reference answer**" in prompt)


def test_the_token_budget_follows_the_length_range(mini_project, server):
    project, runner = runner_for(mini_project, server)
    budgets = {(job.kind, job.lang): runner.drafter.request(job).max_tokens for job in plan(project, ["articles", "speakers"])}
    assert budgets[("articles", "zh")] > 3500 * 1.5  # 3500 字 and their markup fit
    assert budgets[("articles", "en")] > 2000 * 1.5
    assert budgets[("speakers", "en")] < 1000  # a short bio is not given an article's room
    project, runner = runner_for(mini_project, server, max_tokens=2000)
    capped = [runner.drafter.request(job).max_tokens for job in plan(project, ["articles"])]
    assert set(capped) == {2000}


def test_an_answer_cut_off_is_never_asked_for_again_with_the_same_request(mini_project, server):
    project, runner = runner_for(mini_project, server)
    cut = lambda request: (200, {}, completion("## About this session\n\nThe session wal", finish_reason="length"))
    server.queue(cut)
    summary = runner.run([j for j in plan(project, ["talks"]) if j.lang == "en"][:1])
    assert summary.count("drafted") == 1 and not summary.review
    first, second = [r.body for r in server.chat_records]
    assert second["max_tokens"] > first["max_tokens"]
    assert second["messages"] != first["messages"]
    assert "cut off" in second["messages"][-1]["content"] and "150 to 250 words" in second["messages"][-1]["content"]


def test_a_one_line_faq_is_sent_back_with_the_finding_then_replaced_and_marked(mini_project, server):
    project, runner = runner_for(mini_project, server)
    server.responder = ok("The Test DevCon has a FAQ page with a list of facts about the conference.")
    summary = runner.run([j for j in plan(project, ["faq"]) if j.lang == "en"])
    (outcome,) = summary.outcomes
    assert outcome.needs_review and "contract" in outcome.message
    feedback = server.chat_records[1].body["messages"][-1]["content"]
    assert "Can I get a refund?" in feedback and "words" in feedback
    draft = (mini_project / "content/faq/faq.en.md").read_text(encoding="utf-8")
    assert "drafted_by: offline" in draft and "needs_review: true" in draft and "list of facts" not in draft


@pytest.mark.parametrize("text, finding", [
    ("## Who should attend\n\nx\n\n## About this session\n\ny\n\n## What you will learn\n\nz", "comes before"),
    ("## About this session\n\nShort.\n\n## What you will learn\n\n- a\n\n## Who should attend\n\nAll.", "words; write 150 to 250"),
])
def test_contract_findings_name_the_rule(mini_project, text, finding):
    project = open_project(mini_project)
    job = next(j for j in plan(project, ["talks"]) if j.lang == "en")
    kind = project.kinds["talks"]
    ctx = GateContext(text=text, lang="en", kind="talks", conference=project.conference, job=job, contract=kind.contract)
    messages = [f.message for f in run_gates(ctx, {"contract": gates_for(project.plugins)["contract"]})]
    assert any(finding in m for m in messages), messages


def test_a_speaker_profile_names_the_speaker_and_their_talk(mini_project):
    project = open_project(mini_project)
    job = next(j for j in plan(project, ["speakers"]) if j.lang == "en" and j.key == "wang-lei")
    ctx = GateContext(text="An engineer who works on fast inference. " * 12, lang="en", kind="speakers",
                      conference=project.conference, job=job, contract=project.kinds["speakers"].contract)
    messages = " ".join(f.message for f in gates_for(project.plugins)["contract"](ctx))
    assert "Wang Lei" in messages and "Serving models with vLLM" in messages and "Hands-on RAG" in messages
