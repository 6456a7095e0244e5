"""Writing a plan back into conference.yaml, keeping the rest of the file as the user wrote it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

_FIELD_ORDER = ("id", "title", "abstract", "type", "track", "level", "language", "speakers", "room", "start", "end")


def write_placements(path: Path, placements: list[tuple[int, str, dt.datetime, dt.datetime]]) -> None:
    """Set ``room``, ``start`` and ``end`` of the sessions at the given positions in ``path``,
    keeping every comment, quote, key order and indentation of the rest of the file."""
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    from confgen.atomic import write_text

    text = path.read_text(encoding="utf-8")
    _, sequence_indent, offset = load_yaml_guess_indent(text)
    yaml = YAML()  # round-trip mode
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never re-wrap the user's long lines
    yaml.indent(mapping=2, sequence=sequence_indent or 2, offset=offset or 0)
    document = yaml.load(text)
    sessions = document["sessions"]
    for index, room, start, end in placements:
        entry = sessions[index]
        for key, value in (("room", room), ("start", f"{start:%Y-%m-%d %H:%M}"), ("end", f"{end:%Y-%m-%d %H:%M}")):
            if key in entry:
                entry[key] = value
            else:
                entry.insert(_position(entry, key), key, value)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    write_text(path, buffer.getvalue())


def _position(entry: Any, key: str) -> int:
    """Where ``key`` goes: right after the last key that comes before it in the usual order."""
    before = _FIELD_ORDER[: _FIELD_ORDER.index(key)]
    keys = list(entry.keys())
    last = max((i for i, k in enumerate(keys) if k in before), default=len(keys) - 1)
    return last + 1
