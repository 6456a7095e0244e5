"""Running a Python snippet from a draft: a fresh isolated interpreter (``python -I``) in an empty
folder, with a time limit, memory and file-size limits, and no network.

The network is cut twice: in a fresh network namespace (``unshare -n``) where the machine allows it,
and always by an audit hook that refuses sockets and new processes, so a snippet cannot reach out
even where namespaces are unavailable (an unprivileged CI runner).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache

BOOTSTRAP = r"""
import sys
BLOCKED = ("socket.connect", "socket.bind", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto",
           "socket.sendmsg", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
           "os.forkpty", "pty.spawn", "urllib.Request")
def _guard(event, args):
    if event in BLOCKED:
        raise PermissionError(f"{event} is not allowed in a draft's code")
sys.addaudithook(_guard)
del _guard
import runpy
sys.argv = ["snippet.py"]
runpy.run_path("snippet.py", run_name="__main__")
"""


@dataclass(frozen=True)
class Result:
    ok: bool
    stdout: str
    stderr: str
    timed_out: bool = False

    @property
    def error(self) -> str:
        """The last line of the traceback (``ZeroDivisionError: division by zero``)."""
        if self.timed_out:
            return "timed out"
        lines = [l for l in self.stderr.strip().splitlines() if l.strip()]
        return lines[-1] if lines else "failed"


@lru_cache(maxsize=1)
def _unshare() -> list[str]:
    """``["unshare", "-n", "--"]`` when this machine lets us drop into a fresh network namespace."""
    tool = shutil.which("unshare")
    if not tool:
        return []
    try:
        probe = subprocess.run([tool, "-n", "--", "true"], capture_output=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return []
    return [tool, "-n", "--"] if probe.returncode == 0 else []


def _limits(seconds: float):
    def apply() -> None:
        import resource

        cpu = int(seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))

    return apply


def run_python(code: str, timeout: float = 10.0) -> Result:
    with tempfile.TemporaryDirectory(prefix="confgen-snippet-") as folder:
        with open(os.path.join(folder, "snippet.py"), "w", encoding="utf-8") as handle:
            handle.write(code)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONIOENCODING": "utf-8", "HOME": folder,
               "LANG": "C.UTF-8"}
        command = [*_unshare(), sys.executable, "-I", "-c", BOOTSTRAP]
        process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   preexec_fn=_limits(timeout) if os.name == "posix" else None)
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            return Result(False, out.decode(errors="replace"), err.decode(errors="replace"), timed_out=True)
        return Result(process.returncode == 0, out.decode(errors="replace"), err.decode(errors="replace"))


@lru_cache(maxsize=256)
def run_cached(code: str, timeout: float = 10.0) -> Result:
    """:func:`run_python`, once per snippet and limit: several gates judge the same block."""
    return run_python(code, timeout)
