"""The reference site built once with the real `mkdocs build`: the planning brief stays out of the
public site (pages, sitemap, search index) and is written for the organizers; every page links its
counterparts (hreflang) and labels who wrote its text; talk pages carry link-preview tags and a
social card; and `/` sends a browser to its reader's language."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from browser import chrome, serve
from confgen.load.project import open_project
from confgen.model import tr
from confgen_plugins.content import budget

SITE_URL = "https://aidevcon.example.org/"


@pytest.fixture(scope="module")
def built(reference_build):
    """The reference project built with --strict (shared with the other modules that read it) and
    what the build printed."""
    return reference_build.root, reference_build


def html(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def public_files(site: Path):
    """Every file of the published site as text (gzip-compressed ones, such as sitemap.xml.gz or a
    search index, decompressed)."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        yield path, data.decode("utf-8", errors="replace")


def budget_figures(root: Path) -> dict[str, list[str]]:
    """The brief's revenue, costs and net income in each language, as its tables write them and as
    bare numbers."""
    conference = open_project(root).conference
    figures: dict[str, list[str]] = {}
    for lang in ("zh", "en"):
        plan = budget.solve(conference, lang)
        assert plan is not None and plan.revenue > 0 and plan.cost > 0
        figures[lang] = [text for x in (plan.revenue, plan.cost, plan.net) for text in (f"{x:,.0f}", f"{x:.0f}")]
    return figures


# -- the planning brief is for organizers only ----------------------------------------------------


def test_budget_figures_appear_nowhere_in_the_public_site(built):
    root, _ = built
    site = root / "build" / "site"
    figures = budget_figures(root)
    # Words only the brief's budget uses, in both languages (the break-even count itself is a
    # small number that may well appear elsewhere, so its heading is looked for).
    words = ["净收入", "盈亏平衡", "总成本", "Net revenue", "Break-even", "break-even", "预算方案", "Budget plan"]
    needles = sorted(set(figures["zh"] + figures["en"] + words))
    scanned = {p.relative_to(site).as_posix() for p, _ in public_files(site)}
    assert {"zh/sitemap.xml", "en/sitemap.xml", "zh/sitemap.xml.gz", "zh/pagefind/pagefind-entry.json",
            "en/pagefind/pagefind-entry.json"} <= scanned
    assert any(p.startswith("zh/pagefind/fragment/") for p in scanned)  # the indexed text, decompressed
    for path, text in public_files(site):
        found = [n for n in needles if n in text]
        assert not found, f"{path.relative_to(site)} shows {found}"
    for lang in ("zh", "en"):
        assert not (site / lang / "brief").exists()
        assert "brief" not in (site / lang / "sitemap.xml").read_text("utf-8")


def test_the_brief_is_written_for_organizers_and_the_build_says_where(built):
    root, result = built
    figures = budget_figures(root)
    for lang, heading, drafter in (("zh", "净收入", "离线起草器"), ("en", "Net revenue", "offline drafter")):
        folder = root / "build" / "organizer" / lang
        assert f"for organizers only, not published: {folder}" in result.stdout
        markdown = (folder / "brief.md").read_text("utf-8")
        page = html(folder / "brief.html")
        text = page.text_content()
        for figure in figures[lang][::2]:  # as the tables write them: 2,044,580
            assert figure in markdown and figure in text
        assert heading in text
        assert drafter in text  # who wrote its prose, as on the site's pages
        assert page.xpath("//table") and not page.xpath("//script")
        assert page.xpath("//meta[@name='robots']/@content") == ["noindex, nofollow"]


# -- language alternates ----------------------------------------------------------------------------


def test_every_page_links_itself_in_each_language_and_a_default(built):
    root, _ = built
    site = root / "build" / "site"
    pages = sorted((site / "en").rglob("*.html"))
    assert len(pages) > 100
    for lang in ("zh", "en"):
        for page in sorted(set((site / lang).rglob("*.html")) - {site / lang / "404.html"}):
            links = {link.get("hreflang"): link.get("href") for link in html(page).xpath("//head/link[@rel='alternate'][@hreflang]")}
            assert set(links) == {"zh", "en", "x-default"}, page
            assert len(html(page).xpath("//head/link[@rel='alternate'][@hreflang]")) == 3, page  # none of Material's
            rel = page.relative_to(site / lang)
            for hreflang, href in links.items():
                target = (page.parent / href).resolve()
                expected = site / ("zh" if hreflang == "x-default" else hreflang) / rel
                if page.name == "index.html":
                    expected = expected.parent
                assert target == expected.resolve(), (page, hreflang, href)
                assert (target / "index.html").exists() or target.is_file(), (page, href)


def test_the_root_page_links_every_language_for_readers_without_scripts(built):
    root, _ = built
    page = html(root / "build" / "site" / "index.html")
    assert page.xpath("//body/p/a/@href") == ["zh/"]  # the default language first
    assert sorted(page.xpath("//body//li/a/@href")) == ["en/", "zh/"]
    links = {l.get("hreflang"): l.get("href") for l in page.xpath("//head/link[@rel='alternate']")}
    assert links == {"zh": "zh/", "en": "en/", "x-default": "./"}


@pytest.mark.browser
@pytest.mark.parametrize("languages, lands", [("en-GB,en", "en/"), ("zh-TW,zh", "zh/"), ("fr-FR,fr", "zh/"),
                                             ("de,en-US", "en/")])
def test_root_sends_the_browser_to_its_reader_s_language(built, chrome_driver, languages, lands):
    root, _ = built
    with serve(root / "build" / "site") as base:
        chrome_driver.execute_cdp_cmd("Emulation.setUserAgentOverride", {
            "userAgent": chrome_driver.execute_script("return navigator.userAgent"), "acceptLanguage": languages})
        chrome_driver.get_log("browser")
        chrome_driver.get(base)
        deadline = time.monotonic() + 10
        while chrome_driver.current_url == base and time.monotonic() < deadline:
            time.sleep(0.1)
        assert chrome_driver.current_url == base + lands
        assert not [e for e in chrome_driver.get_log("browser") if "Content Security Policy" in e["message"]]


@pytest.mark.browser
def test_with_scripts_off_root_stays_and_its_links_lead_to_each_language(built, chrome_driver):
    from selenium.webdriver.common.by import By

    root, _ = built
    with serve(root / "build" / "site") as base:
        chrome_driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        try:
            chrome_driver.get(base)
            time.sleep(1)
            assert chrome_driver.current_url == base
            chrome_driver.find_element(By.CSS_SELECTOR, "li a[hreflang=en]").click()
            assert chrome_driver.current_url == base + "en/"
        finally:
            chrome_driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


@pytest.fixture(scope="module")
def chrome_driver():
    with chrome() as driver:
        yield driver


# -- labels of machine-written text ----------------------------------------------------------------


def test_every_page_says_where_its_text_comes_from(built):
    root, _ = built
    site = root / "build" / "site"
    for lang, facts, offline in (("zh", "来自组织方提供的大会数据", "离线起草器仅根据大会数据生成"),
                                 ("en", "come from the organizers' event data", "drafted by confgen's offline drafter from the event data alone")):
        for page in sorted((site / lang).rglob("index.html")):
            doc = html(page)
            label = doc.xpath("//article//aside[contains(@class, 'cg-provenance')]")
            assert len(label) == 1, page
            assert facts in label[0].text_content(), page
            # The reference drafts are all the offline drafter's: no page claims a model's text.
            assert doc.xpath("//meta[@name='ai-generated']/@content") == ["false"], page
            assert not doc.xpath("//meta[@name='AIGC']"), page
        talk = html(site / lang / "talks" / "s01" / "index.html").xpath("//aside[contains(@class, 'cg-provenance')]")[0]
        assert offline in talk.text_content()


def test_the_label_is_not_in_the_search_index(built):
    root, _ = built
    from search_ui import fragments

    records = fragments(root / "build" / "site" / "en")
    assert records and not any("organizers' event data" in record["content"] for record in records)


# -- social cards and link previews ---------------------------------------------------------------


def test_every_talk_has_a_social_card_and_preview_tags_in_its_language(built):
    root, _ = built
    site = root / "build" / "site"
    conference = open_project(root).conference
    for lang in ("zh", "en"):
        for session in conference.sessions:
            doc = html(site / lang / "talks" / session.id / "index.html")
            meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.xpath("//head/meta")}
            assert meta["og:title"] == tr(session.title, lang)
            assert meta["og:image"] == f"{SITE_URL}{lang}/cards/{session.id}.png"
            assert meta["twitter:card"] == "summary_large_image"
            assert meta["twitter:image"] == meta["og:image"]
            assert meta["og:url"] == f"{SITE_URL}{lang}/talks/{session.id}/"
            room = conference.room(session.room)
            assert tr(room.name, lang) in meta["og:description"]
            assert session.start.strftime("%H:%M") in meta["og:description"]
            with Image.open(site / lang / "cards" / f"{session.id}.png") as card:
                assert card.format == "PNG" and card.size == (1200, 630)
        home = {m.get("property") or m.get("name"): m.get("content") for m in html(site / lang / "index.html").xpath("//head/meta")}
        assert home["twitter:card"] == "summary" and "og:image" not in home
    zh_card, en_card = (site / "zh" / "cards" / "s01.png").read_bytes(), (site / "en" / "cards" / "s01.png").read_bytes()
    assert zh_card != en_card  # drawn in each page's language
