"""Units of rendering (confgen.render): the MkDocs config of each language, the templates' filters,
and data files beside the templates that a project overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from confgen.errors import InputError
from confgen.languages import LANGUAGES, NAMES, label
from confgen.load.project import open_project
from confgen.render.pages import mkdocs_config
from confgen.render.templates import long_date


def test_each_language_is_published_under_the_sites_address(mini_project):
    project = open_project(mini_project)
    for lang in LANGUAGES:
        config = mkdocs_config(project, lang, [])
        assert config["site_url"] == f"https://testdevcon.example.org/{lang}/" == project.conference.page_url(lang)
    assert project.conference.talk_url("t1", "en") == "https://testdevcon.example.org/en/talks/t1/"


def test_interface_words_come_from_one_catalogue_with_the_key_as_last_resort():
    assert [label("panel", lang) for lang in LANGUAGES] == ["圆桌论坛", "Round table"]
    assert label("no-such-word", "en") == "no-such-word"
    assert set(NAMES) == set(LANGUAGES)


def test_long_dates_read_as_each_language_writes_them():
    day = dt.date(2026, 6, 12)
    assert long_date(day, "zh") == "2026年6月12日（周五）"
    assert long_date(day.isoformat(), "en") == "Friday 12 June 2026"


def test_a_data_file_is_read_from_the_project_first_and_a_broken_one_named(mini_project):
    project = open_project(mini_project)
    packaged = project.templates.data("offline/topics/tools.yaml")
    assert packaged and project.templates.data("offline/topics/nothing.yaml") is None
    folder = mini_project / "templates" / "offline" / "topics"
    folder.mkdir(parents=True)
    (folder / "tools.yaml").write_text("Kit: {zh: 工具, en: a kit}\n", encoding="utf-8")
    assert open_project(mini_project).templates.data("offline/topics/tools.yaml") == {"Kit": {"zh": "工具", "en": "a kit"}}
    (folder / "tools.yaml").write_text("Kit: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"tools\.yaml:\d+"):
        open_project(mini_project).templates.data("offline/topics/tools.yaml")
