"""Read ``conference.yaml`` into the typed model, keeping the line of every field so that each
error can say ``conference.yaml:LINE: path.to.field: message``.

All problems are collected and raised together as one :class:`ValidationFailed`, so a user fixes
a file in one pass instead of one error per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from confgen import LANGUAGES
from confgen.load import yaml_read
from confgen.errors import InputError
from confgen.model import Conference

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    path: str
    message: str
    column: int = 0

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        where += f":{self.column}" if self.line and self.column else ""
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
    """Parse YAML into plain Python data and a map of where each value stands (see :mod:`confgen.load.yaml_read`)."""
    try:
        data, lines = yaml_read.parse(text)
    except yaml_read.YamlProblem as exc:
        raise ValidationFailed([Problem(filename, exc.line, dotted(exc.path), exc.message, exc.column)]) from None
    return data, LineMap(lines)


def load_conference(path: Path) -> tuple[Conference, LineMap]:
    """Load and validate the schema of a conference file. Raises :class:`ValidationFailed`."""
    filename = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file (run `confgen init` to start a project)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = yaml_read.decode(raw)
    except yaml_read.YamlProblem as exc:
        raise ValidationFailed([Problem(filename, exc.line, "", exc.message, exc.column)]) from None
    data, lines = parse_yaml(text, filename)
    if not isinstance(data, dict):
        raise ValidationFailed([Problem(filename, 1, "", "the file must be a mapping with at least an `event:` section")])
    try:
        return Conference.model_validate(data), lines
    except ValidationError as exc:
        raise ValidationFailed(schema_problems(exc, lines, filename)) from None


def messages(exc: ValidationError) -> Iterable[tuple[tuple, str]]:
    """Every error of ``exc`` as (where in the data, what is wrong), worded for a person: the one
    reading of pydantic's errors that every settings check shares."""
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown field (check its spelling and indentation)"
        elif error["type"] == "missing":
            message = "required field is missing"
        elif message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        yield loc, message


def schema_problems(exc: ValidationError, lines: LineMap, filename: str, prefix: tuple = ()) -> list[Problem]:
    """Every error of ``exc`` with its line; ``prefix`` is where the validated data sits in the file."""
    problems = []
    for loc, message in messages(exc):
        loc = prefix + loc
        # A localized value's check names the language at fault ("en: ..."): point at its line.
        lang = message.split(":", 1)[0] if ":" in message[:4] else None
        line = lines.line((*loc, lang)) if lang in LANGUAGES else lines.line(loc)
        problems.append(Problem(filename, line, dotted(loc), message))
    return sorted(problems, key=lambda p: p.line)
