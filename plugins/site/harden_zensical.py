"""The security pass of :mod:`confgen_plugins.site.harden` for sites built by Zensical, which runs
no MkDocs hooks.

- Content: Zensical converts each page with Python-Markdown in Python, so the HTML allow-list runs
  as a Markdown extension (named in the ``zensical.yml`` that confgen writes) at the same point as
  MkDocs' ``on_page_content``: the last postprocessor, after raw HTML is put back.
- Policy: after the build, :func:`add_policies` puts the Content-Security-Policy first in the
  ``<head>`` of every HTML page, with the hashes of the theme's inline scripts. By then the content
  holds no inline script (the allow-list removed every one but JSON data), so hashing the whole page
  allows exactly the theme's scripts, as ``on_post_page`` does.
"""

from __future__ import annotations

from pathlib import Path

from markdown import Extension
from markdown.postprocessors import Postprocessor

from confgen_plugins.site.harden import clean, with_policy


class _Clean(Postprocessor):
    def __init__(self, md, hosts: frozenset[str]):
        super().__init__(md)
        self.hosts = hosts

    def run(self, text: str) -> str:
        return clean(text, self.hosts)


class HardenExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"link_hosts": [[], "hosts that links may leave the site for"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # Priority 0: after every postprocessor of Markdown and pymdownx (raw HTML returns at 30).
        md.postprocessors.register(_Clean(md, frozenset(self.getConfig("link_hosts"))), "confgen_harden", 0)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point
    return HardenExtension(**kwargs)


def add_policies(site: Path) -> int:
    """Add the policy to every HTML page of a built site; the number of pages."""
    count = 0
    for page in sorted(site.rglob("*.html")):
        html = page.read_text("utf-8")
        rel = page.relative_to(site).as_posix()
        url = "" if rel == "index.html" else rel.removesuffix("index.html")
        page.write_text(with_policy(html, url=url), "utf-8")
        count += 1
    return count
