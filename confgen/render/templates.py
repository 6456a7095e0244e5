"""Jinja templates: the packaged ones (``confgen_templates``), overridden file by file by a
project's own ``templates/`` folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from confgen.errors import ConfgenError, InputError
from confgen.load import yaml_read
from confgen.render import escape
from confgen.languages import dated, label, word
from confgen.model import tr

PACKAGED = Path(str(files("confgen_templates")))


def long_date(value: Any, lang: str) -> str:
    """``2026年6月12日（周五）`` or ``Friday 12 June 2026``."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return dated("date.long", value, lang)


def hm(value: Any) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return f"{value:%H:%M}"


def _words_of(lang: str):
    """``t("key")`` in a page template: the interface word in the page's language (see
    confgen.languages); a key no language has stops the render, naming the key."""
    def t(key: str, *words: str) -> str:
        if words:  # a template written for t("中文", "English"), before the catalogue
            raise ConfgenError(f"t({key!r}, ...): t() takes one key of templates/words/{lang}.toml")
        try:
            return word(key, lang)
        except KeyError as exc:
            raise ConfgenError(exc.args[0]) from None

    return t


class Templates:
    """``cache_dir`` keeps compiled templates between runs (Jinja's bytecode cache, checked against
    each template's source), so a rebuild does not compile them again."""

    def __init__(self, project_templates: Path | None = None, cache_dir: Path | None = None):
        search = [str(p) for p in (project_templates, PACKAGED) if p and p.is_dir()]
        self.search_path = search
        # One compile per template: threads drafting at once would otherwise each compile it.
        self._loading = threading.Lock()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(search),
            bytecode_cache=_BytecodeCache(cache_dir) if cache_dir else None,
            # A template does not change during one run (the live preview opens the project anew
            # for each build): not checking its file at every use saves a stat per page.
            auto_reload=False,
            autoescape=False,  # Markdown out; untrusted fields are escaped by the `data` filter and sanitized at render
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(tr=tr, label=label, long_date=long_date, hm=hm)
        # Untrusted values into pages: `text` (inert inline Markdown), `link` (a checked <a>), `plain`;
        # drafts' Markdown through `draft_markdown` (no raw HTML, attribute lists or images).
        self.env.filters.update(text=escape.text, link=escape.link, plain=escape.plain, draft_markdown=escape.draft_markdown)
        self.env.globals.update(tr=tr, label=label, word=word)
        self._versions: dict[str, str] = {}  # on the instance: a cache on the method would keep every instance alive
        self._data: dict[str, Any] = {}  # data files read once per project, like compiled templates

    def render(self, name: str, **context: Any) -> str:
        lang = context.get("lang", "en")
        try:
            template = self.get(name)
        except jinja2.TemplateNotFound:
            raise ConfgenError(f"template {name!r} not found in {self.search_path}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise ConfgenError(f"{exc.filename}:{exc.lineno}: template syntax error: {exc.message}") from None
        try:
            return template.render(t=_words_of(lang), **context)
        except jinja2.TemplateError as exc:
            where = f"{template.filename}:{getattr(exc, 'lineno', None) or '?'}"
            raise ConfgenError(f"{where}: template error: {exc}") from None

    def get(self, name: str) -> jinja2.Template:
        with self._loading:
            return self.env.get_template(name)

    def exists(self, name: str) -> bool:
        try:
            self.get(name)
        except jinja2.TemplateNotFound:
            return False
        return True

    def data(self, name: str) -> Any:
        """A YAML data file beside the templates, the project's first (see ``TemplateRenderer.data``)."""
        if name in self._data:
            return self._data[name]
        try:
            source, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return None
        try:  # read under the same limits as conference.yaml: a project's file is the user's input
            self._data[name] = yaml_read.load(source)
        except yaml_read.YamlProblem as exc:
            raise InputError(f"{filename}:{exc}") from None
        return self._data[name]

    def version(self, name: str) -> str:
        """A hash of the template's source, part of every cache key that uses it."""
        version = self._versions.get(name)
        if version is None:
            source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            version = self._versions[name] = hashlib.sha256(source.encode()).hexdigest()[:12]
        return version


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, made on first write so that a command that compiles nothing leaves no
    folder behind."""

    def __init__(self, directory: Path):
        super().__init__(str(directory))
        self._made = False

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if not self._made:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            self._made = True
        super().dump_bytecode(bucket)
