"""Untrusted text (abstracts, bios, imported descriptions) to safe HTML.

Markdown is parsed by markdown-it-py with raw HTML off, so tags in the text come out as text; the
HTML is then cleaned by nh3 (ammonia) to a small allow-list with no event handlers, no scripts and
only http(s)/mailto links, so that nothing in a speaker's bio can run in a reader's browser.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "del"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "code": {"class"}}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: raw HTML is escaped; linkify off so bare text never becomes a link by accident.
    return MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def clean_html(html: str) -> str:
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow", strip_comments=True,
    )


def untrusted_markdown(text: str | None) -> str:
    """Render untrusted Markdown to sanitized HTML, wrapped so MkDocs passes it through untouched."""
    if not text or not text.strip():
        return ""
    html = clean_html(_parser().render(text))
    return f'<div class="cg-untrusted" markdown="0">\n{html.strip()}\n</div>\n'
