"""The reference site as attendees read it, in headless Chromium: the agenda on a phone and a
desktop, filters, stars that survive a reload and land in the .ics download, the language switch,
Chinese search, no request to another host, Mermaid and KaTeX from the site, and axe-core."""

from __future__ import annotations

import json
import time
from pathlib import Path

import icalendar
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from browser import axe_source, blank_slate, requested_urls, set_viewport
from search_ui import READ_RESULTS, search

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def built_site(reference_build) -> Path:
    """The reference project's site, built once for every module that reads it (drafts are
    committed, so the build calls no model)."""
    return reference_build.site


@pytest.fixture
def fresh(driver, base_url):
    """The shared browser with no stars and empty performance and console logs."""
    return blank_slate(driver, base_url, 1280, 900)


def csp_violations(driver) -> list[str]:
    """Console reports of the Content-Security-Policy blocking something since the last call."""
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def wait(driver, condition, timeout=15):
    return WebDriverWait(driver, timeout).until(condition)


def items(driver):
    return driver.find_elements(By.CSS_SELECTOR, ".cg-grid [data-cg-item]")


def test_agenda_on_a_phone_and_a_desktop(fresh, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height, name in ((390, 844, "phone"), (1280, 900, "desktop")):
        set_viewport(fresh, width, height)
        for lang in ("zh", "en"):
            fresh.get(base_url + f"{lang}/agenda/day-1/")
            # A phone gets the day as a list by time slot, a desktop the grid.
            wait(fresh, EC.visibility_of_element_located((By.CSS_SELECTOR, ".cg-slots" if name == "phone" else ".cg-grid")))
            fresh.save_screenshot(str(ARTIFACTS / f"agenda-day-1-{lang}-{name}.png"))
        assert len(items(fresh)) == 29
        assert fresh.execute_script("return document.documentElement.scrollWidth") <= width, "the page itself must not scroll sideways"
    # Where the grid is shown but wider than the screen (a small laptop), it pans inside its own box
    # and the time column and room header stay put; a phone gets a list by time slot instead.
    set_viewport(fresh, 1024, 768)
    fresh.get(base_url + "en/agenda/day-1/")
    region = fresh.find_element(By.CSS_SELECTOR, ".cg-agenda")
    geometry = fresh.execute_script("""
        const r = arguments[0]; r.scrollLeft = 400; r.scrollTop = 300;
        const box = r.getBoundingClientRect();
        const time = r.querySelector('tbody tr:nth-child(6) th').getBoundingClientRect();
        const head = r.querySelector('thead th:nth-child(3)').getBoundingClientRect();
        return {scrollable: r.scrollWidth > r.clientWidth, left: r.scrollLeft, box: box.left, top: box.top,
                timeLeft: time.left, headTop: head.top};""", region)
    assert geometry["scrollable"] and geometry["left"] > 0
    assert abs(geometry["timeLeft"] - geometry["box"]) <= 2
    assert abs(geometry["headTop"] - geometry["top"]) <= 2
    fresh.save_screenshot(str(ARTIFACTS / "agenda-day-1-en-laptop-panned.png"))
    set_viewport(fresh, 390, 844)
    fresh.get(base_url + "en/agenda/day-1/")
    assert not region_shown(fresh) and fresh.find_element(By.CSS_SELECTOR, ".cg-slots").is_displayed()


def region_shown(driver) -> bool:
    return driver.find_element(By.CSS_SELECTOR, ".cg-agenda").is_displayed()


def test_filters_hide_and_show(fresh, base_url):
    fresh.get(base_url + "en/agenda/day-1/")
    total = len(items(fresh))
    Select(fresh.find_element(By.CSS_SELECTOR, "select[data-filter=track]")).select_by_value("devtech")
    visible = [i for i in items(fresh) if i.is_displayed()]
    assert 0 < len(visible) < total
    assert {i.get_attribute("data-track") for i in visible} == {"devtech"}
    assert fresh.find_element(By.CSS_SELECTOR, ".cg-count").text == f"Showing {len(visible)} of {total}"
    Select(fresh.find_element(By.CSS_SELECTOR, "select[data-filter=level]")).select_by_value("advanced")
    both = [i for i in items(fresh) if i.is_displayed()]
    assert both and {(i.get_attribute("data-track"), i.get_attribute("data-level")) for i in both} == {("devtech", "advanced")}
    assert "track=devtech" in fresh.current_url  # shareable, and kept across a reload
    fresh.refresh()
    assert len([i for i in items(fresh) if i.is_displayed()]) == len(both)
    fresh.find_element(By.CSS_SELECTOR, "button.cg-reset").click()
    wait(fresh, lambda d: all(i.is_displayed() for i in items(d)))
    # The by-room page filters too, by type with the keyboard.
    fresh.get(base_url + "zh/agenda/rooms/")
    select = fresh.find_element(By.CSS_SELECTOR, "select[data-filter=type]")
    select.send_keys("工作坊")
    shown = [i for i in fresh.find_elements(By.CSS_SELECTOR, "[data-cg-item]") if i.is_displayed()]
    assert shown and {i.get_attribute("data-type") for i in shown} == {"workshop"}


def test_star_survives_reload_and_lands_in_the_ics(fresh, base_url):
    fresh.get(base_url + "en/agenda/day-1/")
    star = fresh.find_element(By.CSS_SELECTOR, "button.cg-star[data-session=s09]")
    star.send_keys(Keys.SPACE)  # a real button: the keyboard works
    assert star.get_attribute("aria-pressed") == "true"
    fresh.get(base_url + "en/talks/s45/")
    fresh.find_element(By.CSS_SELECTOR, ".cg-actions button.cg-star").click()
    fresh.get(base_url + "en/agenda/day-1/")
    fresh.refresh()
    assert fresh.find_element(By.CSS_SELECTOR, "button.cg-star[data-session=s09]").get_attribute("aria-pressed") == "true"
    assert fresh.find_element(By.CSS_SELECTOR, "button.cg-star[data-session=s10]").get_attribute("aria-pressed") == "false"
    fresh.find_element(By.CSS_SELECTOR, "input[data-filter=starred]").click()
    assert [i.get_attribute("data-session") for i in items(fresh) if i.is_displayed()] == ["s09"]
    # The other language shares the stars; "my schedule" lists them and offers one .ics.
    fresh.get(base_url + "zh/my-schedule/")
    listed = [li.get_attribute("data-session") for li in fresh.find_elements(By.CSS_SELECTOR, ".cg-my-list li")]
    assert listed == ["s09", "s45"]
    link = fresh.find_element(By.CSS_SELECTOR, "a.cg-my-ics")
    assert link.get_attribute("href").startswith("blob:") and link.get_attribute("download") == "my-schedule.ics"
    text = fresh.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0].href).then(r => r.text()).then(done)", link)
    cal = icalendar.Calendar.from_ical(text)
    events = cal.walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == ["s09@aidevcon.example.org", "s45@aidevcon.example.org"]
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert "结构化输出" in str(next(e for e in events if str(e["UID"]).startswith("s09"))["SUMMARY"])
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    # Un-starring from the list removes it everywhere.
    fresh.find_element(By.CSS_SELECTOR, ".cg-my-list button.cg-star[data-session=s45]").click()
    assert [li.get_attribute("data-session") for li in fresh.find_elements(By.CSS_SELECTOR, ".cg-my-list li")] == ["s09"]


def test_language_switch_lands_on_the_same_talk(fresh, base_url):
    fresh.get(base_url + "en/talks/s09/")
    english = fresh.find_element(By.TAG_NAME, "h1").text
    assert fresh.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    fresh.find_element(By.CSS_SELECTOR, ".md-header__option .md-select button").click()
    wait(fresh, EC.element_to_be_clickable((By.CSS_SELECTOR, "a.cg-lang-switch[hreflang=zh]"))).click()
    wait(fresh, lambda d: "/zh/" in d.current_url)
    assert fresh.current_url.rstrip("/").endswith("/zh/talks/s09")
    assert fresh.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh"
    chinese = fresh.find_element(By.TAG_NAME, "h1").text
    assert chinese != english and "函数调用" in chinese


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("zh", "函数", "talks/s09/"),  # a two-character word
    ("zh", "张伟", "speakers/zhang-wei/"),  # a speaker's name
    ("zh", "调用", "talks/s09/"),  # a term inside a longer word (函数调用)
    ("en", "PagedAttention", "talks/"), ("en", "function calling", "talks/s09/"),
])
def test_search_finds_words(fresh, base_url, lang, query, expected):
    hrefs = search(fresh, base_url, lang, query, expected)
    assert any(expected in h for h in hrefs), hrefs
    assert all(h.startswith(base_url + lang + "/") for h in hrefs), hrefs
    assert csp_violations(fresh) == []  # Pagefind's scripts and WebAssembly run under the policy


def test_search_loads_only_on_its_page_and_filters_talks(fresh, base_url):
    fresh.get(base_url + "en/talks/s09/")
    assert not [u for u in requested_urls(fresh) if "/pagefind/" in u]  # other pages load no index
    search(fresh, base_url, "en", "inference", "talks/")
    # Index chunks are fetched by Pagefind's worker, out of this log: bench/search.py counts them.
    assert any(u.endswith("/en/pagefind/pagefind.js") for u in requested_urls(fresh))
    # The interface lists the four facets; a filter narrows a query to talks of that day, room, track or type.
    names = fresh.execute_script("return [...document.querySelectorAll('.pagefind-ui__filter-name')].map(e => e.textContent.trim())")
    assert set(names) == {"Day", "Room", "Track", "Type"}, names
    found = fresh.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import(arguments[0]).then(async pagefind => {
          const all = await pagefind.search("inference");
          const some = await pagefind.search("inference", {filters: {Type: "Talk", Room: "Main Hall (Stellar Hall)"}});
          done({all: all.results.length, some: await Promise.all(some.results.map(r => r.data().then(d => [d.url, d.filters])))});
        }).catch(e => done(String(e)));""", base_url + "en/pagefind/pagefind.js")
    assert 0 < len(found["some"]) < found["all"], found
    for url, filters in found["some"]:
        assert "/talks/" in url and filters["Type"] == ["Talk"] and filters["Room"][0].startswith("Main Hall"), (url, filters)
    assert csp_violations(fresh) == []


def test_search_works_offline_after_a_first_visit(fresh, base_url):
    search(fresh, base_url, "zh", "推理", "talks/")  # the worker installs, precaching the search files
    wait(fresh, lambda d: d.execute_script("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)")
         or d.refresh() or False, 20)
    search(fresh, base_url, "zh", "推理", "talks/")  # chunks of this query now pass through the worker
    fresh.execute_cdp_cmd("Network.enable", {})
    fresh.execute_cdp_cmd("Network.emulateNetworkConditions",
                          {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        hrefs = search(fresh, base_url, "zh", "推理", "talks/")
        assert any("/zh/talks/" in h for h in hrefs), hrefs
    finally:
        fresh.execute_cdp_cmd("Network.emulateNetworkConditions",
                              {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def test_talk_page_facts_calendar_and_json_ld(fresh, base_url, built_site):
    fresh.get(base_url + "en/talks/s09/")
    facts = fresh.find_element(By.CSS_SELECTOR, "dl.cg-facts").text
    for needed in ("Friday 12 June 2026 10:50–11:25 (Asia/Shanghai, UTC+08:00)", "Development Techniques", "Talk", "Beginner", "Zhang Wei"):
        assert needed in facts
    data = json.loads(fresh.find_element(By.CSS_SELECTOR, "script[type='application/ld+json']").get_attribute("textContent"))
    assert data["@type"] == "EducationEvent" and data["startDate"] == "2026-06-12T10:50:00+08:00"
    assert data["performer"][0]["name"] == "Zhang Wei" and data["superEvent"]["@type"] == "Event"
    ics = fresh.find_element(By.CSS_SELECTOR, "a[download='s09.ics']").get_attribute("href")
    assert ics.endswith("/en/talks/s09.ics")
    text = fresh.execute_async_script("fetch(arguments[0]).then(r => r.text()).then(arguments[1])", ics)
    assert str(icalendar.Calendar.from_ical(text).walk("VEVENT")[0]["UID"]) == "s09@aidevcon.example.org"
    speaker = fresh.find_element(By.CSS_SELECTOR, "dl.cg-facts a[href*='/speakers/']")
    speaker.click()
    assert "/en/speakers/" in fresh.current_url
    assert fresh.find_element(By.CSS_SELECTOR, "a[href*='/talks/s09/']")
    nxt = base_url + "en/talks/s09/"
    fresh.get(nxt)
    assert fresh.find_element(By.CSS_SELECTOR, ".cg-prevnext a[rel=next]").get_attribute("href").endswith("/en/talks/s10/")


def test_now_and_next_follow_the_event_timezone(fresh, base_url):
    # The reader's own clock is in New York; the event is in Shanghai.
    fresh.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"})
    try:
        fresh.get(base_url + "en/agenda/day-1/?cg-now=2026-06-11T22:55:00-04:00")  # 10:55 in Shanghai
        now = {i.get_attribute("data-session") for i in fresh.find_elements(By.CSS_SELECTOR, ".cg-grid .cg-now")}
        nxt = {i.get_attribute("data-session") for i in fresh.find_elements(By.CSS_SELECTOR, ".cg-grid .cg-next")}
        assert {"s03", "s09", "s28"} <= now and "s01" not in now
        assert nxt == {"s10", "s15", "s20", "s25"}
        banner = fresh.find_element(By.CSS_SELECTOR, ".cg-nownext")
        assert banner.is_displayed() and banner.text.startswith("Now")
        fresh.get(base_url + "en/agenda/day-1/?cg-now=2026-06-13T10:55:00%2B08:00")  # the other day
        assert not fresh.find_elements(By.CSS_SELECTOR, ".cg-grid .cg-now, .cg-grid .cg-next")
        assert not fresh.find_element(By.CSS_SELECTOR, ".cg-nownext").is_displayed()
    finally:
        fresh.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})


def test_no_request_leaves_the_site_and_diagrams_render(fresh, base_url):
    pages = ["zh/", "en/", "zh/agenda/day-1/", "en/agenda/rooms/", "zh/talks/s09/", "en/speakers/",
             "en/my-schedule/", "en/venue/", "en/articles/devtech/", "zh/articles/devtech/"]
    seen: list[str] = []
    for page in pages:
        fresh.get(base_url + page)
        if "articles" in page:
            # Material swaps each diagram for a rendered div; KaTeX turns each formula into .katex.
            wait(fresh, lambda d: d.find_elements(By.CSS_SELECTOR, "div.mermaid") and not d.find_elements(By.CSS_SELECTOR, "pre.mermaid"), 30)
            wait(fresh, lambda d: d.find_elements(By.CSS_SELECTOR, ".arithmatex .katex"), 20)
        else:
            time.sleep(0.3)
        entries = fresh.execute_script("return performance.getEntries().map(e => e.name)")
        seen += [e for e in entries if e.startswith("http")]
    seen += requested_urls(fresh)
    outside = sorted({u for u in seen if not (u.startswith(base_url) or u.startswith(("data:", "blob:")))})
    assert outside == []
    assert any(u.endswith("/vendor/mermaid/mermaid.min.js") for u in seen)
    assert any(u.endswith("/vendor/katex/katex.min.js") for u in seen)
    assert any(".woff2" in u for u in seen)  # KaTeX fonts from the site itself
    # Mermaid, KaTeX, the theme's and confgen's scripts all run under the Content-Security-Policy.
    assert csp_violations(fresh) == []


def test_service_worker_serves_the_agenda_offline(fresh, base_url):
    fresh.get(base_url + "en/agenda/day-1/")
    wait(fresh, lambda d: d.execute_script("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)")
         or d.refresh() or False, 20)
    fresh.execute_cdp_cmd("Network.enable", {})
    fresh.execute_cdp_cmd("Network.emulateNetworkConditions",
                          {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        fresh.get(base_url + "en/talks/s30/")  # never opened: precached at install
        assert "Day" not in fresh.title or fresh.find_element(By.TAG_NAME, "h1")
        assert fresh.find_element(By.CSS_SELECTOR, "dl.cg-facts")
    finally:
        fresh.execute_cdp_cmd("Network.emulateNetworkConditions",
                              {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    manifest = fresh.execute_async_script(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json()).then(arguments[0])")
    assert manifest["start_url"] == "./agenda/day-1/" and manifest["lang"] == "en"
    assert csp_violations(fresh) == []  # the service worker too


def test_axe_finds_no_serious_violation(fresh, base_url):
    source = axe_source()
    pages = ["zh/", "en/agenda/day-1/?cg-now=2026-06-12T10:55:00%2B08:00", "zh/agenda/day-2/", "en/agenda/rooms/", "zh/talks/s09/", "en/talks/s01/",
             "en/speakers/", "zh/speakers/zhang-wei/", "en/my-schedule/"]
    problems = {}
    for page in pages:
        fresh.get(base_url + page)
        fresh.execute_script(source)
        result = fresh.execute_async_script(
            "axe.run(document, {resultTypes: ['violations']}).then(r => arguments[0](r.violations.map("
            "v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))")
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        if bad:
            problems[page] = bad
    assert problems == {}
