"""MkDocs hooks that keep a ``mkdocs build --dirty`` of a confgen project right.

A dirty build (:mod:`confgen.sitebuild.rebuild`) runs over a copy of the live site whose files are
hard links to the live ones, and rebuilds only the pages whose Markdown is newer than their HTML.
MkDocs writes its files in place, which would change the live site through the links while the
build is still running. So, in a dirty build only:

- ``on_files``: every output MkDocs is about to write (a changed page or file, the theme's static
  templates such as ``sitemap.xml``) is unlinked first, so it is written as a new file and the live
  site keeps its own until the new site is installed whole;
- ``on_env``: a page MkDocs did not read keeps the title the navigation gives it, which confgen
  writes as escaped HTML text (:mod:`confgen.render.pages`); it is marked so, as the titles of the
  pages read are, so that the theme does not escape it again in the links to it.

No project has MkDocs' search plugin (Pagefind indexes the whole built site afterwards, see
:mod:`confgen.sitebuild.pagefind_index`), so there is no search index of MkDocs' to keep whole.

In every build, dirty or clean, ``on_env`` also keeps the theme's compiled templates from one build
to the next (Jinja's bytecode cache, in ``build/<lang>/.jinja-cache``).

Run by MkDocs as a hooks file (listed under ``hooks:`` in each language's ``mkdocs.yml``); it
imports nothing of confgen.
"""

from __future__ import annotations

import logging
import os

from jinja2 import FileSystemBytecodeCache
from markupsafe import Markup

#: Written by MkDocs next to ``sitemap.xml`` at every build, dirty or not.
ALWAYS_WRITTEN = ("sitemap.xml.gz",)

#: Beside each language's mkdocs.yml (``build/<lang>/``), out of its docs folder.
JINJA_CACHE = ".jinja-cache"

_state: dict = {"dirty": False}


def _folder(path: str) -> str:
    os.makedirs(path, exist_ok=True)
    return path


def on_startup(command, dirty):
    _state["dirty"] = dirty
    if dirty:  # MkDocs warns that a dirty build may leave the navigation stale: a changed navigation
        # makes confgen build the whole site, so the warning does not apply, and --strict would fail on it.
        logging.getLogger("mkdocs.commands.build").addFilter(_not_the_dirty_warning)


def _not_the_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def on_files(files, config):
    if not _state["dirty"]:
        return files
    site = config.site_dir
    modified = [file for file in files if file.is_modified()]
    outputs = [file.abs_dest_path for file in modified]
    outputs += [os.path.join(site, name) for name in (*config.theme.static_templates, *ALWAYS_WRITTEN)]
    for path in outputs:
        try:
            os.unlink(path)
        except (FileNotFoundError, IsADirectoryError):
            pass
    return files


def on_env(env, config, files):
    # Every build compiles the theme's templates anew (nearly a second for Material's, a large
    # share of a rebuild that writes three pages); Jinja's own cache keeps them compiled, keyed
    # by each template's source, so an edited template is compiled again.
    env.bytecode_cache = FileSystemBytecodeCache(_folder(os.path.join(os.path.dirname(config.config_file_path), JINJA_CACHE)))
    if _state["dirty"]:
        for file in files.documentation_pages():
            page = file.page
            title = page.__dict__.get("title") if page is not None else None
            if page is not None and page.markdown is None and isinstance(title, str) and not isinstance(title, Markup):
                page.title = Markup(title)
    return env
