"""A small OpenAI-compatible HTTP server for tests and benchmarks.

It serves ``POST /v1/chat/completions`` and ``GET /v1/models`` on 127.0.0.1 and records every
request, so a test can count calls from the server's side. What it answers is scripted per request:

    with LLMServer() as server:                       # plausible Markdown, 200 OK
        server.queue(error(429, retry_after="1"))     # the next request gets a 429 ...
        server.responder = lambda req: ...            # ... then this decides: (status, headers, body)

A responder returns ``(status, headers, body)``; ``body`` is a dict (sent as JSON), ``str`` or
``bytes`` (sent as is, to serve malformed bodies) or :data:`HANG` (never answer: a timeout).
Use :func:`ok`, :func:`error` and :func:`delayed` to build answers.

It also serves OpenAI's Files and Batches endpoints (``server.batches``, see ``llm_batches``), and
can enforce a token budget with OpenAI's ``x-ratelimit-*`` headers and report the prompt tokens a
prefix cache would have served (``budget=TokenBudget(...)``, ``prefix_cache=PrefixCache()``, see
``llm_tokens``).

Run it by hand for a manual try of ``confgen generate``::

    python tests/llm_server.py --port 8000 --latency 0.2
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator

from llm_batches import Batches
from llm_tokens import PrefixCache, TokenBudget, prompt_tokens

Answer = tuple[int, dict[str, str], Any]
Responder = Callable[[dict[str, Any]], Answer]

#: A body that makes the server hold the request open without answering.
HANG = object()
CJK = re.compile(r"[\u4e00-\u9fff]")
SECTION = re.compile(r"^- `## (.+?)`$", re.M)
JOB_HEADER = "X-Confgen-Job"


def completion(text: str, *, finish_reason: str = "stop", model: str = "m", tokens_in: int = 50,
               tokens_out: int | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out if tokens_out is not None else len(text) // 4,
                  "total_tokens": tokens_in + (tokens_out if tokens_out is not None else len(text) // 4)},
    }


LENGTH = re.compile(r"(?:Length: (\d+) to (\d+) words|篇幅：(\d+) 到 (\d+) 字)")
LISTED = re.compile(r"^- (?!`## )(.+)$", re.M)
FILLER = {"zh": "本节围绕主题展开，介绍相关的思路、方法与实践经验，并讨论落地过程中常见的问题。",
          "en": "This part walks through the ideas, the methods and lessons from practice on the topic, "
                "and the problems teams commonly meet along the way."}


def _listed_after(prompt: str, lead: str) -> list[str]:
    """The ``- item`` lines right after the line containing ``lead``."""
    at = prompt.find(lead)
    if at < 0:
        return []
    items = []
    for line in prompt[prompt.index("\n", at) + 1:].splitlines():
        if not line.startswith("- "):
            break
        items.append(line[2:])
    return items


def plausible_markdown(request: dict[str, Any]) -> str:
    """A neutral draft in the language of the job that does what the prompt's contract asks (its
    sections, markers, length and mentions), stating no facts a gate could find wrong."""
    job = request.get("_job", "")
    prompt = request["messages"][1]["content"] if len(request.get("messages", [])) > 1 else ""
    last = request["messages"][-1]["content"] if request.get("messages") else ""
    chinese = job.endswith(".zh") if job else bool(CJK.search(last))
    lang = "zh" if chinese else "en"
    filler = FILLER[lang]
    least = 0
    span = LENGTH.search(prompt)
    if span:
        least = int(span.group(1) or span.group(3))
    named = _listed_after(prompt, "must mention") + _listed_after(prompt, "正文必须提到")
    questions = _listed_after(prompt, "as a `##` heading") + _listed_after(prompt, "作为一个 `##` 标题")
    sections = SECTION.findall(prompt)
    parts: list[str] = []
    if named:
        parts.append(("本文介绍：" if chinese else "This text is about: ") + ("、" if chinese else "; ").join(named)
                     + ("。" if chinese else "."))
    for question in questions:
        parts.append(f"## {question}\n\n{filler}")
    marked = "**难度**" in prompt or "**Difficulty**" in prompt
    for title in sections:
        body = filler
        if marked:
            level, answer = ("**难度**：入门", "**参考答案**：") if chinese else ("**Difficulty**: beginner", "**Reference answer**:")
            code = "\n\n```python\nassert 1 + 1 == 2\n```" if title in ("编程题", "Programming questions") else ""
            body = f"### {title}: {'什么是这个主题' if chinese else 'what is the topic about'}?\n\n{level}\n\n{answer}\n\n{filler}{code}"
        index = len([p for p in parts if p.startswith("## ")]) - len(questions)
        if index == 2 and "```mermaid" in prompt:
            body += "\n\n```mermaid\ngraph TD\n  A[Data] --> B[Model]\n```"
        if index == 4 and "$$" in prompt:
            body += "\n\n$$\ny = f(x)\n$$"
        if index == 5 and "```python" in prompt:
            body += "\n\n```python\nprint(sum(range(3)))\n```"
        parts.append(f"## {title}\n\n{body}")
    if not parts:
        if "不加任何标题" in prompt or "No headings at all" in prompt:
            parts.append(filler)
        elif chinese:
            parts.append("## 内容概要\n\n本场分享围绕主题展开，介绍相关的思路、方法与实践经验，"
                         "并讨论落地过程中常见的问题。\n\n## 适合人群\n\n对该主题感兴趣的开发者与研究者。")
        else:
            parts.append("## Overview\n\nThis session walks through the topic, the ideas behind it and lessons from practice, "
                         "and discusses the problems teams commonly meet along the way.\n\n"
                         "## Who should attend\n\nDevelopers and researchers interested in the topic.")
    text = "\n\n".join(parts)
    size = len(CJK.findall(text)) if chinese else len(text.split())
    if least and size < least:  # pad the first part with whole sentences of filler up to the length asked for
        unit = len(CJK.findall(filler)) if chinese else len(filler.split())
        more = " ".join([filler] * (-(-(least - size) // unit)))
        head, sep, rest = text.partition("\n\n## ")
        text = f"{more}\n\n{head}{sep}{rest}" if head.startswith("## ") else f"{head} {more}{sep}{rest}"
    return text + "\n"


def ok(text: str | None = None, **kwargs: Any) -> Responder:
    def answer(request: dict[str, Any]) -> Answer:
        body = completion(text if text is not None else plausible_markdown(request), model=request.get("model", "m"), **kwargs)
        return 200, {}, body
    return answer


def error(status: int, message: str = "", *, retry_after: str | None = None, code: str | None = None) -> Responder:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    body = {"error": {"message": message or f"error {status}", "type": "test_error", "code": code}}
    return lambda request: (status, headers, body)


def raw(body: bytes | str, status: int = 200) -> Responder:
    return lambda request: (status, {}, body)


def hang() -> Responder:
    return lambda request: (200, {}, HANG)


def delayed(seconds: float, then: Responder) -> Responder:
    def answer(request: dict[str, Any]) -> Answer:
        time.sleep(seconds)
        return then(request)
    return answer


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops the SYNs of a client opening 16 connections at
    # once, which then wait out a 1 s retransmit; real servers listen with a deep backlog.
    request_queue_size = 128


@dataclass
class Record:
    path: str
    job: str
    body: dict[str, Any]
    status: int = 0
    started: float = 0.0
    method: str = "POST"


@dataclass
class LLMServer:
    """An OpenAI-compatible server on 127.0.0.1 (a free port), used as a context manager."""

    responder: Responder = field(default_factory=ok)
    latency: float = 0.0
    models: tuple[str, ...] = ("m",)
    records: list[Record] = field(default_factory=list)
    #: A rate limit on tokens (and requests) that answers 429 and sends ``x-ratelimit-*`` headers.
    budget: TokenBudget | None = None
    #: Count prompt tokens and report the cached share of shared prefixes, as OpenAI does.
    prefix_cache: PrefixCache | None = None

    def __post_init__(self) -> None:
        self.batches = Batches(lambda request, job: self.answer(dict(request, _job=job), paced=False))
        self._queue: deque[Responder] = deque()
        self._lock = threading.Lock()
        self._in_flight = 0
        self.max_in_flight = 0
        self._stop = threading.Event()
        self._httpd: _Server | None = None

    # -- scripting ----------------------------------------------------------------------------------

    def queue(self, *responders: Responder) -> None:
        """Answer the next requests with these, in order, before falling back to ``responder``."""
        with self._lock:
            self._queue.extend(responders)

    def _next(self) -> Responder:
        with self._lock:
            return self._queue.popleft() if self._queue else self.responder

    # -- what was asked -----------------------------------------------------------------------------

    @property
    def chat_records(self) -> list[Record]:
        with self._lock:
            return [r for r in self.records if r.path.endswith("/chat/completions")]

    @property
    def calls(self) -> int:
        return len(self.chat_records)

    def calls_by_job(self) -> Counter[str]:
        return Counter(r.job for r in self.chat_records)

    def reset(self) -> None:
        with self._lock:
            self.records.clear()
            self.max_in_flight = 0

    # -- answering ----------------------------------------------------------------------------------

    def answer(self, request: dict[str, Any], paced: bool = True) -> Answer:
        """One chat request: charged against the budget, answered by the responder, its usage
        counted by the server's own tokenizer when a budget or a prefix cache is set. Batch lines
        come here too, with ``paced`` off (a batch has a quota of its own)."""
        counted = self.budget is not None or self.prefix_cache is not None
        toks = prompt_tokens(request.get("messages") or []) if counted else []
        limited = paced and self.budget is not None
        if limited:
            cost = len(toks) + int(request.get("max_tokens") or request.get("max_completion_tokens") or 4096)
            admitted, wait = self.budget.charge(cost)
            if not admitted:
                headers = self.budget.headers() | {"retry-after-ms": str(max(1, round(wait * 1000)))}
                return 429, headers, {"error": {"message": f"Rate limit reached on tokens per window: requested {cost}. "
                                                f"Please try again in {wait:.3f}s.", "type": "tokens",
                                                "code": "rate_limit_exceeded"}}
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            status, headers, body = self._next()(request)
        finally:
            with self._lock:
                self._in_flight -= 1
        if counted and status == 200 and isinstance(body, dict) and isinstance(body.get("usage"), dict):
            cached = self.prefix_cache.cached(toks) if self.prefix_cache else 0
            usage = dict(body["usage"], prompt_tokens=len(toks), prompt_tokens_details={"cached_tokens": cached})
            usage["total_tokens"] = len(toks) + int(usage.get("completion_tokens") or 0)
            body = dict(body, usage=usage)
            if self.prefix_cache:
                self.prefix_cache.store(toks)
        if limited:
            headers = self.budget.headers() | headers
        return status, headers, body

    # -- serving ------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "start the server first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self, port: int = 0) -> "LLMServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in two writes; with Nagle on, the second waits for the client's
            # delayed ACK (40 ms a request), which real servers such as uvicorn avoid with TCP_NODELAY.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                routed = server.batches.route("GET", self.path, "", b"")
                if routed is not None:
                    with server._lock:
                        server.records.append(Record(self.path, "", {}, routed[0], time.monotonic(), "GET"))
                    self._send(routed[0], {}, routed[1])
                elif self.path.rstrip("/").endswith("/models"):
                    self._send(200, {}, {"object": "list", "data": [
                        {"id": m, "object": "model", "created": 0, "owned_by": "test"} for m in server.models]})
                else:
                    self._send(404, {}, {"error": {"message": f"no route {self.path}"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = self.rfile.read(length)
                routed = server.batches.route("POST", self.path, self.headers.get("Content-Type", ""), payload)
                if routed is not None:
                    with server._lock:
                        server.records.append(Record(self.path, "", {}, routed[0], time.monotonic()))
                    self._send(routed[0], {}, routed[1])
                    return
                try:
                    request = json.loads(payload or b"{}")
                except json.JSONDecodeError:
                    request = {}
                job = self.headers.get(JOB_HEADER, "")
                request["_job"] = job
                record = Record(self.path, job, request, started=time.monotonic())
                with server._lock:
                    server.records.append(record)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {}, {"error": {"message": f"no route {self.path}"}})
                    return
                status, headers, body = server.answer(request)
                record.status = status
                if body is HANG:
                    server._stop.wait()
                    return
                self._send(status, headers, body)

            def _send(self, status: int, headers: dict[str, str], body: Any) -> None:
                data = body if isinstance(body, bytes) else body.encode() if isinstance(body, str) else json.dumps(body, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

        self._httpd = _Server(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="llm-server", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> "LLMServer":
        return self.start() if self._httpd is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def serve(**kwargs: Any) -> Iterator[LLMServer]:
    """A pytest fixture body: ``llm = pytest.fixture(serve)`` or ``yield from serve()``."""
    with LLMServer(**kwargs) as server:
        yield server


def main() -> None:  # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    server = LLMServer(latency=args.latency).start(args.port)
    print(f"serving on {server.base_url} (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
