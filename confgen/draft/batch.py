"""Batch mode: the first request of every job to draft goes to the provider as one batch (OpenAI's
Batch API: half the price, answered within 24 hours), and the answers land in the call cache. The
runner then drafts as usual: each job finds its answer in the cache and passes it through the same
gates; a line that failed, came back malformed or was rejected by a gate is redone synchronously,
with the runner's usual bounds (``gates.max_attempts``, the retries of a call).

The batch's id is kept in ``.confgen/batch.json`` as soon as the server gives it, with the input
file beside it, so a run killed after submitting resumes the same batch instead of paying twice.

The same input file runs offline through vLLM, with no server at all::

    vllm run-batch -i .confgen/batch-input.jsonl -o answers.jsonl --model MODEL

(its output lines have OpenAI's shape; MODEL must be the ``provider.model`` the file names).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from confgen import atomic
from confgen.errors import ConfgenError, InputError, ProviderError
from confgen.draft.pacing import estimate_tokens
from confgen.load.project import Project
from confgen.types import ChatRequest, Completion, Job

STATE = "batch.json"
INPUT = "batch-input.jsonl"
URL = "/v1/chat/completions"
TERMINAL = {"completed", "failed", "expired", "cancelled"}
#: First wait between polls, growing by half each time up to the longest.
FIRST_POLL, LONGEST_POLL = 1.0, 60.0


class BatchAPI(Protocol):
    def upload(self, path: Path) -> str: ...
    def create(self, file_id: str, metadata: dict[str, str]) -> dict[str, Any]: ...
    def retrieve(self, batch_id: str) -> dict[str, Any]: ...
    def cancel(self, batch_id: str) -> dict[str, Any]: ...
    def content(self, file_id: str) -> bytes: ...


@dataclass
class State:
    """What is needed to find a submitted batch again and file its answers under the right keys."""

    provider: str
    model: str
    keys: dict[str, str]  # custom_id (the job's id) -> the cache key of its request
    file_id: str = ""
    batch_id: str = ""
    submitted: float = field(default_factory=time.time)


def state_file(project: Project) -> Path:
    return project.state_dir / STATE


def load_state(project: Project) -> State | None:
    path = state_file(project)
    if not path.exists():
        return None
    try:
        return State(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path}: not a batch record confgen wrote ({exc}); delete it to submit anew") from None


def save_state(project: Project, state: State) -> None:
    atomic.write_bytes(state_file(project), json.dumps(state.__dict__, indent=1).encode())


def api_of(provider: Any) -> BatchAPI:
    if provider is None:  # offline drafting: no provider at all
        raise InputError("the offline drafter calls no model, so it has no batch mode; drop --batch or name a provider")
    if not hasattr(provider, "batches"):
        raise InputError(f"provider {provider.name!r} has no batch mode; drop --batch (the openai provider has one)")
    return provider.batches()


Report = Callable[[dict[str, Any]], None]


class BatchRun:
    """The runner's ``batch`` step. ``report`` hears of the batch at every poll."""

    def __init__(self, report: Report = lambda batch: None, sleep: Callable[[float], None] = time.sleep):
        self.report = report
        self.sleep = sleep
        self.collected: dict[str, Any] = {}
        self.reserved = 0.0  # of the --max-cost budget, by the lines this run submitted

    def __call__(self, runner: Any, todo: list[Job]) -> None:
        drafter = runner.drafter
        if not hasattr(drafter, "meter"):  # the offline drafter calls nothing: there is nothing to batch
            return
        project = runner.project
        api = api_of(drafter.provider)
        state = load_state(project)
        if state is None:
            state = self.submit(project, drafter, todo, api)
            if state is None:
                return
        elif (state.provider, state.model) != (drafter.name, drafter.model):
            raise InputError(f"a batch for {state.provider}/{state.model} is pending ({state.batch_id or 'not created'}): "
                             "collect it with that model, or drop it with `confgen generate --batch --cancel`")
        if not state.batch_id:  # killed between upload and create: the file is there, create the batch
            state.batch_id = api.create(state.file_id, {"confgen": project.root.name})["id"]
            save_state(project, state)
        batch = self.wait(api, state.batch_id)
        self.collected = collect(project, drafter, api, state, batch)
        if drafter.meter.budget is not None:  # the batch is paid: what its answers cost, not their most
            for completion, _ in drafter.meter.prepaid.values():
                drafter.meter.budget.settle(0.0, completion, batch=True)
            drafter.meter.budget.settle(self.reserved, None)
        state_file(project).unlink(missing_ok=True)
        if batch["status"] != "completed":
            left = len(state.keys) - self.collected["answers"]
            errors = (batch.get("errors") or {}).get("data") or []
            why = "".join(f" ({e.get('message') or e.get('code')})" for e in errors[:1])
            raise ConfgenError(f"batch {state.batch_id} {batch['status']} on the server{why}: {self.collected['answers']} "
                               f"answers were kept in the cache, {left} jobs are left; run the command again to "
                               "send them as a new batch (or without --batch to draft them now)")

    def submit(self, project: Project, drafter: Any, todo: list[Job], api: BatchAPI) -> State | None:
        lines, keys = [], {}
        budget = drafter.meter.budget
        self.reserved = 0.0
        for job in todo:
            request = drafter.request(job)
            key = drafter.cache_key(request, job)
            if drafter.cache.has(key):
                continue
            if budget is not None:  # left out when it could pass --max-cost; the runner says what is left
                try:
                    self.reserved += budget.reserve(estimate_tokens(request.messages), request.max_tokens, batch=True)
                except ConfgenError:
                    break
            lines.append({"custom_id": job.id, "method": "POST", "url": URL, "body": drafter.provider.params(request)})
            keys[job.id] = key
        if not lines:
            return None
        path = project.state_dir / INPUT
        atomic.write_bytes(path, "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode())
        state = State(drafter.name, drafter.model, keys)
        state.file_id = api.upload(path)
        save_state(project, state)  # from here on, a killed run finds its file (and soon its batch) again
        state.batch_id = api.create(state.file_id, {"confgen": project.root.name})["id"]
        save_state(project, state)
        return state

    def wait(self, api: BatchAPI, batch_id: str) -> dict[str, Any]:
        pause = FIRST_POLL
        while True:
            batch = api.retrieve(batch_id)
            self.report(batch)
            if batch["status"] in TERMINAL:
                return batch
            self.sleep(pause)
            pause = min(pause * 1.5, LONGEST_POLL)


def _lines(data: bytes, what: str, problems: list[str]) -> list[dict[str, Any]]:
    out = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict) or not isinstance(entry.get("custom_id"), str):
                raise ValueError("no custom_id")
        except ValueError as exc:
            problems.append(f"{what} line {number}: not a batch answer ({exc}); its job is drafted again")
            continue
        out.append(entry)
    return out


def _requests(project: Project, api: BatchAPI, state: State) -> dict[str, ChatRequest]:
    path = project.state_dir / INPUT
    data = path.read_bytes() if path.exists() else api.content(state.file_id)
    out = {}
    for entry in _lines(data, "input file", []):
        body = entry.get("body") or {}
        out[entry["custom_id"]] = ChatRequest(messages=body.get("messages", []), temperature=body.get("temperature", 0.3),
                                              max_tokens=body.get("max_tokens", 0), seed=body.get("seed"))
    return out


def collect(project: Project, drafter: Any, api: BatchAPI, state: State, batch: dict[str, Any]) -> dict[str, Any]:
    """File every answer of ``batch`` in the call cache (and as paid for in this run); count the
    lines that failed or were malformed: their jobs are drafted again, synchronously."""
    problems: list[str] = []
    requests = _requests(project, api, state)
    answers = 0
    output = _lines(api.content(batch["output_file_id"]), "output file", problems) if batch.get("output_file_id") else []
    errors = _lines(api.content(batch["error_file_id"]), "error file", problems) if batch.get("error_file_id") else []
    for entry in output:
        key, request = state.keys.get(entry["custom_id"]), requests.get(entry["custom_id"])
        response = entry.get("response") or {}
        if key is None or request is None:
            problems.append(f"output file: unknown custom_id {entry['custom_id']!r}, ignored")
            continue
        if response.get("status_code") != 200:
            errors.append(entry)
            continue
        try:
            completion = _usable(drafter.provider.completion_of(response.get("body")))
        except ProviderError as exc:
            problems.append(f"{entry['custom_id']}: {exc}; drafted again")
            continue
        drafter.cache.put(key, drafter.name, drafter.model, request, completion, 0.0)
        drafter.meter.prepaid[key] = (completion, True)
        answers += 1
    for entry in errors:
        problems.append(f"{entry['custom_id']}: {_error_message(entry)}; drafted again")
    return {"answers": answers, "failed": len(errors), "problems": problems}


def _usable(completion: Completion) -> Completion:
    if not completion.text.strip():
        raise ProviderError("the model returned an empty answer")
    if completion.finish_reason == "content_filter":
        raise ProviderError("the server's content filter stopped the answer")
    return completion


def _error_message(entry: dict[str, Any]) -> str:
    error = entry.get("error") or ((entry.get("response") or {}).get("body") or {}).get("error") or {}
    status = (entry.get("response") or {}).get("status_code")
    text = error.get("message") if isinstance(error, dict) else str(error)
    code = error.get("code") if isinstance(error, dict) else None
    return " ".join(str(p) for p in (status, code, text) if p) or "failed"


def status(project: Project, provider: Any) -> str:
    """Where the pending batch stands, in one line (``--status``)."""
    state = load_state(project)
    if state is None:
        return "no batch is pending"
    if not state.batch_id:
        return f"batch file {state.file_id} uploaded but no batch created yet; `confgen generate --batch` creates it"
    batch = api_of(provider).retrieve(state.batch_id)
    return describe(batch) + ("; `confgen generate --batch` collects it" if batch["status"] in TERMINAL else "")


def describe(batch: dict[str, Any]) -> str:
    counts = batch.get("request_counts") or {}
    return (f"batch {batch['id']}: {batch['status']}, {counts.get('completed', 0)} of {counts.get('total', 0)} "
            f"answered, {counts.get('failed', 0)} failed")


def cancel(project: Project, drafter: Any, report: Report = lambda batch: None) -> str:
    """Cancel the pending batch (``--cancel``); the answers it finished are kept in the cache."""
    state = load_state(project)
    if state is None:
        return "no batch is pending"
    if not state.batch_id:
        state_file(project).unlink(missing_ok=True)
        return f"dropped the uploaded file {state.file_id}; no batch had been created"
    api = api_of(drafter.provider)
    api.cancel(state.batch_id)
    batch = BatchRun(report).wait(api, state.batch_id)
    collected = collect(project, drafter, api, state, batch)
    state_file(project).unlink(missing_ok=True)
    return f"{describe(batch)}; {collected['answers']} answers kept in the cache"
