"""The per-language ``mkdocs build`` processes of a build (see :mod:`confgen.sitebuild.mkdocs_worker`).

They are started before the projects they build are rendered, so that loading MkDocs overlaps
confgen's own work: :func:`confgen.pipeline.build` creates them first, and the ``confgen build``
command creates them even before the rest of confgen is imported and hands them to it (only the
standard library is imported here, so this costs nothing). Each language is told to build as soon
as its own project is rendered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Iterable

from confgen import LANGUAGES
from confgen.errors import ConfgenError


def mkdocs_args(config: Path, site_dir: Path, strict: bool = False, dirty: bool = False) -> list[str]:
    # --quiet would hide from mkdocs' own count the very warnings --strict fails on.
    quiet_or_strict = "--strict" if strict else "--quiet"
    # --dirty: only the pages newer than their HTML (see confgen.sitebuild.rebuild).
    return ["build", quiet_or_strict, "--dirty" if dirty else "--clean", "-f", str(config), "--site-dir", str(site_dir)]


class MkDocsProcesses:
    """One loading ``mkdocs build`` per language. Use as a context manager: leaving it stops every
    process still running."""

    def __init__(self, languages: tuple[str, ...] = LANGUAGES):
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # keep mkdocs' own banner out of our output
        self._processes = {
            lang: subprocess.Popen([sys.executable, "-m", "confgen.sitebuild.mkdocs_worker", lang], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for lang in languages
        }
        self._configs: dict[str, Path] = {}
        # Each started build's output is read as it comes, so that waiting for one language never
        # leaves another blocked on a full pipe.
        self._outputs = ThreadPoolExecutor(max_workers=len(self._processes) or 1, thread_name_prefix="mkdocs")
        self._done: dict[str, Future] = {}
        self._closed = False

    def start(self, lang: str, config: Path, site_dir: Path, strict: bool = False, dirty: bool = False) -> None:
        """Tell ``lang``'s process to build ``config`` into ``site_dir`` now (``dirty``: only what
        changed); :meth:`wait` collects the outcome."""
        process = self._processes[lang]
        self._configs[lang] = config
        try:
            process.stdin.write(json.dumps(mkdocs_args(config, site_dir, strict, dirty)) + "\n")
            process.stdin.flush()
        except BrokenPipeError:
            pass  # it has already ended: its status and output, read by wait(), say why
        self._done[lang] = self._outputs.submit(process.communicate)

    def wait(self, lang: str | None = None) -> None:
        """Wait for ``lang``'s build, or every started one; a failure names the config and mkdocs'
        last words."""
        for lang in [lang] if lang else list(self._done):
            process = self._processes[lang]
            stdout, stderr = self._done[lang].result()
            if process.returncode != 0:
                tail = "\n".join((stderr or stdout).strip().splitlines()[-15:])
                raise ConfgenError(f"mkdocs build failed for {self._configs[lang]}:\n{tail}")

    def close(self) -> None:
        """Stop every process still running: the run stopped before all of them were told to build,
        or while they built. They build into staging folders that only a finished build puts in
        place (:func:`confgen.sitebuild.install.install_site`), so nothing is lost, and the error is
        reported at once. Closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        for lang in self._done:  # their output is being read already: kill them, the readers end
            if self._processes[lang].poll() is None:
                self._processes[lang].kill()
        stop_all(p for lang, p in self._processes.items() if lang not in self._done)
        self._outputs.shutdown(wait=True)

    def __enter__(self) -> "MkDocsProcesses":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stop_all(processes: Iterable[subprocess.Popen]) -> None:
    """Kill every process still running, then reap each one and close its pipes."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.kill()
    for process in processes:
        process.communicate()
