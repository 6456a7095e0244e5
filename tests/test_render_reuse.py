"""Renders kept from the last build (confgen.render.reuse) are sound: after each kind of edit, the
rendered projects of an incremental render are byte for byte those a render from scratch of the
edited project makes, while most templates are not rendered again; and what cannot be keyed is
rendered every time."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Callable

import pytest
import yaml

from confgen.load.project import open_project
from confgen.render.pages import Rendered, render
from confgen.render.digests import Digests, Unkeyable
from confgen.render.reuse import Recording, replay
from confgen.render.templates import PACKAGED
from helpers import REFERENCE_SITE


def rendered_files(project: Path) -> dict[str, bytes]:
    """Every file render writes (both languages' projects, the theme, the organizers' pages)."""
    build = project / "build"
    return {str(p.relative_to(build)): p.read_bytes().replace(str(project).encode(), b"PROJECT")
            for p in build.rglob("*") if p.is_file() and "site" not in p.relative_to(build).parts[:1]}


def render_project(project: Path) -> Rendered:
    return render(open_project(project))


def from_scratch(project: Path, folder: Path) -> dict[str, bytes]:
    """The files a first render of a copy of ``project`` (drafts included, no kept state) writes."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(project, folder, ignore=shutil.ignore_patterns("build", ".confgen"))
    result = render_project(folder)
    assert result.reused == 0
    return {rel: data.replace(str(folder).encode(), b"PROJECT") for rel, data in rendered_files(folder).items()}


def facts(project: Path, change: Callable[[dict], None]) -> None:
    path = project / "conference.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def session(data: dict, session_id: str) -> dict:
    return next(s for s in data["sessions"] if s["id"] == session_id)


def named(data: dict, group: str, item_id: str) -> dict:
    return next(item for item in data[group] if item["id"] == item_id)


def moved(data: dict) -> None:
    """s12 starts and ends half an hour later, before the next session in its room."""
    s = session(data, "s12")
    for field in ("start", "end"):
        when = dt.datetime.fromisoformat(str(s[field]))
        s[field] = (when + dt.timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M")


def added(data: dict) -> None:
    new = dict(session(data, "s05"), id="s99")
    new["title"] = {"zh": "新增的报告", "en": "A session added late"}
    new.update(start="2026-06-13 18:00", end="2026-06-13 18:40")  # after the last session of the day
    data["sessions"].append(new)


def removed(data: dict) -> None:
    data["sessions"] = [s for s in data["sessions"] if s["id"] != "s02"]


def hand_edited_draft(project: Path) -> None:
    draft = project / "content" / "talks" / "s03.en.md"
    draft.write_text(draft.read_text(encoding="utf-8") + "\nA paragraph its speaker added by hand.\n", encoding="utf-8")


def template_override(project: Path, name: str, change: Callable[[str], str]) -> None:
    target = project / "templates" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    source = (PACKAGED / name).read_text(encoding="utf-8")
    assert change(source) != source
    target.write_text(change(source), encoding="utf-8")


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("abstract", lambda p: facts(p, lambda d: session(d, "s01")["abstract"].update(en="A new abstract, in one line."))),
    ("title", lambda p: facts(p, lambda d: session(d, "s02")["title"].update(en="Probabilistic software, retitled"))),
    ("speaker name", lambda p: facts(p, lambda d: named(d, "speakers", "lin-haoran")["name"].update(zh="林浩", en="Lin Hao"))),
    ("speaker company", lambda p: facts(p, lambda d: named(d, "speakers", "lin-haoran")["affiliation"].update(en="Nebula AI"))),
    ("room name", lambda p: facts(p, lambda d: named(d, "rooms", "room-a")["name"].update(en="Breakout A (Comet Room)"))),
    ("track name", lambda p: facts(p, lambda d: named(d, "tracks", "foundations")["name"].update(zh="模型基础"))),
    ("time move", lambda p: facts(p, moved)),
    ("session added", lambda p: facts(p, added)),
    ("session removed", lambda p: facts(p, removed)),
    ("event name", lambda p: facts(p, lambda d: d["event"]["name"].update(en="AI LLM Developer Conference"))),
    ("draft edited by hand", hand_edited_draft),
    ("talk template overridden", lambda p: template_override(p, "pages/talk.md.j2", lambda t: t + "\n<!-- overridden -->\n")),
    # A template the others import: the time of a session is written with "to" between its ends.
    ("macro template overridden", lambda p: template_override(p, "pages/_macros.j2", lambda t: t.replace("–", " to ", 1))),
]
#: Edits that only a few pages show.
ONE_TALK = {"abstract", "title", "speaker name", "speaker company", "time move", "draft edited by hand"}


def rendered(project: Path) -> Path:
    """``project`` rendered once (its renders kept). A draft's path is part of what a template is
    handed, so a project is rendered where it is edited."""
    first = render_project(project)
    assert first.reused == 0 and first.redone > 200
    return project


@pytest.fixture(scope="module")
def first_render(tmp_path_factory) -> tuple[Path, Path]:
    """The reference project rendered once for the module, at a fixed place, and a copy of it as it
    was then (its kept renders included)."""
    base = tmp_path_factory.mktemp("reuse")
    project = rendered(shutil.copytree(REFERENCE_SITE, base / "site", ignore=shutil.ignore_patterns("build", ".confgen")))
    return project, Path(shutil.copytree(project, base / "as-rendered", symlinks=True))


@pytest.fixture
def rendered_reference(first_render) -> Path:
    """The reference project as its first render left it, at the place it was rendered."""
    project, snapshot = first_render
    shutil.rmtree(project)
    shutil.copytree(snapshot, project, symlinks=True)
    return project


@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name, _ in EDITS])
def test_an_incremental_render_is_a_render_from_scratch_after_an_edit(name, rendered_reference, tmp_path):
    project = rendered_reference
    before = rendered_files(project)
    dict(EDITS)[name](project)
    result = render_project(project)
    after = rendered_files(project)
    clean = from_scratch(project, tmp_path / "clean")
    assert after.keys() == clean.keys()
    for rel in after:
        assert after[rel] == clean[rel], rel
    assert after != before  # the edit shows somewhere
    if name in ONE_TALK:
        # One talk's or one speaker's facts, or a draft: most templates are given back.
        assert result.redone < result.reused / 4, (result.redone, result.reused)
    elif "template" not in name:
        assert result.reused > 0


@pytest.mark.slow
def test_pages_that_show_a_changed_title_are_rendered_again(reference_copy):
    project = rendered(reference_copy)
    again = render_project(project)
    assert again.redone == 0 and again.reused > 200  # nothing changed: every render is kept
    before = rendered_files(project)
    facts(project, lambda d: session(d, "s02")["title"].update(en="Probabilistic software, retitled"))
    result = render_project(project)
    after = rendered_files(project)
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    showing = {rel for rel in changed if b"Probabilistic software, retitled" in after[rel]}
    # The talk's page, its speaker's, its day's, the rooms' agenda and the home page's keynotes.
    assert {"en/docs/talks/s02.md", "en/docs/speakers/emily-carter.md", "en/docs/agenda/day-1.md",
            "en/docs/agenda/rooms.md"} <= showing
    assert not any(rel.startswith("zh/") for rel in changed)
    assert result.redone <= 2 * len(changed) + 10


def test_a_value_of_an_unknown_class_is_never_keyed():
    class Opaque:
        pass

    with pytest.raises(Unkeyable):
        Digests().of({"rows": [Opaque()]})
    assert Digests().of({"a": [1, "x"]}) == Digests().of({"a": [1, "x"]}) != Digests().of({"a": [1, "y"]})
    assert Digests().of([1]) != Digests().of((1,)) != Digests().of(["1"])


def test_a_recorded_read_is_replayed_on_the_next_conference(mini_project):
    conference = open_project(mini_project).conference
    digests = Digests()
    recording = Recording(conference, digests)
    room = conference.sessions[0].room
    assert recording.room(room) is conference.room(room)
    assert recording.event is conference.event
    assert recording.keepable and [name for name, _, _ in recording.reads] == ["room", "event"]
    assert replay(conference, tuple(recording.reads), digests)
    text = (mini_project / "conference.yaml").read_text(encoding="utf-8")
    (mini_project / "conference.yaml").write_text(text.replace("Main Hall", "Great Hall", 1), encoding="utf-8")
    edited = open_project(mini_project).conference
    assert not replay(edited, tuple(recording.reads), Digests())
    # A private attribute is read for real, and the render is not kept.
    recording._tracks  # noqa: B018
    assert not recording.keepable
