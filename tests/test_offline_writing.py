"""What the offline drafter writes beyond the facts box: talk and speaker pages in each person's
role with the practical notes the data supports, question banks whose answers are all different,
and per-track material a project overrides in conference.yaml."""

from __future__ import annotations

import re

import pytest
import yaml

from confgen.model import tr
from confgen.render.templates import PACKAGED
from confgen.load.project import open_project
from confgen_plugins.content.notes import takeaways, topics
from confgen_plugins.content.questions import parse
from confgen_plugins.content.sections import normalize
from helpers import MINI_CONFERENCE, REFERENCE_SITE, write_project


@pytest.fixture(scope="module")
def reference():
    return open_project(REFERENCE_SITE)


def draft(project, kind: str, key: str, lang: str) -> str:
    job = next(j for j in project.kinds[kind].plan(project.conference) if j.key == key and j.lang == lang)
    return project.kinds[kind].offline(job, project.conference, project.templates)


def test_talk_drafts_do_not_restate_the_facts_box(reference):
    for session in reference.conference.sessions:
        for lang in ("zh", "en"):
            text = draft(reference, "talks", session.id, lang)
            room = reference.conference.room(session.room)
            assert tr(room.name, "zh") not in text and tr(room.name, "en") not in text, (session.id, lang)
            assert f"{session.start:%H:%M}" not in text, (session.id, lang)


def test_panel_guests_and_judges_are_not_presented_as_speakers(reference):
    panel, final = draft(reference, "talks", "s32", "en"), draft(reference, "talks", "s36", "en")
    assert "Presented by" not in panel + final
    assert "hosted by Bai Yun with Guo Qiang, Xu Jia and Peng Fei as panelists" in panel
    assert "the judges are Qian Yu, Bai Yun, Emily Carter and Lin Haoran" in final
    zh = draft(reference, "speakers", "bai-yun", "zh")
    assert "主持《圆桌：大模型走进千行百业——落地的经验与教训》" in zh and "一起担任评委" in zh and "主讲" not in zh


def test_practical_notes_follow_the_room_and_the_ticket(reference):
    main_zh_talk = draft(reference, "talks", "s04", "en")  # Chinese, main hall
    assert "simultaneous interpretation into English" in main_zh_talk
    breakout_en_talk = next(s for s in reference.conference.sessions
                            if s.language == "en" and s.room != "main-hall" and s.type.value == "talk")
    assert "Given in English with no interpretation in this room" in draft(reference, "talks", breakout_en_talk.id, "en")
    workshop = draft(reference, "talks", "s28", "zh")
    assert "工作坊加购票（299 CNY）" in workshop and "80 个座位" in workshop and "不录像" in workshop


def test_a_project_without_notes_gets_none_and_no_language_line(tmp_path):
    project = open_project(write_project(tmp_path / "p", MINI_CONFERENCE))
    for job in project.kinds["talks"].plan(project.conference):
        text = project.kinds["talks"].offline(job, project.conference, project.templates)
        assert "Practical notes" not in text and "到场须知" not in text
        assert "given in Chinese" not in text.lower()


def test_topics_are_the_list_an_abstract_names_or_nothing():
    assert topics("内容包括提示词压缩、输出长度控制、批处理接口与缓存命中率的优化方法。", "zh") == \
        ["提示词压缩", "输出长度控制", "批处理接口", "缓存命中率"]
    assert topics("It covers prompt compression, output length control, batch APIs and caching.", "en") == \
        ["prompt compression", "output length control", "batch APIs", "caching"]
    assert topics("A single ReAct loop works well on simple tasks.", "en") == []


def test_every_question_of_the_reference_banks_has_its_own_answer(reference):
    for lang in ("zh", "en"):
        questions = [q for track in reference.conference.tracks
                     for q in parse(draft(reference, "questions", track.id, lang), lang)]
        answers = [normalize(q.answer or "") for q in questions]
        assert len(set(answers)) == len(answers), lang
        assert not any("$" in q.text for q in questions), lang  # formulas stay out of headings


def test_article_diagram_draws_only_stated_relations_and_sessions_that_mention_them(reference):
    text = draft(reference, "articles", "deployment", "en")
    diagram = text.split("```mermaid")[1].split("```")[0]
    solid = re.findall(r"^\s*(\w+) -->\|", diagram, re.M)
    dotted = re.findall(r"^\s*(s\d+) -\.-> (\w+)", diagram, re.M)
    assert len(solid) == 5 and dotted
    assert ("s23", "guard") in dotted and ("s23", "quant") not in dotted


def test_a_project_overrides_a_tracks_material_in_conference_yaml(tmp_path):
    override = """\
extensions:
  topics:
    foundations:
      concept: {zh: 分词, en: tokenization}
    tools:
      SentencePiece: {zh: 一个分词库。, en: a tokenizer library.}
"""
    project = open_project(write_project(tmp_path / "p", MINI_CONFERENCE + override))
    job = next(iter(project.kinds["articles"].plan(project.conference)))
    assert job.facts["topic"]["concept"] in ("分词", "tokenization")
    assert job.facts["topic"]["formula"]  # the rest of the packaged material stays


def test_an_edited_abstract_redrafts_the_offline_track_drafts_that_read_it(tmp_path):
    from confgen.pipeline import drafting

    root = write_project(tmp_path / "p", MINI_CONFERENCE)

    def drafted() -> set[str]:
        work = drafting(open_project(root), offline=True)
        summary = work.runner.run(work.jobs)
        return {o.job.id for o in summary.of("drafted")}

    assert "articles/devtech.en" in drafted()
    assert drafted() == set()
    text = (root / "conference.yaml").read_text(encoding="utf-8")
    (root / "conference.yaml").write_text(
        text.replace("en: PagedAttention and batching explained.", "en: PagedAttention and batching with LoRA adapters."),
        encoding="utf-8")
    again = drafted()
    assert {"articles/devtech.en", "questions/devtech.en", "talks/t1.en"} <= again
    assert not any(job.startswith(("articles/foundations", "speakers/")) for job in again)


def test_the_brief_explains_break_even_with_and_without_sponsors_and_the_empty_ticket(reference):
    from confgen_plugins.content import budget

    plan = budget.solve(reference.conference, "en").as_facts()
    text = draft(reference, "brief", "brief", "en")
    assert f"{plan['break_even']:,} attendees cover the costs" in text
    assert f"Without a single sponsor it takes {plan['break_even_without_sponsors']:,}" in text
    assert plan["break_even_without_sponsors"] > plan["break_even"]
    assert "Why the plan sells no Student tickets" in text
    zh = draft(reference, "brief", "brief", "zh")
    assert "往届" not in zh and "上海上海" not in zh


def test_a_project_replaces_a_tracks_topic_file_from_its_templates_folder(tmp_path):
    root = write_project(tmp_path / "p", MINI_CONFERENCE)
    packaged = open_project(root)
    track = packaged.conference.tracks[0].id
    job = next(j for j in packaged.kinds["articles"].plan(packaged.conference, packaged.templates) if j.lang == "en")
    assert job.facts["topic"]["concept"] != "tokenization"
    folder = root / "templates" / "offline" / "topics"
    folder.mkdir(parents=True)
    material = yaml.safe_load((PACKAGED / "offline" / "topics" / "foundations.yaml").read_text(encoding="utf-8"))
    material["concept"] = {"zh": "分词", "en": "tokenization"}
    (folder / f"{track}.yaml").write_text(yaml.safe_dump(material, allow_unicode=True), encoding="utf-8")
    project = open_project(root)
    job = next(j for j in project.kinds["articles"].plan(project.conference, project.templates) if j.lang == "en")
    assert job.facts["topic"]["concept"] == "tokenization"
    assert "tokenization" in project.kinds["articles"].offline(job, project.conference, project.templates)


def test_every_talk_page_lists_what_a_reader_takes_away(reference):
    for job in reference.kinds["talks"].plan(reference.conference):
        text = reference.kinds["talks"].offline(job, reference.conference, reference.templates)
        assert re.search(r"^- \S", text, re.M), (job.key, job.lang)


def test_takeaways_are_the_abstracts_points_after_its_opening_and_never_its_language_note():
    opening, points = takeaways("Agents fail in new ways. We show three traces. We also fix one. "
                                "This talk is in English with simultaneous interpretation.", "en")
    assert opening == "Agents fail in new ways." and points == ["We show three traces.", "We also fix one."]
    assert takeaways("一句话的简介。", "zh") == ("一句话的简介。", [])


def test_the_facts_box_names_each_person_by_their_role(reference):
    from confgen_plugins.content.talks import people_by_role

    panel = next(s for s in reference.conference.sessions if s.roles)
    groups = dict(people_by_role(reference.conference, panel, "en"))
    host = next(iter(panel.roles))
    assert [p.id for p in groups["Host"]] == [host]
    assert {p.id for p in groups["Panelists"]} == set(panel.speakers) - {host}
    final = next(s for s in reference.conference.sessions if s.type.value == "competition")
    assert list(dict(people_by_role(reference.conference, final, "zh"))) == ["评委"]
