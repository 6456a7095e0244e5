"""Driving the site's Pagefind search in Chromium, and reading a built Pagefind index in Python.
Import it as ``search_ui`` (tests import their sibling modules by name)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

#: Result links of Pagefind's interface, read in one script call so none goes stale mid-read.
READ_RESULTS = "return [...document.querySelectorAll('.pagefind-ui__result-link')].map(a => a.href)"


def search(driver, base_url: str, lang: str, query: str, expected: str, timeout: int = 20) -> list[str]:
    """Open the search page from a page's header, type ``query`` and wait until a result's link
    contains ``expected``; the result links."""
    driver.get(base_url + f"{lang}/")
    driver.find_element(By.CSS_SELECTOR, "a.cg-search-link").click()
    box = WebDriverWait(driver, timeout).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input.pagefind-ui__search-input")))
    box.send_keys(query)
    try:
        WebDriverWait(driver, timeout).until(lambda d: any(expected in h for h in d.execute_script(READ_RESULTS)))
    finally:
        hrefs = driver.execute_script(READ_RESULTS)
    return hrefs


def fragments(site_lang: Path) -> list[dict]:
    """Every page record of a language's index: url, content (the indexed text), filters, meta."""
    records = []
    for path in sorted((site_lang / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        records.append(json.loads(data[len(b"pagefind_dcd"):]))
    return records
