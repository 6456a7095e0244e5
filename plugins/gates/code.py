"""Gate ``code``: code blocks that do not parse. Python (``ast``) and JSON are parsed; a Mermaid
block must start with a diagram type Mermaid knows, or the page shows an error box."""

from __future__ import annotations

import ast
import json
import warnings

from confgen.api import Finding, GateContext, hookimpl
from confgen_plugins.gates._markdown import parse

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
        elif block.lang == "json":
            try:
                json.loads(block.body)
            except ValueError as exc:
                yield Finding("code", f"JSON does not parse: {exc.msg}", block.line + getattr(exc, "lineno", 1))
        elif block.lang == "mermaid":
            kind = _mermaid_type(block.body)
            if kind not in MERMAID_TYPES:
                yield Finding("code", f"unknown Mermaid diagram type {kind!r}", block.line + 1)


@hookimpl
def confgen_gates():
    return {"code": gate}
