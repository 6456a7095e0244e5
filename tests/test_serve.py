"""serve: the preview answers on 127.0.0.1, rebuilds after an edit, and keeps the last good
site online when an edit breaks the project."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from confgen.commands.init import create_project
from confgen.commands.serve import Preview


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.fixture
def preview(tmp_path: Path):
    root = tmp_path / "conf"
    create_project(root, lang="en")
    lines: list[str] = []
    server = Preview(root, port=0, interval=0.2, log=lines.append)
    server.lines = lines
    assert server.build(), lines
    server.start()
    yield server
    server.stop()


def test_serves_and_rebuilds_after_edits(preview):
    assert preview.url.startswith("http://127.0.0.1:")
    assert "My Developer Conference" in fetch(preview.url)
    conference = preview.root / "conference.yaml"
    text = conference.read_text(encoding="utf-8")

    conference.write_text(text.replace("en: My Developer Conference", "en: Renamed Conference"), encoding="utf-8")
    wait_for(lambda: preview.builds >= 2)
    assert "Renamed Conference" in fetch(preview.url)

    # a broken edit: reported, and the last good site is still served
    conference.write_text(text.replace("capacity: 300", "capacity: -1"), encoding="utf-8")
    wait_for(lambda: preview.failures >= 1)
    assert "capacity" in preview.last_error
    assert "Renamed Conference" in fetch(preview.url)

    # a hand-edited draft is a change too
    conference.write_text(text, encoding="utf-8")
    wait_for(lambda: preview.builds >= 3)
    draft = next((preview.root / "content").rglob("*.en.md"))
    draft.write_text(draft.read_text(encoding="utf-8") + "\nA line added by hand.\n", encoding="utf-8")
    wait_for(lambda: preview.builds >= 4)
    assert any("changed: content/" in line for line in preview.lines)


def test_a_rebuild_after_an_edit_writes_only_the_pages_that_show_it(preview):
    site = preview.root / "build" / "site"
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*.html")}
    conference = preview.root / "conference.yaml"
    text = conference.read_text(encoding="utf-8")
    edited = "en: The opening of the day, and the tools we will try together."
    conference.write_text(text.replace("en: The opening of the day and what we will explore together.", edited),
                          encoding="utf-8")
    wait_for(lambda: preview.builds >= 2)
    assert "the tools we will try together" in fetch(preview.url + "en/talks/opening/")
    after = {p: p.stat().st_mtime_ns for p in site.rglob("*.html")}
    assert set(after) == set(before)
    written = {str(p.relative_to(site)) for p in after if after[p] != before[p]}
    assert written == {"en/talks/opening/index.html", "en/404.html", "zh/404.html"}


def test_serve_builds_with_the_engine_it_is_given(tmp_path):
    pytest.importorskip("zensical", reason="the zensical extra is not installed")
    root = tmp_path / "conf"
    create_project(root, lang="en")
    lines: list[str] = []
    server = Preview(root, port=0, interval=0.2, log=lines.append, engine="zensical")
    assert server.build(), lines
    server.start()
    try:
        assert (root / "build" / "en" / "zensical.yml").is_file()  # what Zensical built from
        assert (root / "build" / "site" / "en" / "assets" / "stylesheets" / "modern").is_dir()  # Zensical's own theme
        assert any("zensical runs no MkDocs hooks" in line for line in lines)  # its limits are told here too
        conference = root / "conference.yaml"
        text = conference.read_text(encoding="utf-8")
        conference.write_text(text.replace("en: The opening of the day and what we will explore together.",
                                           "en: The opening of the day, with zensical."), encoding="utf-8")
        wait_for(lambda: server.builds >= 2)
        assert "with zensical" in fetch(server.url + "en/talks/opening/")
    finally:
        server.stop()


def test_serve_refuses_an_unknown_engine(tmp_path):
    root = tmp_path / "conf"
    create_project(root, lang="en")
    result = subprocess.run([sys.executable, "-m", "confgen", "serve", str(root), "--port", "0", "--engine", "hugo"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--engine: unknown engine 'hugo'; choose one of mkdocs, zensical" in result.stderr, result.stderr
    assert not (root / "build" / "site" / "en").exists()
