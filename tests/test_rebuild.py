"""Rebuilds redo only what changed: after an edit, only the pages that show it are written again
(the others keep their files, mtime and all), and the site is the one a clean build of the edited
project makes: same pages, same HTML, same sitemap, same search index; a removed talk's page is
gone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from confgen import pipeline

#: Written by MkDocs at every build, whatever changed.
ALWAYS = {"sitemap.xml", "sitemap.xml.gz", "404.html", "sw.js"}


def always(path: str) -> bool:
    """Files every build writes anew: the sitemaps, the 404 page, and the search index, which
    Pagefind makes whole over the built site (with the worker that names its version)."""
    inside = path.split("/", 1)[-1]
    return inside in ALWAYS or inside.startswith("pagefind/")


def build(project: Path, strict: bool = False) -> None:
    pipeline.build(project, offline=True, strict=strict)


def files(site: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(site)): (p.stat().st_mtime_ns, p.read_bytes()) for p in site.rglob("*") if p.is_file()}


def rewritten(before: dict, after: dict) -> set[str]:
    """Pages (by language and path) whose file was written again, sitemaps and search indexes aside."""
    return {path for path in after if path in before and after[path][0] != before[path][0]
            and not always(path)}


def search_docs(site: Path, lang: str) -> list[str]:
    from search_ui import fragments

    return sorted(json.dumps(record, sort_keys=True, ensure_ascii=False) for record in fragments(site / lang))


def assert_same_as_clean_build(project: Path, tmp_path: Path) -> None:
    """The rebuilt site against a clean build of a copy of the same project (drafts included)."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("build", ".confgen"))
    build(clean)
    ours, theirs = project / "build" / "site", clean / "build" / "site"
    # Pagefind's files are named by hashes of an index whose page order follows the order the
    # file system lists the pages in, so their records are compared instead (search_docs).
    def listed(site: Path) -> set[Path]:
        return {p.relative_to(site) for p in site.rglob("*") if p.is_file() and "pagefind" not in p.relative_to(site).parts}

    ours_files = listed(ours)
    assert ours_files == listed(theirs)
    for rel in sorted(ours_files):
        if rel.suffix == ".html" or rel.name == "sitemap.xml":
            mine = (ours / rel).read_text(encoding="utf-8").replace(str(project), "PROJECT")
            assert mine == (theirs / rel).read_text(encoding="utf-8").replace(str(clean), "PROJECT"), rel
    for lang in ("zh", "en"):
        assert search_docs(ours, lang) == search_docs(theirs, lang)


def edit(project: Path, old: str, new: str) -> None:
    path = project / "conference.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edited_abstract_rewrites_only_its_talk_pages(mini_project, tmp_path):
    build(mini_project)
    site = mini_project / "build" / "site"
    before = files(site)
    edit(mini_project, "en: PagedAttention and batching explained.", "en: PagedAttention and batching with speculative decoding.")
    build(mini_project, strict=True)  # a rebuild of what changed gives MkDocs nothing to warn about
    after = files(site)
    # Only the English page of the talk shows its English abstract; nothing else was written.
    assert rewritten(before, after) == {"en/talks/t1/index.html"}
    assert "speculative decoding" in after["en/talks/t1/index.html"][1].decode()
    unchanged = [path for path in after if path in before and after[path][1] == before[path][1]]
    assert len(unchanged) > 100
    for path in unchanged:  # same content, same file: MkDocs' dirty build skipped it
        if not always(path) and path != "index.html":
            assert after[path][0] == before[path][0], path
    assert_same_as_clean_build(mini_project, tmp_path)


def test_a_retitled_talk_redoes_every_page_that_lists_it_and_a_removed_one_is_gone(mini_project, tmp_path):
    build(mini_project)
    site = mini_project / "build" / "site"
    before = files(site)
    edit(mini_project, "en: Serving models with vLLM", "en: Serving models with vLLM and SGLang")
    build(mini_project)
    after = files(site)
    changed = rewritten(before, after)
    # The talk's own page, and those listing it: its day, room, track and speaker, and the agenda.
    assert {"en/talks/t1/index.html", "en/speakers/wang-lei/index.html"} <= changed
    listing = {path for path in after if path.startswith("en/") and path.endswith(".html")
               and "Serving models with vLLM and SGLang" in after[path][1].decode()}
    assert listing <= changed | {"en/404.html"}
    assert len(listing) >= 4, listing
    assert not any(path.startswith("zh/") for path in changed)  # the Chinese title did not change
    assert "en/speakers/li-na/index.html" not in changed
    assert_same_as_clean_build(mini_project, tmp_path)

    # A removed talk: its pages are gone, from the site, the sitemap and the search index.
    text = (mini_project / "conference.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: t1\n")
    end = text.index("  - id: w1\n")
    (mini_project / "conference.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    before = files(site)
    build(mini_project)
    after = files(site)
    assert "en/talks/t1/index.html" not in after and "zh/talks/t1/index.html" not in after
    assert not (site / "en" / "talks" / "t1").exists()
    assert "talks/t1/" not in (site / "en" / "sitemap.xml").read_text(encoding="utf-8")
    assert not [doc for doc in search_docs(site, "en") if '"url": "/talks/t1/"' in doc]
    assert after["en/speakers/li-na/index.html"][0] == before["en/speakers/li-na/index.html"][0]
    assert_same_as_clean_build(mini_project, tmp_path)
