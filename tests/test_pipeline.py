"""confgen.pipeline: the runner and plan a command drafts with (``drafting``), chosen from flags,
environment and conference.yaml. The whole ``build`` is tested by building (test_build.py)."""

from __future__ import annotations

import pytest

from confgen.draft.plan import plan
from confgen.errors import InputError
from confgen.load.project import open_project
from confgen.pipeline import drafting
from helpers import MINI_CONFERENCE, write_project


@pytest.fixture(autouse=True)
def no_provider_in_the_environment(monkeypatch):
    for name in ("CONFGEN_PROVIDER", "CONFGEN_MODEL", "OPENAI_BASE_URL", "CONFGEN_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def asks_openai(tmp_path):
    """A project whose conference.yaml names a provider that cannot start here (no model given)."""
    return open_project(write_project(tmp_path / "p", MINI_CONFERENCE + "provider:\n  name: openai\n"), check=False)


def test_drafting_plans_every_job_or_only_the_kinds_asked_for(mini_project):
    project = open_project(mini_project, check=False)
    work = drafting(project, offline=True)
    assert work.settings.name == "offline" and work.runner.provider is None
    assert [j.id for j in work.jobs] == [j.id for j in plan(project)]
    only = drafting(project, offline=True, only=["faq"])
    assert only.jobs and {j.kind for j in only.jobs} == {"faq"}
    with pytest.raises(InputError, match="unknown content kind"):
        drafting(project, only=["nope"])


def test_a_build_drafts_offline_with_a_note_when_the_named_provider_cannot_start(asks_openai):
    notes: list[str] = []
    work = drafting(asks_openai, note=notes.append)
    assert work.runner.provider is None
    assert len(notes) == 1 and "drafting offline, provider 'openai' is not usable here" in notes[0]
    assert "needs a model" in notes[0]


def test_generate_or_a_provider_asked_for_by_flag_must_start(asks_openai, monkeypatch):
    with pytest.raises(InputError, match="needs a model"):
        drafting(asks_openai, require_provider=True, note=print)
    with pytest.raises(InputError, match="needs a model"):
        drafting(asks_openai, provider="openai", note=print)
    monkeypatch.setenv("CONFGEN_PROVIDER", "openai")
    with pytest.raises(InputError, match="needs a model"):
        drafting(open_project(asks_openai.root, check=False), note=print)


def test_flags_override_the_run_settings_of_conference_yaml(mini_project):
    work = drafting(open_project(mini_project, check=False), offline=True, concurrency=7, tpm=1000)
    assert (work.settings.concurrency, work.settings.tpm) == (7, 1000)
