"""Gate ``links``: every URL and e-mail address outside code must be one the facts contain. A model
asked about a conference invents plausible registration pages; an injected abstract asks for its
own URL. Relative links (to other pages of the site) are fine."""

from __future__ import annotations

from confgen.api import Finding, GateContext, hookimpl
from confgen_plugins.gates._facts import facts_of, normalize_url
from confgen_plugins.gates._markdown import EMAIL, URL, parse


def gate(ctx: GateContext):
    if ctx.conference is None:
        return
    facts = facts_of(ctx.conference)
    doc = parse(ctx.text)
    for number, url in doc.urls():
        if normalize_url(url) not in facts.urls:
            yield Finding("links", f"URL {url!r} is not in the facts (conference.yaml)", number)
    for number, line in enumerate(doc.prose, 1):
        inside = [(u.start(), u.end()) for u in URL.finditer(line)]
        for match in EMAIL.finditer(line):
            if any(a <= match.start() < b for a, b in inside):
                continue  # user@host inside a URL is the URL's business
            if match.group(0).lower() not in facts.emails:
                yield Finding("links", f"e-mail address {match.group(0)!r} is not in the facts", number)


@hookimpl
def confgen_gates():
    return {"links": gate}
