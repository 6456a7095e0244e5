"""Shared fixtures: small conference projects written to a temporary folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import REFERENCE_SITE, write_project

# Mermaid's parser for the code gate, installed by scripts/install-test-deps.
os.environ.setdefault("CONFGEN_NODE_MODULES", str(Path(__file__).parent / "artifacts" / "node" / "node_modules"))


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A small valid project (3 sessions, 2 speakers, 2 days) with no drafts yet."""
    return write_project(tmp_path / "mini")


@pytest.fixture
def reference_copy(tmp_path: Path) -> Path:
    """A copy of the reference site (conference.yaml and committed drafts) that a test may change."""
    target = tmp_path / "site"
    shutil.copytree(REFERENCE_SITE, target, ignore=shutil.ignore_patterns("build", ".confgen"))
    return target
