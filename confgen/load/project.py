"""A conference project on disk, opened: facts loaded and validated, plugins and templates ready.
This is the one object the commands work with."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from confgen.load import pictures, project_files, validate
from confgen.errors import InputError
from confgen.draft.store import DraftStore
from confgen.kinds import ContentKind
from confgen.load.loader import LineMap, Problem, ValidationFailed, load_conference, schema_problems
from confgen.memo import Memo
from confgen.model import Conference
from confgen.plugins import Plugins
from confgen.render.templates import Templates

CONFERENCE_FILE = "conference.yaml"
STATE_DIR = ".confgen"


@dataclass
class Project:
    root: Path
    conference: Conference
    lines: LineMap
    plugins: Plugins
    templates: Templates = field(repr=False)
    #: The drafts as the check read them (when the project was opened with ``check``).
    drafts: DraftStore | None = field(default=None, repr=False)

    @property
    def conference_file(self) -> Path:
        return self.root / CONFERENCE_FILE

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @cached_property
    def memo(self) -> Memo:
        return Memo(self.state_dir / "memo")

    @cached_property
    def kinds(self) -> dict[str, ContentKind]:
        return self.plugins.content_kinds()

    def problem(self, path: str, message: str) -> Problem:
        return Problem(CONFERENCE_FILE, self.lines.line_of_dotted(path), path, message)


def check_settings(conference: Conference, lines: LineMap, plugins: Plugins) -> None:
    """Validate each ``extensions.<name>`` section against the model its owner declared through
    ``confgen_settings`` (confgen's agenda, or a plugin); raise :class:`ValidationFailed` with every
    problem of every section."""
    problems = []
    for name, model in plugins.settings().items():
        raw = conference.extensions.get(name)
        if raw is None:
            continue
        try:
            model.model_validate(raw)
        except ValidationError as exc:
            problems += schema_problems(exc, lines, CONFERENCE_FILE, ("extensions", name))
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: p.line))


def open_project(root: Path | str, *, check: bool = True) -> Project:
    """Open the project in ``root``. With ``check``, semantic errors (unknown references, schedule
    conflicts, ...) raise :class:`ValidationFailed` with every problem at once."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise InputError(f"{root}: no such project folder")
    if not (root / CONFERENCE_FILE).is_file():
        raise InputError(f"{root}: no {CONFERENCE_FILE} here (run `confgen init {root}` to start a project)")
    conference, lines = load_conference(root / CONFERENCE_FILE)
    if check:
        project_files.folders(root)
    plugins = Plugins(root)
    check_settings(conference, lines, plugins)
    project = Project(root, conference, lines, plugins, Templates(root / "templates", root / STATE_DIR / "templates"))
    if check:
        project_files.templates(root / "templates")
        project.drafts = project_files.drafts(project.content_dir, project.memo)
        issues = validate.check(conference) + plugins.validate(conference) + pictures.check(conference, root)
        if issues:
            problems = sorted((project.problem(path, message) for path, message in issues), key=lambda p: p.line)
            raise ValidationFailed(problems)
    return project
