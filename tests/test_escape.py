"""The escaping rules on their own: untrusted values as inert Markdown text, URLs rebuilt and
limited to http(s)/mailto, drafts' Markdown without raw HTML, and the page hardening (HTML
allow-list, script hashes for the Content-Security-Policy)."""

from __future__ import annotations

import base64
import hashlib

import markdown
import pytest

from confgen.render.escape import draft_markdown, link, plain, safe_url, text
from confgen_plugins.site import harden

EXTENSIONS = ["attr_list", "md_in_html", "tables", "def_list", "footnotes", "pymdownx.arithmatex"]


def md(source: str) -> str:
    return markdown.markdown(source, extensions=EXTENSIONS, extension_configs={"pymdownx.arithmatex": {"generic": True}})


@pytest.mark.parametrize("value", [
    "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))", "![t](https://evil.example/t.png)",
    "x { onclick=alert(1) }", "# not a heading", "<https://evil.example/auto>", "a | b | c", "$x$ \\(y\\)",
    "Lin &lt;/title&gt;&lt;script&gt;", "*em* _em_ `code` ~~del~~", "1. list", "[^note]", "line\nbreak",
])
def test_text_is_inert_markdown_that_shows_what_was_typed(value):
    html = md(f"# {text(value)}\n\n{text(value)} and **{text(value)}**")
    import lxml.html

    root = lxml.html.fromstring(f"<div>{html}</div>")
    assert [el.tag for el in root.iter()] == ["div", "h1", "p", "strong"]  # nothing made from the value
    assert not any(el.attrib for el in root.iter())
    assert root.findtext("h1") == " ".join(value.split())  # shown as typed


def test_plain_escapes_for_html_and_keeps_one_line():
    assert plain('a <b> & "c"\n\'d\'') == "a &lt;b&gt; &amp; &quot;c&quot; &#x27;d&#x27;"


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a b?q=<x>#f", "https://example.org/a%20b?q=%3Cx%3E#f"),
    ("https://example.org/x) ![t](https://evil.example/track.png", "https://example.org/x%29%20!%5Bt%5D%28https://evil.example/track.png"),
    ("HTTP://Example.org:8080/p", "http://example.org:8080/p"),
    ("mailto:hi@example.org", "mailto:hi@example.org"),
    ("javascript:alert(1)", None), ("data:text/html,x", None), ("vbscript:x", None), ("//evil.example/x", None),
    ("https:///nohost", None), ("mailto://x", None), ("java\tscript:alert(1)", None), ("/relative", None),
])
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_link_is_an_anchor_only_for_a_safe_url():
    assert link("https://example.org/a\"b", "<b>x</b>") == (
        '<a href="https://example.org/a%22b" rel="nofollow noopener">&#60;b&#62;x&#60;&#47;b&#62;</a>')
    assert link("javascript:alert(1)", "x") == "x"
    assert link(None, {"zh": "中", "en": "E"}, "en") == "E"


def test_draft_markdown_keeps_markdown_and_drops_markup():
    source = ("## Heading\n\nText with [a link](https://example.org/) and `<code>` kept.\n\n"
              "<img src=x onerror=alert(1)> ![t](https://evil.example/t.png) { onclick=alert(1) }\n\n"
              "\\`<b id=x1>escaped backtick</b>\\` and $fake <i id=x2>math$\n\n"
              "```mermaid\ngraph LR\n  A[\"<img src=x onerror=alert(1)>\"] --> B\n```\n\n$$\n\\frac{a}{b} < c\n$$\n")
    out = draft_markdown(source)
    html = md(out)
    assert '<a href="https://example.org/">a link</a>' in html and "<code>&lt;code&gt;</code>" in html
    import lxml.html

    made = [(el.tag, dict(el.attrib)) for el in lxml.html.fromstring(f"<div>{html}</div>").iter()]
    assert {tag for tag, _ in made} <= {"div", "h2", "p", "a", "code", "span"}, made
    assert [attrs for tag, attrs in made if attrs] == [{"href": "https://example.org/"}, {"class": "arithmatex"},
                                                       {"class": "arithmatex"}], made
    assert 'A["‹img src=x onerror=alert(1)›"] --> B' in out and "\\frac{a}{b} \\lt  c" in out


def test_clean_keeps_confgen_markup_and_drops_the_rest():
    page = ('<h2 id="x">T</h2><table class="cg-grid" style="--cg-rooms: 3"><tr><th style="text-align: right;">a</th></tr></table>'
            '<script type="application/ld+json">{"a": "\\u003c"}</script><a href="https://ok.example/">ok</a>'
            '<a href="https://evil.example/">e</a><a href="javascript:alert(1)">j</a><img src="../i.png"><img src="https://evil.example/p.gif">'
            '<p style="background:url(https://evil.example/b.png)" onclick="x">p</p><iframe src="https://evil.example/"></iframe>'
            '<script>alert(1)</script><script type="application/json">{}</script/><img src=x onerror=alert(2)><!-- note -->'
            '<script type="application/json" id="__config">{"search": "x"}</script>')
    out = harden.clean(page, frozenset({"ok.example"}))
    assert '<h2 id="x">' in out and 'style="--cg-rooms: 3"' in out and 'style="text-align: right;"' in out
    assert '<script type="application/ld+json">{"a": "\\u003c"}</script>' in out
    assert '<a href="https://ok.example/">ok</a>' in out and '<img src="../i.png">' in out
    for bad in ("evil.example", "javascript:", "onclick", "onerror", "<iframe", "alert(1)", "background", "note", "__config"):
        assert bad not in out, bad


def test_policy_hashes_the_theme_scripts_and_not_the_content():
    theme = "<script>var a = 1;</script>"
    content = "<script>alert(1)</script>"
    page = f'<html><head><meta charset="utf-8">{theme}</head><body>{content}<script src="x.js"></script></body></html>'
    out = harden.with_policy(page, content)
    digest = base64.b64encode(hashlib.sha256(b"var a = 1;").digest()).decode()
    evil = base64.b64encode(hashlib.sha256(b"alert(1)").digest()).decode()
    head = out.split("<head>", 1)[1]
    assert head.startswith('<meta charset="utf-8">\n    <meta http-equiv="Content-Security-Policy"')
    assert f"'sha256-{digest}'" in out and evil not in out
    for directive in ("default-src 'none'", "base-uri 'none'", "object-src 'none'", "frame-src 'none'", "img-src 'self' data:"):
        assert directive in out


@pytest.mark.parametrize("body", [
    "[x](javascript:alert(1))", "[x]( JaVaScRiPt:alert(1))", "[x](data:text/html,<b>hi</b>)", "[x](vbscript:msgbox)",
    "[x][1]\n\n[1]: javascript:alert(1)", "[x][1]\n\n   [1]: <data:text/html,hi>",
])
def test_a_draft_link_to_a_script_or_data_url_stays_text(body):
    html = markdown.markdown(draft_markdown(body))
    assert "<a" not in html and "x" in html


@pytest.mark.parametrize("body, href", [
    ("[ok](https://a.example/)", "https://a.example/"), ("[rel](../talks/s01/)", "../talks/s01/"),
    ("[mail](mailto:hi@a.example)", "mailto:hi@a.example"), ("[x][1]\n\n[1]: https://b.example/", "https://b.example/"),
])
def test_a_draft_link_to_the_web_or_the_site_stays_a_link(body, href):
    assert f'<a href="{href}">' in markdown.markdown(draft_markdown(body))
