"""confgen.load.yaml_read: untrusted YAML to plain data with the line of every value, under limits,
every failure a YamlProblem with its line (and column where one is known)."""

from __future__ import annotations

import datetime as dt

import pytest

from confgen.load import yaml_read
from confgen.load.yaml_read import YamlProblem, decode, load, parse


def problem(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as caught:
        parse(text)
    return caught.value


def test_every_path_has_the_line_of_its_key_or_item():
    data, lines = parse("event:\n  name: X\n  days:\n    - 2026-06-12\n    - 2026-06-13\nrooms: []\n")
    assert data == {"event": {"name": "X", "days": [dt.date(2026, 6, 12), dt.date(2026, 6, 13)]}, "rooms": []}
    assert lines[("event",)] == 1 and lines[("event", "name")] == 2
    assert lines[("event", "days", 0)] == 4 and lines[("event", "days", 1)] == 5 and lines[("rooms",)] == 6


def test_the_fast_path_for_front_matter_gives_what_parse_gives():
    text = "kind: talks\nkey: t1\nfacts: {a: [1, 2.5, true, null]}\nwhen: 2026-06-12 09:00\n"
    assert load(text) == parse(text)[0]


def test_a_duplicate_key_names_its_line_and_path():
    found = problem("event:\n  name: A\n  name: B\n")
    assert (found.line, found.path, found.message) == (3, ("event", "name"), "duplicate key")


@pytest.mark.parametrize("text, line, words", [
    ("a: &x [1, 2]\nb: *y\n", 2, "refers to no anchor &y"),
    ("a: 1\n<<: {b: 2}\n", 2, "merge keys"),
    ("a: !!python/object:os.system x\n", 1, "unsupported YAML tag"),
    ("a: !!int twelve\n", 1, "is not a whole number"),
    ("a: 1\n---\nb: 2\n", 2, "more than one YAML document"),
    ("a: 'open\nb: 2\n", 1, "while scanning a quoted scalar"),
    ("a: 'open\nb: 2\nc: 'x'\n", 1, "runs on to line 3; is its closing quote missing?"),
    ("? [1, 2]\n: x\n", 1, "mapping keys must be plain strings"),
    ("a: b\x07c\n", 1, "control character U+0007"),
])
def test_bad_yaml_is_a_problem_at_its_line(text, line, words):
    found = problem(text)
    assert found.line == line and words in found.message, found


def test_nesting_and_alias_bombs_and_huge_values_are_refused():
    assert f"nested more than {yaml_read.MAX_DEPTH}" in problem("a: " + "[" * 100 + "]" * 100 + "\n").message
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(5))
    assert "alias bomb" in problem(laughs).message
    assert "the limit is" in problem("a: " + "x" * (yaml_read.MAX_SCALAR + 1) + "\n").message


def test_bytes_that_are_not_utf8_are_named_by_line_and_column_and_a_bom_is_dropped():
    with pytest.raises(YamlProblem) as caught:
        decode("a: 1\nb: caf".encode() + b"\xe9\n")
    assert (caught.value.line, caught.value.column) == (2, 7) and "0xe9" in caught.value.message
    with pytest.raises(YamlProblem, match="UTF-16"):
        decode("a: 1\n".encode("utf-16"))
    assert decode("\ufeffa: 1\n".encode()) == "a: 1\n"


def test_a_problem_reads_as_line_colon_column():
    assert str(YamlProblem(3, "bad", 7)) == "3:7: bad" and str(YamlProblem(3, "bad")) == "3: bad"
