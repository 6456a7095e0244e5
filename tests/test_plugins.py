"""The plugin manager (confgen.plugins): what a plugin may register, and what it may not."""

from __future__ import annotations

import subprocess
import sys

import pytest

from confgen.errors import InputError
from confgen.plugins import Plugins
from helpers import write_project


def confgen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "confgen", *args], capture_output=True, text=True, timeout=120)


def test_a_misspelt_hook_is_an_error_naming_the_plugin_file_and_the_hook(tmp_path):
    project = write_project(tmp_path / "p")
    (project / "plugins").mkdir()
    (project / "plugins" / "social.py").write_text(
        "from confgen.api import hookimpl\n\n\n@hookimpl\ndef confgen_content_kind():\n    return []\n", "utf-8")
    result = confgen("validate", str(project))
    assert result.returncode == 2, result.stderr
    assert "social.py" in result.stderr and "'confgen_content_kind'" in result.stderr
    assert "did you mean 'confgen_content_kinds'" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("hook, record", [
    ("confgen_exporters", "Exporter('ics', 'mine', '.ics', lambda conference: b'')"),
    ("confgen_importers", "Importer('pretalx', 'mine', lambda content, filename: {})"),
])
def test_a_second_importer_or_exporter_of_a_name_is_refused_like_any_other_registry(tmp_path, hook, record):
    project = write_project(tmp_path / "p")
    (project / "plugins").mkdir()
    (project / "plugins" / "mine.py").write_text(
        f"from confgen.api import Exporter, Importer, hookimpl\n\n\n@hookimpl\ndef {hook}():\n    return [{record}]\n", "utf-8")
    plugins = Plugins(project)
    what = "exporter" if hook == "confgen_exporters" else "importer"
    with pytest.raises(InputError, match=f"two plugins define the {what} '{record.split(chr(39))[1]}'"):
        plugins.exporters() if what == "exporter" else plugins.importers()


def test_the_plugin_surface_lists_every_name_it_offers():
    import confgen.api as api

    assert sorted(api.__all__) == sorted(name for name in vars(api) if not name.startswith("_") and name != "annotations")


SOCIAL_SETTINGS = '''
from pydantic import BaseModel, ConfigDict

from confgen.api import hookimpl


class Social(BaseModel):
    model_config = ConfigDict(extra="forbid")
    handle: str
    posts: int = 1


@hookimpl
def confgen_settings():
    return {"social": Social}
'''


def test_every_bad_setting_of_every_section_is_reported_at_once_with_its_line(tmp_path):
    from helpers import MINI_CONFERENCE

    text = MINI_CONFERENCE + ("extensions:\n"
                              "  social:\n    posts: many\n"
                              "  budget:\n    costs:\n      venue_per_day: -5\n      bogus: 1\n"
                              "  schedule:\n    slot_minutes: 2\n")
    project = write_project(tmp_path / "p", text)
    (project / "plugins").mkdir()
    (project / "plugins" / "social.py").write_text(SOCIAL_SETTINGS, "utf-8")
    lines = text.splitlines()

    def line_of(needle: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if line.strip().startswith(needle))

    result = confgen("validate", str(project))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for expected in (f"conference.yaml:{line_of('social:')}: extensions.social.handle: required field is missing",
                     f"conference.yaml:{line_of('posts:')}: extensions.social.posts: Input should be a valid integer",
                     f"conference.yaml:{line_of('venue_per_day:')}: extensions.budget.costs.venue_per_day: Input should be greater",
                     f"conference.yaml:{line_of('bogus:')}: extensions.budget.costs.bogus: unknown field",
                     f"conference.yaml:{line_of('slot_minutes:')}: extensions.schedule.slot_minutes: Input should be greater"):
        assert expected in result.stderr, (expected, result.stderr)
