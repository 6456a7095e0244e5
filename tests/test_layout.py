"""The shape of the core: small modules, no import cycles, the plugin surface only a surface."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import confgen

CORE = Path(confgen.__file__).parent


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(CORE.parent).with_suffix("").parts
        found[".".join(parts).removesuffix(".__init__")] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The confgen modules ``path`` imports, wherever the import statement is."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("confgen"):
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                out.add(name if name in known else node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("confgen"))
    return out & set(known)


def test_no_core_module_is_over_400_lines():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_the_core_has_no_import_cycle():
    known = modules()
    graph = {name: imports(path, known) for name, path in known.items()}
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            raise AssertionError("import cycle: " + " -> ".join(trail[trail.index(name):] + [name]))
        if name in done:
            return
        for other in graph[name]:
            if other != name and not name.startswith(other + "."):  # a package's own __init__ is no cycle
                visit(other, trail + [name])
        done.add(name)

    for name in graph:
        visit(name, [])


def test_the_core_does_not_import_its_own_plugin_surface():
    known = modules()
    users = sorted(name for name, path in known.items() if name != "confgen.api" and "confgen.api" in imports(path, known))
    assert users == []


def test_importing_the_plugin_surface_loads_neither_the_sanitizer_nor_the_templates():
    code = "import sys, confgen.api; print(sorted(m for m in ('nh3', 'markdown_it', 'jinja2') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stderr


def test_plugins_import_of_the_core_only_the_api_and_the_model():
    plugins = CORE.parent / "plugins"
    allowed = {"confgen.api", "confgen.model", "confgen.hookspecs"}
    reached = {}
    for path in sorted(plugins.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                if (name == "confgen" or name.startswith("confgen.")) and name not in allowed:
                    reached.setdefault(str(path.relative_to(plugins)), set()).add(name)
    assert reached == {}
