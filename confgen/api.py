"""The public API for plugins: the only confgen module besides ``model`` and ``hookspecs`` that a
plugin (built-in or third-party) imports. Everything a plugin may use is in ``__all__``; the
implementations live in leaf modules (``errors``, ``types``, ``kinds``) that the core imports
directly.

A plugin implements hooks from :mod:`confgen.hookspecs` and hands back the objects defined here:
content kinds that plan jobs and turn drafts into pages, providers that answer chat requests, gates
that judge drafts, importers and exporters.
"""

from __future__ import annotations

from confgen.contract import LONG, SHORT, Contract, Marker, Mention, length_unit, measure, normalized
from confgen.errors import ConfgenError, InputError, ProviderError, SettingsError
from confgen.hookspecs import hookimpl
from confgen.kinds import ContentKind, RenderContext, TemplateRenderer
from confgen.languages import LANGUAGES, dated, label, word
from confgen.draft.typography import format_prose, prose_runs, typeset
from confgen.stash import Stash, StashKey
from confgen.types import (
    OFFLINE,
    Asset,
    ChatRequest,
    Completion,
    Draft,
    Exporter,
    Finding,
    Gate,
    GateContext,
    Importer,
    Job,
    OrganizerPage,
    Page,
    Provider,
    ProviderFactory,
    body_hash,
    stable_hash,
)

__all__ = [
    # hooks
    "hookimpl",
    # errors
    "ConfgenError", "InputError", "ProviderError", "SettingsError",
    # content kinds and rendering
    "ContentKind", "Contract", "Marker", "Mention", "RenderContext", "TemplateRenderer", "Page", "OrganizerPage", "Asset", "Draft", "OFFLINE", "Job",
    # contracts: how a draft's length is counted and how far it may stray, how a mention is matched
    "measure", "length_unit", "normalized", "SHORT", "LONG",
    # languages: the site's, and the interface words in each
    "LANGUAGES", "dated", "label", "word",
    # prose
    "typeset", "format_prose", "prose_runs",
    # providers
    "Provider", "ProviderFactory", "ChatRequest", "Completion",
    # gates
    "Gate", "GateContext", "Finding",
    # interop
    "Importer", "Exporter",
    # helpers
    "stable_hash", "body_hash", "Stash", "StashKey",
]
