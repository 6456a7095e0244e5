"""Results of the core's pure but costly steps (an abstract's Markdown as HTML, a draft's front
matter), kept from one build to the next in ``.confgen/memo`` so that a rebuild redoes only what changed.

A step is a function declared with :func:`pure`: its result depends on its arguments alone. An
entry's key hashes the arguments with the step's salt: its name, the source of the module that
defines it and the versions of the libraries it names, so that a changed step never reads a result
of its old self. The file keeps only the entries the last build used, so it never grows past one
build's worth, and it is rewritten only when that set changed.

It is confgen's own, not part of the plugin API: a content kind that keeps what it derives from one
build to the next does so in ``RenderContext.cache_dir``.
"""

from __future__ import annotations

import hashlib
import inspect
import marshal
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, TypeVar

from confgen import last_build, versions

V = TypeVar("V")
F = TypeVar("F", bound=Callable[..., Any])

#: Part of the file: marshal's format may change with the Python version.
FORMAT = f"confgen-memo-1-py{sys.version_info[0]}.{sys.version_info[1]}"


def pure(*distributions: str) -> Callable[[F], F]:
    """Declare a module-level function a step the memo may keep: a pure function of its arguments
    (strings, numbers, datetimes and tuples of them, whose ``repr`` is stable) returning plain data
    (str, bytes, numbers, lists, dicts). ``distributions`` are the libraries whose version its
    result depends on. A result marshal cannot store is returned but not kept; a kept result may be
    handed to several callers, so none may change it."""

    def declare(step: F) -> F:
        if getattr(step, "__closure__", None):
            raise TypeError(f"{step.__qualname__} reads variables of an enclosing function, which no key would hold")
        # Read now, with the code being imported: an edit made later in the run must not key the
        # results of the old code.
        try:
            source = Path(inspect.getsourcefile(step) or "").read_bytes()
        except OSError:
            source = None  # no source to key it by (a build without .py files): it always runs
        step.__memo__ = (source, distributions)  # type: ignore[attr-defined]
        return step

    return declare


@lru_cache(maxsize=256)
def _salt(step: Callable[..., Any]) -> str | None:
    if inspect.ismethod(step):
        raise TypeError(f"{step.__qualname__} is a bound method: its object would not be part of the key")
    declared = getattr(step, "__memo__", None)
    if declared is None:
        raise TypeError(f"{step.__qualname__} is not declared @pure: the memo cannot know it is safe to keep")
    source, distributions = declared
    if source is None:
        return None
    digest = hashlib.sha256(source)
    digest.update(f"{step.__module__}.{step.__qualname__};{versions.installed(distributions)}".encode())
    return digest.hexdigest()


class Memo:
    """The memo of one project (``path``); with no path, a memo that keeps nothing and runs every
    step (see :data:`NO_MEMO`)."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._loaded: dict[str, Any] | None = None
        self._used: dict[str, Any] = {}

    def __call__(self, step: Callable[..., V], *args: Any) -> V:
        """``step(*args)``, from the last build when the step and its arguments are the same."""
        salt = _salt(step)
        if salt is None or self.path is None:
            return step(*args)
        key = hashlib.sha256(f"{salt}{args!r}".encode()).hexdigest()
        if key in self._used:
            return self._used[key]
        if self._loaded is None:
            self._loaded = self._load()
        if key in self._loaded:
            value = self._loaded[key]
        else:
            value = step(*args)
            try:
                marshal.dumps(value)
            except ValueError:
                return value  # not something the file can hold (a date parsed from YAML): not kept
        self._used[key] = value
        return value

    def put(self, step: Callable[..., V], value: V, *args: Any) -> None:
        """Record that ``step(*args)`` is ``value``, known without running it (a file's front matter
        as it was just written), for this build and the next."""
        salt = _salt(step)
        if salt is None or self.path is None:
            return
        try:
            marshal.dumps(value)
        except ValueError:
            return
        self._used[hashlib.sha256(f"{salt}{args!r}".encode()).hexdigest()] = value

    def save(self) -> None:
        """Keep exactly the entries this build used; a no-op when they are those of the last build."""
        if self.path is None or self._loaded is None or self._used.keys() == self._loaded.keys():
            return
        if last_build.write(self.path, FORMAT, self._used):
            self._loaded = dict(self._used)

    def _load(self) -> dict[str, Any]:
        return {} if self.path is None else last_build.read(self.path, FORMAT)


#: For a caller with no project to keep results in: every step runs.
NO_MEMO = Memo()
