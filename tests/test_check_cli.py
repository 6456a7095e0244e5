"""`confgen check` on hand-written defective files: each defect is found on its line, the output is
FILE:LINE: gate: message (or JSON), exit 1 on a failure, 2 on a path that does not exist, and the
reference site's own drafts pass."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import REFERENCE_SITE, write_project

DEFECTS = Path(__file__).parent / "data" / "defects"
CASES = sorted(DEFECTS.glob("*.md"))


def confgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from confgen.cli import main; main()", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def expected(path: Path) -> set[str]:
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    return set(meta["expect"])


def found(stdout: str, path: Path) -> set[str]:
    hits = set()
    for line in stdout.splitlines():
        file, number, gate, _ = line.split(":", 3)
        assert file == str(path)
        hits.add(f"{gate.strip()}:{number}")
    return hits


def test_defect_corpus_covers_every_gate():
    gates = {item.split(":")[0] for case in CASES for item in expected(case)}
    assert gates >= {"special-tokens", "meta-text", "repeated", "fences", "tables", "sections", "language", "code",
                     "raw-html", "facts", "links"}


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """One run over the whole corpus (starting confgen costs seconds), grounded in the mini project."""
    project = write_project(tmp_path_factory.mktemp("corpus") / "mini")
    text = confgen("check", *map(str, CASES), "--project", str(project))
    as_json = confgen("check", *map(str, CASES), "--project", str(project), "--format", "json")
    return text, as_json


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_defect_is_found_on_its_line(case, corpus_run):
    text, as_json = corpus_run
    mine = "\n".join(line for line in text.stdout.splitlines() if line.startswith(f"{case}:"))
    assert found(mine, case) == expected(case), text.stdout + text.stderr
    from_json = {f"{f['gate']}:{f['line']}" for f in json.loads(as_json.stdout)["findings"] if f["file"] == str(case)}
    assert from_json == expected(case)


def test_corpus_run_fails_with_a_summary(corpus_run):
    text, as_json = corpus_run
    assert text.returncode == 1 and as_json.returncode == 1
    assert "problem(s) in" in text.stderr and "Traceback" not in text.stderr


def test_json_format(mini_project):
    case = DEFECTS / "code.en.md"
    result = confgen("check", str(case), "--project", str(mini_project), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert {(f["gate"], f["line"]) for f in data["findings"]} == {("code", 11), ("code", 17)}
    assert data["files"] == 1 and data["project"] == str(mini_project.resolve())


def test_reference_drafts_pass_inside_their_project():
    # Run from inside site/: the project (and its facts) is found from the working directory.
    result = confgen("check", "content", cwd=REFERENCE_SITE)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert all(": warning: " in line for line in result.stdout.splitlines()), result.stdout[-3000:]


def test_file_outside_a_project_is_checked_without_facts(tmp_path):
    page = tmp_path / "note.md"
    page.write_text("# Note\n\nHeld in Beijing on 1 May 2031 at 07:15, tickets 12345 CNY.<|im_end|>\n", encoding="utf-8")
    result = confgen("check", str(page), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.strip() == f"{page}:3: special-tokens: leaked model token or chat markup '<|im_end|>'"


def test_missing_path_is_bad_input(tmp_path):
    result = confgen("check", str(tmp_path / "nope.md"), cwd=tmp_path)
    assert result.returncode == 2
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_project_option_without_conference_is_bad_input(tmp_path):
    page = tmp_path / "a.md"
    page.write_text("Hello.\n", encoding="utf-8")
    result = confgen("check", str(page), "--project", str(tmp_path))
    assert result.returncode == 2 and "conference.yaml" in result.stderr and "Traceback" not in result.stderr


def test_front_matter_only_file_and_folder_walk(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("---\nlang: en\n---\n", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("---\nlang: en\n---\n## A\n\n## A\n\ntext here\n", encoding="utf-8")
    result = confgen("check", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    b = tmp_path / "sub" / "b.md"
    assert result.stdout.splitlines() == [f"{b}:4: sections: section 'A' is empty",
                                          f"{b}:6: repeated: heading 'A' repeats the one on line 4"]
    assert "1 of 2 file(s)" in result.stderr
