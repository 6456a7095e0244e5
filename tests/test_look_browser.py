"""The site as an attendee sees it, in headless Chromium at a phone's 390 px and a laptop's 1366 px:
a filtered agenda keeps every matching session in view and never scrolls sideways, an empty result
says so, stars and filters are targets of at least 24 px (WCAG 2.2, 2.5.8), axe-core finds no
serious violation on the new pages, every picture loads, "my schedule" offers no download before
anything is starred and writes its days as the site does, venue and FAQ are there offline, and the
same agenda at FOSDEM's scale (41 rooms) stays readable. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from browser import axe_source, blank_slate, serve, set_viewport
from helpers import REPO

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTHS = ((390, 844), (1366, 900))


def build(root: Path) -> Path:
    result = subprocess.run([shutil.which("confgen"), "build", str(root), "--offline"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "build" / "site"


@pytest.fixture(scope="module")
def built_site(tmp_path_factory, reference_build) -> Path:
    """The reference project with a photo for one keynote speaker and a logo for one sponsor
    (everyone else gets a drawn avatar), rebuilt from a copy of the shared reference build: what
    the pictures do not change (drafts, cards) is reused, as on an organizer's machine."""
    root = tmp_path_factory.mktemp("look") / "site"
    shutil.copytree(reference_build.root, root, ignore=shutil.ignore_patterns("build"))
    (root / "pictures").mkdir()
    Image.new("RGB", (640, 480), (30, 90, 160)).save(root / "pictures" / "lin-haoran.jpg")
    Image.new("RGBA", (600, 200), (250, 160, 0, 255)).save(root / "pictures" / "galaxy.png")
    text = (root / "conference.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: lin-haoran\n", "  - id: lin-haoran\n    photo: pictures/lin-haoran.jpg\n", 1)
    text = text.replace("    tier: diamond\n", "    tier: diamond\n    logo: pictures/galaxy.png\n", 1)
    (root / "conference.yaml").write_text(text, encoding="utf-8")
    return build(root)


@pytest.fixture
def fresh(driver, base_url):
    return blank_slate(driver, base_url, 1366, 900)


def wait(driver, condition, timeout=15):
    return WebDriverWait(driver, timeout).until(condition)


#: Where every shown session is, in one call: the layout (the grid or the list by time slot) is
#: whichever the page shows; a session counts as shown when it has a box.
GEOMETRY = """
const shown = [...document.querySelectorAll('[data-cg-item]')].filter(e => e.getClientRects().length);
const grid = document.querySelector('.cg-agenda');
return {
  width: window.innerWidth, pageWidth: document.documentElement.scrollWidth,
  gridScrolls: !!grid && grid.getClientRects().length > 0 && grid.scrollWidth > grid.clientWidth + 1,
  sessions: shown.map(e => { const r = e.getBoundingClientRect(); return {id: e.dataset.session, left: r.left, right: r.right,
                       track: e.dataset.track, room: e.dataset.room, type: e.dataset.type, level: e.dataset.level}; }),
  count: (document.querySelector('.cg-count') || {}).textContent || '',
  empty: !!document.querySelector('.cg-empty-state:not([hidden])'),
};"""


def shown_sessions(driver) -> dict:
    geometry = driver.execute_script(GEOMETRY)
    assert geometry["pageWidth"] <= geometry["width"], "the page scrolls sideways"
    assert not geometry["gridScrolls"], "the grid scrolls sideways: a matching session can be out of view"
    for s in geometry["sessions"]:
        assert s["left"] >= 0 and s["right"] <= geometry["width"] + 0.5, f"{s['id']} lies outside the viewport: {s}"
    return geometry


FILTERS = [("track", "deployment"), ("room", "workshop-lab"), ("type", "keynote"), ("level", "advanced")]


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_filtered_agenda_keeps_every_match_in_view(fresh, base_url, width, height):
    set_viewport(fresh, width, height)
    for lang in ("zh", "en"):
        fresh.get(base_url + f"{lang}/agenda/day-1/")
        everything = shown_sessions(fresh)
        ids = {s["id"] for s in everything["sessions"]}
        assert len(ids) == 29 and everything["count"] == ""
        for name, value in FILTERS:
            fresh.get(base_url + f"{lang}/agenda/day-1/#{name}={value}")
            fresh.refresh()
            geometry = shown_sessions(fresh)
            matches = {s["id"] for s in geometry["sessions"]}
            assert matches and all(s[name] == value for s in geometry["sessions"])
            # Each match shown once, and the count says how many.
            assert len(matches) == len(geometry["sessions"])
            assert f"{len(matches)}" in geometry["count"] and "29" in geometry["count"]
    fresh.save_screenshot(str(ARTIFACTS / f"look-agenda-filtered-{width}.png"))


def test_room_filter_shows_only_that_room(fresh, base_url):
    fresh.get(base_url + "en/agenda/day-1/")
    Select(fresh.find_element(By.CSS_SELECTOR, "select[data-filter=room]")).select_by_value("main-hall")
    geometry = shown_sessions(fresh)
    assert {s["room"] for s in geometry["sessions"]} == {"main-hall"}
    headers = [h.text for h in fresh.find_elements(By.CSS_SELECTOR, ".cg-grid thead th") if h.is_displayed()]
    assert len(headers) == 2 and "Main Hall" in headers[1]  # the time column and that room's column


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_nothing_matches_says_so(fresh, base_url, width, height):
    set_viewport(fresh, width, height)
    fresh.get(base_url + "zh/agenda/day-1/#room=workshop-lab&type=keynote")
    fresh.refresh()
    geometry = shown_sessions(fresh)
    assert geometry["sessions"] == [] and geometry["empty"]
    notice = fresh.find_element(By.CSS_SELECTOR, ".cg-empty-state")
    assert "没有符合" in notice.text
    notice.find_element(By.CSS_SELECTOR, "button.cg-clear").click()
    wait(fresh, lambda d: len(d.execute_script(GEOMETRY)["sessions"]) == 29)
    assert not fresh.find_element(By.CSS_SELECTOR, ".cg-empty-state").is_displayed()


def test_day_filter_opens_the_other_day_keeping_filters(fresh, base_url):
    fresh.get(base_url + "en/agenda/day-1/#track=devtech")
    fresh.refresh()
    Select(fresh.find_element(By.CSS_SELECTOR, "select[data-filter=day]")).select_by_value("2026-06-13")
    wait(fresh, lambda d: "/agenda/day-2/" in d.current_url)
    assert fresh.current_url.endswith("#track=devtech")
    tracks = {s["track"] for s in shown_sessions(fresh)["sessions"]}
    assert tracks == {"devtech"}
    # The by-room page filters by day too.
    fresh.get(base_url + "en/agenda/rooms/#day=2026-06-13")
    fresh.refresh()
    days = fresh.execute_script("return [...document.querySelectorAll('[data-cg-item]')].filter(e => e.getClientRects().length).map(e => e.dataset.day)")
    assert days and set(days) == {"2026-06-13"}


def test_phone_gets_a_list_by_time_slot_and_desktop_a_grid(fresh, base_url):
    set_viewport(fresh, 390, 844)
    fresh.get(base_url + "en/agenda/day-1/")
    assert not fresh.find_element(By.CSS_SELECTOR, ".cg-agenda").is_displayed()
    slots = [h.text for h in fresh.find_elements(By.CSS_SELECTOR, ".cg-slot-time") if h.is_displayed()]
    assert slots[:3] == ["09:00", "09:50", "10:00"]
    card = fresh.find_element(By.CSS_SELECTOR, ".cg-slots [data-session=s01] .cg-meta")
    assert card.text == "Keynote · Lin Haoran"  # type and speaker apart
    set_viewport(fresh, 1366, 900)
    fresh.get(base_url + "en/agenda/day-1/")
    assert fresh.find_element(By.CSS_SELECTOR, ".cg-agenda").is_displayed()
    assert not fresh.find_element(By.CSS_SELECTOR, ".cg-slots").is_displayed()
    # The room header stays put while the grid scrolls under it.
    moved = fresh.execute_script("""
        const r = document.querySelector('.cg-agenda'); r.scrollTop = 400;
        return Math.abs(r.querySelector('thead th:nth-child(2)').getBoundingClientRect().top - r.getBoundingClientRect().top);""")
    assert moved <= 2
    legend = fresh.find_elements(By.CSS_SELECTOR, ".cg-agenda-tools .cg-legend li")
    assert len(legend) == 5
    # The legend's colour is the colour of that track's sessions.
    same = fresh.execute_script("""
        const li = document.querySelector('.cg-legend li'); const cls = [...li.classList].find(c => c.startsWith('cg-track-'));
        const swatch = getComputedStyle(li.querySelector('.cg-swatch')).backgroundColor;
        const card = document.querySelector('.cg-grid .cg-session.' + cls);
        return card && getComputedStyle(card).borderLeftColor === swatch;""")
    assert same


def test_stars_and_filters_are_at_least_24px(fresh, base_url):
    for width, height in WIDTHS:
        set_viewport(fresh, width, height)
        for page in ("en/agenda/day-1/", "zh/agenda/rooms/", "en/talks/s09/"):
            fresh.get(base_url + page)
            sizes = fresh.execute_script("""
                return [...document.querySelectorAll('button.cg-star, .cg-filters select, .cg-filters input, .cg-filters button')]
                  .filter(e => e.getClientRects().length)
                  .map(e => { const r = e.getBoundingClientRect(); return [e.className || e.tagName, r.width, r.height]; });""")
            assert sizes
            small = [s for s in sizes if s[1] < 24 or s[2] < 24]
            assert small == [], (page, width, small)


def test_pictures_load_everywhere(fresh, base_url):
    for page in ("zh/", "en/", "en/speakers/", "zh/talks/s01/", "en/speakers/lin-haoran/"):
        fresh.get(base_url + page)
        fresh.execute_script("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
        wait(fresh, lambda d: d.execute_script("return [...document.images].every(i => i.complete)"))
        broken = fresh.execute_script("return [...document.images].filter(i => !i.naturalWidth).map(i => i.src)")
        assert broken == [], page
    fresh.get(base_url + "en/speakers/lin-haoran/")
    assert fresh.find_element(By.CSS_SELECTOR, ".cg-portrait img").get_attribute("src").endswith("/speakers/lin-haoran.jpg")


def test_home_page_is_a_conference_page(fresh, base_url):
    fresh.get(base_url + "zh/")
    hero = fresh.find_element(By.CSS_SELECTOR, ".cg-hero")
    assert hero.find_element(By.TAG_NAME, "h1").text == "AI 大模型应用开发者大会"
    assert hero.text.count("上海") == 1  # the venue's name says the city already
    buttons = hero.find_elements(By.CSS_SELECTOR, ".cg-cta a.md-button")
    assert [b.text for b in buttons][:2] == ["查看议程", "购票"]
    # The buttons sit on their own line, not inside the welcome text.
    assert not fresh.find_elements(By.XPATH, "//p[a[contains(@class,'md-button')] and string-length(normalize-space(text())) > 0]")
    tagline = "从模型到产品，开发者的两天实战之旅"
    assert fresh.find_element(By.TAG_NAME, "article").text.count(tagline) == 1
    stats = [li.text.split("\n") for li in fresh.find_elements(By.CSS_SELECTOR, ".cg-stats li")]
    assert stats == [["50", "场活动"], ["37", "位讲者"], ["5", "个分论坛"], ["2", "天"]]
    assert len(fresh.find_elements(By.CSS_SELECTOR, ".cg-keynote-card img.cg-avatar")) == 4
    assert len(fresh.find_elements(By.CSS_SELECTOR, ".cg-track-card")) == 5
    assert fresh.find_element(By.CSS_SELECTOR, ".cg-tier-diamond img.cg-logo").get_attribute("src").endswith("/sponsors/0.png")
    assert "上海市浦东新区科苑路 1288 号" in fresh.find_element(By.CSS_SELECTOR, ".cg-venue").text
    # No sidebar beside the hero, as on the agenda.
    assert not [e for e in fresh.find_elements(By.CSS_SELECTOR, ".md-sidebar--primary") if e.is_displayed()]


def test_my_schedule_download_and_day_headings(fresh, base_url):
    fresh.get(base_url + "zh/my-schedule/")
    link = fresh.find_element(By.CSS_SELECTOR, "a.cg-my-ics")
    assert link.get_attribute("aria-disabled") == "true" and link.get_attribute("href") is None
    link.click()
    time.sleep(0.3)
    assert fresh.current_url.endswith("/zh/my-schedule/")
    fresh.get(base_url + "zh/talks/s09/")
    fresh.find_element(By.CSS_SELECTOR, ".cg-actions button.cg-star").click()
    fresh.get(base_url + "zh/my-schedule/")
    link = fresh.find_element(By.CSS_SELECTOR, "a.cg-my-ics")
    assert link.get_attribute("aria-disabled") == "false" and link.get_attribute("href").startswith("blob:")
    assert fresh.find_element(By.CSS_SELECTOR, ".cg-my-list h2").text == "2026年6月12日（周五）"
    fresh.get(base_url + "en/my-schedule/")
    assert fresh.find_element(By.CSS_SELECTOR, ".cg-my-list h2").text == "Friday 12 June 2026"


def test_404_speaks_the_page_language(fresh, base_url):
    # GitHub Pages answers a missing address with the language's 404.html (the test server does not).
    fresh.get(base_url + "zh/404.html")
    assert "页面不存在" in fresh.find_element(By.TAG_NAME, "h1").text
    fresh.get(base_url + "en/404.html")
    assert "Page not found" in fresh.find_element(By.TAG_NAME, "h1").text


def test_venue_and_faq_are_there_offline_unvisited(fresh, base_url):
    fresh.get(base_url + "zh/agenda/day-1/")
    wait(fresh, lambda d: d.execute_script("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)")
         or d.refresh() or False, 20)
    fresh.execute_cdp_cmd("Network.enable", {})
    fresh.execute_cdp_cmd("Network.emulateNetworkConditions",
                          {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        fresh.get(base_url + "zh/venue/")
        assert "场地" in fresh.find_element(By.TAG_NAME, "h1").text
        fresh.get(base_url + "zh/faq/")
        assert fresh.find_element(By.TAG_NAME, "h1").text
        fresh.get(base_url + "zh/speakers/")
        assert fresh.execute_script("return [...document.images].filter(i => i.complete && !i.naturalWidth).length") == 0
    finally:
        fresh.execute_cdp_cmd("Network.emulateNetworkConditions",
                              {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def test_axe_finds_no_serious_violation_and_screenshots(fresh, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    source = axe_source()
    fresh.get(base_url + "en/talks/s09/")
    fresh.find_element(By.CSS_SELECTOR, ".cg-actions button.cg-star").click()
    pages = [("home", "zh/"), ("agenda", "en/agenda/day-1/"), ("agenda-filtered", "zh/agenda/day-1/#track=deployment"),
             ("agenda-empty", "en/agenda/day-1/#room=workshop-lab&type=keynote"), ("rooms", "zh/agenda/rooms/"),
             ("talk", "zh/talks/s01/"), ("speakers", "en/speakers/"), ("my-schedule", "zh/my-schedule/"), ("404", "zh/404.html")]
    problems = {}
    for width, height in WIDTHS:
        set_viewport(fresh, width, height)
        for name, page in pages:
            fresh.get(base_url + page)
            if "#" in page:
                fresh.refresh()
            fresh.execute_script(source)
            result = fresh.execute_async_script(
                "axe.run(document, {resultTypes: ['violations']}).then(r => arguments[0](r.violations.map("
                "v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))")
            bad = [v for v in result if v["impact"] in ("serious", "critical")]
            if bad:
                problems[f"{page} @{width}"] = bad
            if name in ("home", "agenda", "talk", "speakers", "my-schedule"):
                full = fresh.execute_script("return document.documentElement.scrollHeight")
                set_viewport(fresh, width, min(full, 4000))
                fresh.save_screenshot(str(ARTIFACTS / f"look-{name}-{width}.png"))
                set_viewport(fresh, width, height)
    assert problems == {}
    for name in ("home", "agenda", "talk", "speakers", "my-schedule"):
        assert (ARTIFACTS / f"look-{name}-390.png").stat().st_size > 10_000


# ---- FOSDEM's scale: 41 rooms in one day ---------------------------------------------------------

@pytest.fixture(scope="module")
def big_url(tmp_path_factory):
    """A one-day event in 41 rooms (FOSDEM 2025 had 41 rooms a day): no grid fits any screen."""
    import sys

    sys.path.insert(0, str(REPO))
    from bench import synthetic

    data = synthetic.conference(sessions=82, rooms=41, speakers=41, days=1)
    root = tmp_path_factory.mktemp("fosdem") / "site"
    root.mkdir()
    (root / "conference.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with serve(build(root)) as url:
        yield url


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_41_rooms_stay_readable(fresh, big_url, width, height):
    set_viewport(fresh, width, height)
    fresh.get(big_url + "en/agenda/day-1/")
    geometry = shown_sessions(fresh)
    assert len(geometry["sessions"]) == 82
    assert not fresh.find_elements(By.CSS_SELECTOR, ".cg-agenda")  # a list by time slot, on every screen
    Select(fresh.find_element(By.CSS_SELECTOR, "select[data-filter=room]")).select_by_value("r40")
    geometry = shown_sessions(fresh)
    assert geometry["sessions"] and {s["room"] for s in geometry["sessions"]} == {"r40"}
    Select(fresh.find_element(By.CSS_SELECTOR, "select[data-filter=track]")).select_by_index(1)
    shown_sessions(fresh)
    fresh.save_screenshot(str(ARTIFACTS / f"look-agenda-41-rooms-{width}.png"))
