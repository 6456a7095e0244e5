"""Shared fixtures: small conference projects written to a temporary folder, and the reference
site built once for the whole run (``reference_build``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from filelock import FileLock

from browser import base_url, driver  # noqa: F401 - fixtures of the browser tests: one Chromium and one server a module
from helpers import REFERENCE_SITE, write_project

# Mermaid's parser for the code gate, installed by scripts/install-test-deps.
os.environ.setdefault("CONFGEN_NODE_MODULES", str(Path(__file__).parent / "artifacts" / "node" / "node_modules"))


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A small valid project (3 sessions, 2 speakers, 2 days) with no drafts yet."""
    return write_project(tmp_path / "mini")


def _shared_folder(tmp_path_factory) -> Path:
    """The run's folder common to every pytest-xdist worker (the session's own with one process)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def _mini_built_once(tmp_path_factory) -> Path:
    """The mini project after ``confgen build`` (offline: it names no provider), built by the first
    worker to ask while the others wait on a file lock; read only through ``built_mini_project``."""
    common = _shared_folder(tmp_path_factory)
    folder, outcome = common / "mini-built", common / "mini-built" / "outcome.json"
    with FileLock(common / "mini-built.lock"):
        if not outcome.is_file():
            if folder.exists():
                shutil.rmtree(folder)  # a build cut short (a worker was stopped): start again
            root = write_project(folder / "mini")
            result = subprocess.run([sys.executable, "-m", "confgen", "build", str(root)], capture_output=True,
                                    text=True, timeout=600)
            outcome.write_text(json.dumps({"returncode": result.returncode, "stdout": result.stdout,
                                           "stderr": result.stderr}), encoding="utf-8")
    done = json.loads(outcome.read_text(encoding="utf-8"))
    assert done["returncode"] == 0, done["stdout"][-3000:] + done["stderr"][-3000:]
    return folder / "mini"


@pytest.fixture
def built_mini_project(_mini_built_once: Path, tmp_path: Path) -> Path:
    """``mini_project`` as ``confgen build`` left it (drafts, state, built site), for a test to
    change: a copy of one build, where each such test began with the same cold build of its own."""
    target = tmp_path / "mini"
    shutil.copytree(_mini_built_once, target, symlinks=True)
    return target


@pytest.fixture
def reference_copy(tmp_path: Path) -> Path:
    """A copy of the reference site (conference.yaml and committed drafts) that a test may change."""
    target = tmp_path / "site"
    shutil.copytree(REFERENCE_SITE, target, ignore=shutil.ignore_patterns("build", ".confgen"))
    return target


@dataclass(frozen=True)
class ReferenceBuild:
    """The reference project built once with ``confgen build --strict`` (the real `mkdocs build`),
    and what the build printed. Read-only: a test that writes into it copies it first."""

    root: Path
    stdout: str
    stderr: str

    @property
    def site(self) -> Path:
        return self.root / "build" / "site"


def _build_reference(folder: Path) -> ReferenceBuild:
    """Build the reference project in ``folder`` unless a build is there already, and keep its
    output beside it so that every worker reads the same. A failed build is kept too: every test
    that asks for it fails with the build's own message, not with a second build's."""
    root, outcome = folder / "site", folder / "outcome.json"
    if not outcome.is_file():
        if folder.exists():
            shutil.rmtree(folder)  # a build cut short (a worker was stopped): start again
        folder.mkdir(parents=True)
        shutil.copytree(REFERENCE_SITE, root, ignore=shutil.ignore_patterns("build", ".confgen"))
        result = subprocess.run([sys.executable, "-m", "confgen", "build", str(root), "--strict"], capture_output=True,
                                text=True, timeout=600)  # --strict: not one MkDocs warning
        outcome.write_text(json.dumps({"returncode": result.returncode, "stdout": result.stdout,
                                       "stderr": result.stderr}), encoding="utf-8")
    done = json.loads(outcome.read_text(encoding="utf-8"))
    assert done["returncode"] == 0, done["stdout"][-3000:] + done["stderr"][-3000:]
    return ReferenceBuild(root, done["stdout"], done["stderr"])


def _files(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and modification time: any write changes one."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            stat = os.stat(os.path.join(folder, name))
            found[os.path.relpath(os.path.join(folder, name), root)] = (stat.st_size, stat.st_mtime_ns)
    return found


@pytest.fixture(scope="session")
def reference_build(tmp_path_factory) -> Iterator[ReferenceBuild]:
    """The reference site built once per test run, shared by every module that only reads it: under
    pytest-xdist the first worker to ask builds it in the run's common temporary folder while the
    others wait on a file lock (https://pytest-xdist.readthedocs.io/en/stable/how-to.html). At the
    end of the session it must be as it was built: a test that writes into it makes a copy first."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # one process: nobody to share with
        built = _build_reference(tmp_path_factory.getbasetemp() / "reference")
    else:
        common = tmp_path_factory.getbasetemp().parent
        with FileLock(common / "reference.lock"):
            built = _build_reference(common / "reference")
    before = _files(built.root)
    yield built
    after = _files(built.root)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"a test wrote into the shared reference build: {changed[:10]}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules marked slow or browser first, the rest by their number of tests (most first, as
    pytest-xdist's own order is): two workers each take whole modules (``--dist loadfile``), and a
    long module handed out last would leave one worker alone with it at the end. A module's tests
    stay together and in their order; pyproject.toml turns xdist's reordering off so this holds."""
    modules: dict[Path, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.path, []).append(item)

    def heavy_first(path: Path) -> tuple[bool, int]:
        tests = modules[path]
        return not any(t.get_closest_marker("slow") or t.get_closest_marker("browser") for t in tests), -len(tests)

    items[:] = [item for path in sorted(modules, key=heavy_first) for item in modules[path]]
