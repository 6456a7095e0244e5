"""confgen.draft.plan: the union of every content kind's jobs, in a stable order, each id once."""

from __future__ import annotations

import pytest

from confgen.draft.plan import plan
from confgen.errors import InputError, SettingsError
from confgen.kinds import ContentKind
from confgen.load.loader import ValidationFailed
from confgen.load.project import open_project
from confgen.types import Job
from helpers import MINI_CONFERENCE, write_project


class PerLanguage(ContentKind):
    name = "notes"

    def jobs(self, conference, lang, templates=None):
        assert templates is not None  # the usual kind is planned with the project's templates
        for session in conference.sessions:
            yield Job(self.name, session.id, lang, facts={})


class OldShape(ContentKind):
    name = "old"

    def plan(self, conference):  # plans every language itself, without templates
        return [Job(self.name, "all", "zh", facts={})]


class Twice(ContentKind):
    name = "twice"

    def jobs(self, conference, lang, templates=None):
        return [Job(self.name, "same", lang, facts={})] * 2


class NoPlan(ContentKind):
    name = "budgeted"

    def jobs(self, conference, lang, templates=None):
        raise SettingsError("extensions.budget.costs", "no budget plan satisfies the settings")


@pytest.fixture
def project(tmp_path):
    text = MINI_CONFERENCE + "extensions:\n  budget:\n    costs: {}\n"
    opened = open_project(write_project(tmp_path / "p", text), check=False)
    opened.__dict__["kinds"] = {"notes": PerLanguage(), "old": OldShape()}
    return opened


def test_the_plan_is_every_kind_s_jobs_in_kind_then_language_order(project):
    ids = [job.id for job in plan(project)]
    assert ids == [f"notes/{s}.{lang}" for lang in ("zh", "en") for s in ("k1", "t1", "w1")] + ["old/all.zh"]
    assert [job.id for job in plan(project, ["old"])] == ["old/all.zh"]


def test_an_unknown_kind_is_named_with_the_known_ones(project):
    with pytest.raises(InputError, match="unknown content kind.s. nope; known: notes, old"):
        plan(project, ["nope", "notes"])


def test_a_kind_planning_one_job_twice_is_an_error_naming_it(project):
    project.__dict__["kinds"] = {"twice": Twice()}
    with pytest.raises(InputError, match="content kind 'twice' planned twice/same.zh twice"):
        plan(project)


def test_a_setting_that_admits_no_plan_is_reported_at_its_line(project):
    project.__dict__["kinds"] = {"budgeted": NoPlan()}
    with pytest.raises(ValidationFailed) as caught:
        plan(project)
    line = (MINI_CONFERENCE + "extensions:\n  budget:\n").count("\n")  # `costs:` is the next line
    assert str(caught.value) == f"conference.yaml:{line + 1}: extensions.budget.costs: no budget plan satisfies the settings"
