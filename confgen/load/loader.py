"""Read ``conference.yaml`` into the typed model, keeping the line of every field so that each
error can say ``conference.yaml:LINE: path.to.field: message``.

All problems are collected and raised together as one :class:`ValidationFailed`, so a user fixes
a file in one pass instead of one error per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from confgen.errors import InputError
from confgen.model import Conference

try:  # the C loader is ~10x faster on large programmes; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ValidationFailed(InputError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def dotted(path: Iterable[str | int]) -> str:
    return ".".join(str(part) for part in path)


class LineMap:
    """Line numbers (1-based) of every key and item in a YAML document."""

    def __init__(self, lines: dict[Path_, int]):
        self._lines = lines

    def line(self, path: Path_) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return self._lines.get((), 1)

    def line_of_dotted(self, dotted_path: str) -> int:
        parts: list[str | int] = [int(p) if p.isdigit() else p for p in dotted_path.split(".") if p]
        return self.line(tuple(parts))


def parse_yaml(text: str, filename: str) -> tuple[Any, LineMap]:
    """Parse YAML into plain Python data and a map of where each value stands."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began (an unclosed bracket or quote), which
        # is where the fix goes; the problem mark is where the parser noticed.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else 0
        message = f"invalid YAML: {exc.context + ': ' if exc.context else ''}{exc.problem or exc}"
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            message += f" (noticed at line {exc.problem_mark.line + 1})"
        raise ValidationFailed([Problem(filename, line, "", message)]) from None
    except yaml.YAMLError as exc:
        raise ValidationFailed([Problem(filename, 0, "", f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is None:
        return None, LineMap(lines)
    constructor = _Loader("")
    try:
        data = _build(node, (), lines, constructor, filename)
    finally:
        constructor.dispose()
    return data, LineMap(lines)


def _build(node: yaml.Node, path: Path_, lines: dict[Path_, int], constructor: Any, filename: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ValidationFailed([Problem(filename, key_node.start_mark.line + 1, dotted(path), "YAML merge keys (<<) are not supported")])
            key = constructor.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise ValidationFailed([Problem(filename, key_node.start_mark.line + 1, dotted(path), "mapping keys must be plain strings")])
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                raise ValidationFailed([Problem(filename, key_node.start_mark.line + 1, dotted((*path, key)), "duplicate key")])
            lines[(*path, key)] = key_node.start_mark.line + 1  # a field's line is its key's
            result[key] = _build(value_node, (*path, key), lines, constructor, filename)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, constructor, filename) for i, item in enumerate(node.value)]
    return constructor.construct_object(node, deep=True)


def load_conference(path: Path) -> tuple[Conference, LineMap]:
    """Load and validate the schema of a conference file. Raises :class:`ValidationFailed`."""
    filename = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file (run `confgen init` to start a project)") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    data, lines = parse_yaml(text, filename)
    if not isinstance(data, dict):
        raise ValidationFailed([Problem(filename, 1, "", "the file must be a mapping with at least an `event:` section")])
    try:
        return Conference.model_validate(data), lines
    except ValidationError as exc:
        raise ValidationFailed(schema_problems(exc, lines, filename)) from None


def schema_problems(exc: ValidationError, lines: LineMap, filename: str, prefix: tuple = ()) -> list[Problem]:
    """Every error of ``exc`` with its line; ``prefix`` is where the validated data sits in the file."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = prefix + tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown field (check its spelling and indentation)"
        elif error["type"] == "missing":
            message = "required field is missing"
        elif message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        problems.append(Problem(filename, lines.line(loc), dotted(loc), message))
    return sorted(problems, key=lambda p: p.line)
