"""Per-track technical material the offline drafter builds articles and questions from (a model
gets it as a starting point). It is data, not code: ``templates/offline/topics/<track>.yaml``,
one file per track, with

- the concept, its definition and background, a formula and the meaning of each symbol;
- the concept graph: ``nodes`` (with the keywords that show a session abstract is about one) and
  ``relations`` between them, each a true statement drawn as a labelled edge;
- the method's steps, strengths, limits and scope, trends and challenges;
- a runnable example of 40-80 lines with the ``output`` it prints (tests run every example and
  compare), notes on the code and a worked case that quotes its numbers;
- concept questions and a programming exercise whose reference answer checks itself with asserts;
- ``references``: words of the titles of ``conference.references`` the article may cite.

``tools.yaml`` describes the tools and methods an article lists when its track's abstracts name
them. A project replaces a file with its own ``templates/offline/topics/<name>.yaml``, as it does
any template, and overrides parts of one in conference.yaml, under ``extensions.topics``: a track's
entry there is merged over the packaged file (``extensions.topics.tools`` over ``tools.yaml``), so
a project can fit the material to its own tracks. Tracks without material of their own use
``DEFAULT``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from confgen.model import Conference

DEFAULT = "foundations"
#: libyaml's safe loader where PyYAML has it: the same data, read at import by every command, in a
#: tenth of the time of the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FOLDER = files("confgen_templates") / "offline" / "topics"


@lru_cache(maxsize=None)
def _packaged() -> dict[str, dict]:
    found = {}
    for entry in FOLDER.iterdir():
        if entry.name.endswith(".yaml"):
            found[entry.name[:-len(".yaml")]] = yaml.load(entry.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    return found


TOPICS: dict[str, dict] = {k: v for k, v in _packaged().items() if k != "tools"}


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in override.items()}}
    return override if override is not None else base


def _overrides(conference: Conference | None) -> dict:
    return ((conference.extensions.get("topics") if conference else None) or {})


def local(value: Any, lang: str) -> Any:
    """``value`` with every ``{zh: ..., en: ...}`` pair reduced to ``lang``."""
    if isinstance(value, dict) and value and set(value) <= {"zh", "en"}:
        return value.get(lang) or next(iter(value.values()))
    if isinstance(value, dict):
        return {k: local(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [local(v, lang) for v in value]
    return value


def topic(track_id: str, lang: str, conference: Conference | None = None, templates: Any = None) -> dict:
    """The topic of a track in one language (JSON-able: it is hashed into jobs). With the project's
    ``templates``, its own ``templates/offline/topics/<track>.yaml`` replaces the packaged file."""
    overrides = _overrides(conference)
    base = _file(templates, track_id) or TOPICS.get(track_id)
    if base is None:
        base = {} if track_id in overrides else (_file(templates, DEFAULT) or TOPICS[DEFAULT])
    return local(_merge(base, overrides.get(track_id)), lang)


def tools(lang: str, conference: Conference | None = None, templates: Any = None) -> dict[str, str]:
    """``{tool name: one-line description}`` of every tool an article may describe."""
    base = _file(templates, "tools") or _packaged().get("tools", {})
    return local(_merge(base, _overrides(conference).get("tools")), lang)


def _file(templates: Any, name: str) -> dict | None:
    """``offline/topics/<name>.yaml`` as the project's templates find it (its own file first)."""
    return templates.data(f"offline/topics/{name}.yaml") if templates is not None else None
