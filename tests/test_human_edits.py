"""A person's text is kept, and the person is told when the facts under it moved: which ones, and
that the draft needs review. A draft whose front matter was deleted is used as a hand-written one."""

from __future__ import annotations

import subprocess
import sys

import lxml.html

from confgen.pipeline import drafting
from confgen.load.project import open_project


def confgen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "confgen", *args], capture_output=True, text=True, timeout=300)


def draft_offline(project_dir, only=("talks",)):
    work = drafting(open_project(project_dir), only=list(only), offline=True)
    return work.runner.run(work.jobs)


def move_k1(project_dir, old: str, new: str) -> None:
    conf = project_dir / "conference.yaml"
    text = conf.read_text("utf-8")
    assert f"start: 2026-06-12 {old}" in text
    conf.write_text(text.replace(f"start: 2026-06-12 {old}", f"start: 2026-06-12 {new}"), "utf-8")


def test_a_kept_draft_whose_session_moved_lists_the_changed_facts_and_needs_review(mini_project):
    draft_offline(mini_project)
    draft = mini_project / "content" / "talks" / "k1.en.md"
    edited = draft.read_text("utf-8") + "\nAn organizer's own closing line, at 09:00 sharp.\n"
    draft.write_text(edited, "utf-8")
    move_k1(mini_project, "09:00", "09:05")

    summary = draft_offline(mini_project)
    outcome = next(o for o in summary.outcomes if o.job.id == "talks/k1.en")
    assert outcome.status == "kept" and outcome.needs_review
    assert outcome.details == ["start: 2026-06-12T09:00:00 → 2026-06-12T09:05:00"]
    assert outcome in summary.review
    untouched = next(o for o in summary.outcomes if o.job.id == "talks/k1.zh")
    assert untouched.status == "drafted"  # not edited: redrafted with the new time
    assert draft.read_text("utf-8") == edited


def test_an_edit_with_unchanged_facts_is_kept_without_review(mini_project):
    draft_offline(mini_project)
    draft = mini_project / "content" / "talks" / "t1.en.md"
    draft.write_text(draft.read_text("utf-8") + "\nA line of my own.\n", "utf-8")
    summary = draft_offline(mini_project)
    outcome = next(o for o in summary.outcomes if o.job.id == "talks/t1.en")
    assert outcome.status == "kept" and not outcome.needs_review and outcome.details == []


def test_build_output_names_the_changed_facts_and_a_front_matter_less_draft_reaches_the_site(built_mini_project):
    k1 = built_mini_project / "content" / "talks" / "k1.en.md"
    k1.write_text(k1.read_text("utf-8") + "\nEdited: doors open at 09:00.\n", "utf-8")
    move_k1(built_mini_project, "09:00", "09:05")
    # Front matter deleted: the body alone stays, and it is what the page shows.
    t1 = built_mini_project / "content" / "talks" / "t1.en.md"
    t1.write_text("Written by hand without front matter: vLLM in production.\n", "utf-8")

    result = confgen("build", str(built_mini_project), "--offline")
    assert result.returncode == 0, result.stderr
    err = result.stderr
    assert "needs review talks/k1.en.md" in err
    kept_line = next(i for i, line in enumerate(err.splitlines()) if line.startswith("kept talks/k1.en.md"))
    assert err.splitlines()[kept_line + 1].strip() == "start: 2026-06-12T09:00:00 → 2026-06-12T09:05:00"
    assert "kept talks/t1.en.md: written by hand (no front matter): used as it is" in err
    page = lxml.html.fromstring((built_mini_project / "build" / "site" / "en" / "talks" / "t1" / "index.html").read_bytes())
    assert "Written by hand without front matter: vLLM in production." in page.text_content()
    assert t1.read_text("utf-8") == "Written by hand without front matter: vLLM in production.\n"
