"""The reference event built by both engines, MkDocs and Zensical: the same page paths, and on
Zensical the security pass (allow-list and policy) that MkDocs' hooks do, and Pagefind search."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from helpers import REFERENCE_SITE

pytestmark = pytest.mark.slow
HOSTILE = '\n\n<script>alert("cg-xss")</script><img src="x" onerror="alert(1)"> <a href="javascript:alert(2)">cg-link</a>\n'


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "confgen", "build", str(root), *args], capture_output=True, text=True,
                          timeout=280)


@pytest.fixture(scope="module")
def sites(tmp_path_factory, reference_build):
    """The reference project built by each engine: by MkDocs, the build every module that reads the
    reference site shares; by Zensical, once here, with hostile HTML in a talk's draft (a human
    edit) for its security pass to clean, from a copy of that build's project and state (drafts
    and cards are the engine's input, not its work)."""
    root = tmp_path_factory.mktemp("zensical") / "site"
    shutil.copytree(reference_build.root, root, ignore=shutil.ignore_patterns("build"))
    draft = root / "content" / "talks" / "s01.en.md"
    draft.write_text(draft.read_text("utf-8") + HOSTILE, "utf-8")
    result = build(root, "--engine", "zensical")
    assert result.returncode == 0, result.stderr
    return {"mkdocs": (reference_build.site, reference_build.stderr), "zensical": (root / "build" / "site", result.stderr)}


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html") if "/pagefind/" not in p.as_posix()}


def test_both_engines_give_the_same_page_paths(sites):
    mkdocs, zensical = pages(sites["mkdocs"][0]), pages(sites["zensical"][0])
    assert mkdocs == zensical, sorted(mkdocs ^ zensical)
    for rel in sorted(zensical):
        tree = lxml.html.fromstring((sites["zensical"][0] / rel).read_bytes())
        if rel != "index.html":
            assert tree.get("lang") == rel.split("/")[0], rel


def test_zensical_pages_are_cleaned_and_carry_the_policy(sites):
    site, stderr = sites["zensical"]
    assert "zensical runs no MkDocs hooks" in stderr  # what it cannot do is said in the build's output
    talk = lxml.html.fromstring((site / "en" / "talks" / "s01" / "index.html").read_bytes())
    assert "cg-link" in talk.text_content()  # the edit reached the page, as text or as cleaned markup
    assert not talk.xpath("//*[@onerror]") and not talk.xpath("//a[starts-with(@href, 'javascript:alert')]")
    assert not [s for s in talk.iter("script") if "cg-xss" in (s.text or "")]
    for page in (site / "zh").rglob("*.html"):
        if "/pagefind/" in page.as_posix():
            continue
        html = page.read_text("utf-8")
        assert html.count('http-equiv="Content-Security-Policy"') == 1, page
        assert ("'wasm-unsafe-eval'" in html) == (page.parent.name == "search"), page


def test_zensical_site_has_the_reader_features_and_search(sites):
    site = sites["zensical"][0]
    talk = lxml.html.fromstring((site / "en" / "talks" / "s09" / "index.html").read_bytes())
    switch = [a.get("href") for a in talk.xpath("//a[contains(@class, 'cg-lang-switch')]")]
    assert any(h.endswith("/zh/talks/s09/") for h in switch), switch
    assert talk.xpath("//button[contains(@class, 'cg-star')]") and (site / "en" / "talks" / "s09.ics").is_file()
    assert talk.xpath("//a[contains(@class, 'cg-search-link')]")
    scripts = [s.get("src") for s in talk.iter("script") if s.get("src")]
    assert scripts and not [s for s in scripts if s.startswith(("http:", "https:", "//"))], scripts
    for lang in ("zh", "en"):
        assert (site / lang / "pagefind" / "pagefind-entry.json").is_file()
        assert "pagefind/pagefind.js" in (site / lang / "sw.js").read_text("utf-8")


def test_an_unknown_engine_is_bad_input(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(REFERENCE_SITE, root, ignore=shutil.ignore_patterns("build", ".confgen", "content"))
    conf = root / "conference.yaml"
    conf.write_text(conf.read_text("utf-8").replace("\nsite:\n", "\nsite:\n  engine: hugo\n", 1), "utf-8")
    result = subprocess.run([sys.executable, "-m", "confgen", "validate", str(root)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "conference.yaml:" in result.stderr and "site.engine" in result.stderr, result.stderr
    conf.write_text(conf.read_text("utf-8").replace("  engine: hugo\n", "", 1), "utf-8")
    result = build(root, "--engine", "hugo")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--engine: unknown engine 'hugo'; choose one of mkdocs, zensical" in result.stderr, result.stderr
    assert not (root / "build" / "site").exists()  # nothing half-written
