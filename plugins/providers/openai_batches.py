"""OpenAI's Batch API through the ``openai`` client: upload a JSONL file of requests, create a batch
over it (endpoint ``/v1/chat/completions``, window ``24h``), follow it, cancel it, download its
output and error files. Every failure becomes a ``ProviderError`` naming the server and the step."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import openai

from confgen.api import ProviderError

ENDPOINT = "/v1/chat/completions"
WINDOW = "24h"


class OpenAIBatches:
    def __init__(self, client: openai.OpenAI, where: str):
        self.client = client
        self.where = where

    def _call(self, step: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except openai.APIConnectionError as exc:
            raise ProviderError(f"cannot reach {self.where} to {step}: {exc.__cause__ or exc}", outage=True) from None
        except openai.APIStatusError as exc:
            raise ProviderError(f"{self.where} refused to {step}: {exc.status_code} {exc.message}",
                                retryable=exc.status_code == 429 or exc.status_code >= 500) from None

    def upload(self, path: Path) -> str:
        """Upload a JSONL file of requests (purpose ``batch``); its file id."""
        with path.open("rb") as handle:
            return self._call("upload the batch file", lambda: self.client.files.create(file=handle, purpose="batch")).id

    def create(self, file_id: str, metadata: dict[str, str]) -> dict[str, Any]:
        return self._call("create the batch", lambda: self.client.batches.create(
            input_file_id=file_id, endpoint=ENDPOINT, completion_window=WINDOW, metadata=metadata)).model_dump()

    def retrieve(self, batch_id: str) -> dict[str, Any]:
        return self._call(f"report on batch {batch_id}", lambda: self.client.batches.retrieve(batch_id)).model_dump()

    def cancel(self, batch_id: str) -> dict[str, Any]:
        return self._call(f"cancel batch {batch_id}", lambda: self.client.batches.cancel(batch_id)).model_dump()

    def content(self, file_id: str) -> bytes:
        return self._call(f"send file {file_id}", lambda: self.client.files.content(file_id)).read()
