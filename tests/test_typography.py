"""Typography: every draft confgen writes is typeset by autocorrect (model drafts over real HTTP too),
code and formulas are left as written, and the gate reports doubled words, mixed date styles,
full-width punctuation in English and misspelt plurals."""

from __future__ import annotations

import subprocess
import sys

from confgen.api import GateContext, typeset
from confgen.draft.store import DraftStore
from confgen.model import ProviderSettings
from confgen.load.project import open_project
from confgen.draft.runner import Runner
from confgen_plugins.content.typography import typography
from confgen_plugins.providers.openai import make
from llm_server import LLMServer, ok


def messages(text: str, lang: str) -> list[tuple[str, str]]:
    return [(f.severity, f.message) for f in typography(GateContext(text=text, lang=lang))]


def test_prose_is_spaced_and_code_and_formulas_are_not():
    text = "欢迎来到上海参加AI大会,共50场。\n\n```python\nprint(\"中文abc\")\n```\n\n$$\nL=\\lambda W中文\n$$\n"
    out = typeset(text)
    assert out.startswith("欢迎来到上海参加 AI 大会，共 50 场。\n")
    assert 'print("中文abc")' in out and "L=\\lambda W中文" in out
    result = subprocess.run([sys.executable, "-c", out.split("```python\n")[1].split("```")[0]],
                            capture_output=True, text=True)
    assert result.stdout == "中文abc\n"


def test_typeset_text_has_no_spacing_findings():
    text = "上海张江AI大会在2026年举行。"
    assert any("spacing" in m for _, m in messages(text, "zh"))
    assert messages(typeset(text), "zh") == []


def test_the_gate_reports_what_autocorrect_cannot_fix():
    assert ("error", "doubled word “张江科创张江科创”") in messages("会场位于张江科创张江科创会议中心。", "zh")
    assert messages("正文内容很长很长。", "zh") == []  # reduplication is Chinese, not a typo
    assert any("doubled word" in m for _, m in messages("Meet the the speakers.", "en"))
    assert any("more than one style" in m for _, m in messages("开幕 2026-06-12，闭幕 6 月 13 日。", "zh"))
    assert any("more than one style" in m for _, m in messages("Opens 2026-06-12, closes June 13.", "en"))
    assert any("more than one style" in m for _, m in messages("Opens 12 June, closes June 13.", "en"))
    assert any("full-width" in m for _, m in messages("Venue：Main Hall", "en"))
    assert any("studys" in m for _, m in messages("Three case studys follow.", "en"))


def test_the_gate_accepts_clean_text():
    assert messages("Three case studies on June 12 and June 13; the talk 大模型基础 is in Chinese.", "en") == []
    assert messages("6 月 12 日与 6 月 13 日，谢谢大家。", "zh") == []


def test_a_doubled_name_of_the_facts_is_caught(reference_copy):
    from confgen.load.project import open_project as opened

    conference = opened(reference_copy).conference
    found = [f.message for f in typography(GateContext(text="会场位于上海上海张江。", lang="zh", conference=conference))]
    assert found == ["doubled word “上海上海”"]


def test_model_drafts_are_typeset_where_they_are_written(mini_project):
    # The model's answer is a deliberately short line: what a speaker profile must say is not the point here.
    conference = mini_project / "conference.yaml"
    conference.write_text(conference.read_text(encoding="utf-8") + "gates:\n  disabled: [contract, people]\n", encoding="utf-8")
    project = open_project(mini_project)
    with LLMServer(responder=ok("讲者来自Lumen Labs,欢迎参加。")) as server:
        provider = make(ProviderSettings(name="openai", model="m", base_url=server.base_url, timeout=10),
                        {"OPENAI_API_KEY": "sk-test"})
        jobs = [j for j in project.kinds["speakers"].plan(project.conference) if j.lang == "zh"][:1]
        summary = Runner(project, provider).run(jobs)
    assert summary.count("drafted") == 1
    body = DraftStore(mini_project / "content").load_all()[jobs[0].id].body
    assert body.strip() == "讲者来自 Lumen Labs，欢迎参加。"
