"""Social cards drawn with Pillow: only when what they show changed, in a font that draws Chinese
(or none at all, said once, when there is no such font), and whatever the length of a title."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from confgen.kinds import RenderContext
from confgen.load.project import open_project
from confgen.memo import Memo
from confgen_plugins.site import cards
from helpers import MINI_CONFERENCE, write_project


@pytest.fixture
def project(tmp_path):
    return open_project(write_project(tmp_path / "mini"))


def render(project, lang: str, cache_dir) -> dict[str, bytes]:
    ctx = RenderContext(project.conference, lang, project.templates, {}, Memo(), cache_dir=cache_dir)
    return {asset.path: asset.content for asset in cards.Cards().pages(ctx)}


@pytest.fixture
def draws(monkeypatch):
    """The texts of the cards drawn (rather than read from the cache)."""
    drawn: list[dict] = []
    real = cards.draw_card

    def counting(text, font_path):
        drawn.append(text)
        return real(text, font_path)

    monkeypatch.setattr(cards, "draw_card", counting)
    return drawn


def test_a_card_is_drawn_once_and_again_only_when_what_it_shows_changed(project, tmp_path, draws):
    first = render(project, "zh", tmp_path / "state")
    assert sorted(first) == ["cards/k1.png", "cards/t1.png", "cards/w1.png"]
    assert len(draws) == 3
    for data in first.values():
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (1200, 630)
    assert render(project, "zh", tmp_path / "state") == first and len(draws) == 3  # all from the cache

    changed = open_project(write_project(tmp_path / "changed", MINI_CONFERENCE.replace("用 vLLM 部署推理服务", "用 vLLM 部署大模型")))
    again = render(changed, "zh", tmp_path / "state")
    assert [d["title"] for d in draws[3:]] == ["用 vLLM 部署大模型"]
    assert again["cards/k1.png"] == first["cards/k1.png"] and again["cards/t1.png"] != first["cards/t1.png"]
    assert len(list((tmp_path / "state" / "cards" / "zh").glob("*.png"))) == 3  # the old t1 card is forgotten


def test_chinese_is_drawn_in_a_font_that_has_it():
    font = cards.cjk_font()
    assert font, "fonts-wqy-microhei (scripts/install-test-deps) should give a CJK font"
    assert cards._has_cjk(font)
    assert not cards._has_cjk(str(cards.__file__))  # not a font at all


def test_with_no_chinese_font_chinese_cards_are_left_out_and_the_build_says_so(project, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cards, "_fc_list", lambda pattern: [])
    monkeypatch.setattr(cards, "FONT_DIRS", ())
    monkeypatch.delenv(cards.FONT_ENV, raising=False)
    monkeypatch.setattr(cards, "_said", set())
    cards.cjk_font.cache_clear()
    cards.latin_font.cache_clear()
    try:
        assert render(project, "zh", tmp_path / "state") == {}
        english = render(project, "en", tmp_path / "state")
        meta = cards.confgen_page_meta(project.conference, "zh", page("talks/k1.md"), [])
    finally:
        cards.cjk_font.cache_clear()
        cards.latin_font.cache_clear()
    assert sorted(english) == ["cards/k1.png", "cards/t1.png", "cards/w1.png"]  # Latin text needs no CJK font
    assert "cg_card" not in meta and meta["cg_summary"]
    err = capsys.readouterr().err
    assert err.count("no font that draws Chinese was found") == 1 and "fonts-wqy-microhei" in err


def test_a_font_named_in_the_environment_that_is_no_font_is_said_and_passed_over(monkeypatch, tmp_path, capsys):
    bogus = tmp_path / "font.ttf"
    bogus.write_text("not a font")
    monkeypatch.setenv(cards.FONT_ENV, str(bogus))
    monkeypatch.setattr(cards, "_said", set())
    cards.cjk_font.cache_clear()
    try:
        found = cards.cjk_font()
    finally:
        cards.cjk_font.cache_clear()
    assert found and found != str(bogus)
    assert f"{cards.FONT_ENV}={bogus}: not a font file that draws Chinese" in capsys.readouterr().err


@pytest.mark.parametrize("title", ["很" * 400, "A" * 400, "word " * 200, "<script>alert(1)</script> " * 20, "\n\t "])
def test_any_title_fits_the_card_in_at_most_three_lines(title):
    font = ImageFont.truetype(cards.cjk_font(), 64)
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    lines = cards._wrap(draw, title, font, 1000, 3)
    assert len(lines) <= 3
    assert all(draw.textlength(line, font=font) <= 1000 for line in lines)
    if len(title.split()) > 40 or len(title) > 100:
        assert lines[-1].endswith("…")
    data = cards.draw_card({"event": title, "title": title, "speakers": title, "when": "", "room": title}, cards.cjk_font())
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (1200, 630)


def page(path: str):
    from confgen.types import Page

    return Page(path, "zh", "t", "")


def test_the_other_languages_cards_are_drawn_in_a_process_of_their_own_and_found_in_the_cache(project, tmp_path, draws,
                                                                                              monkeypatch):
    monkeypatch.setattr(cards, "AHEAD_AT_LEAST", 1)
    zh = render(project, "zh", tmp_path / "state")
    assert len(draws) == 3  # the Chinese cards, here; the English ones in the other process
    en = render(project, "en", tmp_path / "state")
    assert len(draws) == 3  # the English cards came from the cache the other process filled
    assert sorted(en) == sorted(zh) == ["cards/k1.png", "cards/t1.png", "cards/w1.png"]
    for lang, drawn in (("en", en), ("zh", zh)):
        for session in project.conference.sessions:
            text = cards.card_text(project.conference, session, lang)
            assert drawn[cards.card_path(session.id)] == cards.draw_card(text, cards.font_for(list(text.values())))
    assert not list((tmp_path / "state" / "cards").glob(".ahead-*"))  # its list of work is gone


def test_a_card_the_other_process_did_not_draw_is_drawn_when_needed(project, tmp_path, draws, monkeypatch):
    monkeypatch.setattr(cards, "AHEAD_AT_LEAST", 1)
    monkeypatch.setattr(cards.sys, "executable", "/bin/false")  # a process that draws nothing
    render(project, "zh", tmp_path / "state")
    en = render(project, "en", tmp_path / "state")
    assert len(draws) == 6 and len(en) == 3
