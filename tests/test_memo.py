"""The memo of pure render steps: kept between builds, never served for a changed input or step."""

from __future__ import annotations

import datetime as dt
import importlib
import sys

import pytest

from confgen.memo import Memo, pure

calls: list[tuple] = []


@pure()
def shout(text: str) -> str:
    calls.append((text,))
    return text.upper()


@pure()
def today(_: str) -> dt.date:
    calls.append(("today",))
    return dt.date(2026, 6, 12)


@pytest.fixture(autouse=True)
def no_calls():
    calls.clear()


def test_a_second_build_reads_what_the_first_computed(tmp_path):
    first = Memo(tmp_path / "memo")
    assert first(shout, "hello") == "HELLO"
    first.save()
    second = Memo(tmp_path / "memo")
    assert second(shout, "hello") == "HELLO"
    assert calls == [("hello",)]


def test_a_changed_argument_is_computed_again(tmp_path):
    first = Memo(tmp_path / "memo")
    first(shout, "hello")
    first.save()
    assert Memo(tmp_path / "memo")(shout, "hello!") == "HELLO!"
    assert calls == [("hello",), ("hello!",)]


def test_the_file_keeps_only_what_the_last_build_used_and_is_not_rewritten_when_that_is_unchanged(tmp_path):
    path = tmp_path / "memo"
    first = Memo(path)
    first(shout, "a")
    first(shout, "b")
    first.save()
    second = Memo(path)
    second(shout, "a")
    second(shout, "b")
    stamp = path.stat().st_mtime_ns
    second.save()
    assert path.stat().st_mtime_ns == stamp
    third = Memo(path)
    third(shout, "b")
    third.save()
    calls.clear()
    fourth = Memo(path)
    fourth(shout, "a")
    fourth(shout, "b")
    assert calls == [("a",)]


def test_a_step_not_declared_pure_is_refused(tmp_path):
    with pytest.raises(TypeError, match="not declared @pure"):
        Memo(tmp_path / "memo")(str.upper, "x")


def test_steps_whose_state_no_key_would_hold_are_refused(tmp_path):
    prefix = "p-"
    with pytest.raises(TypeError, match="enclosing function"):
        @pure()
        def with_closure(text):
            return prefix + text

    class Kind:
        @pure()
        def step(self, text):
            return text

    with pytest.raises(TypeError, match="bound method"):
        Memo(tmp_path / "memo")(Kind().step, "x")


def test_a_step_without_source_to_key_it_by_always_runs(tmp_path):
    namespace: dict = {}
    exec("from confgen.memo import pure\n@pure()\ndef step(text):\n    return text * 2\n", namespace)  # no file
    memo = Memo(tmp_path / "memo")
    assert memo(namespace["step"], "ab") == "abab"
    memo.save()
    assert not (tmp_path / "memo").exists()


def test_a_memo_on_a_read_only_disk_costs_only_the_work(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("", "utf-8")
    memo = Memo(blocked / "memo")  # its folder is a file: nothing can be read or written there
    assert memo(shout, "x") == "X"
    memo.save()


def test_a_result_the_file_cannot_hold_is_returned_but_not_kept(tmp_path):
    memo = Memo(tmp_path / "memo")
    assert memo(today, "x") == dt.date(2026, 6, 12)
    memo(shout, "y")
    memo.save()
    calls.clear()
    again = Memo(tmp_path / "memo")
    again(today, "x")
    again(shout, "y")
    assert calls == [("today",)]


@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"\xe3\x01\x02"])
def test_a_damaged_file_only_costs_the_work_again(tmp_path, content):
    (tmp_path / "memo").write_bytes(content)
    memo = Memo(tmp_path / "memo")
    assert memo(shout, "ok") == "OK"
    memo.save()
    assert Memo(tmp_path / "memo")(shout, "ok") == "OK"
    assert calls == [("ok",)]


def test_editing_the_step_s_module_discards_its_old_results(tmp_path, monkeypatch):
    module = tmp_path / "memo_step_module.py"
    module.write_text("from confgen.memo import pure\n\n@pure()\ndef step(text):\n    return text + '-v1'\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # same size, same second: a .pyc would look fresh
    import memo_step_module

    memo = Memo(tmp_path / "memo")
    assert memo(memo_step_module.step, "x") == "x-v1"
    memo.save()
    module.write_text(module.read_text("utf-8").replace("-v1", "-v2"), "utf-8")
    del sys.modules["memo_step_module"]
    importlib.invalidate_caches()
    import memo_step_module as edited

    assert Memo(tmp_path / "memo")(edited.step, "x") == "x-v2"


def test_html_from_a_tampered_memo_file_is_still_sanitized(tmp_path):
    import marshal

    from confgen.render.sanitize import untrusted_markdown

    memo = Memo(tmp_path / "memo")
    untrusted_markdown("A *plain* abstract.", memo)
    memo.save()
    fmt, entries = marshal.loads((tmp_path / "memo").read_bytes())
    evil = '<script>alert(1)</script><a href="https://evil.example" onclick="x()">click</a><p>kept</p>'
    (tmp_path / "memo").write_bytes(marshal.dumps((fmt, {key: evil for key in entries})))
    html = untrusted_markdown("A *plain* abstract.", Memo(tmp_path / "memo"))
    assert "kept" in html, "the tampered entry was not the one read"
    assert "<script" not in html and "onclick" not in html and "href" not in html and "evil.example" not in html


def test_a_memo_with_no_project_keeps_nothing_and_runs_every_step():
    from confgen.memo import NO_MEMO

    assert NO_MEMO(shout, "a") == "A" and Memo()(shout, "a") == "A"
    NO_MEMO.put(shout, "KEPT", "b")
    assert NO_MEMO(shout, "b") == "B"
    assert calls == [("a",), ("a",), ("b",)]
    with pytest.raises(TypeError, match="not declared @pure"):
        NO_MEMO(str.upper, "x")  # a step that is no step is refused all the same


def test_the_plugin_api_does_not_offer_the_memo():
    import confgen.api as api

    assert not {"Memo", "pure"} & set(api.__all__)
    assert not hasattr(api, "Memo") and not hasattr(api, "pure")
