"""The plugin manager: built-ins and installed packages (entry-point group ``confgen``), then the
project's ``plugins/*.py``. Every hook is called here, so the rest of confgen asks one object what
kinds, providers, gates, importers and exporters exist, and has it run the stage hooks. Every
registry refuses two plugins giving the same name, and a function named like a hook that is none
is an error."""

from __future__ import annotations

import difflib
import importlib.util
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pluggy
from pydantic import BaseModel

from confgen import hookspecs
from confgen.errors import InputError
from confgen.kinds import ContentKind
from confgen.model import Conference
from confgen.types import Draft, Exporter, Gate, Importer, OrganizerPage, Page, ProviderFactory

GROUP = "confgen"
#: confgen's own modules that implement hooks, registered before any plugin as pytest registers its
#: own: the agenda declares its ``extensions.schedule`` settings through ``confgen_settings``, so
#: that every settings section is declared one way and checked in one place.
CORE = ("confgen.agenda.rules",)


@dataclass(frozen=True)
class PluginInfo:
    name: str
    source: str  # "built-in", "package <dist>" or the file path
    hooks: tuple[str, ...]


class Plugins:
    def __init__(self, project_dir: Path | None = None):
        self.pm = pluggy.PluginManager(GROUP)
        self.pm.add_hookspecs(hookspecs)
        self._sources: dict[str, str] = {}
        for name in CORE:
            self.pm.register(importlib.import_module(name), name=name)
            self._sources[name] = "core"
        self._load_entry_points()
        if project_dir is not None:
            self._load_project(project_dir / "plugins")
        self._check_hook_names()

    def _load_entry_points(self) -> None:
        for ep in entry_points(group=GROUP):
            if self.pm.get_plugin(ep.name) is not None:
                continue
            try:
                plugin = ep.load()
            except Exception as exc:  # a broken third-party package must not take confgen down silently
                raise InputError(f"plugin {ep.name!r} ({ep.value}) failed to import: {exc}") from exc
            dist = ep.dist.name if ep.dist else "?"
            self.pm.register(plugin, name=ep.name)
            self._sources[ep.name] = "built-in" if dist == "confgen" else f"package {dist}"

    def _load_project(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_"):
                continue
            name = f"confgen_project_plugin_{path.stem}"
            spec = importlib.util.spec_from_file_location(name, path)
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except Exception as exc:
                del sys.modules[name]
                raise InputError(f"{path}: plugin failed to import: {type(exc).__name__}: {exc}") from None
            try:
                self.pm.register(module, name=f"project:{path.stem}")
            except pluggy.PluginValidationError as exc:
                raise InputError(f"{path}: {exc}") from None
            self._sources[f"project:{path.stem}"] = str(path)

    def _check_hook_names(self) -> None:
        """A ``confgen_*`` function that matches no hook would be silently ignored (a misspelt
        ``confgen_content_kind`` adds nothing): refuse it, naming the plugin and the hook."""
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = self.pm.get_name(exc.plugin) or "?"
            source = self._sources.get(name, name)
            unknown = next((hook for hook in vars(self.pm.hook) if not hook.startswith("_")
                            and not getattr(self.pm.hook, hook).has_spec()
                            and any(i.plugin is exc.plugin for i in getattr(self.pm.hook, hook).get_hookimpls())), "?")
            known = [h for h in vars(hookspecs) if h.startswith("confgen_")]
            close = difflib.get_close_matches(unknown, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known hooks: {', '.join(known)}"
            raise InputError(f"{source}: plugin {name!r} implements {unknown!r}, which is no confgen hook{hint}") from None

    # -- what the plugins offer -------------------------------------------------------------------

    def content_kinds(self) -> dict[str, ContentKind]:
        kinds: dict[str, ContentKind] = {}
        for impl_kinds in self.pm.hook.confgen_content_kinds():
            for kind in impl_kinds:
                if kind.name in kinds:
                    raise InputError(f"two plugins define the content kind {kind.name!r}; rename one")
                kinds[kind.name] = kind
        return kinds

    def providers(self) -> dict[str, ProviderFactory]:
        return self._merged(self.pm.hook.confgen_providers(), "provider")

    def gates(self) -> dict[str, Gate]:
        return self._merged(self.pm.hook.confgen_gates(meta_phrases=self.meta_phrases()), "gate")

    def settings(self) -> dict[str, type[BaseModel]]:
        """The model of each ``extensions.<name>`` section: confgen's own (``schedule``) and each
        plugin's. A name is owned by the first to declare it, confgen's before any plugin's."""
        models: dict[str, type[BaseModel]] = {}
        owners: dict[str, str] = {}
        for impl in self.pm.hook.confgen_settings.get_hookimpls():  # in the order they were registered
            for name, model in (impl.function() or {}).items():
                if name in models:
                    owner = "confgen" if owners[name] in CORE else f"plugin {owners[name]!r}"
                    raise InputError(f"{self._sources.get(impl.plugin_name, impl.plugin_name)}: plugin {impl.plugin_name!r} "
                                     f"declares the settings {name!r}, which {owner} owns; rename them")
                models[name], owners[name] = model, impl.plugin_name
        return models

    def meta_phrases(self) -> dict[str, list[str]]:
        phrases: dict[str, list[str]] = {}
        for answer in self.pm.hook.confgen_meta_phrases():
            for lang, items in answer.items():
                phrases.setdefault(lang, []).extend(items)
        return phrases

    def importers(self) -> dict[str, Importer]:
        return self._merged([{i.name: i for i in answer} for answer in self.pm.hook.confgen_importers()], "importer")

    def exporters(self) -> dict[str, Exporter]:
        return self._merged([{e.name: e for e in answer} for answer in self.pm.hook.confgen_exporters()], "exporter")

    @staticmethod
    def _merged(answers: list[dict[str, Any]], what: str) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for answer in answers:
            for name, value in answer.items():
                if name in merged:
                    raise InputError(f"two plugins define the {what} {name!r}; rename one")
                merged[name] = value
        return merged

    # -- what the plugins do at each stage ---------------------------------------------------------

    def validate(self, conference: Conference) -> list[tuple[str, str]]:
        """Every plugin's problems with the conference, as ``(dotted.path, message)``."""
        return [issue for answer in self.pm.hook.confgen_validate(conference=conference) for issue in answer or []]

    def adjust_mkdocs_config(self, conference: Conference, lang: str, config: dict) -> None:
        """Let every plugin adjust ``lang``'s ``mkdocs.yml`` (a dict, changed in place)."""
        self.pm.hook.confgen_mkdocs_config(conference=conference, lang=lang, config=config)

    def page_meta(self, conference: Conference, lang: str, page: Page | OrganizerPage, sources: list[Draft]) -> dict[str, Any]:
        """What every plugin adds to ``page``'s front matter."""
        meta: dict[str, Any] = {}
        for answer in self.pm.hook.confgen_page_meta(conference=conference, lang=lang, page=page, sources=sources):
            for key, value in (answer or {}).items():
                if key in meta:
                    raise InputError(f"two plugins set the front matter key {key!r} of {page.path} ({lang}); rename one")
                meta[key] = value
        return meta

    def describe(self) -> list[PluginInfo]:
        infos = []
        for name, plugin in self.pm.list_name_plugin():
            hooks = tuple(sorted(h.name for h in self.pm.get_hookcallers(plugin) or []))
            infos.append(PluginInfo(name, self._sources.get(name, "?"), hooks))
        return infos
