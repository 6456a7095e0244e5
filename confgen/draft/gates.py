"""Running the quality gates (each one a plugin) over a text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from confgen.types import Finding, Gate, GateContext

if TYPE_CHECKING:
    from confgen.plugins import Plugins


def gates_for(plugins: "Plugins") -> dict[str, Gate]:
    """Every plugin's gates (the meta-text gate gets every plugin's phrases through its hook)."""
    return plugins.gates()


def run_gates(ctx: GateContext, gates: dict[str, Gate], disabled: list[str] | tuple[str, ...] = ()) -> list[Finding]:
    findings: list[Finding] = []
    for name, gate in gates.items():
        if name in disabled:
            continue
        findings.extend(gate(ctx))
    return sorted(findings, key=lambda f: (f.line, f.gate))


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]
