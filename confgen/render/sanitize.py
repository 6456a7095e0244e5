"""Untrusted text (abstracts, bios, imported descriptions, and the drafts that quote them) to safe HTML.

Markdown is parsed by markdown-it-py with raw HTML off, so tags in the text come out as text; the
HTML is then cleaned by nh3 (ammonia) to a small allow-list: no scripts, no event handlers, no
styles, no images or frames, and no links at all. A link in an abstract is the submitter's, not
the organizers': its text stays, its target is dropped, so an injected URL never becomes a link a
reader can click (the organizers' own links come from conference.yaml, outside this function).
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

from confgen.memo import NO_MEMO, Memo, pure

ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "h3", "h4", "h5", "h6",
                "hr", "table", "thead", "tbody", "tr", "th", "td", "del"}
ALLOWED_ATTRIBUTES = {"code": {"class"}}
URL_SCHEMES: set[str] = set()  # no element left carries a URL
CODE_CLASS = re.compile(r"^language-[A-Za-z0-9_+-]{1,30}$")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: raw HTML is escaped; linkify off so bare text never becomes a link by accident.
    return MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def _attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "code" and attribute == "class":
        return value if CODE_CLASS.match(value) else None
    return None


def clean_html(html: str) -> str:
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        strip_comments=True, link_rel=None, attribute_filter=_attribute,
        clean_content_tags={"script", "style", "svg", "math", "iframe", "object", "embed", "template", "noscript"},
    )


def untrusted_markdown(text: str | None, memo: Memo = NO_MEMO) -> str:
    """Render untrusted Markdown to sanitized HTML, wrapped so MkDocs passes it through untouched.
    The Markdown rendering (the costly half) may come from the last build's ``memo``; the
    cleaning never does, so what a memo file holds cannot reach a page unsanitized."""
    if not text or not text.strip():
        return ""
    html = clean_html(memo(markdown_html, text))
    return f'<div class="cg-untrusted" markdown="0">\n{html.strip()}\n</div>\n'


@pure("markdown-it-py")
def markdown_html(text: str) -> str:
    return _parser().render(text)
