"""YAML from untrusted hands into plain Python data, with the line of every value.

PyYAML's composer recurses once per nesting level and expands aliases without limit, so a file
nested 100,000 deep crashes the interpreter (libyaml) and nine levels of nine aliases ("billion
laughs") eat all memory. This reads the parser's event stream instead, which libyaml produces
lazily and without recursion, and builds the data with an explicit stack under three limits, the
way safe loaders for untrusted input do (go-yaml's alias ratio, SnakeYAML's alias and nesting
limits): nesting depth, values produced through aliases, and the length of one scalar.

Every failure is a :class:`YamlProblem` with a 1-based line (and column where one is known).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

try:  # the C parser is ~10x faster on large programmes; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]

#: Deeper than any conference file needs; libyaml slows down quadratically with flow nesting.
MAX_DEPTH = 64
#: Values an alias may stand for, in total: aliases are a convenience, never a multiplier.
MAX_ALIAS_VALUES = 10_000
#: One scalar (a whole abstract is a few thousand characters).
MAX_SCALAR = 100_000
#: What YAML 1.1 forbids in a stream (C0 controls but tab/LF/CR, DEL, C1 but NEL, surrogates, U+FFFE/F).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
MERGE_TAG = "tag:yaml.org,2002:merge"
STR_TAG = "tag:yaml.org,2002:str"


@dataclass
class YamlProblem(Exception):
    line: int
    message: str
    column: int = 0
    path: Path_ = ()

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}" if self.column else f"{self.line}: {self.message}"


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode(data: bytes) -> str:
    """UTF-8 text (a leading BOM dropped), or a :class:`YamlProblem` at the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[data.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        hint = " (UTF-16? save the file as UTF-8)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else " (save the file as UTF-8)"
        raise YamlProblem(line, f"not UTF-8 text: byte 0x{data[exc.start]:02x} {exc.reason}{hint}", column) from None
    return text.removeprefix("\ufeff")


def check_characters(text: str) -> None:
    match = FORBIDDEN.search(text)
    if match:
        line, column = position(text, match.start())
        raise YamlProblem(line, f"control character U+{ord(match.group()):04X} is not allowed in YAML "
                                "(remove it, or write it as an escape inside double quotes)", column)


class _Frame:
    __slots__ = ("value", "path", "anchor", "key", "key_line", "size", "line")

    def __init__(self, value: Any, path: Path_, anchor: str | None, line: int):
        self.value = value
        self.path = path
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.size = 1  # values in this collection, itself included (aliases counted in full)
        self.line = line


_NO_KEY = object()


def load(text: str) -> Any:
    """The data of a small document without the lines (front matter). Through libyaml's own
    constructor when nothing in the text can reach the limits (no anchors, no tags, little
    nesting), which is several times faster; otherwise, or on any error, through :func:`parse`."""
    if len(text) < 65_536 and not any(mark in text for mark in "&!") and text.count("[") + text.count("{") < MAX_DEPTH:
        try:
            return yaml.load(text, Loader=_Loader)
        except (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError, RecursionError):
            pass  # parse() says where
    return parse(text)[0]


def parse(text: str) -> tuple[Any, dict[Path_, int]]:
    """The single document in ``text`` as plain data, and the line of every path in it."""
    check_characters(text)
    loader = _Loader(text)
    constructor = _Loader("")
    reader = _Reader(loader, constructor)
    try:
        return reader.read()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, reader.last_scalar) from None
    except yaml.YAMLError as exc:  # pragma: no cover  (the characters were checked above)
        raise YamlProblem(1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
        constructor.dispose()


class _Reader:
    def __init__(self, loader: Any, constructor: Any):
        self.loader = loader
        self.constructor = constructor
        self.lines: dict[Path_, int] = {}
        self.anchors: dict[str, tuple[Any, int] | None] = {}  # None: still open
        self.alias_values = 0
        self.last_scalar: yaml.ScalarEvent | None = None

    def read(self) -> tuple[Any, dict[Path_, int]]:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        loader = self.loader
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlProblem(event.start_mark.line + 1, "more than one YAML document (a second `---`); "
                                                                 "conference.yaml is one document")
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                frame = stack.pop()
                if frame.anchor is not None:
                    self.anchors[frame.anchor] = (frame.value, frame.size)
                value, size, line = frame.value, frame.size, frame.line
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(event.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep",
                                      event.start_mark.column + 1)
                self._explicit_tag(event)
                line = event.start_mark.line + 1
                path = self._child_path(stack, line, event)
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                if event.anchor is not None:
                    self.anchors[event.anchor] = None
                stack.append(_Frame(container, path, event.anchor, line))
                self.lines.setdefault(path, line)
                continue
            elif isinstance(event, yaml.AliasEvent):
                value, size, line = self._alias(event)
            elif isinstance(event, yaml.ScalarEvent):
                value, line = self._scalar(event), event.start_mark.line + 1
                size = 1
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1)
                self.last_scalar = event
            else:  # pragma: no cover
                continue
            if not stack:
                root = value
                self.lines.setdefault((), line)
                continue
            parent = stack[-1]
            parent.size += size
            if isinstance(parent.value, list):
                self.lines.setdefault((*parent.path, len(parent.value)), line)
                parent.value.append(value)
            elif parent.key is _NO_KEY:
                parent.key, parent.key_line = self._key(value, event, parent), line
            else:
                parent.value[parent.key] = value
                parent.key = _NO_KEY
        return root, self.lines

    def _child_path(self, stack: list[_Frame], line: int, event: Any) -> Path_:
        if not stack:
            return ()
        parent = stack[-1]
        if isinstance(parent.value, list):
            return (*parent.path, len(parent.value))
        if parent.key is _NO_KEY:
            raise YamlProblem(line, "mapping keys must be plain strings, not lists or mappings", event.start_mark.column + 1,
                              parent.path)
        return (*parent.path, parent.key)

    def _key(self, value: Any, event: Any, parent: _Frame) -> str:
        line = event.start_mark.line + 1
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise YamlProblem(line, "mapping keys must be plain strings", 0, parent.path)
        key = value if isinstance(value, str) else str(value)
        if key in parent.value:
            raise YamlProblem(line, "duplicate key", 0, (*parent.path, key))
        self.lines[(*parent.path, key)] = line  # a field's line is its key's
        return key

    def _alias(self, event: yaml.AliasEvent) -> tuple[Any, int, int]:
        line = event.start_mark.line + 1
        if event.anchor not in self.anchors:
            raise YamlProblem(line, f"alias *{event.anchor} refers to no anchor &{event.anchor} before it",
                              event.start_mark.column + 1)
        found = self.anchors[event.anchor]
        if found is None:
            raise YamlProblem(line, f"alias *{event.anchor} refers to the value that contains it",
                              event.start_mark.column + 1)
        value, size = found
        self.alias_values += size
        if self.alias_values > MAX_ALIAS_VALUES:
            raise YamlProblem(line, f"aliases expand to more than {MAX_ALIAS_VALUES:,} values (an alias bomb?); "
                                    "write the values out instead", event.start_mark.column + 1)
        return value, size, line

    def _explicit_tag(self, event: Any) -> None:
        tag = getattr(event, "tag", None)
        if tag and tag not in ("!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap"):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                raise YamlProblem(event.start_mark.line + 1, f"unsupported YAML tag {tag!r}", event.start_mark.column + 1)

    def _tag(self, event: yaml.ScalarEvent) -> str:
        if event.tag is None or event.tag == "!":
            return self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        return event.tag

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        if len(event.value) > MAX_SCALAR:
            raise YamlProblem(line, f"a value of {len(event.value):,} characters; the limit is {MAX_SCALAR:,}", column)
        tag = self._tag(event)
        if tag == STR_TAG:
            return event.value  # most values: nothing to construct
        if tag == MERGE_TAG:
            raise YamlProblem(line, "YAML merge keys (<<) are not supported; write the values out", column)
        if tag not in self.constructor.yaml_constructors or tag.endswith((":map", ":seq", ":omap", ":pairs", ":set")):
            raise YamlProblem(line, f"unsupported YAML tag {event.tag or tag!r} (remove it; values need no tags)", column)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError, AttributeError, KeyError) as exc:
            what = {"int": "a whole number", "float": "a number", "timestamp": "a date or time", "bool": "true or false",
                    "binary": "base64 data", "null": "null"}.get(tag.rsplit(":", 1)[-1], tag)
            reason = getattr(exc, "problem", None) or ("not in a known form" if isinstance(exc, (AttributeError, KeyError)) else str(exc))
            raise YamlProblem(line, f"{event.value[:80]!r} is not {what}: {reason}", column) from None
        finally:
            self.constructor.constructed_objects.clear()  # each scalar stands alone


def _syntax_problem(exc: yaml.MarkedYAMLError, last: yaml.ScalarEvent | None) -> YamlProblem:
    """Where the fix goes. A scanner's context ("while scanning a quoted scalar") and a flow
    collection's opening bracket are where the broken construct began; a block collection's context
    is merely the enclosing mapping, often far above, and a plain scalar's is the value before the
    fault, so there the parser's own mark is better."""
    context = exc.context or ""
    if "maximum nesting depth" in str(exc.problem or "") and exc.problem_mark is not None:
        # Newer PyYAML stops deep flow collections in its scanner, before our own limit is reached.
        mark = exc.problem_mark
        return YamlProblem(mark.line + 1, f"nested more than {MAX_DEPTH} levels deep", mark.column + 1)
    if last is not None and last.style in ("'", '"') and last.end_mark.line > last.start_mark.line \
            and exc.problem_mark is not None and last.end_mark.line <= exc.problem_mark.line <= last.end_mark.line + 1:
        # An unclosed quote swallows the lines after it until the next quote; the parser fails
        # only there. The value that ran on is where the fix goes.
        return YamlProblem(last.start_mark.line + 1, f"invalid YAML: the quoted value starting here runs on to line "
                                                     f"{last.end_mark.line + 1}; is its closing quote missing? "
                                                     f"({exc.problem})", last.start_mark.column + 1)
    use_context = exc.context_mark is not None and ("plain scalar" not in context) and (
        context.startswith("while scanning") or "flow" in context)
    mark = exc.context_mark if use_context else (exc.problem_mark or exc.context_mark)
    line = mark.line + 1 if mark else 0
    message = f"invalid YAML: {context + ': ' if context else ''}{exc.problem or exc}"
    if use_context and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
        message += f" (noticed at line {exc.problem_mark.line + 1})"
    return YamlProblem(line, message, (mark.column + 1) if mark else 0)
