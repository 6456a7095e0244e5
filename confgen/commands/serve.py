"""``confgen serve``: a live preview. The site is built once, served from ``build/site`` on
127.0.0.1, and rebuilt whenever conference.yaml, a draft (``content/``), a template
(``templates/``) or a project plugin changes.

Changes are found by polling modification times: it needs no extra package, works on every file
system (network and container mounts included) and a conference project has few enough files
that a scan costs well under a millisecond per hundred files. A failed rebuild is reported and the
last good site stays online.
"""

from __future__ import annotations

import functools
import os
import time
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from confgen import pipeline
from confgen.errors import ConfgenError
from confgen.load.project import CONFERENCE_FILE

WATCHED_FOLDERS = ("content", "templates", "plugins")
Snapshot = dict[str, tuple[int, int]]


SETTLE_SECONDS = 0.15


def snapshot(root: Path) -> Snapshot:
    """(mtime, size) of every watched file, by path."""
    state: Snapshot = {}
    candidates = [root / CONFERENCE_FILE]
    for folder in WATCHED_FOLDERS:
        base = root / folder
        if base.is_dir():
            candidates.extend(p for p in base.rglob("*") if p.is_file() and not p.name.endswith(".confgen-tmp"))
    for path in candidates:
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        state[str(path)] = (info.st_mtime_ns, info.st_size)
    return state


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # the terminal shows rebuilds, not every request
        pass


class Preview:
    def __init__(self, project_dir: Path, *, port: int = 8000, interval: float = 1.0, offline: bool = True,
                 log: Callable[[str], None] = print, engine: str | None = None):
        self.root = Path(project_dir).resolve()
        self.engine = engine  # mkdocs or zensical; None: the project's site.engine
        self.site = self.root / "build" / "site"
        self.interval = interval
        self.offline = offline
        self.log = log
        self.builds = 0  # successful builds so far
        self.failures = 0
        self.last_error = ""
        self._state: Snapshot = {}
        self._stop = threading.Event()
        self.site.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_Handler, directory=str(self.site))
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def build(self) -> bool:
        """Draft what is missing, render and build; False (and a message) when it fails."""
        before = snapshot(self.root)
        try:
            pipeline.build(self.root, offline=self.offline, note=self.log, engine=self.engine)
        except ConfgenError as exc:
            self.failures += 1
            self.last_error = str(exc)
            self.log(f"rebuild failed, still serving the last good site:\n{exc}")
            return False
        finally:
            # Drafts the build wrote itself must not look like an edit; but a file outside content/
            # that changed while the build ran (an editor still saving) is an edit still to build.
            after = snapshot(self.root)
            content = str(self.root / "content")
            self._state = ({p: v for p, v in after.items() if p.startswith(content)}
                           | {p: v for p, v in before.items() if not p.startswith(content)})
        self.builds += 1
        self.last_error = ""
        return True

    def changed(self) -> list[str]:
        now = snapshot(self.root)
        paths = sorted(set(now) ^ set(self._state) | {p for p in now if p in self._state and now[p] != self._state[p]})
        return paths

    def watch_once(self) -> bool:
        paths = self.changed()
        if not paths:
            return False
        # Editors often truncate and then write: wait until the files stop changing.
        settled = snapshot(self.root)
        for _ in range(20):
            time.sleep(SETTLE_SECONDS)
            latest = snapshot(self.root)
            if latest == settled:
                break
            settled = latest
        shown = ", ".join(os.path.relpath(p, self.root) for p in paths[:3]) + (" …" if len(paths) > 3 else "")
        self.log(f"changed: {shown}; rebuilding")
        if self.build():
            self.log(f"rebuilt; {self.url}")
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            self.watch_once()

    def start(self) -> None:
        """Serve and watch in background threads (the site should be built first)."""
        for target in (self.server.serve_forever, self._watch):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=30)

    def serve_forever(self) -> None:
        self.start()
        try:
            while not self._stop.wait(3600):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
