"""Gate ``raw-html``: HTML tags, event handlers and script links outside code. Drafts of articles,
FAQ and the like go into pages as Markdown, and Python-Markdown passes raw HTML through untouched;
attribute lists (``{ onclick=... }``) would add handlers too. So a draft carrying any of them fails."""

from __future__ import annotations

import re

from confgen.api import Finding, GateContext, hookimpl
from confgen_plugins.gates._markdown import parse

TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--|<!\[CDATA\[|<\?")
SCRIPT_URL = re.compile(r"(?:java|vb|live)script\s*:|data\s*:\s*[a-z]+/[a-z0-9.+-]+[;,]", re.I)
ATTR_LIST = re.compile(r"\{[^{}\n]*\bon[a-z]+\s*=[^{}\n]*\}|\{:?[^{}\n]*\b(?:style|srcdoc|formaction|href|src)\s*=[^{}\n]*\}", re.I)
ENTITY_SCHEME = re.compile(r"\]\(\s*<?\s*[a-z]*(?:&#|&[a-z]+;|%[0-9a-f]{2})", re.I)


def gate(ctx: GateContext):
    for number, line in enumerate(parse(ctx.text).outside_fences(), 1):
        if not line.strip():
            continue
        for match in TAG.finditer(line):
            yield Finding("raw-html", f"raw HTML {match.group(0)[:40]!r} outside code; write Markdown only", number)
        for match in SCRIPT_URL.finditer(line):
            yield Finding("raw-html", f"script or data URL {match.group(0)!r}", number)
        for match in ATTR_LIST.finditer(line):
            yield Finding("raw-html", f"attribute list {match.group(0)[:40]!r} sets an attribute that can run code", number)
        for match in ENTITY_SCHEME.finditer(line):
            yield Finding("raw-html", "link target hides its scheme behind escapes", number)


@hookimpl
def confgen_gates():
    return {"raw-html": gate}
