"""confgen.draft.store: draft files (front matter + Markdown) read, written and read back; every bad
file an InputError naming the file and line."""

from __future__ import annotations

import os

import pytest

from confgen.draft.store import MAX_DRAFT_BYTES, DraftStore, hand_written, parse, read_text, serialize
from confgen.errors import InputError
from confgen.types import Draft


def test_front_matter_and_body_are_split_and_text_without_front_matter_is_all_body():
    draft = parse("---\nkind: talks\nkey: t1\nlang: en\n---\n# Title\n\nText.\n", "x.md")
    assert draft.meta == {"kind": "talks", "key": "t1", "lang": "en"} and draft.body == "# Title\n\nText.\n"
    assert parse("# Only text\n", "y.md") == Draft("y.md", {}, "# Only text\n")


@pytest.mark.parametrize("text, where", [
    ("---\nkind: talks\n# no closing fence\n", "d.md:1: front matter starts with --- but never ends"),
    ("---\nkind: talks\nkey: [unclosed\n---\nbody\n", "d.md:3"),  # the YAML's line 2 is the file's line 3
    ("---\n- a list\n---\nbody\n", "d.md:2: front matter must be a mapping"),
])
def test_a_bad_front_matter_names_the_file_and_its_line(text, where):
    with pytest.raises(InputError) as caught:
        parse(text, "d.md")
    assert str(caught.value).startswith(where), caught.value


def test_what_is_written_reads_back_with_its_keys_in_order_and_a_hash_of_its_body(tmp_path):
    store = DraftStore(tmp_path)
    meta = {"facts": {"b": 1}, "lang": "en", "kind": "talks", "key": "t1", "extra": True}
    written = store.write("talks/t1.en.md", meta, "  Body text.\n\n")
    text = (tmp_path / "talks" / "t1.en.md").read_text("utf-8")
    assert text.startswith("---\nkind: talks\nkey: t1\nlang: en\n") and text.endswith("---\nBody text.\n")
    again = DraftStore(tmp_path).read("talks/t1.en.md")
    assert again.meta == written.meta and again.body == "Body text.\n" and again.meta["written_hash"]
    assert list(again.meta)[:4] == ["kind", "key", "lang", "written_hash"]
    assert serialize(again.meta, again.body) == text


def test_a_file_changed_since_it_was_read_is_read_again(tmp_path):
    store = DraftStore(tmp_path)
    store.write("faq/all.en.md", {"kind": "faq", "key": "all", "lang": "en"}, "One.")
    path = tmp_path / "faq" / "all.en.md"
    path.write_text(path.read_text("utf-8").replace("One.", "Two, longer."), "utf-8")
    os.utime(path, ns=(1, 1))
    assert store.read("faq/all.en.md").body == "Two, longer.\n"
    assert store.read("faq/missing.en.md") is None


def test_a_draft_without_front_matter_is_a_person_s_text_for_the_job_its_path_names():
    draft = hand_written(Draft("p", {}, "text"), "talks/t1.zh.md")
    assert draft.meta == {"kind": "talks", "key": "t1", "lang": "zh", "hand_written": True}
    assert hand_written(Draft("p", {}, "text"), "notes.md").meta == {}  # no kind/key.lang: not a draft of a job
    assert hand_written(Draft("p", {}, "text"), "talks/t1.fr.md").meta == {}


def test_load_all_gives_drafts_by_job_id_and_refuses_a_folder_named_like_a_draft(tmp_path):
    store = DraftStore(tmp_path)
    store.write("talks/t1.en.md", {"kind": "talks", "key": "t1", "lang": "en"}, "A.")
    (tmp_path / "talks" / "t2.zh.md").write_text("Hand written.\n", "utf-8")
    (tmp_path / "talks" / "readme.txt").write_text("not a draft", "utf-8")
    assert sorted(DraftStore(tmp_path).load_all()) == ["talks/t1.en", "talks/t2.zh"]
    (tmp_path / "talks" / "t3.en.md").mkdir()
    with pytest.raises(InputError, match=r"t3\.en\.md:1: a folder where a draft file should be"):
        DraftStore(tmp_path).load_all()


def test_unreadable_drafts_are_input_errors_naming_the_file(tmp_path):
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * (MAX_DRAFT_BYTES + 1))
    with pytest.raises(InputError, match=r"big\.md:1: larger than"):
        read_text(big)
    latin = tmp_path / "latin.md"
    latin.write_bytes("---\nkey: caf".encode() + b"\xe9\n---\n")
    with pytest.raises(InputError, match=r"latin\.md:2:9: not UTF-8"):
        read_text(latin)
    loop = tmp_path / "loop.md"
    loop.symlink_to(loop)
    with pytest.raises(InputError, match=r"loop\.md:1: a symbolic link that leads nowhere"):
        read_text(loop)
    with pytest.raises(FileNotFoundError):
        read_text(tmp_path / "not-yet.md")
