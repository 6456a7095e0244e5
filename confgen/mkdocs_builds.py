"""The per-language ``mkdocs build`` processes of a build (see :mod:`confgen.mkdocs_worker`).

They are started before the projects they build are rendered, so that loading MkDocs overlaps
confgen's own work. The ``confgen build`` command starts them before the rest of confgen is even
imported (:func:`start_early`); only the standard library is imported here so that this costs
nothing. Each language is told to build as soon as its own project is rendered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from confgen import LANGUAGES


def mkdocs_args(config: Path, strict: bool = False) -> list[str]:
    return ["build", "--quiet", "--clean", "-f", str(config), *(["--strict"] if strict else [])]


class MkDocsBuilds:
    """One loading ``mkdocs build`` per language. Use as a context manager: leaving it stops any
    process that was never told to build."""

    def __init__(self, languages: tuple[str, ...] = LANGUAGES):
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # keep mkdocs' own banner out of our output
        self._processes = {
            lang: subprocess.Popen([sys.executable, "-m", "confgen.mkdocs_worker", lang], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for lang in languages
        }
        self._configs: dict[str, Path] = {}

    def start(self, lang: str, config: Path, strict: bool = False) -> None:
        """Tell ``lang``'s process to build ``config`` now; :meth:`wait` collects the outcome."""
        process = self._processes[lang]
        self._configs[lang] = config
        try:
            process.stdin.write(json.dumps(mkdocs_args(config, strict)) + "\n")
            process.stdin.flush()
        except BrokenPipeError:
            pass  # it has already ended: its status and output, read by wait(), say why

    def wait(self) -> None:
        """Wait for every started build; a failure names the config and mkdocs' last words."""
        from confgen.api import ConfgenError

        started = {lang: self._processes[lang] for lang in self._configs}
        with ThreadPoolExecutor(max_workers=max(1, len(started))) as pool:
            outputs = list(pool.map(lambda p: p.communicate(), started.values()))
        for (lang, process), (stdout, stderr) in zip(started.items(), outputs):
            if process.returncode != 0:
                tail = "\n".join((stderr or stdout).strip().splitlines()[-15:])
                raise ConfgenError(f"mkdocs build failed for {self._configs[lang]}:\n{tail}")

    def close(self) -> None:
        """Stop the processes that were never told to build (the run stopped before their render
        was done); one that was told runs to its end, so its site is whole or mkdocs says why not."""
        for lang, process in self._processes.items():
            if lang not in self._configs and process.poll() is None:
                process.kill()
            if process.returncode is None:
                process.communicate()

    def __enter__(self) -> "MkDocsBuilds":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_early: MkDocsBuilds | None = None


def start_early() -> None:
    """Start this process's builds now, for the next :func:`claim` to take."""
    global _early
    if _early is None:
        _early = MkDocsBuilds()


def claim() -> MkDocsBuilds:
    """The builds :func:`start_early` started, or new ones."""
    global _early
    builds, _early = _early, None
    return builds or MkDocsBuilds()


def discard_early() -> None:
    """Stop builds started early that no build claimed (the command failed before it began)."""
    global _early
    if _early is not None:
        _early.close()
        _early = None
