"""Units of the loader (confgen.load.loader): a conference file read into the model with the line of
every value, and pydantic's errors worded for a person at those lines."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from confgen.load.loader import LineMap, ValidationFailed, load_conference, messages, parse_yaml
from confgen.model import Conference, ProviderSettings
from helpers import MINI_CONFERENCE, write_project


def test_a_valid_file_loads_with_the_line_of_every_value(tmp_path):
    conference, lines = load_conference(write_project(tmp_path / "p", MINI_CONFERENCE) / "conference.yaml")
    assert isinstance(conference, Conference)
    text = MINI_CONFERENCE.splitlines()
    assert text[lines.line(("event", "name")) - 1].strip().startswith("name:")
    assert lines.line_of_dotted("sessions.0.title") == lines.line(("sessions", 0, "title"))


def test_a_path_without_a_line_of_its_own_takes_its_nearest_ancestors():
    _, lines = parse_yaml("event:\n  name: E\n", "c.yaml")
    assert lines.line(("event", "name", "zh")) == 2
    assert LineMap({}).line(("anything",)) == 1


def test_every_schema_problem_is_reported_at_once_with_file_and_line(tmp_path):
    text = MINI_CONFERENCE.replace("  city:", "  citty:", 1) + "rooms_typo: []\n"
    with pytest.raises(ValidationFailed) as caught:
        load_conference(write_project(tmp_path / "p", text) / "conference.yaml")
    said = [str(p) for p in caught.value.problems]
    assert any("unknown field (check its spelling and indentation)" in s and "rooms_typo" in s for s in said)
    assert any("event.city" in s and "required field is missing" in s for s in said)
    assert all(s.startswith("conference.yaml:") for s in said)


def test_a_file_that_is_not_a_mapping_says_what_it_must_be(tmp_path):
    path = tmp_path / "conference.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="must be a mapping"):
        load_conference(path)


def test_messages_word_pydantic_errors_the_same_way_for_every_settings_check():
    with pytest.raises(ValidationError) as caught:
        ProviderSettings.model_validate({"temperature": 5, "nmae": "x"})
    said = dict(messages(caught.value))
    assert said[("nmae",)] == "unknown field (check its spelling and indentation)"
    assert "less than or equal to 2" in said[("temperature",)]
