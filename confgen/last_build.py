"""A file of entries kept from the last build (the memo's, the kept renders'): marshal data tagged
with its format, read whole, and written whole when a build used other entries than it holds."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

from confgen import atomic


def read(path: Path, fmt: str) -> dict[Any, Any]:
    """The entries kept in ``path``: none when there is no file yet, or it is unreadable, cut short
    or of another format (marshal's may change with the Python version), so all is done anew."""
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(data, tuple) or len(data) != 2 or data[0] != fmt or not isinstance(data[1], dict):
        return {}
    return data[1]


def write(path: Path, fmt: str, entries: dict[Any, Any]) -> bool:
    """Keep ``entries`` in ``path``; False when they cannot be kept (a read-only project): the next
    build does their work again, and nothing else is lost."""
    try:
        atomic.write_bytes(path, marshal.dumps((fmt, entries)))
    except (OSError, ValueError):
        return False
    return True
