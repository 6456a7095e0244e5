"""The Files and Batches endpoints of the test server, shaped like OpenAI's Batch API.

A batch runs in a thread of its own: after ``delay`` seconds spread over its lines (so that a
client polling sees ``request_counts`` grow), each line is answered by the server's chat responder
and lands in the output file (status 200) or the error file (any other status). ``fate`` makes the
server end a batch otherwise, half-way: ``"expired"``, ``"cancelled"`` or ``"failed"``;
``corrupt_output`` cuts the output file's second line in half.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, Callable

Chat = Callable[[dict[str, Any], str], tuple[int, dict[str, str], Any]]
TERMINAL = {"completed", "failed", "expired", "cancelled"}


class Batches:
    def __init__(self, chat: Chat):
        self.chat = chat
        self.delay = 0.0
        self.fate: str | None = None
        self.corrupt_output = False
        self.files: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.lines_answered = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._cancel: dict[str, threading.Event] = {}

    def _file(self, data: bytes, filename: str, purpose: str) -> dict[str, Any]:
        file_id = f"file-{next(self._ids)}"
        meta = {"id": file_id, "object": "file", "bytes": len(data), "created_at": int(time.time()),
                "filename": filename, "purpose": purpose, "status": "processed"}
        with self._lock:
            self.files[file_id], self.contents[file_id] = meta, data
        return meta

    # -- routes: (method, path, headers, payload) -> (status, body) ---------------------------------

    def route(self, method: str, path: str, content_type: str, payload: bytes) -> tuple[int, Any] | None:
        parts = path.split("?")[0].rstrip("/").split("/")
        try:
            at = parts.index("v1")
        except ValueError:
            return None
        parts = parts[at + 1:]
        if method == "POST" and parts == ["files"]:
            return self.upload(content_type, payload)
        if method == "GET" and len(parts) == 3 and parts[0] == "files" and parts[2] == "content":
            data = self.contents.get(parts[1])
            return (200, data) if data is not None else (404, _error(f"no file {parts[1]}"))
        if method == "POST" and parts == ["batches"]:
            return self.create(json.loads(payload or b"{}"))
        if method == "GET" and len(parts) == 2 and parts[0] == "batches":
            batch = self.batches.get(parts[1])
            return (200, self._copy(batch)) if batch else (404, _error(f"no batch {parts[1]}"))
        if method == "POST" and len(parts) == 3 and parts[0] == "batches" and parts[2] == "cancel":
            return self.cancel(parts[1])
        return None

    def upload(self, content_type: str, payload: bytes) -> tuple[int, Any]:
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + payload)
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            fields[name] = (part.get_filename(), part.get_payload(decode=True))
        if "file" not in fields or "purpose" not in fields:
            return 400, _error("a file and a purpose are required")
        filename, data = fields["file"]
        return 200, self._file(data, filename or "upload.jsonl", fields["purpose"][1].decode())

    def create(self, body: dict[str, Any]) -> tuple[int, Any]:
        data = self.contents.get(body.get("input_file_id", ""))
        if data is None:
            return 400, _error(f"no file {body.get('input_file_id')!r}")
        if body.get("completion_window") != "24h" or body.get("endpoint") != "/v1/chat/completions":
            return 400, _error("completion_window must be 24h and endpoint /v1/chat/completions")
        lines = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
        now = int(time.time())
        batch_id = f"batch_{next(self._ids)}"
        batch = {"id": batch_id, "object": "batch", "endpoint": body["endpoint"], "errors": None,
                 "input_file_id": body["input_file_id"], "completion_window": "24h", "status": "validating",
                 "output_file_id": None, "error_file_id": None, "created_at": now, "expires_at": now + 86_400,
                 "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
                 "metadata": body.get("metadata")}
        with self._lock:
            self.batches[batch_id] = batch
            self._cancel[batch_id] = threading.Event()
        threading.Thread(target=self._run, args=(batch_id, lines), daemon=True, name=batch_id).start()
        return 200, self._copy(batch)

    def cancel(self, batch_id: str) -> tuple[int, Any]:
        with self._lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return 404, _error(f"no batch {batch_id}")
            if batch["status"] not in TERMINAL:
                batch["status"] = "cancelling"
                self._cancel[batch_id].set()
            return 200, dict(batch)

    def _copy(self, batch: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return json.loads(json.dumps(batch))

    # -- running ------------------------------------------------------------------------------------

    def _pause(self, stop: threading.Event, lines: int) -> bool:
        """Wait one line's share of ``delay``, reading ``delay`` again as it goes, so that a test
        lowering it is obeyed at once rather than after the share it set before; True if stopped."""
        started = time.monotonic()
        while (left := started + self.delay / max(lines, 1) - time.monotonic()) > 0:
            if stop.wait(min(left, 0.05)):
                return True
        return stop.is_set()

    def _run(self, batch_id: str, lines: list[dict[str, Any]]) -> None:
        batch = self.batches[batch_id]
        stop = self._cancel[batch_id]
        with self._lock:
            batch["status"], batch["in_progress_at"] = "in_progress", int(time.time())
        output, errors = [], []
        fate = self.fate
        end = len(lines) // 2 if fate else len(lines)
        for index, line in enumerate(lines):
            if index >= end or self._pause(stop, len(lines)):
                break
            status, _, body = self.chat(dict(line["body"]), line["custom_id"])
            with self._lock:
                self.lines_answered += 1
            if isinstance(body, (bytes, str)):
                body = {"error": {"message": "malformed answer"}}
            entry = {"id": f"batch_req_{index}", "custom_id": line["custom_id"],
                     "response": {"status_code": status, "request_id": f"req_{index}", "body": body}, "error": None}
            (output if status == 200 else errors).append(entry)
            with self._lock:
                batch["request_counts"]["completed" if status == 200 else "failed"] += 1
        status = "cancelled" if stop.is_set() else fate or "completed"
        if status in ("expired", "cancelled"):
            done = {e["custom_id"] for e in output + errors}
            code = "batch_expired" if status == "expired" else "batch_cancelled"
            errors += [{"id": f"batch_req_x{i}", "custom_id": line["custom_id"], "response": None,
                        "error": {"code": code, "message": f"This request was not run: the batch was {status}."}}
                       for i, line in enumerate(lines) if line["custom_id"] not in done]
        with self._lock:
            if status == "failed":
                batch["errors"] = {"object": "list", "data": [{"code": "server_error", "message": "the batch failed"}]}
                output, errors = [], []
            if output:
                text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in output)
                if self.corrupt_output:  # the second answer cut off half-way, as by a broken download
                    lines = text.splitlines(keepends=True)
                    lines[1] = lines[1][:len(lines[1]) // 2] + "\n"
                    text = "".join(lines)
                batch["output_file_id"] = self._file_unlocked(text.encode(), f"{batch_id}_output.jsonl")
            if errors:
                text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors)
                batch["error_file_id"] = self._file_unlocked(text.encode(), f"{batch_id}_error.jsonl")
            batch["status"] = status
            batch[f"{status}_at"] = int(time.time())

    def _file_unlocked(self, data: bytes, filename: str) -> str:
        file_id = f"file-{next(self._ids)}"
        self.files[file_id] = {"id": file_id, "object": "file", "bytes": len(data), "created_at": int(time.time()),
                               "filename": filename, "purpose": "batch_output", "status": "processed"}
        self.contents[file_id] = data
        return file_id


def _error(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error"}}
