"""confgen.load.project: opening a project folder: where things are, the plugin settings checked
with every problem at its line, and clear errors for a folder that is no project."""

from __future__ import annotations

import pytest

from confgen.errors import InputError
from confgen.load.loader import ValidationFailed
from confgen.load.project import CONFERENCE_FILE, open_project
from helpers import MINI_CONFERENCE, write_project

SOCIAL = '''
from pydantic import BaseModel, ConfigDict

from confgen.api import hookimpl


class Social(BaseModel):
    model_config = ConfigDict(extra="forbid")
    handle: str


@hookimpl
def confgen_settings():
    return {NAME: Social}
'''


def test_a_project_knows_its_folders_and_files(mini_project):
    project = open_project(mini_project)
    root = mini_project.resolve()
    assert project.conference_file == root / CONFERENCE_FILE
    assert (project.content_dir, project.state_dir, project.build_dir) == (root / "content", root / ".confgen", root / "build")
    assert project.memo.path == root / ".confgen" / "memo"
    assert project.drafts is not None and project.drafts.load_all() == {}  # read by the check: none yet
    assert open_project(mini_project, check=False).drafts is None


def test_a_folder_that_is_no_project_says_what_to_do(tmp_path):
    with pytest.raises(InputError, match="no such project folder"):
        open_project(tmp_path / "missing")
    with pytest.raises(InputError, match=r"no conference.yaml here \(run `confgen init"):
        open_project(tmp_path)


def test_every_bad_plugin_setting_is_reported_at_once_in_line_order(tmp_path):
    text = MINI_CONFERENCE + "extensions:\n  social:\n    handel: x\n  schedule:\n    slot_minutes: 1\n"
    project = write_project(tmp_path / "p", text)
    (project / "plugins").mkdir()
    (project / "plugins" / "social.py").write_text(SOCIAL.replace("NAME", '"social"'), "utf-8")
    with pytest.raises(ValidationFailed) as caught:
        open_project(project)
    found = [(p.line, p.path) for p in caught.value.problems]
    base = MINI_CONFERENCE.count("\n")
    assert found == [(base + 2, "extensions.social.handle"), (base + 3, "extensions.social.handel"),
                     (base + 5, "extensions.schedule.slot_minutes")]


def test_a_plugin_may_not_take_the_name_of_confgen_s_own_settings(tmp_path):
    project = write_project(tmp_path / "p")
    (project / "plugins").mkdir()
    (project / "plugins" / "social.py").write_text(SOCIAL.replace("NAME", '"schedule"'), "utf-8")
    with pytest.raises(InputError, match="declares the settings 'schedule', which confgen owns"):
        open_project(project)


def test_semantic_problems_are_reported_with_their_lines(tmp_path):
    text = MINI_CONFERENCE.replace("    speakers: [wang-lei]\n", "    speakers: [nobody]\n")
    with pytest.raises(ValidationFailed) as caught:
        open_project(write_project(tmp_path / "p", text))
    line = text.splitlines().index("    speakers: [nobody]") + 1
    assert any(p.line == line and p.path.startswith("sessions.1.speakers") for p in caught.value.problems), caught.value
