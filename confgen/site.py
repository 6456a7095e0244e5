"""Build: the real ``mkdocs build`` of each language's project (in parallel, see
:mod:`confgen.mkdocs_builds`) into ``build/site/<lang>/``, plus a root page that sends readers to
the default language."""

from __future__ import annotations

from html import escape
from pathlib import Path

from confgen import atomic
from confgen.mkdocs_builds import MkDocsBuilds
from confgen.model import LANGUAGES, tr
from confgen.project import Project

ROOT_INDEX = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={lang}/">
<link rel="canonical" href="{lang}/">
</head><body><p><a href="{lang}/">{title}</a></p>
<ul>{links}</ul></body></html>
"""


def build_site(project: Project, builds: MkDocsBuilds) -> Path:
    """Wait for the builds of each language (started as each was rendered) and add the root page."""
    builds.wait()
    site = project.build_dir / "site"
    default = project.conference.site.default_language

    name = project.conference.event.name
    links = "".join(f'<li><a href="{lang}/" hreflang="{lang}">{escape(tr(name, lang))}</a></li>' for lang in LANGUAGES)
    atomic.write_text(site / "index.html", ROOT_INDEX.format(lang=default, title=escape(tr(name, default)), links=links))
    atomic.write_text(site / ".nojekyll", "")
    return site
