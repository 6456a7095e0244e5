"""init writes a project that builds at once and deploys itself; publish puts build/site on the
Pages branch of a remote without touching the working tree or the source branch."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from helpers import REFERENCE_SITE


def run(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={**os.environ, "COLUMNS": "1000"})


def git(repo: Path, *args) -> str:
    result = run("git", "-C", repo, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A fresh `confgen init --lang en` project, built offline once, in a git repository."""
    root = tmp_path_factory.mktemp("init") / "myconf"
    result = run("confgen", "init", root, "--lang", "en")
    assert result.returncode == 0, result.stderr
    build = run("confgen", "build", "--offline", root)
    assert build.returncode == 0, build.stderr
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.org", "add", ".")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "start")
    return root


def test_init_project_builds_offline(built):
    assert (built / "build" / "site" / "en" / "index.html").is_file()
    assert '<p><a href="en/">' in (built / "build" / "site" / "index.html").read_text(encoding="utf-8")  # --lang en
    assert git(built, "status", "--porcelain") == ""  # build/ and .confgen/ are ignored


def test_pages_workflow_uses_the_official_actions(built):
    workflow = yaml.safe_load((built / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    build_steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in build_steps + workflow["jobs"]["deploy"]["steps"]]
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses)
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "build/site"
    commands = " ".join(step.get("run", "") for step in build_steps)
    assert "pip install" in commands and "confgen build --offline" in commands
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_init_example_copies_the_reference_event(tmp_path):
    result = run("confgen", "init", tmp_path / "ref", "--example", "ai-devcon")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ref" / "conference.yaml").read_text(encoding="utf-8") == \
        (Path(__file__).parents[1] / "plugins" / "examples" / "ai-devcon" / "conference.yaml").read_text(encoding="utf-8")
    assert run("confgen", "validate", tmp_path / "ref").returncode == 0
    assert REFERENCE_SITE.is_dir()


@pytest.mark.parametrize("args, message", [
    (["--lang", "fr"], "--lang 'fr'"),
    (["--example", "nope"], "no such example; known: ai-devcon, minimal"),
])
def test_init_refuses_bad_options(tmp_path, args, message):
    result = run("confgen", "init", tmp_path / "x", *args)
    assert result.returncode == 2 and message in result.stderr
    assert not (tmp_path / "x").exists()


def test_init_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("confgen", "init", tmp_path)
    assert result.returncode == 2 and "not empty" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_publish_to_a_bare_remote(built, tmp_path):
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", remote)
    git(built, "remote", "add", "origin", remote)
    (built / "conference.yaml").write_text((built / "conference.yaml").read_text(encoding="utf-8") + "# draft edit\n",
                                           encoding="utf-8")
    head, status = git(built, "rev-parse", "HEAD"), git(built, "status", "--porcelain")
    try:
        result = run("confgen", "publish", built)
        assert result.returncode == 0, result.stderr
        files = set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
        site = built / "build" / "site"
        assert files == {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
        assert {"index.html", ".nojekyll", "en/index.html", "zh/index.html"} <= files
        # the source branch, the index and the working tree are as they were
        assert git(built, "rev-parse", "HEAD") == head and git(built, "status", "--porcelain") == status
        assert git(built, "symbolic-ref", "--short", "HEAD") == "main"
        first = git(remote, "rev-parse", "gh-pages")
        # publishing again with nothing new adds no commit; a change adds one on top
        assert run("confgen", "publish", built).returncode == 0 and git(remote, "rev-parse", "gh-pages") == first
        (site / "extra.html").write_text("<p>new</p>", encoding="utf-8")
        assert run("confgen", "publish", built, "--branch", "gh-pages").returncode == 0
        assert git(remote, "rev-parse", "gh-pages^") == first
        assert "extra.html" in git(remote, "ls-tree", "--name-only", "gh-pages")
    finally:
        (site / "extra.html").unlink(missing_ok=True)
        git(built, "checkout", "--", "conference.yaml")


def test_publish_refuses_without_remote_or_site(built, tmp_path):
    result = run("confgen", "publish", built, "--remote", "upstream")
    assert result.returncode == 2 and "no git remote named 'upstream'" in result.stderr
    empty = tmp_path / "empty"
    assert run("confgen", "init", empty).returncode == 0
    result = run("confgen", "publish", empty)
    assert result.returncode == 2 and "nothing built to publish" in result.stderr and "Traceback" not in result.stderr
