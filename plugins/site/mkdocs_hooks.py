"""An MkDocs hook module (listed under ``hooks:`` in each generated mkdocs.yml).

The generated mkdocs.yml is JSON, which cannot carry YAML's ``!!python/name:`` tags, so the
superfences custom fences (Mermaid) name their formatter as a dotted string; this resolves it to
the function before any page is rendered. Without it a ```mermaid fence renders as inline code.
"""

from __future__ import annotations

import importlib


def _resolve(value):
    if isinstance(value, str) and "." in value:
        module, _, name = value.rpartition(".")
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            return value
    return value


def on_config(config, **kwargs):
    fences = config.get("mdx_configs", {}).get("pymdownx.superfences", {}).get("custom_fences", [])
    for fence in fences:
        for key in ("format", "validator"):
            if key in fence:
                fence[key] = _resolve(fence[key])
    return config
