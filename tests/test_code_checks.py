"""Code in model drafts checked by the real thing: Python runs in the sandbox and must finish
without error; Mermaid must parse with Mermaid's own parser (node); where that parser is missing
the draft says its diagram was not checked."""

from __future__ import annotations

import pytest

from confgen.api import Contract, GateContext, Job
from confgen.draft.gates import gates_for
from confgen.load.project import open_project
from confgen_plugins.gates import _mermaid


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    from tests.conftest import write_project

    return open_project(write_project(tmp_path_factory.mktemp("c") / "p"))


def code_findings(mini, text: str):
    job = Job("articles", "x", "en", facts={})
    ctx = GateContext(text=text, lang="en", kind="articles", conference=mini.conference, job=job, contract=Contract())
    return [(f.severity, f.message) for f in gates_for(mini.plugins)["code"](ctx)]


def test_python_that_parses_but_fails_is_caught(mini):
    text = "Code:\n\n```python\nitems = [1, 2, 3]\nprint(items[3])\n```\n"
    assert code_findings(mini, text) == [("error", "Python code fails when run: IndexError: list index out of range")]


def test_python_that_runs_passes(mini):
    assert code_findings(mini, "```python\nprint(sum([1, 2, 3]))\n```\n") == []


@pytest.mark.parametrize("diagram", [
    "graph TD\n  A[Query] --> B[Retriever\n  B --> C",
    "sequenceDiagram\n  Client->>Server Request\n",
    "flowchart LR\n  A --> |label B",
])
def test_mermaid_that_does_not_parse_is_caught(mini, diagram):
    (finding,) = code_findings(mini, f"```mermaid\n{diagram}\n```\n")
    assert finding[0] == "error" and finding[1].startswith("Mermaid cannot draw this diagram")


def test_mermaid_that_parses_passes(mini):
    text = "```mermaid\nflowchart LR\n  A[Query] --> B{Relevant?}\n  B -- yes --> C[Answer]\n```\n"
    assert code_findings(mini, text) == []


def test_without_node_the_diagram_is_reported_unchecked_not_passed(mini, monkeypatch):
    monkeypatch.setattr(_mermaid, "_parser", _mermaid._Parser())
    monkeypatch.setattr(_mermaid.shutil, "which", lambda name: None)
    _mermaid.check.cache_clear()
    try:
        (finding,) = code_findings(mini, "```mermaid\ngraph TD\n  A --> B\n```\n")
    finally:
        _mermaid.check.cache_clear()
    assert finding[0] == "warning" and "not checked" in finding[1] and "node is not installed" in finding[1]
