"""Gate ``fences``: a code fence opened and never closed swallows the rest of the page."""

from __future__ import annotations

from confgen.api import Finding, GateContext, hookimpl
from confgen_plugins.gates._markdown import parse


def gate(ctx: GateContext):
    for block in parse(ctx.text).code:
        if not block.closed:
            yield Finding("fences", "code fence is never closed", block.line)


@hookimpl
def confgen_gates():
    return {"fences": gate}
