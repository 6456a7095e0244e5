"""Render: drafts + facts -> one MkDocs project per language in ``build/<lang>/``.

Every page exists at the same path in each language, so the language switch can land on the same
page. Each language is its own MkDocs project; search is Pagefind's, indexed after the build
(confgen.sitebuild.pagefind_index), so no project carries MkDocs' own search plugin.
Files are written only when their content changed, so a rebuild with nothing new touches nothing,
and a template whose inputs (what it is handed, what it reads of the conference) are those of a
render the last build kept is not rendered again (confgen.render.reuse).
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import yaml

from confgen import atomic
from confgen.errors import ConfgenError
from confgen.kinds import ContentKind, RenderContext
from confgen.languages import NAMES
from confgen.render.escape import plain
from confgen.render import organizer
from confgen.render.reuse import Renders, ReusingTemplates, stamp
from confgen.types import Asset, Draft, OrganizerPage, Page
from confgen.draft.store import DraftStore
from confgen.model import LANGUAGES, tr
from confgen.load.project import Project
from confgen.render.templates import PACKAGED

NOT_IN_NAV = ("/talks/", "/speakers/")
DIRTY_HOOKS = Path(__file__).resolve().parents[1] / "sitebuild" / "dirty_hooks.py"


@dataclass
class Rendered:
    pages: dict[str, list[Page]] = field(default_factory=dict)  # by language
    written: int = 0
    #: Folders of pages for the organizers only (``build/organizer/<lang>``), never in the site.
    organizer: list[Path] = field(default_factory=list)
    #: Template renders given back as the last build made them, and those made (confgen.render.reuse).
    reused: int = 0
    redone: int = 0

    @property
    def page_count(self) -> int:
        return sum(len(p) for p in self.pages.values())


def render(project: Project, drafts: dict[str, Draft] | None = None) -> Rendered:
    """Write the theme and every language's MkDocs project."""
    if drafts is None:
        drafts = DraftStore(project.content_dir, project.memo).load_all()
    result = Rendered(written=render_theme(project))
    for lang in LANGUAGES:
        render_language(project, drafts, lang, result)
    project.memo.save()
    return result


def render_theme(project: Project) -> int:
    """Copy the theme overrides (packaged, then the project's own) that every language shares;
    the number of files written."""
    return _sync_tree(PACKAGED / "theme", project.build_dir / "theme", project.root / "templates" / "theme")


def render_language(project: Project, drafts: dict[str, Draft], lang: str, result: Rendered) -> Path:
    """Write ``lang``'s MkDocs project (its pages and its ``mkdocs.yml``), add its pages to
    ``result``, and return the path of its ``mkdocs.yml``, complete and ready to build."""
    out = project.build_dir
    # A template whose inputs are those of a render the last build kept is not rendered again.
    renders = Renders(project.state_dir / "renders" / lang)
    templates = ReusingTemplates(project.templates, project.conference, lang, renders,
                                 stamp(project.templates.search_path, project.plugins.pm.get_plugins()))
    ctx = RenderContext(project.conference, lang, templates, drafts, project.memo, project.root,
                        cache_dir=project.state_dir)
    pages: list[Page] = []
    files: dict[str, bytes] = {}
    private: list[tuple[OrganizerPage, dict]] = []
    for kind in project.kinds.values():
        ctx.read.clear()
        for item in _pages_of(kind, ctx):
            sources = ctx.read[:]  # what the kind read while it made this page (see RenderContext.read)
            ctx.read.clear()
            if isinstance(item, OrganizerPage):
                private.append((item, project.plugins.page_meta(project.conference, lang, item, sources)))
                continue
            if item.path in files:
                raise ConfgenError(f"two pages want the path {item.path} ({lang}); content kind {kind.name!r} clashes")
            if isinstance(item, Asset):
                files[item.path] = item.content
            else:
                pages.append(item)
                meta = project.plugins.page_meta(project.conference, lang, item, sources)
                files[item.path] = renders.call(_with_title, item, meta).encode("utf-8")
    result.pages[lang] = pages
    renders.save()
    result.reused += renders.reused
    result.redone += renders.rendered
    docs = out / lang / "docs"
    result.written += _sync_files(docs, files)
    result.written += _sync_files(out / "organizer" / lang, organizer.files(private))
    if private:
        result.organizer.append(out / "organizer" / lang)
    config = mkdocs_config(project, lang, pages)
    project.plugins.adjust_mkdocs_config(project.conference, lang, config)
    data = yaml.dump(config, Dumper=_ConfigDumper, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8")
    result.written += atomic.write_if_changed(out / lang / "mkdocs.yml", data)
    return out / lang / "mkdocs.yml"


def _pages_of(kind: ContentKind, ctx: RenderContext) -> Iterator[Page | Asset]:
    """A content kind's pages; a bug in its code is reported as a failure of that kind, where it
    happened, not as a traceback."""
    try:
        yield from kind.pages(ctx)
    except ConfgenError:
        raise
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        raise ConfgenError(f"content kind {kind.name!r} failed to render its {ctx.lang} pages: "
                           f"{type(exc).__name__}: {exc} ({frame.filename}:{frame.lineno})") from None


def mkdocs_config(project: Project, lang: str, pages: list[Page]) -> dict:
    conference = project.conference
    site_url = conference.page_url(lang)
    config = {
        # The theme writes these into HTML as they are: they are given as escaped HTML text.
        "site_name": plain(tr(conference.event.name, lang)),
        "site_description": plain(tr(conference.event.tagline, lang)),
        "site_author": plain(tr(conference.site.author, lang)) or None,
        "site_url": site_url,
        "repo_url": str(conference.site.repo_url) if conference.site.repo_url else None,
        "docs_dir": "docs",
        "site_dir": f"../site/{lang}",
        "use_directory_urls": True,
        "theme": {
            "name": "material",
            "custom_dir": "../theme",
            "language": lang,
            "font": False,  # no Google Fonts: the site makes no request to another host
            "features": ["navigation.tabs", "navigation.top", "navigation.indexes", "search.suggest", "search.highlight", "content.code.copy"],
            "palette": [{"scheme": "default", "primary": "indigo", "accent": "deep orange"}],
        },
        "plugins": [],  # none of MkDocs' own: without the key it would add its search plugin
        "markdown_extensions": [
            "admonition", "attr_list", "md_in_html", "tables", "def_list", "footnotes",
            {"toc": {"permalink": True}},
            "pymdownx.details",
            {"pymdownx.superfences": {"custom_fences": [
                {"name": "mermaid", "class": "mermaid", "format": PythonName("pymdownx.superfences.fence_code_format")}]}},
            {"pymdownx.arithmatex": {"generic": True}},
            {"pymdownx.highlight": {"anchor_linenums": True}},
        ],
        "extra": {
            "alternate": [{"name": NAMES[other], "lang": other} for other in LANGUAGES],
            "generator": False,
        },
        "extra_css": [],
        "extra_javascript": [],
        "nav": _nav(pages),
        "not_in_nav": "\n".join(NOT_IN_NAV),
        "hooks": [str(DIRTY_HOOKS)],  # keeps a rebuild of only the changed pages right
    }
    return {k: v for k, v in config.items() if v is not None}


class PythonName(str):
    """A dotted name MkDocs must load as the Python object it names (a ``!!python/name:`` tag),
    such as the formatter superfences calls for Mermaid fences."""


class _ConfigDumper(yaml.SafeDumper):
    pass


_ConfigDumper.add_representer(PythonName, lambda dumper, name: dumper.represent_scalar(f"tag:yaml.org,2002:python/name:{name}", ""))


def _nav(pages: list[Page]) -> list:
    entries: list = []
    sections: dict[str, list] = {}
    for page in sorted((p for p in pages if p.nav is not None), key=lambda p: (p.order, p.path)):
        if not page.nav:
            entries.append({plain(page.title): page.path})
            continue
        section = plain(page.nav[0])
        if section not in sections:
            sections[section] = []
            entries.append({section: sections[section]})
        sections[section].append({plain(page.title): page.path})
    return entries


def _with_title(page: Page, meta: dict | None = None) -> str:
    """The page's Markdown with its title in front matter, as escaped HTML text: the theme puts a
    page title into ``<title>``, the header, the search index and the footer as HTML, and without
    front matter MkDocs would take it from the first heading, un-escaping what it finds there.
    ``meta``: what plugins add (``confgen_page_meta``), after the page's own front matter if any."""
    extra = _front_matter(meta, sort_keys=False) if meta else ""
    if page.markdown.startswith("---\n"):
        end = page.markdown.find("\n---\n", 3)
        return page.markdown if not extra or end < 0 else page.markdown[:end + 1] + extra + page.markdown[end + 1:]
    return "---\n" + _front_matter({"title": plain(page.title)}) + extra + "---\n\n" + page.markdown


#: libyaml's emitter when PyYAML was built with it: every page's front matter is dumped at every
#: render, and the pure-Python emitter made that a third of rendering a large event.
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _front_matter(data: dict, sort_keys: bool = True) -> str:
    return yaml.dump(data, Dumper=_SafeDumper, allow_unicode=True, width=1000, sort_keys=sort_keys)


def _sync_files(root: Path, files: dict[str, bytes]) -> int:
    """Make ``root`` hold exactly ``files``: write what changed, delete what is no longer produced."""
    written = sum(atomic.write_if_changed(root / rel, data) for rel, data in files.items())
    if root.is_dir():
        wanted = {os.path.normpath(rel) for rel in files}
        for dirpath, _, filenames in os.walk(root):
            for filename in filenames:
                rel = os.path.normpath(os.path.relpath(os.path.join(dirpath, filename), root))
                if rel not in wanted:
                    os.unlink(os.path.join(dirpath, filename))
    return written


def _sync_tree(source: Path, target: Path, override: Path) -> int:
    """Copy the packaged theme overrides, then a project's own on top."""
    files: dict[str, bytes] = {}
    for base in (source, override):
        if base.is_dir():
            for path in base.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    files[str(path.relative_to(base))] = path.read_bytes()
    return _sync_files(target, files)
