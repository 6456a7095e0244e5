"""confgen check: run the quality gates on Markdown files, confgen's drafts or any other."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from confgen.errors import ConfgenError, InputError
from confgen.types import GateContext, Job
from confgen.load import yaml_read
from confgen.draft.store import read_text
from confgen.cli.app import app
from confgen.cli.console import out
from confgen.draft.gates import gates_for, run_gates
from confgen.draft.drafters import OFFLINE
from confgen.draft.plan import plan
from confgen.plugins import Plugins
from confgen.load.project import CONFERENCE_FILE, Project, open_project

CJK_SHARE = 0.2  # a text with no language in its front matter counts as Chinese above this share


class Format(str, Enum):
    text = "text"
    json = "json"


def find_project(explicit: Path | None, files: list[Path]) -> Project | None:
    """The project whose facts ground the check: --project, else the cwd, else a parent of the files."""
    if explicit is not None:
        if not (explicit / CONFERENCE_FILE).is_file():
            raise InputError(f"{explicit}: no {CONFERENCE_FILE} here")
        return open_project(explicit, check=False)
    candidates = [Path.cwd()] + [parent for f in files for parent in f.resolve().parents]
    for folder in candidates:
        if (folder / CONFERENCE_FILE).is_file():
            return open_project(folder, check=False)
    return None


def split_front_matter(text: str, path: Path | str = "") -> tuple[dict, str, int]:
    """(meta, body, lines before the body): line numbers in findings are the file's."""
    if not text.startswith("---\n"):
        return {}, text, 0
    end = text.find("\n---\n", 3)
    if end < 0:
        return {}, text, 0
    try:
        meta = yaml_read.parse(text[4:end + 1])[0] or {}
    except yaml_read.YamlProblem as exc:  # line 1 is the opening ---
        raise InputError(f"{path}:{exc.line + 1}: front matter: {exc.message}") from None
    offset = text[: end + 5].count("\n")
    return (meta if isinstance(meta, dict) else {}), text[end + 5:], offset


def guess_lang(body: str) -> str:
    hanzi = sum(1 for ch in body if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in body if ch.isascii() and ch.isalpha())
    return "zh" if hanzi and hanzi / (hanzi + latin / 3) > CJK_SHARE else "en"


def collect(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        files.extend(sorted(path.rglob("*.md")) if path.is_dir() else [path])
    return files


def jobs_of(project: Project | None) -> dict[tuple[str, str, str], Job]:
    """The project's jobs by (kind, key, language): a draft is checked with its job's facts and,
    when a model wrote it, its kind's contract, as when it was drafted."""
    if project is None:
        return {}
    return {(job.kind, job.key, job.lang): job for job in plan(project)}


def check_file(path: Path, project: Project | None, gates, jobs: dict[tuple[str, str, str], Job] | None = None) -> list[dict]:
    try:
        text = read_text(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    meta, body, offset = split_front_matter(text, path)
    lang = str(meta.get("lang") or guess_lang(body))
    kind = meta.get("kind")
    required: list[str] = []
    contract = None
    if project is not None and kind in project.kinds:
        required = list(project.kinds[kind].required_sections.get(lang, []))
        if OFFLINE not in (meta.get("provider", OFFLINE), meta.get("drafted_by")):
            contract = project.kinds[kind].contract
            if contract is not None and contract.sections:
                required = list(contract.sections.get(lang, required))
    job = (jobs or {}).get((str(kind), str(meta.get("key")), lang))
    # Blank lines stand in for the front matter so every line number, also those inside messages
    # ("repeats the one on line 7"), is the file's own.
    ctx = GateContext(text="\n" * offset + body, lang=lang, kind=kind, conference=project.conference if project else None,
                      job=job, required_sections=required, contract=contract)
    disabled = project.conference.gates.disabled if project else ()
    return [{"file": str(path), "line": f.line or offset + 1, "gate": f.gate,
             "severity": f.severity, "message": f.message} for f in run_gates(ctx, gates, disabled)]


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Markdown files or folders (searched for *.md).")],
    project_dir: Annotated[Optional[Path], typer.Option("--project", "-p", help="Project whose conference.yaml grounds the facts (default: the cwd or a parent of the files).")] = None,
    format: Annotated[Format, typer.Option("--format", help="text: FILE:LINE: gate: message; json: a list of findings.")] = Format.text,
) -> None:
    """Run the quality gates on Markdown files. Exit 1 when a gate fails."""
    files = collect(paths)
    project = find_project(project_dir, files)
    gates = gates_for(project.plugins if project else Plugins())
    jobs = jobs_of(project)
    findings = [finding for path in files for finding in check_file(path, project, gates, jobs)]
    if format is Format.json:
        out.print_json(json.dumps({"files": len(files), "project": str(project.root) if project else None,
                                   "findings": findings}, ensure_ascii=False))
    else:
        for f in findings:
            level = "" if f["severity"] == "error" else f"{f['severity']}: "
            out.print(f"{f['file']}:{f['line']}: {f['gate']}: {level}{f['message']}", markup=False, highlight=False)
    failing = [f for f in findings if f["severity"] == "error"]
    if failing:
        files_failing = len({f["file"] for f in failing})
        raise ConfgenError(f"{len(failing)} problem(s) in {files_failing} of {len(files)} file(s)")

