"""Claims grounded on the facts, not on a pattern list: people and their organisations, the date
and time of the session a sentence is about, every figure; meta-text found by its shape."""

from __future__ import annotations

import pytest

from confgen.api import GateContext
from confgen.draft.gates import gates_for
from confgen.draft.plan import plan
from confgen.load.project import open_project
from helpers import MINI_CONFERENCE, write_project
from tests.test_writing_gates import EXTRA


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return open_project(write_project(tmp_path_factory.mktemp("g") / "p", MINI_CONFERENCE + EXTRA))


def findings(project, gate: str, text: str, lang: str = "en", job=None) -> list[str]:
    gates = gates_for(project.plugins)
    ctx = GateContext(text=text, lang=lang, kind=job.kind if job else None, conference=project.conference, job=job)
    return [f.message for f in gates[gate](ctx)]


def job(project, kind: str, key: str, lang: str = "en"):
    return next(j for j in plan(project, [kind]) if j.key == key and j.lang == lang)


@pytest.mark.parametrize("lang, text", [
    ("en", "Special guest John Carter, CTO of Galaxy AI, joins the keynote."),
    ("en", "The workshop is hosted by Maria Lopez."),
    ("en", "Dr. Emily Zhang will also share her insights on inference."),
    ("zh", "特邀嘉宾张伟博士将与王磊一起讨论推理优化。"),
    ("zh", "本次大会还邀请了赵敏女士分享经验。"),
])
def test_a_person_not_in_the_facts_is_caught(project, lang, text):
    assert any("not a person in the facts" in m for m in findings(project, "people", text, lang))


@pytest.mark.parametrize("lang, text", [
    ("en", "Li Na, CTO at Pine Labs, opens the event."),
    ("en", "Wang Lei from Galaxy AI presents Serving models with vLLM."),
    ("en", "Li Na works at Google as chief scientist."),
    ("zh", "来自青松实验室的李娜将介绍检索增强生成。"),
    ("zh", "王磊（星河智能）将分享推理优化经验。"),
])
def test_an_organisation_that_is_not_the_persons_is_caught(project, lang, text):
    assert any("not the organisation of" in m for m in findings(project, "people", text, lang))


@pytest.mark.parametrize("lang, text", [
    ("en", "The workshop is led by Li Na and Wang Lei, who will show how RAG systems are built."),
    ("en", "Li Na (Galaxy AI) and Wang Lei (Pine Labs) run Hands-on RAG together."),
    ("en", "Developers who build with Hugging Face Transformers will enjoy this, as will users of Vector Databases."),
    ("zh", "本场工作坊由李娜和王磊共同主持，高斯分布与贝叶斯方法的专家也会到场。"),
])
def test_people_of_the_facts_with_their_own_organisations_pass(project, lang, text):
    assert findings(project, "people", text, lang) == []


def test_a_time_valid_elsewhere_in_the_programme_is_not_the_sessions(project):
    # 10:00 is the start of the vLLM talk, not of the keynote
    assert findings(project, "when", "The keynote “What comes next for LLM applications” starts at 10:00 in the Main Hall.")
    assert findings(project, "when", "It runs from 09:30 to 10:40.", job=job(project, "talks", "t1"))
    assert findings(project, "when", "《RAG 动手实践》将于 6 月 12 日举行。", "zh")  # the workshop is on 13 June
    assert findings(project, "when", "The conference opens on June 10.")  # a ticket date, not an event day
    assert findings(project, "when", "The keynote “What comes next for LLM applications” starts at 09:00; "
                                     "“Serving models with vLLM” follows at 10:00.") == []
    assert findings(project, "when", "Tickets are on sale until June 10.") == []


@pytest.mark.parametrize("lang, text", [
    ("en", "Over 50,000 developers have registered so far."),
    ("en", "Last year 95% of attendees rated the event as excellent."),
    ("en", "More than 300 companies will exhibit."),
    ("zh", "目前已有超过 5 万名开发者报名。"),
    ("zh", "去年参会者满意度高达 98%。"),
])
def test_an_invented_statistic_is_caught(project, lang, text):
    assert findings(project, "figures", text, lang)


def test_figures_from_the_facts_and_those_confgen_computes_pass(project):
    brief = job(project, "brief", "brief")
    plan_facts = brief.facts["plan"]
    numbers = sorted({v for v in _values(plan_facts) if v > 100})
    assert numbers, plan_facts
    text = (f"The Main Hall seats 500 people and Room A 120. The plan expects revenue of ¥{numbers[-1]:,.0f} "
            f"and {numbers[0]:,.0f} in another line of the plan.")
    assert findings(project, "figures", text, job=brief) == []
    assert findings(project, "facts", text, job=brief) == []


def _values(value):
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (int, float)):
        yield float(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)


@pytest.mark.parametrize("text", [
    "Below is the requested FAQ for the conference:\n\n## Can I get a refund?\n\nYes.",
    "Here's what the welcome page could look like:\n\nWelcome to Test DevCon.",
    "好的，这是为大会撰写的常见问题页面：\n\n## 可以退票吗？\n\n可以。",
    "## Can I get a refund?\n\nYes.\n\nWould you like me to add a section on parking?",
    "## 可以退票吗？\n\n可以。\n\n需要我再补充交通信息吗？",
    "Welcome to Test DevCon.\n\nNote: this draft keeps to the facts given.",
    "欢迎参加测试开发者大会。\n\n（注：本文严格依据提供的事实撰写。）",
    "欢迎参加测试开发者大会。\n\n以上就是大会欢迎词的全部内容，我已按照要求控制了篇幅。",
])
def test_meta_text_is_found_by_its_shape(project, text):
    assert findings(project, "meta-text", text)


@pytest.mark.parametrize("text", [
    "## Should I bring my laptop?\n\nYes. If you need a charger, ask at the desk. Feel free to bring snacks.",
    "## 如何退票？\n\n如您需要退票，请发邮件联系我们。",
    "## Below the stage\n\nHere is where the sponsors' booths are: next to the Main Hall.",
])
def test_reader_facing_text_is_not_meta_text(project, text):
    assert findings(project, "meta-text", text) == []
