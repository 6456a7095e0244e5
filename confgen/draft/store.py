"""Draft files in ``content/``: Markdown with YAML front matter that records where the text came
from, so confgen can tell a stale draft from a fresh one and a human edit from its own output."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from confgen import LANGUAGES, atomic
from confgen.load import yaml_read
from confgen.errors import InputError
from confgen.types import Draft, body_hash
from confgen.memo import NO_MEMO, Memo, pure

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

FENCE = "---\n"
META_ORDER = ("kind", "key", "lang", "provider", "model", "input_hash", "written_hash", "needs_review", "gates", "facts")


def parse(text: str, path: str, memo: Memo = NO_MEMO) -> Draft:
    if not text.startswith(FENCE):
        return Draft(path, {}, text)
    end = text.find("\n---\n", len(FENCE) - 1)
    if end < 0:
        raise InputError(f"{path}:1: front matter starts with --- but never ends")
    front = text[len(FENCE) : end + 1]
    try:
        meta = memo(_front_matter, front) or {}
    except yaml_read.YamlProblem as exc:  # line 1 is the opening ---
        where = f"{path}:{exc.line + 1}" + (f":{exc.column}" if exc.column else "")
        raise InputError(f"{where}: front matter: {exc.message}") from None
    if not isinstance(meta, dict):
        raise InputError(f"{path}:2: front matter must be a mapping")
    return Draft(path, dict(meta), text[end + len("\n---\n") :])  # a copy: the memo's one is shared


@pure("PyYAML")
def _front_matter(text: str) -> Any:
    return yaml_read.load(text)  # under the same limits as conference.yaml: a draft is edited by people too


#: Larger than any draft a person or a model writes.
MAX_DRAFT_BYTES = 2_000_000


def read_text(path: Path) -> str:
    """A draft's text, or an :class:`InputError` that says what is wrong with the file. A missing
    file raises FileNotFoundError (a draft not written yet)."""
    try:
        if not path.is_file():
            if path.is_dir():
                raise InputError(f"{path}:1: a folder where a draft file should be (remove or rename it)")
            if path.is_symlink() and not path.exists():
                raise InputError(f"{path}:1: a symbolic link that leads nowhere (a loop or a missing target)")
            if path.exists():
                raise InputError(f"{path}:1: not a regular file")
            raise FileNotFoundError(path)
        with path.open("rb") as handle:
            data = handle.read(MAX_DRAFT_BYTES + 1)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and not path.is_symlink():
            raise
        raise InputError(f"{path}:1: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_DRAFT_BYTES:
        raise InputError(f"{path}:1: larger than {MAX_DRAFT_BYTES:,} bytes; not a draft")
    try:
        return yaml_read.decode(data)
    except yaml_read.YamlProblem as exc:
        raise InputError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None


def hand_written(draft: Draft, rel_path: str) -> Draft:
    """A draft whose front matter was deleted (or never written) is a person's text: its place
    (``kind/key.lang.md``) says which job it answers, and it is used as it is."""
    if draft.meta:
        return draft
    kind, _, name = rel_path.rpartition("/")
    key, _, lang = name.removesuffix(".md").rpartition(".")
    if not kind or not key or lang not in LANGUAGES:
        return draft
    return Draft(draft.path, {"kind": kind, "key": key, "lang": lang, "hand_written": True}, draft.body)


def meta_as_read(meta: dict[str, Any]) -> dict[str, Any]:
    """``meta`` as parsing its serialized front matter gives it back: the keys in the written order."""
    return {k: meta[k] for k in META_ORDER if k in meta} | {k: v for k, v in meta.items() if k not in META_ORDER}


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def serialize(meta: dict[str, Any], body: str) -> str:
    front = yaml.dump(meta_as_read(meta), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    return f"{FENCE}{front}{FENCE}{body.strip()}\n"


class DraftStore:
    """Reads and writes drafts, remembering what it read or wrote during one run so that the render
    after drafting does not parse thousands of files a second time."""

    def __init__(self, content_dir: Path, memo: Memo = NO_MEMO):
        self.root = content_dir
        self.memo = memo  # parsing thousands of front matters is most of a rebuild's reading
        self._seen: dict[str, Draft] = {}
        self._stats: dict[str, tuple[int, int] | None] = {}  # (mtime, size) of each file when it was read

    def read(self, rel_path: str) -> Draft | None:
        path = self.root / rel_path
        seen = self._unchanged(path)
        if seen is not None:
            return seen
        stat = _stat(path)  # before reading: a change made while it is read shows at the next look
        try:
            text = read_text(path)
        except FileNotFoundError:
            return None
        draft = self._seen[str(path)] = hand_written(parse(text, str(path), self.memo), rel_path)
        self._stats[str(path)] = stat
        return draft

    def write(self, rel_path: str, meta: dict[str, Any], body: str) -> Draft:
        body = body.strip() + "\n"
        meta = {**meta, "written_hash": body_hash(body)}
        text = serialize(meta, body)
        atomic.write_text(self.root / rel_path, text)
        # The next run reads this front matter: it need not parse it again.
        self.memo.put(_front_matter, meta_as_read(meta), text[len(FENCE):text.index("\n" + FENCE, len(FENCE) - 1) + 1])
        draft = self._seen[str(self.root / rel_path)] = Draft(str(self.root / rel_path), meta, body)
        self._stats[str(self.root / rel_path)] = _stat(self.root / rel_path)
        return draft

    def _unchanged(self, path: Path) -> Draft | None:
        """The draft read or written earlier in this run (the project's check reads them all), if
        its file has not changed since."""
        seen = self._seen.get(str(path))
        return seen if seen is not None and self._stats.get(str(path)) == _stat(path) else None

    def load_all(self) -> dict[str, Draft]:
        """Every draft, by job id (``kind/key.lang``)."""
        drafts: dict[str, Draft] = {}
        if not self.root.is_dir():
            return drafts
        for dirpath, dirnames, filenames in os.walk(self.root):
            for name in dirnames:
                if name.endswith(".md"):
                    raise InputError(f"{Path(dirpath, name)}:1: a folder where a draft file should be (remove or rename it)")
            for filename in filenames:
                if not filename.endswith(".md"):
                    continue
                path = Path(dirpath, filename)
                draft = self._unchanged(path)
                if draft is None:
                    stat = _stat(path)
                    draft = hand_written(parse(read_text(path), str(path), self.memo), path.relative_to(self.root).as_posix())
                    self._seen[str(path)] = draft
                    self._stats[str(path)] = stat
                if draft.kind and draft.lang:
                    drafts[f"{draft.kind}/{draft.key}.{draft.lang}"] = draft
        return drafts
