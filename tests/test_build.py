"""The reference site built with the real `mkdocs build`, checked by parsing the built HTML."""

from __future__ import annotations

import json
import os
import posixpath
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import lxml.html
import pytest

from confgen.draft.store import parse
from confgen.model import tr
from confgen.load.project import open_project
from helpers import write_project

pytestmark = pytest.mark.slow  # started first, so that no worker is left alone with it at the end


def confgen(*args: str, timeout: int = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "confgen", *args], capture_output=True, text=True, timeout=timeout,
                          env=None if env is None else {**os.environ, **env})


@pytest.fixture(scope="module")
def built(reference_build):
    """The reference project built with --strict: not one mkdocs warning (shared, read-only)."""
    return reference_build.root


def html(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def test_committed_drafts_are_up_to_date(reference_build):
    """The reference site's drafts are committed: building a fresh copy of it (no cache) drafts
    nothing new."""
    assert "0 new" in reference_build.stderr, reference_build.stderr


def test_every_session_has_a_page_with_time_and_room_in_both_languages(built):
    conference = open_project(built).conference
    for session in conference.sessions:
        for lang in ("zh", "en"):
            page = built / "build" / "site" / lang / "talks" / session.id / "index.html"
            assert page.is_file(), page
            text = html(page).text_content()
            assert f"{session.start:%H:%M}–{session.end:%H:%M}" in text
            assert tr(conference.room(session.room).name, lang) in text
            assert tr(session.title, lang) in text
            assert html(page).get("lang", "").startswith(lang)


def test_language_switch_lands_on_the_same_page(built):
    site = built / "build" / "site"
    pages = [p for p in site.rglob("index.html") if p.parent != site]
    assert len(pages) > 200
    for page in pages:
        rel = page.relative_to(site)
        links = html(page).xpath('//a[contains(@class, "cg-lang-switch")]/@href')
        assert len(links) == 2, rel
        for href in links:
            target = posixpath.normpath(posixpath.join(str(rel.parent), href))
            target_path = site / target / "index.html"
            assert target_path.is_file(), (rel, href)
            assert target_path.relative_to(site).parts[1:] == rel.parts[1:]


def test_talk_and_speaker_pages_stay_out_of_the_nav_and_the_agenda_links_them(built):
    conference = open_project(built).conference
    day1 = html(built / "build" / "site" / "en" / "agenda" / "day-1" / "index.html")
    nav_links = day1.xpath('//nav[contains(@class, "md-nav--primary")]//a/@href')
    individual = re.compile(r"(talks|speakers)/[^/]+/?$")
    assert nav_links and not any(individual.search(h) for h in nav_links), nav_links
    agenda_links = set(day1.xpath('//div[contains(@class, "cg-agenda")]//a/@href'))
    day1_sessions = [s for s in conference.sessions if s.start.date() == conference.event.start_date]
    for session in day1_sessions:
        assert f"../../talks/{session.id}/" in agenda_links


def test_every_link_in_the_site_resolves(built):
    site = built / "build" / "site"
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue
        for href in html(page).xpath("//a/@href"):
            if href.startswith(("http:", "https:", "mailto:", "#", "javascript:", "data:")) or not href:
                continue
            path = href.split("#")[0].split("?")[0]
            if not path:
                continue
            target = (page.parent / path).resolve()
            assert target.exists() or (target / "index.html").exists(), f"{page.relative_to(site)} -> {href}"


def test_search_index_per_language_with_filters_and_no_chrome(built):
    from search_ui import fragments

    site = built / "build" / "site"
    assert not (site / "zh" / "search" / "search_index.json").exists()  # no lunr index for every page to load
    for lang in ("zh", "en"):
        entry = json.loads((site / lang / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
        assert list(entry["languages"]) == [lang]
        records = {r["url"]: r for r in fragments(site / lang)}
        assert not [u for u in records if u.startswith(("/brief/", "/search/", "/my-schedule/"))], sorted(records)
        talk = records["/talks/s09/"]
        assert len(talk["filters"]) == 4 and all(len(v) == 1 for v in talk["filters"].values()), talk["filters"]
        # Only the article is indexed: the navigation tabs and the footer are not in the text.
        assert ("议程" if lang == "zh" else "Agenda") not in talk["content"].split(".")[0]
        assert "Made with" not in talk["content"] and "Material for MkDocs" not in talk["content"]


def test_offline_drafts_say_so_on_the_page(built):
    text = html(built / "build" / "site" / "en" / "talks" / "s01" / "index.html").text_content()
    assert "drafted by confgen's offline drafter from the event data" in text


# -- drafts, human edits, --force ---------------------------------------------------------------


def test_human_edit_survives_a_rebuild_and_force_replaces_it(built_mini_project):
    draft = built_mini_project / "content" / "talks" / "t1.en.md"
    edited = draft.read_text("utf-8").replace("PagedAttention and batching explained.", "Edited by the organizer: PagedAttention.")
    draft.write_text(edited, "utf-8")
    # A fact changes, so the talk's draft is stale; the human edit must still win.
    conf = built_mini_project / "conference.yaml"
    conf.write_text(conf.read_text("utf-8").replace("Serving models with vLLM", "Serving LLMs with vLLM"), "utf-8")
    result = confgen("build", str(built_mini_project))
    assert result.returncode == 0, result.stderr
    assert "kept" in result.stderr and "talks/t1.en.md" in result.stderr
    assert draft.read_text("utf-8") == edited
    page = (built_mini_project / "build" / "site" / "en" / "talks" / "t1" / "index.html").read_text("utf-8")
    assert "Edited by the organizer" in page
    result = confgen("build", str(built_mini_project), "--force")
    assert result.returncode == 0
    assert "Edited by the organizer" not in draft.read_text("utf-8")
    assert "Serving LLMs with vLLM" in draft.read_text("utf-8")


def test_changing_one_abstract_redrafts_only_its_jobs(built_mini_project):
    before = {p: p.stat().st_mtime_ns for p in (built_mini_project / "content").rglob("*.md")}
    conf = built_mini_project / "conference.yaml"
    conf.write_text(conf.read_text("utf-8").replace("PagedAttention and batching explained.", "Continuous batching explained."), "utf-8")
    time.sleep(0.01)
    result = confgen("generate", str(built_mini_project))
    # The talk, and the offline article and question bank of its track, which read the abstracts.
    assert "5 new" in result.stderr, result.stderr
    changed = sorted(str(p.relative_to(built_mini_project / "content")) for p, m in before.items() if p.stat().st_mtime_ns != m)
    assert changed == ["articles/devtech.en.md", "articles/devtech.zh.md", "questions/devtech.en.md",
                       "questions/devtech.zh.md", "talks/t1.en.md"]


# -- plugins ------------------------------------------------------------------------------------

LOCAL_PLUGIN = '''
from confgen.api import ContentKind, Job, Page, hookimpl


class Social(ContentKind):
    name = "social"

    def plan(self, conference):
        for lang in ("zh", "en"):
            yield Job(self.name, "announce", lang, facts={"sessions": len(conference.sessions)})

    def offline(self, job, conference, templates):
        return f"SOCIAL-POST {job.lang}: {job.facts['sessions']} sessions"

    def pages(self, ctx):
        draft = ctx.draft(self.name, "announce")
        yield Page("social.md", ctx.lang, "Social", "# Social\\n\\n" + draft.body, nav=(), order=99)


@hookimpl
def confgen_content_kinds():
    return [Social()]
'''


def test_project_plugin_adds_a_content_kind_to_the_built_site(mini_project):
    (mini_project / "plugins").mkdir()
    (mini_project / "plugins" / "social.py").write_text(LOCAL_PLUGIN, "utf-8")
    result = confgen("plugins", str(mini_project))
    assert result.returncode == 0 and "project:social" in result.stdout and "social" in result.stdout
    result = confgen("build", str(mini_project))
    assert result.returncode == 0, result.stderr
    page = (mini_project / "build" / "site" / "zh" / "social" / "index.html").read_text("utf-8")
    assert "SOCIAL-POST zh: 3 sessions" in page
    nav = html(mini_project / "build" / "site" / "en" / "index.html").xpath('//nav//a/@href')
    assert any("social" in h for h in nav)


def test_a_rebuild_takes_sanitized_text_and_front_matter_from_the_core_s_memo_and_redoes_what_changed(built_mini_project):
    """The core keeps an abstract's Markdown as HTML and a draft's front matter in .confgen/memo: a
    rebuild uses the kept HTML (a planted entry shows, cleaned again), and an edited abstract is
    rendered anew."""
    import marshal

    mini_project = built_mini_project  # as a first build left it
    memo = mini_project / ".confgen" / "memo"
    page = mini_project / "build" / "site" / "en" / "talks" / "t1" / "index.html"
    fmt, entries = marshal.loads(memo.read_bytes())
    fronts = [v for v in entries.values() if isinstance(v, dict) and v.get("kind") == "talks"]
    assert len(fronts) >= 6  # a front matter for each talk page's draft, in each language
    abstract = [k for k, v in entries.items() if isinstance(v, str) and "PagedAttention and batching explained." in v]
    assert len(abstract) == 1
    entries[abstract[0]] = '<p>KEPT FROM THE LAST BUILD</p><script>alert(1)</script>'
    memo.write_bytes(marshal.dumps((fmt, entries)))
    assert confgen("build", str(mini_project)).returncode == 0
    text = page.read_text("utf-8")
    assert "KEPT FROM THE LAST BUILD" in text and "alert(1)" not in text
    conference = mini_project / "conference.yaml"
    conference.write_text(conference.read_text("utf-8").replace("PagedAttention and batching explained.",
                                                                "PagedAttention and batching revisited."), "utf-8")
    assert confgen("build", str(mini_project)).returncode == 0
    text = page.read_text("utf-8")
    assert "PagedAttention and batching revisited." in text and "KEPT FROM THE LAST BUILD" not in text
    _, entries = marshal.loads(memo.read_bytes())
    assert not any(isinstance(v, str) and "KEPT FROM THE LAST BUILD" in v for v in entries.values())  # only what was used is kept


def test_broken_project_plugin_is_a_clear_error(mini_project):
    (mini_project / "plugins").mkdir()
    (mini_project / "plugins" / "bad.py").write_text("import does_not_exist\n", "utf-8")
    result = confgen("build", str(mini_project))
    assert result.returncode == 2 and "bad.py" in result.stderr and "Traceback" not in result.stderr


FAILING_PLUGINS = {
    "render": '''
from confgen.api import ContentKind, hookimpl


class Failing(ContentKind):
    name = "failing"

    def pages(self, ctx):
        if ctx.lang == "en":
            raise ValueError("no English today")
        return ()


@hookimpl
def confgen_content_kinds():
    return [Failing()]
''',
    "mkdocs": '''
from confgen.api import hookimpl


@hookimpl
def confgen_mkdocs_config(conference, lang, config):
    if lang == "en":  # a menu entry for a page that does not exist: a warning, fatal with --strict
        config["nav"].append({"Missing": "missing.md"})
''',
}


@pytest.mark.parametrize("where", ["render", "mkdocs"])
def test_a_build_failing_in_one_language_leaves_the_last_good_site_of_both_in_place(built_mini_project, where):
    """Chinese starts building while English still renders; if English then fails (a plugin bug in
    render, or mkdocs --strict), neither language's site may be replaced by a half of the new one."""
    site = built_mini_project / "build" / "site"
    before = {p: p.read_bytes() for p in site.rglob("*.html")}
    (built_mini_project / "plugins").mkdir()
    (built_mini_project / "plugins" / "failing.py").write_text(FAILING_PLUGINS[where], "utf-8")
    conf = built_mini_project / "conference.yaml"
    conf.write_text(conf.read_text("utf-8").replace("en: Hands-on RAG}", "en: Hands-on RAG (revised)}"), "utf-8")
    result = confgen("build", str(built_mini_project), "--strict")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    if where == "render":
        assert "content kind 'failing' failed to render its en pages: ValueError: no English today" in result.stderr
        assert "failing.py:10" in result.stderr
    else:
        assert "mkdocs build failed" in result.stderr and "missing.md" in result.stderr
    assert {p: p.read_bytes() for p in site.rglob("*.html")} == before


@pytest.mark.parametrize("failure", ["broken plugin", "unknown option"])
def test_a_build_that_fails_before_mkdocs_leaves_no_mkdocs_process_behind(mini_project, failure):
    """mkdocs starts loading before the command line is even parsed; a build that stops early
    (in the project, or on its own command line) must stop it."""
    import psutil

    args = ["build", str(mini_project)]
    if failure == "broken plugin":
        (mini_project / "plugins").mkdir()
        (mini_project / "plugins" / "bad.py").write_text("import does_not_exist\n", "utf-8")
    else:
        args.append("--no-such-option")
    # The workers inherit this mark from the build: other builds on the machine are not ours to count.
    mark = {"CONFGEN_TEST_BUILD": uuid.uuid4().hex}
    result = confgen(*args, env=mark)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    # Checked at once: left alone, a worker would end by itself once loaded, hiding the leak.
    left = [p for p in psutil.process_iter(["cmdline"])
            if "confgen.sitebuild.mkdocs_worker" in (p.info["cmdline"] or []) and _environ(p).items() >= mark.items()
            and p.status() != psutil.STATUS_ZOMBIE]
    assert left == []


def _environ(process) -> dict[str, str]:
    import psutil

    try:
        return process.environ()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return {}


def test_template_override_from_the_project(mini_project):
    (mini_project / "templates" / "offline").mkdir(parents=True)
    (mini_project / "templates" / "offline" / "faq.en.md.j2").write_text("OVERRIDDEN FAQ for {{ facts.event }}\n", "utf-8")
    assert confgen("build", str(mini_project)).returncode == 0
    assert "OVERRIDDEN FAQ for Test DevCon" in (mini_project / "content" / "faq" / "faq.en.md").read_text("utf-8")


# -- interrupted runs ---------------------------------------------------------------------------


def test_killed_build_leaves_no_half_written_file_and_resumes(tmp_path):
    from bench.synthetic import write

    project = tmp_path / "big"
    project.mkdir()
    # Big enough that 200 drafts are a fraction of the run (the check after `generate` says so).
    write(project / "conference.yaml", sessions=120, rooms=20, speakers=60)
    process = subprocess.Popen([sys.executable, "-m", "confgen", "build", str(project)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    content = project / "content"
    while time.time() < deadline:
        if content.exists() and len(list(content.rglob("*.md"))) >= 200:
            break
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    drafts = list((project / "content").rglob("*.md"))
    assert 0 < len(drafts), "the build was killed before it wrote anything"
    for path in drafts:
        draft = parse(path.read_text("utf-8"), str(path))
        assert draft.meta.get("kind") and not draft.edited, path
    before = {p: p.stat().st_mtime_ns for p in drafts}
    result = confgen("generate", str(project))
    assert result.returncode == 0, result.stderr
    assert f"{len(drafts)} up to date" in result.stderr
    assert int(re.search(r"drafts: (\d+) new", result.stderr).group(1)) > 0, "the build was killed after drafting"
    assert all(p.stat().st_mtime_ns == m for p, m in before.items()), "finished drafts were redone"
    assert not list(project.rglob("*.confgen-tmp"))
