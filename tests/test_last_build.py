"""The file of entries kept from the last build (confgen.last_build): what one build writes the next
reads back, and a file that is missing, cut short, of another format or unwritable costs only the
work again."""

from __future__ import annotations

from confgen import last_build


def test_what_one_build_writes_the_next_reads_back(tmp_path):
    path = tmp_path / "state" / "kept"
    assert last_build.read(path, "fmt-1") == {}  # no file yet
    entries = {b"key": ((("room", ("r1",), b"\x01"),), "<p>page</p>"), "other": [1, 2.5, None]}
    assert last_build.write(path, "fmt-1", entries)
    assert last_build.read(path, "fmt-1") == entries


def test_another_format_or_a_file_cut_short_reads_as_nothing_kept(tmp_path):
    path = tmp_path / "kept"
    assert last_build.write(path, "fmt-1", {"a": "b"})
    assert last_build.read(path, "fmt-2") == {}
    path.write_bytes(path.read_bytes()[:-3])
    assert last_build.read(path, "fmt-1") == {}
    path.write_bytes(b"not marshal data")
    assert last_build.read(path, "fmt-1") == {}


def test_a_value_marshal_cannot_hold_is_not_written(tmp_path):
    path = tmp_path / "kept"
    assert not last_build.write(path, "fmt-1", {"a": object()})
    assert not path.exists()


def test_a_place_that_cannot_be_written_keeps_nothing_and_says_so(tmp_path):
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    assert not last_build.write(blocker / "kept", "fmt-1", {"a": "b"})
