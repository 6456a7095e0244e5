"""Drafts are read once a run: the store that checked them serves the runner and the render (a file
changed since is read again), a written draft's front matter is in the memo for the next run, and
an offline redraft that comes out the same keeps the gates' verdict without running them."""

from __future__ import annotations

from pathlib import Path

from confgen.draft import store as store_module
from confgen.draft.drafters import OFFLINE
from confgen.draft.store import DraftStore, _front_matter
from confgen.draft.unchanged import same_offline_draft
from confgen.draft import fact_changes
from confgen.memo import Memo
from confgen.types import Job


def test_a_draft_read_by_the_check_is_not_read_again_unless_its_file_changed(tmp_path, monkeypatch):
    content = tmp_path / "content"
    writer = DraftStore(content)
    writer.write("talks/t1.en.md", {"kind": "talks", "key": "t1", "lang": "en"}, "First text.")
    store = DraftStore(content)
    assert "talks/t1.en" in store.load_all()
    reads: list[Path] = []
    real = store_module.read_text
    monkeypatch.setattr(store_module, "read_text", lambda path: reads.append(path) or real(path))
    assert store.read("talks/t1.en.md").body == "First text.\n"
    assert reads == []
    path = content / "talks" / "t1.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("First text.", "Edited by hand, longer."), encoding="utf-8")
    assert store.read("talks/t1.en.md").body == "Edited by hand, longer.\n"
    assert reads == [path]


def test_a_written_front_matter_is_in_the_memo_of_the_next_run(tmp_path, monkeypatch):
    memo_path = tmp_path / "memo"
    memo = Memo(memo_path)
    memo(_front_matter, "kind: x\n")  # a render step ran: the memo is loaded and will be saved
    DraftStore(tmp_path / "content", memo).write("talks/t1.en.md", {"kind": "talks", "key": "t1", "lang": "en",
                                                                     "facts": {"title": "A talk"}}, "Text.")
    memo.save()
    parsed: list[str] = []
    monkeypatch.setattr(store_module.yaml_read, "load", lambda text: parsed.append(text) or {})
    draft = DraftStore(tmp_path / "content", Memo(memo_path)).read("talks/t1.en.md")
    assert parsed == []  # from the memo, not parsed again
    assert draft.meta["facts"] == {"title": "A talk"} and draft.meta["kind"] == "talks" and not draft.edited


def test_only_an_unedited_offline_draft_with_the_same_text_and_facts_keeps_its_verdict(tmp_path):
    job = Job("articles", "devtech", "en", facts={"track": "Development"})
    store = DraftStore(tmp_path)
    meta = {"kind": "articles", "key": "devtech", "lang": "en", "provider": OFFLINE, "model": OFFLINE,
            "facts": fact_changes.snapshot(job.facts)}
    existing = store.write(job.path, meta, "The same guide.")
    assert same_offline_draft(existing, job, "The same guide.\n")
    assert not same_offline_draft(existing, job, "Another guide.")
    assert not same_offline_draft(existing, Job("articles", "devtech", "en", facts={"track": "Other"}), "The same guide.")
    assert not same_offline_draft(store.write(job.path, {**meta, "provider": "openai"}, "The same guide."), job, "The same guide.")
    assert not same_offline_draft(None, job, "The same guide.")
