"""Mermaid's own parser, run in node (one process per confgen process, started on first use).

Node and the npm packages ``mermaid`` and ``jsdom`` are needed; they are looked for in the folder
named by ``CONFGEN_NODE_MODULES``, then in npm's global folder. Without them, :func:`check`
returns None and the gate says the diagram was not checked (a warning on the draft), never a pass.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import threading
from functools import lru_cache
from pathlib import Path

SCRIPT = Path(__file__).with_name("mermaid_parse.mjs")
START_TIMEOUT = 60.0
INSTALL_HINT = "install node, then `npm install -g mermaid@11 jsdom` (or set CONFGEN_NODE_MODULES)"


class Unavailable(Exception):
    """Why diagrams cannot be checked on this machine."""


def modules_dir() -> Path:
    node = shutil.which("node")
    if node is None:
        raise Unavailable(f"node is not installed; {INSTALL_HINT}")
    candidates = [os.environ.get("CONFGEN_NODE_MODULES", "")]
    npm = shutil.which("npm")
    if npm:
        try:
            candidates.append(subprocess.run([npm, "root", "-g"], capture_output=True, text=True, timeout=20).stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
    for folder in filter(None, candidates):
        path = Path(folder)
        if (path / "mermaid" / "package.json").exists() and (path / "jsdom" / "package.json").exists():
            return path
    raise Unavailable(f"the npm packages mermaid and jsdom were not found; {INSTALL_HINT}")


class _Parser:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen[str] | None = None
        self.unavailable: str | None = None
        self.count = 0

    def _start(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            folder = modules_dir()
            self.process = subprocess.Popen(["node", str(SCRIPT), str(folder)], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
            atexit.register(self.close)
            ready = self.process.stdout.readline()
            if not ready.strip():
                raise Unavailable("Mermaid's parser did not start in node")
        return self.process

    def parse(self, text: str) -> str | None:
        """The parser's error message, or None when the diagram parses."""
        with self.lock:
            if self.unavailable:
                raise Unavailable(self.unavailable)
            try:
                process = self._start()
            except Unavailable as exc:
                self.unavailable = str(exc)
                raise
            self.count += 1
            process.stdin.write(json.dumps({"id": self.count, "text": text}) + "\n")
            process.stdin.flush()
            answer = process.stdout.readline()
            if not answer:
                self.process = None
                raise Unavailable("Mermaid's parser stopped")
            return json.loads(answer)["error"]

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


_parser = _Parser()


@lru_cache(maxsize=1024)
def check(text: str) -> str | None:
    """None when ``text`` parses; else Mermaid's message. Raises :class:`Unavailable`."""
    return _parser.parse(text)
