"""Reusable browser fixtures: serve a folder on 127.0.0.1 in a thread and drive headless Debian
Chromium through selenium, with performance logs on so a test can list every request a page made.

    from browser import serve, chrome       # or: pytest_plugins = ["tests.browser"]

    with serve(folder) as base_url, chrome() as driver:
        driver.get(base_url + "en/")

conftest.py offers this module's ``driver`` and ``base_url`` fixtures to every test module: one
Chromium and one server (of the module's own ``built_site`` fixture) for all of a module's tests.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import subprocess
import tarfile
import threading
from pathlib import Path
from typing import Iterator

import pytest
from filelock import FileLock

CHROME_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-dev-shm-usage", "--disable-extensions", "--disable-component-update")
INSTALL_HINT = "apt-get update && apt-get install -y chromium chromium-driver"
AXE_DIR = Path(__file__).parent / "artifacts" / "axe-core"
AXE_INSTALL = "npm pack axe-core@4 --pack-destination tests/artifacts/axe-core && tar xzf tests/artifacts/axe-core/axe-core-*.tgz -C tests/artifacts/axe-core"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".ics": "text/calendar", ".webmanifest": "application/manifest+json", ".js": "text/javascript"}

    def log_message(self, format, *args):  # noqa: A002 - keep test output clean
        pass


@contextlib.contextmanager
def serve(folder: Path | str) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 (a free port) and yield its base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def chrome_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@contextlib.contextmanager
def chrome(width: int = 1280, height: int = 900, download_dir: Path | None = None) -> Iterator["object"]:
    """A headless Chromium driven by selenium. Fails (never skips) when Chromium is missing, so a
    machine without it cannot pass the browser tests by accident."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = chrome_binary(), shutil.which("chromedriver")
    if not binary or not driver_path:
        pytest.fail(f"headless Chromium is needed for the browser tests; install it with: {INSTALL_HINT}")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    if download_dir is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                                  "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver) -> list[str]:
    """Every URL the browser asked for since the last call (from Chrome's performance log), so a
    request that failed or was blocked still shows up."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def set_viewport(driver, width: int, height: int) -> None:
    """Emulate a device width exactly (window sizes include browser chrome; this does not)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


@pytest.fixture(scope="module")
def browser():
    with chrome() as driver:
        yield driver


@pytest.fixture(scope="module")
def driver():
    """One headless Chromium for all of a module's tests."""
    with chrome() as d:
        yield d


@pytest.fixture(scope="module")
def base_url(built_site):
    """The module's ``built_site`` fixture served on 127.0.0.1, for all of its tests."""
    with serve(built_site) as url:
        yield url


def blank_slate(driver, base_url: str, width: int, height: int):
    """The module's browser as a first-time visitor's: nothing starred or filtered (localStorage is
    per origin, so cleared from a page of the site), empty performance and console logs, and the
    viewport given."""
    driver.get(base_url + "en/404.html")
    driver.execute_script("localStorage.clear()")
    requested_urls(driver)
    driver.get_log("browser")
    set_viewport(driver, width, height)
    return driver


def axe_source() -> str:
    """axe-core from npm, unpacked under tests/artifacts (git-ignored); fetched once if missing
    (under a lock: two test processes may both need it on a fresh clone)."""
    candidates = [AXE_DIR / "axe.min.js", AXE_DIR / "package" / "axe.min.js"]
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    with FileLock(AXE_DIR / ".fetch.lock"):
        if not any(p.is_file() for p in candidates) and shutil.which("npm"):
            done = subprocess.run(["npm", "pack", "axe-core@4", "--pack-destination", str(AXE_DIR)], capture_output=True,
                                  text=True, timeout=120)
            for tgz in AXE_DIR.glob("axe-core-*.tgz") if done.returncode == 0 else ():
                with tarfile.open(tgz) as archive:
                    archive.extractall(AXE_DIR, filter="data")
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    pytest.fail(f"axe-core is needed for the accessibility test; install it with: {AXE_INSTALL}")
