"""A generated corpus of malformed input, built from the reference project: each variant of
``conference.yaml`` or of the project folder must end with exit 2, a ``file:line`` message (the
right line where the fault has one), no traceback, and the previous site and drafts unchanged.

``validate`` runs in-process through the CLI entry point (the real exit-status logic, no
subprocess per case); a sample of variants also runs through ``confgen build --offline``.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from confgen.cli import entry
from confgen.load.loader import parse_yaml
from helpers import REFERENCE_SITE

REF = (REFERENCE_SITE / "conference.yaml").read_text("utf-8")
_, LINES = parse_yaml(REF, "conference.yaml")
REF_LINES = REF.splitlines(keepends=True)
DATA = parse_yaml(REF, "conference.yaml")[0]
N_SESSIONS, N_SPEAKERS = len(DATA["sessions"]), len(DATA["speakers"])
#: Where a message names a place: FILE:LINE[:COL]: ...
LOCATED = re.compile(r"^(?P<file>[^\s:]+(?:[^\n:]*?)):(?P<line>\d+)(?::(?P<col>\d+))?: ", re.M)


def line(*path) -> int:
    return LINES.line(tuple(path))


# -- mutations of conference.yaml ------------------------------------------------------------------


def set_value(text: str, path: tuple, raw: str) -> str:
    """``text`` with the scalar at ``path`` (a key on its own line) written as ``raw`` YAML."""
    lines = text.splitlines(keepends=True)
    number = LINES.line(path)
    key = str(path[-1])
    old = lines[number - 1]
    at = old.index(f"{key}:") + len(key) + 1
    lines[number - 1] = old[:at] + " " + raw + "\n"
    return "".join(lines)


def replace_line(text: str, number: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[number - 1] = new if new.endswith("\n") else new + "\n"
    return "".join(lines)


def insert_after(text: str, number: int, block: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[number:number] = [block if block.endswith("\n") else block + "\n"]
    return "".join(lines)


def indent_of(number: int) -> str:
    raw = REF_LINES[number - 1]
    return raw[: len(raw) - len(raw.lstrip(" -"))].replace("-", " ")


@dataclass
class Case:
    id: str
    #: The new conference.yaml (text or bytes), or None to keep it.
    conference: str | bytes | None = None
    #: Changes to the project folder beyond conference.yaml.
    files: Callable[[Path], None] | None = None
    file: str = "conference.yaml"  # the file the message must name (its last part)
    line: int | None = None  # the line it must name, when the fault has one
    field: str | None = None  # the field it must name
    words: str = ""  # a piece of the message
    build: bool = False  # also run `build --offline`
    seconds: float = 10.0  # a hang is a failure


CASES: list[Case] = []


def case(id: str, **kwargs) -> None:
    CASES.append(Case(id, **kwargs))


# -- times with bad calendar values ----------------------------------------------------------------

BAD_MOMENTS = ["2026-02-30 09:00", "2026-13-01 09:00", "2026-06-12 99:00:00", "2026-06-12 09:60", "2026-06-00 10:00"]
for i, bad in zip(range(0, N_SESSIONS, 5), BAD_MOMENTS * 2):
    for key in ("start", "end"):
        case(f"calendar-session-{i}-{key}-{bad}", conference=set_value(REF, ("sessions", i, key), bad),
             line=line("sessions", i, key))
for bad in ("2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29"):
    case(f"calendar-start-date-{bad}", conference=set_value(REF, ("event", "start_date"), bad), line=line("event", "start_date"))
    case(f"calendar-sale-end-{bad}", conference=set_value(REF, ("tickets", 0, "sale_end"), bad), line=line("tickets", 0, "sale_end"))
for b in range(3):
    case(f"calendar-break-{b}", conference=set_value(REF, ("breaks", b, "end"), "2026-06-12 25:30"), line=line("breaks", b, "end"))

# -- YAML tags --------------------------------------------------------------------------------------

TAGGED = [
    (("rooms", 0, "capacity"), "!!int abc", "not a whole number"),
    (("tickets", 0, "price"), "!!float abc", "not a number"),
    (("sessions", 3, "start"), "!!timestamp junk", "not a date or time"),
    (("sessions", 4, "title", "en"), "!foo Talk", "unsupported YAML tag"),
    (("speakers", 2, "name", "en"), "!!python/object:os.system echo", "unsupported YAML tag"),
    (("speakers", 3, "name", "en"), "!!binary zz%%", "not base64 data"),
    (("rooms", 1, "capacity"), "!!bool maybe", "not true or false"),
    (("event", "timezone"), "!!str", ""),  # an empty string: an unknown zone, still with the line
    (("rooms", 2, "capacity"), "!!float 1e999x", "not a number"),
    (("event", "start_date"), "!!timestamp 2026-06-12T25:00:00", "not a date or time"),
    (("sessions", 5, "end"), "!local x", "unsupported YAML tag"),
    (("tracks", 0, "name", "en"), "!<tag:example.org,2026:x> y", "unsupported YAML tag"),
    (("rooms", 3, "capacity"), "!!null 12", ""),
    (("sessions", 6, "speakers"), "!!set {a, b}", "unsupported YAML tag"),
    (("tickets", 1, "price"), "!!int 0x", "not a whole number"),
]
for path, raw, words in TAGGED:
    case(f"tag-{'.'.join(map(str, path))}-{raw.split()[0]}", conference=set_value(REF, path, raw), line=line(*path), words=words)

# -- aliases, merge keys, nesting -----------------------------------------------------------------

END = len(REF_LINES)
LAUGHS = "lol:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  {chr(98 + k)}: &{chr(98 + k)} [{', '.join(['*' + chr(97 + k)] * 9)}]\n" for k in range(8))
case("alias-billion-laughs", conference=REF + LAUGHS, line=END + 6, words="alias bomb", build=True)
case("alias-billion-laughs-in-extensions", conference=REF.replace("  brief:\n", LAUGHS.replace("lol:\n", "  lol:\n").replace("\n  ", "\n    ") + "  brief:\n", 1),
     words="alias bomb")
case("alias-self-reference", conference=REF + "loop: &x [1, *x]\n", line=END + 1, words="contains it")
case("alias-self-reference-mapping", conference=REF + "loop: &x\n  me: *x\n", line=END + 2, words="contains it")
case("alias-undefined", conference=set_value(REF, ("rooms", 0, "capacity"), "*nowhere"), line=line("rooms", 0, "capacity"), words="no anchor")
case("merge-key", conference=REF + "more: &m {a: 1}\nother:\n  <<: *m\n", line=END + 3, words="merge keys")
case("nesting-flow-100k", conference=REF + "deep: " + "[" * 100_000 + "]" * 100_000 + "\n", line=END + 1, words="nested more than")
case("nesting-block-200", conference=REF + "deep:\n" + "".join("  " * (k + 1) + f"k{k}:\n" for k in range(200)) + "  " * 201 + "x: 1\n",
     line=END + 65, words="nested more than")
case("alias-fanout", conference=REF + "wide: &w [" + ", ".join(["x"] * 2000) + "]\nwider: [" + ", ".join(["*w"] * 10) + "]\n",
     line=END + 2, words="alias bomb")
case("two-documents", conference=REF + "---\nevent: {}\n", line=END + 1, words="more than one YAML document")

# -- time zones ---------------------------------------------------------------------------------

for zone in ("America", "Asia", "Europe", "Etc", "posix", "right", "Asia/", "A" * 300, "Asia/" + "x" * 250, "../../../etc/passwd",
             "Mars/Olympus", "Asia//Shanghai", "~", "."):
    case(f"timezone-{zone[:20]}", conference=set_value(REF, ("event", "timezone"), repr(zone) if zone in ("~", ".") else zone),
         line=line("event", "timezone"), field="event.timezone", words="unknown time zone", build=zone == "America")

# -- control characters and encodings ----------------------------------------------------------

CONTROL_SPOTS = [("sessions", 0, "title", "en"), ("speakers", 5, "name", "en"), ("rooms", 0, "name", "en"), ("event", "name", "en"),
                 ("sessions", 20, "abstract", "en"), ("faq", 0, "q", "en")]
for k, char in enumerate(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x9b", "\ufffe", "\x0b"]):
    path = CONTROL_SPOTS[k % len(CONTROL_SPOTS)]
    number = line(*path)
    text = REF_LINES[number - 1]
    column = len(text.rstrip("\n")) + 1 - 3  # three characters before the end of the value
    mutated = replace_line(REF, number, text.rstrip("\n")[: column - 1] + char + text.rstrip("\n")[column - 1:])
    case(f"control-U+{ord(char):04X}", conference=mutated, line=number, words=f"U+{ord(char):04X}")
case("control-in-comment", conference=replace_line(REF, 1, "# a comment with a bell \x07"), line=1, words="U+0007")
case("control-in-key", conference=replace_line(REF, line("event", "url"), "  u\x02rl: https://aidevcon.example.org"),
     line=line("event", "url"), words="U+0002")

ENCODINGS = {
    "utf-16-le-bom": b"\xff\xfe" + REF.encode("utf-16-le"),
    "utf-16-be-bom": b"\xfe\xff" + REF.encode("utf-16-be"),
    "utf-32": REF.encode("utf-32"),
    "gbk": REF.encode("gbk", "replace"),
    "gb18030": REF.encode("gb18030"),
    "big5": REF.encode("big5", "replace"),
    "latin-1-e-acute": REF.replace("Shanghai, China", "Shanghaï, Chinà").encode("utf-8").replace("ï".encode(), b"\xef"),
    "stray-ff": REF.encode("utf-8").replace(b"hello@aidevcon", b"hel\xfflo@aidevcon"),
    "truncated-utf8": REF.encode("utf-8").replace("上海张江科创会议中心".encode(), "上海张江科创会议中心".encode()[:-1]),
    "overlong-utf8": REF.encode("utf-8").replace(b"Main Hall", b"Main \xc0\xaf Hall", 1),
    "surrogate-utf8": REF.encode("utf-8").replace(b"Shanghai\n", b"Shanghai \xed\xa0\x80\n", 1),
}
first_cjk_line = next(n for n, text in enumerate(REF_LINES, 1) if any("\u4e00" <= c <= "\u9fff" for c in text))
EXPECTED_ENCODING_LINE = {
    "utf-16-le-bom": 1, "utf-16-be-bom": 1, "utf-32": 1, "gbk": first_cjk_line, "gb18030": first_cjk_line, "big5": first_cjk_line,
    "latin-1-e-acute": line("event", "venue", "address", "en"), "stray-ff": line("event", "contact_email"),
    "truncated-utf8": line("event", "venue", "name", "zh"),
    "overlong-utf8": next(n for n, t in enumerate(REF_LINES, 1) if "Main Hall" in t),
    "surrogate-utf8": next(n for n, t in enumerate(REF_LINES, 1) if t.endswith("Shanghai\n")),
}
for name, data in ENCODINGS.items():
    case(f"encoding-{name}", conference=data, line=EXPECTED_ENCODING_LINE[name], words="not UTF-8")

# -- syntax errors: the line is where the fault is --------------------------------------------

SYNTAX_SPOTS = [("sessions", i, "title", "en") for i in (0, 7, 15, 30, 45)] + [("speakers", i, "name", "en") for i in (1, 20)]
for path in SYNTAX_SPOTS:
    number = line(*path)
    value = DATA
    for part in path:
        value = value[part]
    key = path[-1]
    tag = ".".join(map(str, path))
    case(f"syntax-unclosed-double-quote-{tag}", conference=set_value(REF, path, '"' + value), line=number, build=path[1] == 30)
    case(f"syntax-unclosed-single-quote-{tag}", conference=set_value(REF, path, "'" + value), line=number)
    case(f"syntax-unclosed-flow-sequence-{tag}", conference=set_value(REF, path, "[" + value.replace(":", " -")), line=number)
    case(f"syntax-unclosed-flow-mapping-{tag}", conference=set_value(REF, path, "{a: " + value.replace(":", " -")), line=number)
    case(f"syntax-over-indented-{tag}", conference=replace_line(REF, number, "   " + REF_LINES[number - 1]), line=number)
    case(f"syntax-key-value-value-{tag}", conference=set_value(REF, path, "a: b: c"), line=number)
    case(f"syntax-dedented-{tag}", conference=replace_line(REF, number, REF_LINES[number - 1][1:]), line=number)
for i in (0, 10, 25, 49):
    number = line("sessions", i, "room")
    case(f"syntax-missing-colon-session-{i}", conference=replace_line(REF, number, REF_LINES[number - 1].replace("room:", "room")),
         line=number)
    number = line("sessions", i, "speakers")
    case(f"syntax-unclosed-speakers-{i}", conference=replace_line(REF, number, REF_LINES[number - 1].rstrip("\n").rstrip("]")),
         line=number)
# An empty item: libyaml marks it where the next item begins, one line below the dash.
case("syntax-tab-indent", conference=replace_line(REF, line("sessions", 0, "title", "en"), "\t" + REF_LINES[line("sessions", 0, "title", "en") - 1].lstrip(" ")),
     line=line("sessions", 0, "title", "en"), words="tab")
case("syntax-stray-dash", conference=insert_after(REF, line("rooms", 0, "capacity"), "  -"), line=line("rooms", 0, "capacity") + 2,
     field="rooms.1")
case("syntax-duplicate-key", conference=insert_after(REF, line("event", "timezone"), "  timezone: UTC"),
     line=line("event", "timezone") + 1, words="duplicate key")
case("syntax-flow-key", conference=REF + "? [a, b]\n: c\n", line=END + 1, words="plain strings")

# -- limits: long values, long events (no hang, a clear error) --------------------------------

case("limit-200k-title", conference=set_value(REF, ("sessions", 0, "title", "en"), "x" * 200_000), line=line("sessions", 0, "title", "en"),
     words="the limit is")
case("limit-100k-speaker-name", conference=set_value(REF, ("speakers", 0, "name", "en"), "N" * 100_000),
     line=line("speakers", 0, "name", "en"), field="speakers.0.name", words="at most 200")
case("limit-30k-abstract", conference=set_value(REF, ("sessions", 1, "abstract", "en"), "word " * 6000),
     line=line("sessions", 1, "abstract", "en"), field="sessions.1.abstract", words="at most 20,000")
case("limit-year-1-to-9999", conference=set_value(set_value(REF, ("event", "start_date"), "0001-01-01"), ("event", "end_date"), "9999-12-31"),
     line=line("event", "end_date"), field="event.end_date", words="at most 366")
case("limit-two-years", conference=set_value(REF, ("event", "end_date"), "2028-06-13"), line=line("event", "end_date"), words="at most 366")
case("limit-huge-capacity", conference=set_value(REF, ("rooms", 0, "capacity"), "9" * 5000), line=line("rooms", 0, "capacity"))

# -- values that must not be accepted ----------------------------------------------------------

REFUSED = [
    (("extensions", "brief", "nav"), "maybe", "must be true or false"),
    (("extensions", "brief", "nav"), "'false'", "must be true or false"),
    (("rooms", 0, "capacity"), "true", ""), (("rooms", 1, "capacity"), "'120'", ""), (("rooms", 2, "capacity"), "0", ""),
    (("rooms", 3, "capacity"), "-5", ""), (("rooms", 4, "capacity"), "12.5", ""),
    (("tickets", 0, "price"), ".inf", "finite"), (("tickets", 1, "price"), ".nan", "finite"), (("tickets", 2, "price"), "-1", ""),
    (("tickets", 0, "price"), "1e12", ""), (("tickets", 0, "quota"), "true", ""), (("tickets", 0, "currency"), "Renminbi", ""),
    (("sessions", 0, "expected_audience"), "false", ""),
    (("event", "contact_email"), "not-an-email", "email"), (("event", "contact_email"), "a@", "email"),
    (("event", "contact_email"), "'@example.org'", "email"), (("event", "contact_email"), "a b@example.org", "email"),
    (("event", "contact_email"), "x@-bad-.example", "email"),
    (("tickets", 3, "price"), ".inf", "finite"),
]
for path, raw, words in REFUSED:
    case(f"refused-{'.'.join(map(str, path))}={raw}", conference=set_value(REF, path, raw), line=line(*path),
         field=".".join(map(str, path[:3] if path[0] in ("speakers",) else path)), words=words)
# Every language of a name empty: the speaker has no name at all.
case("refused-speaker-name-all-empty", conference=set_value(set_value(REF, ("speakers", 1, "name", "zh"), "''"), ("speakers", 1, "name", "en"), "''"),
     line=line("speakers", 1, "name"), field="speakers.1.name", words="must not be empty")

# -- single-line fields: line breaks and lengths -------------------------------------------------

ONE_LINE = [
    ("sessions", 0, "title", "en"), ("sessions", 33, "title", "zh"), ("speakers", 0, "name", "en"), ("speakers", 9, "affiliation", "en"),
    ("speakers", 4, "title", "en"), ("rooms", 0, "name", "en"), ("tracks", 1, "name", "en"), ("breaks", 0, "title", "en"),
    ("sponsors", 0, "name", "en"), ("tickets", 0, "name", "en"), ("event", "venue", "name", "en"), ("event", "name", "en"),
]
for path in ONE_LINE:
    number = line(*path)
    key_path = ".".join(map(str, path[:-1]))
    value = DATA
    for part in path:
        value = value[part]
    case(f"one-line-escaped-newline-{key_path}", conference=set_value(REF, path, json.dumps(value + "\n<script>x</script>")), line=number,
         field=key_path, words="single line", build=path[0] == "sessions" and path[1] == 0)
    case(f"one-line-block-{key_path}", conference=set_value(REF, path, "|\n" + " " * 12 + "First line\n" + " " * 12 + "Second line"),
         line=number, field=key_path, words="single line")
    case(f"one-line-too-long-{key_path}", conference=set_value(REF, path, "L" * 201), line=number, field=key_path, words="at most 200")
    case(f"one-line-separator-{key_path}", conference=set_value(REF, path, json.dumps(value + "\u2028more")), line=number, field=key_path,
         words="single line")

# -- the classes tests/test_validate.py checks on a small project, on the reference ---------------

case("known-wrong-type", conference=set_value(REF, ("rooms", 1, "capacity"), "lots"), line=line("rooms", 1, "capacity"), field="rooms.1.capacity")
case("known-unknown-field", conference=insert_after(REF, line("rooms", 0, "capacity"), "    capacty: 5"),
     line=line("rooms", 0, "capacity") + 1, field="rooms.0.capacty", words="unknown field")
case("known-unknown-speaker", conference=set_value(REF, ("sessions", 3, "speakers"), "[no-such-person]"), line=line("sessions", 3, "speakers"),
     field="sessions.3.speakers.0", words="unknown speaker", build=True)
case("known-unknown-track", conference=set_value(REF, ("sessions", 4, "track"), "nowhere"), line=line("sessions", 4, "track"),
     field="sessions.4.track", words="unknown track")
case("known-unknown-room", conference=set_value(REF, ("sessions", 5, "room"), "attic"), line=line("sessions", 5, "room"),
     field="sessions.5.room", words="unknown room")
case("known-duplicate-id", conference=set_value(REF, ("sessions", 2, "id"), DATA["sessions"][1]["id"]), line=line("sessions", 2, "id"),
     field="sessions.2.id", words="duplicate id")
case("known-outside-event", conference=set_value(set_value(REF, ("sessions", 6, "start"), "2026-07-01 10:00"), ("sessions", 6, "end"), "2026-07-01 10:40"),
     line=line("sessions", 6, "start"), field="sessions.6.start", words="outside the event")
case("known-end-before-start", conference=set_value(REF, ("sessions", 7, "end"), str(DATA["sessions"][7]["start"])[:16].replace("T", " ")),
     line=line("sessions", 7, "end"), field="sessions.7.end", words="before or when it starts")
case("known-missing-city", conference=REF.replace("  city:\n    zh: 上海\n    en: Shanghai\n", ""), line=line("event"), field="event.city",
     words="required field is missing")
case("known-bad-language", conference=set_value(REF, ("sessions", 8, "language"), "fr"), line=line("sessions", 8, "language"),
     field="sessions.8.language")
case("known-bad-level", conference=set_value(REF, ("sessions", 9, "level"), "expert"), line=line("sessions", 9, "level"),
     field="sessions.9.level")
case("known-bad-url", conference=set_value(REF, ("event", "url"), "not a url"), line=line("event", "url"), field="event.url")
case("known-not-a-mapping", conference="- just\n- a list\n", line=1, words="must be a mapping")
case("known-empty-file", conference="", line=1, words="must be a mapping")

# -- broken project files ----------------------------------------------------------------------

DRAFTS = sorted(p.relative_to(REFERENCE_SITE).as_posix() for p in (REFERENCE_SITE / "content").rglob("*.md"))
SAMPLE_DRAFTS = DRAFTS[:: max(1, len(DRAFTS) // 6)][:6]


def draft_is_a_folder(rel: str):
    def apply(root: Path) -> None:
        (root / rel).unlink()
        (root / rel).mkdir()
        (root / rel / "inside.txt").write_text("x", "utf-8")
    return apply


def symlink_loop(rel: str):
    def apply(root: Path) -> None:
        (root / rel).unlink()
        os.symlink(Path(rel).name, root / rel)  # points at itself
    return apply


def dangling(rel: str):
    def apply(root: Path) -> None:
        (root / rel).unlink()
        os.symlink("nowhere.md", root / rel)
    return apply


def rewrite(rel: str, change: Callable[[bytes], bytes]):
    def apply(root: Path) -> None:
        (root / rel).write_bytes(change((root / rel).read_bytes()))
    return apply


def front_line(rel: str, key: str) -> int:
    text = (REFERENCE_SITE / rel).read_text("utf-8")
    return next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith(f"{key}:"))


for rel in SAMPLE_DRAFTS:
    name = Path(rel).name
    case(f"draft-folder-{rel}", files=draft_is_a_folder(rel), file=name, line=1, words="a folder where a draft", build=rel == SAMPLE_DRAFTS[0])
    case(f"draft-symlink-loop-{rel}", files=symlink_loop(rel), file=name, line=1, words="leads nowhere")
    case(f"draft-dangling-{rel}", files=dangling(rel), file=name, line=1, words="leads nowhere")
    case(f"draft-latin1-{rel}", files=rewrite(rel, lambda b: b.replace(b"\n---\n", b"\n---\ncaf\xe9 ", 1)), file=name,
         words="not UTF-8")  # its line is set below
    case(f"draft-bad-date-{rel}", files=rewrite(rel, lambda b: b.replace(b"needs_review:", b"reviewed: 2026-02-30\nneeds_review:", 1)),
         file=name, line=front_line(rel, "needs_review"), words="not a date or time", build=rel == SAMPLE_DRAFTS[1])
    case(f"draft-alias-bomb-{rel}", files=rewrite(rel, lambda b: b.replace(b"needs_review:", LAUGHS.encode() + b"needs_review:", 1)),
         file=name, line=front_line(rel, "needs_review") + 5, words="alias bomb")
    case(f"draft-unclosed-quote-{rel}", files=rewrite(rel, lambda b: b.replace(b"model: ", b'model: "', 1)), file=name,
         line=front_line(rel, "model"), words="invalid YAML")
    case(f"draft-utf16-{rel}", files=rewrite(rel, lambda b: b"\xff\xfe" + b.decode("utf-8").encode("utf-16-le")), file=name, line=1,
         words="not UTF-8")
    case(f"draft-control-{rel}", files=rewrite(rel, lambda b: b.replace(b"kind:", b"kind:\x1b", 1)), file=name, line=2, words="U+001B")
    case(f"draft-unclosed-front-matter-{rel}", files=rewrite(rel, lambda b: b.replace(b"\n---\n", b"\n--\n", 1)), file=name, line=1,
         words="never ends")

# The latin-1 draft: its line is the one after the closing ---, the body's first line.
for c in CASES:
    if c.id.startswith("draft-latin1-"):
        rel = c.id.removeprefix("draft-latin1-")
        c.line = (REFERENCE_SITE / rel).read_text("utf-8").split("\n---\n", 1)[0].count("\n") + 3


def a_file_where_a_folder_goes(name: str):
    def apply(root: Path) -> None:
        target = root / name
        if target.is_dir():
            shutil.rmtree(target)
        target.write_text("not a folder\n", "utf-8")
    return apply


for folder in ("content", "build", ".confgen", "templates", "plugins"):
    case(f"folder-is-a-file-{folder}", files=a_file_where_a_folder_goes(folder), file=folder, line=1, words="a file where confgen keeps")


def folder_loop(name: str):
    def apply(root: Path) -> None:
        target = root / name
        if target.is_dir():
            shutil.rmtree(target)
        os.symlink(name, target)
    return apply


case("folder-symlink-loop-build", files=folder_loop("build"), file="build", line=1, words="leads nowhere")

TEMPLATE_ERRORS = {
    "unclosed-block": ("pages/talk.md.j2", "# {{ session.title }}\n{% if draft %}\n{{ draft.body }}\n", 3),  # Jinja: the last line
    "bad-expression": ("pages/speaker.md.j2", "line one\n{{ speaker.name | tr(lang) + }}\n", 2),
    "unknown-tag": ("offline/faq.en.md.j2", "one\ntwo\n{% frobnicate %}\n", 3),
    "unclosed-variable": ("pages/home.md.j2", "{{ conference.event.name\n", 1),
    "endfor-without-for": ("theme/main.html", "{% extends \"base.html\" %}\n{% endfor %}\n", 2),
    "bad-filter-syntax": ("prompts/talks.en.md.j2", "a\nb\nc\n{{ x | }}\n", 4),
}
for name, (rel, source, number) in TEMPLATE_ERRORS.items():
    def apply(root: Path, rel=rel, source=source) -> None:
        path = root / "templates" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, "utf-8")
    case(f"template-{name}", files=apply, file=Path(rel).name, line=number, words="template syntax error", build=name == "unclosed-block")


# -- running a case ------------------------------------------------------------------------------


def run_cli(*args: str) -> tuple[int, str, str]:
    """The CLI in this process, through the same entry as the console script (its exit-status
    logic included). An exception it lets out fails the test: that would be a traceback."""
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["confgen", *args]
    code = None
    try:
        with redirect_stdout(out), redirect_stderr(err):
            entry.run()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def tree(root: Path) -> dict[str, str]:
    """Every file under the project's content/ and build/, by content hash (symlinks by target)."""
    found = {}
    for folder in ("content", "build"):
        base = root / folder
        if base.is_symlink() or not base.is_dir():
            found[folder] = f"not a folder: {base.is_symlink() and os.readlink(base)}"
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            for name in filenames + [d for d in dirnames if Path(dirpath, d).is_symlink()]:
                path = Path(dirpath, name)
                rel = path.relative_to(root).as_posix()
                if path.is_symlink():
                    found[rel] = "-> " + os.readlink(path)
                else:
                    stat = path.stat()  # any write changes the size or the modification time
                    found[rel] = f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"
    return found


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The reference project with a previous site in build/ (a stand-in: any file there must survive)."""
    root = tmp_path_factory.mktemp("pristine") / "site"
    shutil.copytree(REFERENCE_SITE, root, ignore=shutil.ignore_patterns("build", ".confgen"))
    site = root / "build" / "site"
    (site / "en").mkdir(parents=True)
    (site / "index.html").write_text("<p>the previous site</p>\n", "utf-8")
    (site / "en" / "index.html").write_text("<p>the previous English site</p>\n", "utf-8")
    code, _, err = run_cli("validate", str(root))
    assert code == 0, err
    return root


@contextmanager
def project_for(c: Case, pristine: Path, tmp_path: Path):
    """The project a case runs in. A case that changes only conference.yaml runs in the pristine
    project itself (its conference.yaml is put back afterwards): copying 200 drafts per case would
    be most of the corpus's time, and :func:`tree` shows any write all the same. A case that
    changes other files gets its own copy."""
    if c.files is None:
        original = (pristine / "conference.yaml").read_bytes()
        try:
            yield pristine
        finally:
            (pristine / "conference.yaml").write_bytes(original)
        return
    target = tmp_path / "site"
    shutil.copytree(pristine, target, symlinks=True)
    yield target


def prepare(c: Case, root: Path) -> None:
    if c.conference is not None:
        target = root / "conference.yaml"
        if isinstance(c.conference, bytes):
            target.write_bytes(c.conference)
        else:
            target.write_text(c.conference, "utf-8")
    if c.files is not None:
        c.files(root)


def check_message(c: Case, code, err: str) -> None:
    assert code == 2, f"exit {code}\n{err[-3000:]}"
    assert "Traceback" not in err
    places = [(m.group("file"), int(m.group("line"))) for m in LOCATED.finditer(err)]
    named = [(f, n) for f, n in places if f.endswith(c.file)]
    assert named, f"no {c.file}:LINE in the message:\n{err[:2000]}"
    if c.line is not None:
        assert any(n == c.line for _, n in named), f"expected {c.file}:{c.line}, got {named[:5]}:\n{err[:2000]}"
    if c.field is not None:
        assert c.field in err, f"the message does not name {c.field}:\n{err[:2000]}"
    if c.words:
        assert c.words in err, f"{c.words!r} not in:\n{err[:2000]}"


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_validate_refuses_with_file_line_and_changes_nothing(c: Case, pristine: Path, tmp_path: Path):
    with project_for(c, pristine, tmp_path) as project:
        prepare(c, project)
        before = tree(project)
        started = time.monotonic()
        code, _, err = run_cli("validate", str(project))
        assert time.monotonic() - started < c.seconds, "took too long"
        check_message(c, code, err)
        assert tree(project) == before


BUILD_SAMPLE = [c for c in CASES if c.build]


@pytest.mark.parametrize("c", BUILD_SAMPLE, ids=[c.id for c in BUILD_SAMPLE])
def test_build_offline_refuses_before_writing_anything(c: Case, pristine: Path, tmp_path: Path):
    with project_for(c, pristine, tmp_path) as project:
        prepare(c, project)
        before = tree(project)
        result = subprocess.run([sys.executable, "-m", "confgen", "build", "--offline", str(project)], capture_output=True,
                                text=True, timeout=120)
        check_message(c, result.returncode, result.stderr)
        assert tree(project) == before


def test_the_corpus_is_large_and_spans_every_class():
    assert len(CASES) + len(OTHER) >= 200
    classes = {c.id.split("-")[0] for c in CASES}
    assert {"calendar", "tag", "alias", "nesting", "timezone", "control", "encoding", "syntax", "limit", "refused", "one",
            "known", "draft", "folder", "template"} <= classes
    assert len(BUILD_SAMPLE) >= 8


# -- confgen check and confgen import ------------------------------------------------------------

FRONT = "---\nkind: talks\nkey: s01\nlang: en\n"


def check_cases(tmp: Path) -> dict[str, tuple[list[str], str, int | None, str]]:
    """name -> (arguments, file named, line, words)."""
    (tmp / "bad-date.md").write_text(FRONT + "reviewed: 2026-02-30\n---\nSome text.\n", "utf-8")
    (tmp / "bomb.md").write_text(FRONT + LAUGHS + "---\nSome text.\n", "utf-8")
    (tmp / "deep.md").write_text(FRONT + "deep: " + "[" * 100_000 + "]" * 100_000 + "\n---\nText.\n", "utf-8")
    (tmp / "latin1.md").write_bytes(b"# Title\n\ncaf\xe9\n")
    (tmp / "huge.md").write_text("a" * 3_000_000 + "\n", "utf-8")
    (tmp / "docs" / "sub.md").mkdir(parents=True, exist_ok=True)
    return {
        "front-matter-bad-date": (["check", str(tmp / "bad-date.md")], "bad-date.md", 5, "not a date or time"),
        "front-matter-alias-bomb-json": (["check", "--format", "json", str(tmp / "bomb.md")], "bomb.md", 10, "alias bomb"),
        "front-matter-deep": (["check", str(tmp / "deep.md")], "deep.md", 5, "nested more than"),
        "dev-zero": (["check", "/dev/zero"], "/dev/zero", 1, "not a regular file"),
        "not-utf8": (["check", str(tmp / "latin1.md")], "latin1.md", 3, "not UTF-8"),
        "too-large": (["check", str(tmp / "huge.md")], "huge.md", 1, "larger than"),
        "folder-named-md": (["check", str(tmp / "docs")], "sub.md", 1, "a folder where"),
    }


def import_cases(tmp: Path) -> dict[str, tuple[list[str], str, int | None, str]]:
    deep = tmp / "deep.json"
    deep.write_text('{"schedule":\n' + "[" * 100_000 + "]" * 100_000 + "}\n", "utf-8")
    digits = tmp / "digits.json"
    digits.write_text('{"schedule": {\n"version": ' + "9" * 5000 + "}}\n", "utf-8")
    zone = tmp / "zone.json"
    zone.write_text('{"schedule": {"version": "1", "conference": {"title": "X", "start": "2026-06-12", "end": "2026-06-12",\n'
                    '"time_zone_name": "America", "days": []}}}\n', "utf-8")
    entity = tmp / "entity.xml"
    entity.write_text('<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY co "Company">]>\n<schedule><conference>\n'
                      "<title>Conf &co; and the rest</title></conference>\n<day date=\"2026-06-12\"/></schedule>\n", "utf-8")
    laughs = tmp / "laughs.xml"
    laughs.write_text('<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                      "<schedule><conference>\n<title>&b;</title></conference><day/></schedule>\n", "utf-8")
    latin = tmp / "latin.json"
    latin.write_bytes(b'{"sessions": [],\n "speakers": [{"fullName": "Jos\xe9"}]}\n')
    sessionize_deep = tmp / "sessionize-deep.json"
    sessionize_deep.write_text('{"sessions": ' + "{" * 5000 + "}" * 5000 + "}\n", "utf-8")
    return {
        "json-100k-deep": (["import", "pretalx", str(deep)], "deep.json", 2, "nested more than"),
        "json-5000-digits": (["import", "pretalx", str(digits)], "digits.json", 2, "number too long"),
        "pretalx-zone-directory": (["import", "pretalx", str(zone)], "zone.json", 2, "unknown time zone"),
        "frab-xml-entity": (["import", "frab-xml", str(entity)], "entity.xml", 4, "not expanded"),
        "frab-xml-laughs": (["import", "frab-xml", str(laughs)], "laughs.xml", 4, "not expanded"),
        "json-not-utf8": (["import", "sessionize", str(latin)], "latin.json", 2, "not UTF-8"),
        "sessionize-deep": (["import", "sessionize", str(sessionize_deep)], "sessionize-deep.json", 1, ""),
    }


OTHER = [
    "check:front-matter-bad-date", "check:front-matter-alias-bomb-json", "check:front-matter-deep", "check:dev-zero",
    "check:not-utf8", "check:too-large", "check:folder-named-md",
    "import:json-100k-deep", "import:json-5000-digits", "import:pretalx-zone-directory", "import:frab-xml-entity",
    "import:frab-xml-laughs", "import:json-not-utf8", "import:sessionize-deep",
]


@pytest.mark.parametrize("name", OTHER)
def test_check_and_import_refuse_with_file_line_and_write_nothing(name: str, pristine: Path, tmp_path: Path):
    command, key = name.split(":")
    args, file, number, words = (check_cases if command == "check" else import_cases)(tmp_path)[key]
    target = pristine / "conference.yaml"
    before_conference = target.read_bytes()
    before = tree(pristine)
    if command == "import":
        args = [*args, "-o", str(target)]
    started = time.monotonic()
    code, _, err = run_cli(*args)
    assert time.monotonic() - started < 20, "took too long"
    check_message(Case(name, file=file, line=number, words=words), code, err)
    assert target.read_bytes() == before_conference and tree(pristine) == before
