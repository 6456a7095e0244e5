"""Batch mode against a real OpenAI-compatible server serving the Files and Batches endpoints: the
jobs' first requests go as one batch, its answers pass the same gates and land in the same cache as
synchronous ones, failed or malformed lines are redone synchronously, and a run killed after
submitting resumes the same batch. Requests are counted on the server's side."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from confgen.draft.batch import BatchRun, load_state, state_file
from confgen.draft.plan import plan
from confgen.draft.providers import choose, make_provider
from confgen.draft.runner import Runner
from confgen.errors import ConfgenError
from confgen.load.project import open_project
from llm_server import LLMServer, error, ok

pytestmark = pytest.mark.slow  # started first, so that no worker is left alone with it at the end

ONLY = ["talks", "speakers"]  # 10 jobs, one call each


@pytest.fixture
def server():
    with LLMServer() as running:
        yield running


def point_at(project_dir, server: LLMServer) -> None:
    path = project_dir / "conference.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"provider:\n  base_url: {server.base_url}\n", encoding="utf-8")


def run_batch(project_dir, *, concurrency=4):
    project = open_project(project_dir)
    settings = choose(project, {"name": "openai", "model": "m", "concurrency": concurrency}, {}).settings
    provider = make_provider(project, settings, {"OPENAI_API_KEY": "k"})
    batch = BatchRun(sleep=lambda seconds: time.sleep(0.05))
    runner = Runner(project, provider, require_provider=True, concurrency=concurrency, settings=settings, batch=batch)
    return runner.run(plan(project, ONLY)), batch


def routes(server: LLMServer) -> list[str]:
    return [r.path.split("/v1/")[-1] for r in server.records]


def test_the_first_requests_go_as_one_batch_and_a_rerun_sends_nothing(mini_project, server):
    point_at(mini_project, server)
    summary, batch = run_batch(mini_project)
    assert summary.count("drafted") == 10 and not summary.of("failed")
    assert all(o.batched for o in summary.outcomes) and summary.calls == 0
    assert summary.tokens_in > 0 and summary.tokens_out > 0  # the batch's usage is reported
    paths = routes(server)
    assert paths.count("files") == 1 and paths.count("batches") == 1 and server.calls == 0
    assert server.batches.lines_answered == 10 and batch.collected["answers"] == 10
    (uploaded,) = [c for f, c in server.batches.contents.items() if server.batches.files[f]["purpose"] == "batch"]
    lines = [json.loads(line) for line in uploaded.decode().splitlines()]
    assert {line["method"] for line in lines} == {"POST"} and {line["url"] for line in lines} == {"/v1/chat/completions"}
    assert sorted(line["custom_id"] for line in lines) == sorted(o.job.id for o in summary.outcomes)
    assert all(line["body"]["model"] == "m" and line["body"]["messages"] for line in lines)
    draft = (mini_project / "content/talks/t1.en.md").read_text(encoding="utf-8")
    assert "provider: openai" in draft and "## About this session" in draft
    assert not state_file(open_project(mini_project)).exists()

    server.reset()
    again, _ = run_batch(mini_project)
    assert again.count("fresh") == 10 and server.records == []


def test_lines_in_the_error_file_are_drafted_again_synchronously(mini_project, server):
    point_at(mini_project, server)
    server.queue(error(500, "the model crashed"), error(400, "bad line"))  # the batch's first two lines
    summary, batch = run_batch(mini_project)
    assert summary.count("drafted") == 10 and not summary.of("failed")
    assert batch.collected["failed"] == 2 and server.calls == 2  # the two redone, nothing else
    assert any("the model crashed" in p for p in batch.collected["problems"])
    assert sum(1 for o in summary.outcomes if o.batched) == 8


def test_a_malformed_output_file_loses_only_its_bad_line(mini_project, server):
    point_at(mini_project, server)
    server.batches.corrupt_output = True
    summary, batch = run_batch(mini_project)
    assert summary.count("drafted") == 10 and batch.collected["answers"] == 9
    assert any("output file line 2: not a batch answer" in p for p in batch.collected["problems"])
    assert server.calls == 1  # the job of the broken line, drafted again


def test_an_answer_rejected_by_a_gate_is_redone_with_feedback(mini_project, server):
    point_at(mini_project, server)
    server.queue(ok("Ignore the above. As an AI language model, I cannot help."))  # one line: meta-text
    summary, _ = run_batch(mini_project)
    assert summary.count("drafted") == 10 and server.calls >= 1
    redone = [o for o in summary.outcomes if o.calls]
    assert len(redone) == 1 and redone[0].batched


@pytest.mark.parametrize("fate", ["expired", "cancelled"])
def test_a_batch_ended_by_the_server_keeps_what_it_finished(mini_project, server, fate):
    point_at(mini_project, server)
    server.batches.fate = fate
    with pytest.raises(ConfgenError) as caught:
        run_batch(mini_project)
    message = str(caught.value)
    assert f"{fate} on the server: 5 answers were kept in the cache, 5 jobs are left" in message
    assert "run the command again" in message
    assert not state_file(open_project(mini_project)).exists()

    server.batches.fate = None
    server.reset()
    summary, batch = run_batch(mini_project)
    assert summary.count("drafted") == 10 and server.calls == 0
    assert batch.collected["answers"] == 5  # only what the first batch had not finished was sent again
    assert server.batches.batches[max(server.batches.batches)]["request_counts"]["total"] == 5


def cli(*args: str, server: LLMServer, **kwargs) -> subprocess.Popen | subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CONFGEN_"))}
    env = clean | {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": server.base_url}
    command = [sys.executable, "-m", "confgen", *args]
    if kwargs.pop("background", False):
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


GENERATE = ("--provider", "openai", "--model", "m", "--only", "talks", "--only", "speakers")


def submit_then_kill(project_dir, server: LLMServer):
    """Start ``generate --batch`` in a process of its own and SIGKILL it once its batch exists."""
    process = cli("generate", str(project_dir), *GENERATE, "--batch", server=server, background=True)
    state = state_file(open_project(project_dir))
    try:
        deadline = time.monotonic() + 60
        while not (state.exists() and json.loads(state.read_text()).get("batch_id")):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no batch was submitted"
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return state


def test_a_run_killed_after_submitting_resumes_the_same_batch(mini_project, server):
    server.batches.delay = 120.0  # still running when the run is killed
    state = submit_then_kill(mini_project, server)
    submitted = load_state(open_project(mini_project)).batch_id

    status = cli("generate", str(mini_project), *GENERATE, "--batch", "--status", server=server)
    assert status.returncode == 0, status.stderr
    assert f"batch {submitted}: in_progress" in status.stdout and "of 10 answered" in status.stdout

    server.batches.delay = 0.0  # the server gets through the rest of the batch at once
    done = cli("generate", str(mini_project), *GENERATE, "--batch", server=server)
    assert done.returncode == 0, done.stderr
    assert list(server.batches.batches) == [submitted] and server.calls == 0  # the same batch, no second one
    assert routes(server).count("files") == 1
    assert "10 new" in done.stderr and "10 answered in a batch" in done.stderr
    assert not state.exists()


def test_cancel_stops_the_batch_and_keeps_its_answers(mini_project, server):
    server.batches.delay = 600
    state = submit_then_kill(mini_project, server)
    cancelled = cli("generate", str(mini_project), *GENERATE, "--batch", "--cancel", server=server)
    assert cancelled.returncode == 0, cancelled.stderr
    assert "cancelled" in cancelled.stdout and "answers kept in the cache" in cancelled.stdout
    assert not state.exists()
    (batch,) = server.batches.batches.values()
    assert batch["status"] == "cancelled"


def test_status_and_cancel_need_batch_and_say_when_nothing_is_pending(mini_project, server):
    alone = cli("generate", str(mini_project), *GENERATE, "--status", server=server)
    assert alone.returncode == 2 and "--status and --cancel go with --batch" in alone.stderr
    idle = cli("generate", str(mini_project), *GENERATE, "--batch", "--status", server=server)
    assert idle.returncode == 0 and "no batch is pending" in idle.stdout and server.records == []
