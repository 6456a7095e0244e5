"""``confgen publish``: put ``build/site`` on the branch GitHub Pages serves, the way ghp-import does.

The commit is made from a temporary index with ``git commit-tree``: the working tree, the real
index and the checked-out branch are never touched, so publishing in the middle of an edit is safe.
Each publish is a child of the branch's previous commit (the remote's when it has one), so the
push is a fast-forward and the history of what was online is kept.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from confgen import __version__
from confgen.errors import ConfgenError, InputError

FALLBACK_IDENTITY = {"GIT_AUTHOR_NAME": "confgen", "GIT_AUTHOR_EMAIL": "confgen@localhost",
                     "GIT_COMMITTER_NAME": "confgen", "GIT_COMMITTER_EMAIL": "confgen@localhost"}


@dataclass(frozen=True)
class Published:
    commit: str
    files: int
    changed: bool


def _git(repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                            env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise ConfgenError(f"git {' '.join(args)} failed: {(result.stderr or result.stdout).strip()}")
    return result


def publish_site(project_dir: Path, *, remote: str = "origin", branch: str = "gh-pages",
                 message: str | None = None) -> Published:
    project_dir = project_dir.resolve()
    site = project_dir / "build" / "site"
    if not site.is_dir() or not any(p.is_file() for p in site.rglob("*")):
        raise InputError(f"{site}: nothing built to publish; run `confgen build {project_dir}` first")
    top = _git(project_dir, "rev-parse", "--show-toplevel", check=False)
    if top.returncode != 0:
        raise InputError(f"{project_dir}: not inside a git repository (run `git init` and add a remote)")
    repo = Path(top.stdout.strip())
    if _git(repo, "remote", "get-url", remote, check=False).returncode != 0:
        known = _git(repo, "remote").stdout.split()
        raise InputError(f"no git remote named {remote!r} in {repo} (known: {', '.join(known) or 'none'}); "
                         f"add one with `git remote add {remote} URL`")
    if _git(repo, "check-ref-format", "--branch", branch, check=False).returncode != 0:
        raise InputError(f"--branch {branch!r} is not a valid branch name")
    current = _git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()
    if current == branch:
        raise InputError(f"{branch!r} is the branch checked out in {repo}; publish to another branch")

    parent = _parent(repo, remote, branch)
    tree, files = _tree_of(repo, site)
    if parent and _git(repo, "rev-parse", f"{parent}^{{tree}}").stdout.strip() == tree:
        commit, changed = parent, False
    else:
        source = _git(repo, "rev-parse", "--short", "HEAD", check=False).stdout.strip() or "an uncommitted tree"
        text = message or f"Publish the site built by confgen {__version__} from {source}"
        env = {} if _git(repo, "config", "user.email", check=False).stdout.strip() else FALLBACK_IDENTITY
        args = ["commit-tree", tree, "-m", text] + (["-p", parent] if parent else [])
        commit, changed = _git(repo, *args, env=env).stdout.strip(), True
    _git(repo, "update-ref", f"refs/heads/{branch}", commit)
    push = _git(repo, "push", "--quiet", remote, f"refs/heads/{branch}:refs/heads/{branch}", check=False)
    if push.returncode != 0:
        raise ConfgenError(f"pushing {branch} to {remote} failed: {push.stderr.strip()}")
    return Published(commit, files, changed)


def _parent(repo: Path, remote: str, branch: str) -> str | None:
    """The branch head online (fetched) when there is one, else the local branch, else none."""
    listed = _git(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}", check=False)
    if listed.returncode != 0:
        raise InputError(f"cannot reach the git remote {remote!r}: {listed.stderr.strip()}")
    if listed.stdout.strip():
        _git(repo, "fetch", "--quiet", remote, f"refs/heads/{branch}")
        return _git(repo, "rev-parse", "FETCH_HEAD").stdout.strip()
    local = _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False)
    return local.stdout.strip() or None


def _tree_of(repo: Path, site: Path) -> tuple[str, int]:
    """Write ``site`` as a git tree through a throwaway index; returns (tree id, file count)."""
    git_dir = _git(repo, "rev-parse", "--absolute-git-dir").stdout.strip()
    with tempfile.TemporaryDirectory(prefix="confgen-publish-") as temp:
        env = {"GIT_INDEX_FILE": str(Path(temp) / "index"), "GIT_DIR": git_dir, "GIT_WORK_TREE": str(site)}
        # --force: build/ is git-ignored in every confgen project, and the site is exactly what to publish
        _git(site, "add", "--all", "--force", ".", env=env)
        files = len(_git(site, "ls-files", env=env).stdout.splitlines())
        tree = _git(site, "write-tree", env=env).stdout.strip()
    return tree, files
