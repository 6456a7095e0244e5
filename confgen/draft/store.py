"""Draft files in ``content/``: Markdown with YAML front matter that records where the text came
from, so confgen can tell a stale draft from a fresh one and a human edit from its own output."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from confgen import atomic
from confgen.errors import InputError
from confgen.types import Draft, body_hash
from confgen.memo import Memo, pure

try:
    from yaml import CSafeDumper as _Dumper, CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper, SafeLoader as _Loader  # type: ignore[assignment]

FENCE = "---\n"
META_ORDER = ("kind", "key", "lang", "provider", "model", "input_hash", "written_hash", "needs_review", "gates")


def parse(text: str, path: str, memo: Memo | None = None) -> Draft:
    if not text.startswith(FENCE):
        return Draft(path, {}, text)
    end = text.find("\n---\n", len(FENCE) - 1)
    if end < 0:
        raise InputError(f"{path}:1: front matter starts with --- but never ends")
    front = text[len(FENCE) : end + 1]
    try:
        meta = (memo(_front_matter, front) if memo else _front_matter(front)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise InputError(f"{path}:{line}: front matter is not valid YAML") from None
    if not isinstance(meta, dict):
        raise InputError(f"{path}:2: front matter must be a mapping")
    return Draft(path, dict(meta), text[end + len("\n---\n") :])  # a copy: the memo's one is shared


@pure("PyYAML")
def _front_matter(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def serialize(meta: dict[str, Any], body: str) -> str:
    ordered = {k: meta[k] for k in META_ORDER if k in meta} | {k: v for k, v in meta.items() if k not in META_ORDER}
    front = yaml.dump(ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    return f"{FENCE}{front}{FENCE}{body.strip()}\n"


class DraftStore:
    """Reads and writes drafts, remembering what it read or wrote during one run so that the render
    after drafting does not parse thousands of files a second time."""

    def __init__(self, content_dir: Path, memo: Memo | None = None):
        self.root = content_dir
        self.memo = memo  # parsing thousands of front matters is most of a rebuild's reading
        self._seen: dict[str, Draft] = {}

    def read(self, rel_path: str) -> Draft | None:
        path = self.root / rel_path
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        draft = self._seen[str(path)] = parse(text, str(path), self.memo)
        return draft

    def write(self, rel_path: str, meta: dict[str, Any], body: str) -> Draft:
        body = body.strip() + "\n"
        meta = {**meta, "written_hash": body_hash(body)}
        atomic.write_text(self.root / rel_path, serialize(meta, body))
        draft = self._seen[str(self.root / rel_path)] = Draft(str(self.root / rel_path), meta, body)
        return draft

    def load_all(self) -> dict[str, Draft]:
        """Every draft, by job id (``kind/key.lang``)."""
        drafts: dict[str, Draft] = {}
        if not self.root.is_dir():
            return drafts
        for dirpath, _, filenames in os.walk(self.root):
            for filename in filenames:
                if not filename.endswith(".md"):
                    continue
                path = Path(dirpath, filename)
                draft = self._seen.get(str(path)) or parse(path.read_text(encoding="utf-8"), str(path), self.memo)
                if draft.kind and draft.lang:
                    drafts[f"{draft.kind}/{draft.key}.{draft.lang}"] = draft
        return drafts
