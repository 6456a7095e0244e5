"""A `confgen generate` killed with SIGKILL half-way, then started again, redoes no finished job
and leaves no torn draft, temp file or damaged cache behind."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

from confgen.draft.store import parse
from confgen.draft.plan import plan
from confgen.load.project import open_project
from llm_server import LLMServer

CONCURRENCY = 2


def generate(project_dir, server: LLMServer, **popen) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CONFGEN_"))}
    env |= {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": server.base_url}
    return subprocess.Popen(
        [sys.executable, "-m", "confgen", "generate", str(project_dir), "--provider", "openai", "--model", "m",
         "--concurrency", str(CONCURRENCY)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def first_asks(server: LLMServer):
    """Requests per job, not counting the follow-ups that carry a gate's feedback."""
    return Counter(r.job for r in server.chat_records if len(r.body.get("messages", [])) == 2)


def drafts(project_dir) -> set[str]:
    content = project_dir / "content"
    return {str(p.relative_to(content)).removesuffix(".md") for p in content.rglob("*.md")} if content.is_dir() else set()


def test_a_killed_run_resumes_without_redoing_finished_jobs(mini_project):
    with LLMServer(latency=0.3) as server:
        process = generate(mini_project, server)
        deadline = time.monotonic() + 90
        while len(drafts(mini_project)) < 6:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no drafts appeared"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        finished = drafts(mini_project)
        first = first_asks(server)
        planned = {job.id for job in plan(open_project(mini_project))}
        assert 6 <= len(finished) < len(planned) - CONCURRENCY, finished

        # Nothing torn: every draft parses and says where it came from.
        for job in finished:
            draft = parse((mini_project / "content" / f"{job}.md").read_text(encoding="utf-8"), job)
            assert draft.meta["provider"] == "openai" and not draft.edited

        server.reset()
        process = generate(mini_project, server)
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        second = first_asks(server)
        calls_second = server.calls_by_job()

    assert not set(calls_second) & finished, "a finished job was asked again"
    assert not list((mini_project / "content").rglob("*.confgen-tmp"))
    everything = drafts(mini_project)
    assert everything == planned and finished < everything
    # Every job was asked once in all, except the few in flight when the process died.
    asked_twice = {job for job in set(first) | set(second) if first[job] + second[job] > 1}
    assert len(asked_twice) <= CONCURRENCY, asked_twice
    assert set(first) | set(second) == everything
    with sqlite3.connect(mini_project / ".confgen/cache.sqlite") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
