"""Untrusted values (anything from conference.yaml or an import) as text, for the context they land in.

Page templates write Markdown, and Markdown gives meaning to punctuation: ``[t](u)`` is a link,
``![t](u)`` an image, ``{ onclick=... }`` an attribute list, ``<b>`` raw HTML, ``$x$`` math. So a
value never reaches a page as Markdown source: :func:`text` turns it into HTML text in which every
character Markdown or HTML could act on is a character reference. Python-Markdown leaves character
references alone, the browser shows them as the characters typed, and nothing in them is syntax.

URLs are parsed and rebuilt by :mod:`urllib.parse`, allowed only with the http, https and mailto
schemes, and go into an ``href`` attribute of an ``<a>`` element written here, never into
Markdown link syntax.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from confgen.model import tr

#: HTML's own ``&<>"'`` and the ASCII punctuation with a meaning in Markdown or its extensions
#: (attr_list, arithmatex, tables, footnotes, abbreviations, admonitions).
_ACTIVE = re.compile(r"""[&<>"'\\`*_{}\[\]()#+\-.!|~:=^$@%/?;]""")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")
URL_SCHEMES = ("http", "https", "mailto")


def plain(value: Any) -> str:
    """The value as one line of HTML text (for titles, attributes and front matter: contexts
    that are HTML but not Markdown)."""
    return html.escape(_LINE_BREAKS.sub(" ", "" if value is None else str(value)), quote=True)


def text(value: Any, lang: str | None = None) -> str:
    """The value (a Localized mapping when ``lang`` is given) as inert inline text in Markdown."""
    if lang is not None:
        value = tr(value, lang)
    one_line = _LINE_BREAKS.sub(" ", "" if value is None else str(value))
    return _ACTIVE.sub(lambda m: f"&#{ord(m.group(0))};", one_line)


def safe_url(value: Any) -> str | None:
    """The URL rebuilt from its parts, or None when it is not an http(s) URL with a host or a
    mailto URL with an address. Characters outside the URL syntax are percent-encoded."""
    if value is None:
        return None
    try:
        parts = urlsplit(str(value).strip())
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in URL_SCHEMES:
        return None
    if scheme == "mailto":
        if parts.netloc or not parts.path:
            return None
        return urlunsplit((scheme, "", quote(parts.path, safe="@.+-_~!$*,;="), quote(parts.query, safe="=&%+-_.~"), ""))
    if not parts.hostname:
        return None
    netloc = parts.hostname.encode("idna").decode("ascii") if not parts.hostname.isascii() else parts.hostname
    if parts.port:
        netloc += f":{parts.port}"
    keep = "/%:@!$&'*+,;=-._~"
    return urlunsplit((scheme, netloc, quote(parts.path, safe=keep), quote(parts.query, safe=keep + "?"),
                       quote(parts.fragment, safe=keep + "?")))


def link(url: Any, label: Any, lang: str | None = None) -> str:
    """An ``<a>`` to a checked URL with the label as text; the bare label if the URL is refused."""
    label_text = text(label, lang)
    target = safe_url(url)
    if target is None:
        return label_text
    return f'<a href="{html.escape(target, quote=True)}" rel="nofollow noopener">{label_text}</a>'


_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
#: Code spans as Python-Markdown finds them (an escaped backtick opens none), and inline math as
#: arithmatex finds it ("smart dollar": no space inside either dollar). Only text that really is
#: code or math is left as it is.
_CODE_OR_MATH = re.compile(r"(?<!\\)(`+)(?:.+?)(?<!`)\1(?!`)|(?<![\\$])\$(?![\s$])(?:\\.|[^\\$\n])+?(?<!\s)\$(?!\$)")


def draft_markdown(body: str) -> str:
    """A draft's Markdown (written by a model, by the offline drafter from facts, or by a person)
    with everything that would make HTML elements or attributes of its own made inert: outside
    code, ``<`` (raw HTML, autolinks), ``{`` (attribute lists) and ``![`` (images, which would
    load from wherever they point) become character references; in math ``<`` becomes ``\\lt``. Headings, lists, tables,
    links, code and math stay Markdown; the page's HTML allow-list still cleans what results."""
    out = []
    fence = None
    in_math = False
    mermaid = False
    for line in body.split("\n"):
        marker = _FENCE.match(line)
        if fence:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence) and not line.strip()[len(marker.group(1)):]:
                fence = None
                out.append(line)
            else:
                out.append(_mermaid_text(line) if mermaid else line)
        elif marker:
            fence = marker.group(1)
            mermaid = line.strip()[len(fence):].strip().lower().startswith("mermaid")
            out.append(line)
        elif in_math or (line.strip() == "$$" and (not out or not out[-1].strip())):
            # A math block as arithmatex takes it: `$$` lines opening a paragraph of their own.
            in_math = not in_math if line.strip() == "$$" else in_math
            out.append(_math_text(line))
        else:
            out.append(_inert_line(line))
    return "\n".join(out)


_MERMAID_MARKUP = re.compile(r"<(?![-=.])|(?<![-=.])>|&")
_LOOKALIKE = {"<": "\u2039", ">": "\u203a", "&": "\uff06"}


def _mermaid_text(line: str) -> str:
    """A line of a Mermaid diagram with no markup in its labels: Mermaid reads ``<``, ``>`` and
    entities in a label as HTML, even in strict mode while it measures text, so they become look-
    alike characters (arrows such as ``-->`` keep theirs)."""
    return _MERMAID_MARKUP.sub(lambda m: _LOOKALIKE[m.group(0)], line)


_SCHEMED_DEFINITION = re.compile(r"^(\s{0,3})\[([^\]]*\]:\s*<?\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:)")


def _inert_line(line: str) -> str:
    definition = _SCHEMED_DEFINITION.match(line)
    if definition and definition.group(3).lower() not in URL_SCHEMES:  # ``[1]: javascript:…``
        line = definition.group(1) + "&#91;" + line[definition.end(1) + 1:]
    pieces, last = [], 0
    for match in _CODE_OR_MATH.finditer(line):
        pieces.append(_inert_text(line[last:match.start()]))
        pieces.append(match.group(0) if match.group(0).startswith("`") else _math_text(match.group(0)))
        last = match.end()
    pieces.append(_inert_text(line[last:]))
    return "".join(pieces)


def _math_text(text: str) -> str:
    """Math keeps its braces (LaTeX needs them; arithmatex keeps math away from attribute lists),
    but its ``<`` is written ``\\lt``: text that only looks like math must not carry a tag."""
    return text.replace("<", "\\lt ")


# A link target with a scheme: ``](javascript:…)``, ``](data:…)``, ``]( vbscript:…)``.
_SCHEMED_TARGET = re.compile(r"\]\(\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:")


def _inert_text(text: str) -> str:
    text = text.replace("<", "&lt;").replace("{", "&#123;").replace("![", "!&#91;")
    # A link that goes nowhere a page may send its reader stays text: no element is made of it.
    return _SCHEMED_TARGET.sub(lambda m: m.group(0) if m.group(1).lower() in URL_SCHEMES else "]&#40;" + m.group(0)[2:], text)
