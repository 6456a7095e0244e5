"""Every hook a confgen plugin can implement, each documented where it is declared.

A plugin is a module (or object) with functions marked ``@confgen.api.hookimpl`` whose names match
the specs below. confgen finds plugins in three places, in this order: its built-ins, installed
packages that declare an entry point in the ``confgen`` group, and ``*.py`` files in the project's
``plugins/`` folder. Hooks that return lists are called on every plugin and the lists are joined.

Example, a project-local plugin adding a content kind::

    # myconf/plugins/social.py
    from confgen.api import ContentKind, Job, Page, hookimpl

    class Social(ContentKind):
        name = "social"
        ...

    @hookimpl
    def confgen_content_kinds():
        return [Social()]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from pydantic import BaseModel

    from confgen.kinds import ContentKind
    from confgen.model import Conference
    from confgen.types import Draft, Exporter, Gate, Importer, OrganizerPage, Page, ProviderFactory

hookspec = pluggy.HookspecMarker("confgen")
#: Marks a plugin's hook implementations (re-exported as ``confgen.api.hookimpl``).
hookimpl = pluggy.HookimplMarker("confgen")


# -------------------------------------------------------------------------------------------------
# Registries: what a plugin adds, asked for when a command needs it. Each name is owned by one plugin.
# -------------------------------------------------------------------------------------------------


@hookspec
def confgen_content_kinds() -> list["ContentKind"]:
    """Return the content kinds this plugin adds.

    A content kind plans drafting jobs from the conference facts, drafts them offline when there
    is no model, names the sections its drafts must have, and turns drafts into site pages. Kind
    names are unique across plugins; a later plugin cannot silently replace an earlier one's kind.
    """


@hookspec
def confgen_providers() -> dict[str, "ProviderFactory"]:
    """Return ``{name: factory}`` for the model providers this plugin adds.

    A ``ProviderFactory``, ``factory(settings: ProviderSettings, env: Mapping[str, str]) -> Provider``, builds a provider
    for one run. ``settings`` already merges conference.yaml, the environment and command-line
    flags (flags win). A factory raises ``InputError`` for a setting it cannot work with (a model
    path that does not exist, a missing key) so that the user sees what to fix, exit code 2.
    """


@hookspec
def confgen_gates(meta_phrases: dict[str, list[str]]) -> dict[str, "Gate"]:
    """Return ``{name: gate}`` for the quality gates this plugin adds.

    A gate is ``gate(ctx: GateContext) -> Iterable[Finding]``. Every draft passes every gate
    (except those named in ``gates.disabled``) before it is written; an error-level finding sends
    the draft back to the model with the findings as feedback. Gates must be pure and fast: they
    run on every draft of every build.

    :param meta_phrases: every plugin's ``confgen_meta_phrases`` merged, ``{lang: [phrase, ...]}``,
        for a gate that rejects text about the writing itself. Like any hook parameter, an
        implementation names it only if it uses it.
    """


@hookspec
def confgen_meta_phrases() -> dict[str, list[str]]:
    """Return ``{lang: [phrase, ...]}``: extra phrases that betray text about the writing itself
    ("As an AI language model", "以下是…") which the meta-text gate rejects."""


@hookspec
def confgen_importers() -> list["Importer"]:
    """Return importers: readers of other schedule formats (pretalx, frab, Sessionize) that produce
    the data of a conference.yaml. Text they bring in is untrusted."""


@hookspec
def confgen_exporters() -> list["Exporter"]:
    """Return exporters: writers of the conference in other formats (.ics, frab JSON/XML)."""


# -------------------------------------------------------------------------------------------------
# Loading: called when a project is opened, after conference.yaml passed its schema.
# -------------------------------------------------------------------------------------------------


@hookspec
def confgen_settings() -> dict[str, type["BaseModel"]]:
    """Return ``{name: model}``: the pydantic model of this plugin's settings, ``extensions.<name>``
    in conference.yaml (as MkDocs plugins declare their ``config_class``).

    confgen validates each section present against its model when it loads the project, and
    reports every problem at once as ``conference.yaml:LINE: extensions.<name>.field: message``
    (exit 2), so a plugin can read ``Model.model_validate(conference.extensions[name])`` without
    handling errors. The name ``schedule`` is confgen's own; a name is owned by one plugin.
    """


@hookspec
def confgen_validate(conference: "Conference") -> list[tuple[str, str]]:
    """Check the conference beyond its schema; return ``[(path, message), ...]`` for each problem.

    ``path`` is a dotted field path such as ``sessions.3.room``; confgen turns it into
    ``conference.yaml:LINE: path: message`` and exits with code 2. Used for cross-references,
    schedule conflicts and anything a plugin needs to hold before it can render.
    """


# -------------------------------------------------------------------------------------------------
# Site build: called once per language, after its pages are rendered and before mkdocs builds it.
# -------------------------------------------------------------------------------------------------


@hookspec
def confgen_mkdocs_config(conference: "Conference", lang: str, config: dict) -> None:
    """Adjust the generated ``mkdocs.yml`` of one language (a dict) in place before the build:
    add Markdown extensions, extra JavaScript or CSS, theme features."""


@hookspec
def confgen_page_meta(conference: "Conference", lang: str, page: "Page | OrganizerPage", sources: list["Draft"]) -> dict | None:
    """Return front matter to add to one page (``None`` for none), called for every page of every
    language once its content kind rendered it (an ``OrganizerPage`` too). ``sources`` are the
    drafts the kind read to render that page (none for a page of facts alone).

    The keys land in the page's front matter, where the theme reads them as ``page.meta.<key>``
    (name them after the plugin, ``cg_...`` for confgen's own); values are plain data, which the
    theme escapes. Two plugins giving the same key to one page is an error.
    """
