"""Gate unit tests: each gate on small texts, against the mini project's facts, plus the wiring of
``confgen_meta_phrases`` and a check that the reference drafts pass."""

from __future__ import annotations

import time

import pytest

from confgen.api import GateContext, Job, hookimpl
from confgen.draft.gates import gates_for, run_gates
from confgen.load.project import open_project
from helpers import REFERENCE_SITE


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    from helpers import write_project

    return open_project(write_project(tmp_path_factory.mktemp("g") / "mini"))


@pytest.fixture(scope="module")
def gates(mini):
    return gates_for(mini.plugins)


def findings(gates, text, lang="en", conference=None, job=None, required=()):
    ctx = GateContext(text=text, lang=lang, conference=conference, job=job, required_sections=list(required))
    return [(f.gate, f.line) for f in run_gates(ctx, gates) if f.severity == "error"]


@pytest.mark.parametrize("text, expected", [
    ("Fine text.\nBye <|xyz_123|>", [("special-tokens", 2)]),
    ("## A\n\nText.\n\nThanks!</s>", [("raw-html", 5), ("special-tokens", 5)]),
    ("Hello.\n\nI hope this helps!", [("meta-text", 3)]),
    ("Hello `<|im_end|>` in code is still a leak.", [("special-tokens", 1)]),
    ("```python\nx = '<b>'\n```\n\nUse `<div>` in HTML.", []),
    ("$$\nx = <y>\n$$", [("raw-html", 2)]),  # display math is not code to Python-Markdown
])
def test_markup_gates(gates, text, expected):
    assert findings(gates, text) == expected


def test_zh_meta_text_allows_spaces(gates):
    assert findings(gates, "正文内容。\n\n希望 对 您 有 帮助。", lang="zh") == [("meta-text", 3)]


def test_language_needs_enough_text_and_ignores_names(gates, mini):
    assert findings(gates, "OK.", lang="zh", conference=mini.conference) == []
    english = "This paragraph is entirely English prose about serving models and batching requests efficiently. " * 2
    assert findings(gates, english, lang="zh", conference=mini.conference) == [("language", 1)]
    chinese = "李娜将介绍检索增强生成的工程实践，包括切分、召回、重排序与评测。" * 2
    assert findings(gates, chinese, lang="en", conference=mini.conference) == [("language", 1)]
    names = "What comes next for LLM applications, Serving models with vLLM, Hands-on RAG, Galaxy AI, Pine Labs."
    assert findings(gates, "本场介绍以下议题：" + names + "欢迎参加。", lang="zh", conference=mini.conference) == []


def test_required_sections_match_loosely(gates):
    text = "## 1. Background\n\ntext\n\n## Outlook\n\ntext\n"
    assert findings(gates, text, required=["1 Background", "7 Outlook"]) == []
    assert findings(gates, text, required=["8 Tools and resources"]) == [("sections", 1)]


def test_numbers_in_code_and_formulas_are_not_claims(gates, mini):
    text = ("Run `sleep 08:17` then:\n\n```python\nprint('2031-01-01', 4242)\n```\n\n"
            "$$ t = 07:45 + ¥3 $$\n\nInline $a=3:15$ too.\n")
    assert findings(gates, text, conference=mini.conference) == []


def test_grounding_accepts_the_facts_in_every_form(gates, mini):
    text = ("Test DevCon runs on Friday 12 June 2026 and June 13, 2026 (2026-06-12 to 2026-06-13) in Shanghai.\n"
            "The keynote starts at 09:00 (9 am) in the Main Hall; the Standard ticket is 999 CNY (¥999).\n"
            "Details: https://testdevcon.example.org/ or hi@testdevcon.example.org.\n")
    # The text writes its dates in three styles on purpose; the typography gate would say so.
    assert findings({k: g for k, g in gates.items() if k != "typography"}, text, conference=mini.conference) == []
    zh = "测试开发者大会 2026 年 6 月 12 日（周五）上午 9 点开幕，地点在上海测试会议中心主会场，标准票 999 元。主讲：李娜（星河智能）。\n"
    assert findings(gates, zh, lang="zh", conference=mini.conference) == []


def test_talk_drafts_are_held_to_their_own_session(gates, mini):
    job = next(j for j in mini.kinds["talks"].plan(mini.conference) if j.key == "t1" and j.lang == "en")
    assert findings(gates, "Presented by Wang Lei in Room A.", conference=mini.conference, job=job) == []
    assert findings(gates, "Presented by Li Na in Room A.", conference=mini.conference, job=job) == [("facts", 1)]
    assert findings(gates, "It takes place in the Lab.", conference=mini.conference, job=job) == [("facts", 1)]


def test_quoted_untrusted_paragraphs_are_not_grounded_but_their_urls_are(gates, mini):
    abstract = "We founded the project in Beijing on 3 March 2021 at 14:05."
    job = Job("talks", "k1", "en", facts={}, untrusted={"abstract": abstract + " See https://evil.example.net."})
    text = f"Intro line.\n\n{abstract} See https://evil.example.net.\n"
    assert findings(gates, text, conference=mini.conference, job=job) == [("links", 3)]


def test_meta_phrases_from_plugins_are_wired(mini):
    class Extra:
        @hookimpl
        def confgen_meta_phrases(self):
            return {"en": ["word salad follows"], "zh": ["以下为…草稿"]}

    mini.plugins.pm.register(Extra(), name="extra-phrases")
    try:
        gates = gates_for(mini.plugins)
        assert findings(gates, "Intro.\n\nWord  salad follows here.") == [("meta-text", 3)]
        assert findings(gates, "以下为本场的简介草稿：\n\n正文内容很长很长。", lang="zh") == [("meta-text", 1)]
        assert findings(gates_for(mini.plugins), "I hope this helps") == [("meta-text", 1)]  # defaults kept
    finally:
        mini.plugins.pm.unregister(name="extra-phrases")


def test_disabled_gates_do_not_run(gates):
    ctx = GateContext(text="x <|im_end|>", lang="en")
    assert run_gates(ctx, gates, disabled=["special-tokens", "raw-html"]) == []


def test_gates_are_fast_on_the_reference_drafts():
    project = open_project(REFERENCE_SITE, check=False)
    gates = gates_for(project.plugins)
    mine = {name: gate for name, gate in gates.items() if name in {
        "special-tokens", "meta-text", "repeated", "fences", "tables", "sections", "language", "code", "raw-html",
        "facts", "links"}}
    texts = []
    for path in sorted((REFERENCE_SITE / "content").rglob("*.md")):
        meta, body = path.read_text(encoding="utf-8").split("---\n", 2)[1:]
        lang = "zh" if ".zh." in path.name else "en"
        texts.append((body, lang))
    # Running code and starting node for Mermaid's parser are external processes, once per block
    # and cached: done before the clock starts, so the clock measures the gates themselves.
    for body, lang in texts:
        run_gates(GateContext(text=body, lang=lang, conference=project.conference), {"code": mine["code"]})
    started = time.perf_counter()
    for body, lang in texts:
        ctx = GateContext(text=body + "\n", lang=lang, conference=project.conference)
        assert [f for f in run_gates(ctx, mine) if f.severity == "error"] == [], body[:200]
    per_draft = (time.perf_counter() - started) / len(texts)
    assert per_draft < 0.05, per_draft  # 3200 drafts must gate in well under a few minutes


def test_a_list_item_quoting_an_abstract_sentence_whole_is_quoted_but_one_woven_into_prose_is_a_copy(gates):
    abstract = ("Agents fail in new ways in production. We show three traces of agents looping on a broken tool "
                "and how a budget per task stops them.")
    job = Job("talks", "k1", "en", facts={}, untrusted={"abstract": abstract})
    quoted = ("Intro line.\n\n- We show three traces of agents looping on a broken tool and how a budget per task "
              "stops them.\n- Agents fail in new ways in production.\n")
    assert [f for f in findings(gates, quoted, job=job) if f[0] == "untrusted-echo"] == []
    woven = ("Intro line.\n\n- In short, we show three traces of agents looping on a broken tool and how a budget "
             "per task stops them, which is why you should come.\n")
    assert ("untrusted-echo", 3) in findings(gates, woven, job=job)
