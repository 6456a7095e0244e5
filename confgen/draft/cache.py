"""The cache of model calls: SQLite in ``.confgen/cache.sqlite``, keyed by the full request
(provider, model, messages, parameters, prompt templates' version) and recording the tokens and
seconds of every call. Each finished call is committed at once, so a run killed half-way keeps
every answer it already paid for."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from confgen.types import ChatRequest, Completion

SCHEMA = """
create table if not exists calls (
    key text primary key,
    provider text not null,
    model text not null,
    request text not null,
    text text not null,
    tokens_in integer not null,
    tokens_out integer not null,
    finish_reason text not null,
    seconds real not null,
    created real not null
)
"""


class Cache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = self._open(path)
        except sqlite3.DatabaseError:
            # Not a database (a copy cut short, a stray file): the cache only saves money, so set
            # the file aside for inspection and start an empty one rather than stop the run.
            path.replace(path.with_name(f"{path.name}.broken-{int(time.time())}"))
            for suffix in ("-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            self._db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        # Autocommit: each call's answer is durable the moment it is stored, so a run killed half
        # way (even with SIGKILL) keeps every answer it paid for; WAL keeps the file consistent.
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        try:
            db.execute("pragma journal_mode=wal")
            db.execute("pragma synchronous=normal")
            db.execute(SCHEMA)
            db.execute("select count(*) from calls").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get(self, key: str) -> Completion | None:
        with self._lock:
            row = self._db.execute(
                "select text, tokens_in, tokens_out, finish_reason from calls where key = ?", (key,)
            ).fetchone()
        return Completion(*row) if row else None

    def has(self, key: str) -> bool:
        with self._lock:
            return self._db.execute("select 1 from calls where key = ?", (key,)).fetchone() is not None

    def put(self, key: str, provider: str, model: str, request: ChatRequest, completion: Completion, seconds: float) -> None:
        payload = json.dumps(
            {"messages": request.messages, "temperature": request.temperature, "max_tokens": request.max_tokens, "seed": request.seed},
            ensure_ascii=False,
        )
        with self._lock:
            self._db.execute(
                "insert or replace into calls values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, provider, model, payload, completion.text, completion.tokens_in, completion.tokens_out,
                 completion.finish_reason, seconds, time.time()),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
