"""The second wall behind escaping: every page's content goes through an HTML allow-list, and every
page carries a strict Content-Security-Policy.

This module is both a confgen plugin (it adds itself to each language's mkdocs.yml as an MkDocs
hooks file) and that hooks file (MkDocs calls ``on_page_content``, ``on_post_page`` and
``on_post_template`` in it).

- ``on_page_content``: a page's Markdown can hold text confgen does not control: drafts written by a
  model, or by the offline drafter from facts, and human edits. After Markdown, the HTML is cleaned
  by nh3 (ammonia) to the elements and attributes confgen's pages and the Markdown extensions make:
  no script that runs, no event handler, no frame, object, form target, style element or ``<base>``,
  links only to http(s), mailto or this site, images only from this site.
- ``on_config`` / ``on_page_markdown``: titles arrive escaped; they are marked so, so that the
  theme's ``| e`` leaves them as they are.
- ``on_post_page`` / ``on_post_template``: GitHub Pages cannot send headers, so the policy is a
  ``<meta http-equiv>`` first in ``<head>``. Scripts run only from the site itself, plus the theme's
  own inline scripts, allowed by their SHA-256 computed from the page as built (the page's content is
  left out first, so nothing inside the content can be allowed by its hash).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup

#: ``style-src 'unsafe-inline'``: Mermaid draws its diagrams as SVG holding a ``<style>`` element,
#: and Material and KaTeX set ``style`` attributes from their scripts. Inline styles cannot run
#: code, and with images, fonts and connections limited to the site they cannot send anything to
#: another host either; page content never carries ``style`` beyond the table alignments kept below.
POLICY = ("default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "font-src 'self'; connect-src 'self' blob:; worker-src 'self'; manifest-src 'self'; media-src 'self'; "
          "base-uri 'none'; object-src 'none'; frame-src 'none'; form-action 'none'")

TAGS = {"a", "abbr", "b", "blockquote", "br", "button", "caption", "cite", "code", "col", "colgroup", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "nav", "ol", "option", "output", "p", "pre", "q",
        "s", "samp", "section", "select", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr"}
GENERIC = {"class", "id", "title", "lang", "dir", "role", "hidden", "tabindex"}
ATTRIBUTES = {
    "a": {"href", "rel", "download", "hreflang", "name"}, "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "style", "align"}, "th": {"colspan", "rowspan", "scope", "style", "align"},
    "table": {"style"}, "time": {"datetime"}, "input": {"type", "checked", "name", "value", "placeholder"},
    "select": {"name"}, "option": {"value", "selected"}, "button": {"type"}, "label": {"for"},
    "ol": {"start", "type", "reversed"}, "details": {"open"}, "col": {"span"}, "colgroup": {"span"},
}
#: The only inline styles content may keep: Markdown table alignment and the agenda's room count.
STYLE = re.compile(r"^\s*(?:text-align:\s*(?:left|right|center);?|--cg-rooms:\s*\d{1,3};?)\s*$")
#: Structured data in confgen's own pages (JSON, with every '<' escaped), in exactly the forms its
#: templates write (talk.md.j2, my_schedule.md.j2): kept as it is, never run. No other id: a
#: JSON block named ``__config`` before the theme's would steer the theme's scripts.
DATA_SCRIPT = re.compile(r"""<script (?:type="application/ld\+json"|type="application/json" id="cg-schedule-data")>"""
                         r"""(?:(?!</script)[\s\S])*</script>""")
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.S | re.I)
JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
HEAD = re.compile(r"<head>(\s*<meta charset=\"utf-8\">)?", re.I)


ABSOLUTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//|\\)", re.I)


def _attributes(link_hosts: frozenset[str]):
    def check(element: str, attribute: str, value: str) -> str | None:
        if attribute == "style":
            return value if STYLE.match(value) else None
        if element == "img" and attribute == "src":
            # Same site only: an image from another host would tell it who reads the page.
            return None if ABSOLUTE.match(value) else value
        if element == "a" and attribute == "href" and ABSOLUTE.match(value) and not value.lower().startswith("mailto:"):
            # Links leave the site only for hosts the organizers' data names (as the links gate
            # holds model drafts to): a URL pasted into a draft from a title does not become one.
            try:
                host = (urlsplit(value.strip()).hostname or "").lower()
            except ValueError:
                return None
            return value if host in link_hosts else None
        return value

    return check


def link_hosts(conference) -> list[str]:
    """Hosts of every http(s) URL field of the conference (the event, site, venue, sponsors,
    hotels, speakers' links, references)."""
    hosts: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and re.match(r"^https?://\S+$", node):
            try:
                hosts.add((urlsplit(node).hostname or "").lower())
            except ValueError:
                pass

    walk(conference.model_dump(mode="json"))
    return sorted(hosts - {""})


def clean(html: str, hosts: frozenset[str] = frozenset()) -> str:
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"<!--cg-data-{len(kept) - 1}-->"

    stashed = DATA_SCRIPT.sub(keep, html)
    cleaned = nh3.clean(
        stashed, tags=TAGS, attributes=ATTRIBUTES | {"*": GENERIC}, generic_attribute_prefixes={"data-", "aria-"},
        url_schemes={"http", "https", "mailto"}, link_rel=None, strip_comments=False, attribute_filter=_attributes(hosts),
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math",
                            "textarea", "title", "xmp", "noembed", "noframes"},
    )
    # Only confgen's placeholders come back; any other comment is dropped.
    return re.sub(r"<!--(.*?)-->", lambda m: kept[int(m.group(1)[8:])] if re.fullmatch(r"cg-data-\d+", m.group(1))
                  and int(m.group(1)[8:]) < len(kept) else "", cleaned, flags=re.S)


def script_hashes(html: str) -> list[str]:
    found = []
    for match in INLINE_SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if re.search(r"\ssrc\s*=", attrs, re.I):
            continue
        kind = re.search(r"""\stype\s*=\s*["']?([^"'\s>]*)""", attrs, re.I)
        if (kind.group(1).lower() if kind else "") not in JS_TYPES:
            continue
        digest = base64.b64encode(hashlib.sha256(match.group("body").encode("utf-8")).digest()).decode()
        found.append(f"'sha256-{digest}'")
    return sorted(set(found))


#: Pages that may compile WebAssembly: the search page, where Pagefind's search core is a .wasm
#: module (confgen_plugins.site.search). 'wasm-unsafe-eval' lets a page compile WebAssembly that
#: its allowed scripts fetch; it allows no ``eval`` of JavaScript and no script from anywhere else,
#: and every other page keeps the policy without it.
WASM_PAGES = frozenset({"search/"})


def with_policy(output: str, content: str = "", url: str = "") -> str:
    theme = output.replace(content, "") if content else output
    hashes = " ".join(script_hashes(theme) + (["'wasm-unsafe-eval'"] if url in WASM_PAGES else []))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{POLICY.format(hashes=hashes)}">'
    return HEAD.sub(lambda m: m.group(0) + "\n    " + meta, output, count=1)


# ---- MkDocs hooks ----

def on_config(config):
    # confgen gives the site name and page titles as escaped HTML text (see confgen.render.pages); marked
    # as such, the theme's own `| e` does not escape them a second time ("&amp;amp;").
    config.site_name = Markup(config.site_name)
    return config


def on_page_markdown(markdown, page, config, files):
    if page.title is not None:
        page.title = Markup(page.title)
    if isinstance(page.meta.get("title"), str):
        page.meta["title"] = Markup(page.meta["title"])
    return markdown


def on_page_content(html, page, config, files):
    return clean(html, frozenset(config.extra.get("confgen_link_hosts") or ()))


def on_post_page(output, page, config):
    return with_policy(output, page.content or "", page.url)


def on_post_template(output_content, template_name, config):
    return with_policy(output_content) if template_name.endswith(".html") else output_content


# ---- confgen plugin ----

try:
    from confgen.api import hookimpl
except ImportError:  # loaded by MkDocs as a hooks file: the confgen side is not needed there
    hookimpl = None

if hookimpl is not None:
    @hookimpl
    def confgen_mkdocs_config(conference, lang: str, config: dict) -> None:
        config.setdefault("hooks", []).append(str(Path(__file__).resolve()))
        config.setdefault("extra", {})["confgen_link_hosts"] = link_hosts(conference)
