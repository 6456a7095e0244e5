"""Pages for the organizers only (``OrganizerPage``: the planning brief and its budget), written to
``build/organizer/<lang>/`` outside every language's MkDocs project, so that nothing in them can
reach the published site, its sitemap or its search index.

Each page is written twice: the Markdown as rendered (to diff, or to paste elsewhere) and a
standalone HTML page with no script and no request to anything, readable straight from disk. The
HTML page ends with what plugins say of its text (``cg_provenance``: who wrote it), as site pages do.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

import nh3
from markdown_it import MarkdownIt

from confgen.languages import word
from confgen.types import OrganizerPage

#: The site's own stylesheet is not there: enough style to read tables.
HTML = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="robots" content="noindex, nofollow">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font:16px/1.6 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #ccc;padding:.25rem .6rem}}
td:last-child,th:last-child{{text-align:right}}.cg-organizer{{background:#fff3cd;padding:.5rem 1rem}}</style>
</head><body>
<p class="cg-organizer">{notice}</p>
{body}
{provenance}
</body></html>
"""
TAGS = {"a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre",
        "small", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=True: the page templates' own small markup (a note in <p><small>) is kept; whatever a
    # draft carried was made inert by `draft_markdown` already, and nh3 cleans the result.
    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def html_page(page: OrganizerPage, meta: dict | None = None) -> str:
    body = nh3.clean(_parser().render(page.markdown), tags=TAGS, attributes={"a": {"href"}, "*": {"lang"}},
                     url_schemes={"http", "https", "mailto"})
    notes = ((meta or {}).get("cg_provenance") or {}).get("notes") or []
    provenance = f"<hr><ul>{''.join(f'<li><small>{escape(str(n))}</small></li>' for n in notes)}</ul>" if notes else ""
    return HTML.format(lang=escape(page.lang), title=escape(page.title), notice=word("organizer.notice", page.lang),
                       body=body, provenance=provenance)


def files(pages: list[tuple[OrganizerPage, dict]]) -> dict[str, bytes]:
    """What to write under ``build/organizer/<lang>/`` for ``pages`` (each with what plugins added
    to its front matter): each as Markdown and HTML."""
    out: dict[str, bytes] = {}
    for page, meta in pages:
        out[page.path] = page.markdown.encode("utf-8")
        out[page.path.removesuffix(".md") + ".html"] = html_page(page, meta).encode("utf-8")
    return out
