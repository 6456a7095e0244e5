"""Gate ``code``: code blocks checked by the real thing. Python must parse and, unless
``gates.run_code: false``, run to the end without error in the sandbox (no network, time and
memory limits); JSON must parse; a Mermaid block must parse with Mermaid's own parser, run in node
(see :mod:`_mermaid`). Where node or Mermaid is missing, the draft carries a warning saying its
diagram was not checked: never a silent pass."""

from __future__ import annotations

import ast
import json
import warnings

from confgen.api import Finding, GateContext, hookimpl
from confgen_plugins.gates import _mermaid
from confgen_plugins.gates._markdown import parse

RUN_TIMEOUT = 10.0

PYTHON = {"python", "py", "python3"}
MERMAID_TYPES = {
    "graph", "flowchart", "sequencediagram", "classdiagram", "classdiagram-v2", "statediagram", "statediagram-v2",
    "erdiagram", "journey", "gantt", "pie", "quadrantchart", "requirementdiagram", "gitgraph", "c4context",
    "c4container", "c4component", "c4dynamic", "c4deployment", "mindmap", "timeline", "zenuml", "sankey-beta",
    "xychart-beta", "block-beta", "packet-beta", "kanban", "architecture-beta", "radar-beta", "treemap-beta",
}


def _mermaid_type(body: str) -> str:
    lines = iter(body.splitlines())
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("%%"):
            continue
        if stripped == "---":  # front matter (title, config) comes before the diagram type
            for inner in lines:
                if inner.strip() == "---":
                    break
            continue
        return stripped.split()[0].rstrip(";").lower()
    return ""


def gate(ctx: GateContext):
    for block in parse(ctx.text).code:
        if not block.closed:
            continue  # the fences gate reports it
        if block.lang in PYTHON:
            if block.body.lstrip().startswith(">>>"):
                continue  # an interactive session, not a program
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ast.parse(block.body)
            except SyntaxError as exc:
                line = block.line + (exc.lineno or 1)
                yield Finding("code", f"Python code does not parse: {exc.msg}", line)
                continue
            if _real(ctx) and (ctx.conference is None or ctx.conference.gates.run_code):
                yield from _run(block)
        elif block.lang == "json":
            try:
                json.loads(block.body)
            except ValueError as exc:
                yield Finding("code", f"JSON does not parse: {exc.msg}", block.line + getattr(exc, "lineno", 1))
        elif block.lang == "mermaid":
            kind = _mermaid_type(block.body)
            if kind not in MERMAID_TYPES:
                yield Finding("code", f"unknown Mermaid diagram type {kind!r}", block.line + 1)
                continue
            if not _real(ctx):
                continue
            try:
                error = _mermaid.check(block.body)
            except _mermaid.Unavailable as exc:
                yield Finding("code", f"Mermaid diagram not checked: {exc}", block.line, "warning")
                continue
            if error:
                yield Finding("code", f"Mermaid cannot draw this diagram: {error}", block.line + 1)


def _real(ctx: GateContext) -> bool:
    """Run and parse for real what a model wrote (its job carries the kind's contract) and what
    `confgen check` is given (no job); the offline drafter's blocks come from tested templates."""
    return ctx.contract is not None or ctx.job is None


def _run(block):
    """Run a Python block in the sandbox; a snippet importing what is not installed is reported,
    not failed (the reader may have it)."""
    from confgen_plugins.content.sandbox import run_cached
    from confgen_plugins.content.writing_gates import missing_imports

    missing = missing_imports(ast.parse(block.body))
    if missing:
        yield Finding("code", f"Python code not run: imports {', '.join(missing)}, not installed here", block.line,
                      "warning")
        return
    result = run_cached(block.body, RUN_TIMEOUT)
    if not result.ok:
        yield Finding("code", f"Python code fails when run: {result.error}", block.line + 1)


@hookimpl
def confgen_gates():
    return {"code": gate}
