"""The installed versions of libraries, as part of a cache key: a result made with another version
of a library it depends on is never taken for this one's."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Iterable


def installed(names: Iterable[str]) -> str:
    """``name=version`` for each of ``names``, ``?`` for one not installed, joined by ``;``."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return ";".join(found)
