"""The ``openai`` provider's client side: OpenAI or any OpenAI-compatible server (vLLM, llama.cpp, Ollama, ...)
through the official ``openai`` client.

The client is made with ``max_retries=0``: the runner owns retries, so it can honour Retry-After,
share one back-off across all calls in flight and count every attempt. Here every failure becomes a
``ProviderError`` that says whether trying again can help and, for the ones that cannot, what the
user should change.
"""

from __future__ import annotations

import email.utils
import time
from typing import TYPE_CHECKING, Any, Callable, Mapping
from urllib.parse import urlparse

import openai
import pydantic
from openai.types.chat import ChatCompletion

from confgen.api import ChatRequest, Completion, InputError, Job, ProviderError
from confgen.model import ProviderSettings

from confgen_plugins.providers.openai import JOB_HEADER, NAME  # noqa: E402  (sent so that server logs can tell jobs apart)

if TYPE_CHECKING:
    from confgen_plugins.providers.openai_batches import OpenAIBatches
#: Statuses the OpenAI API documents as transient (timeout, conflict, rate limit, server errors).
RETRYABLE_STATUS = {408, 409, 429}
#: A placeholder for servers that want no key: the client refuses to start without one.
NO_KEY = "not-needed"


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from ``retry-after-ms``, ``retry-after`` (seconds or an HTTP date)."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(body.get("message"), str):
            return body["message"]
    return exc.message


class OpenAIProvider:
    name = NAME

    def __init__(self, settings: ProviderSettings, api_key: str, key_source: str):
        self.model = settings.model or ""
        self.settings = settings
        self.key_source = key_source
        self.where = settings.base_url or "api.openai.com"
        self.client = openai.OpenAI(api_key=api_key, base_url=settings.base_url or None, timeout=settings.timeout,
                                    max_retries=0)
        #: Hears the headers of every answer (a pacer reads the rate-limit ones); set by the runner.
        self.observe: Callable[[Mapping[str, str]], None] | None = None

    def params(self, request: ChatRequest) -> dict[str, Any]:
        """The body of a chat completion request (also a batch line's ``body``)."""
        params: dict[str, Any] = {"model": self.model, "messages": request.messages,
                                  "temperature": request.temperature, "max_tokens": request.max_tokens}
        if request.seed is not None:
            params["seed"] = request.seed
        return params

    def complete(self, request: ChatRequest, job: Job) -> Completion:
        params = self.params(request)
        try:
            raw = self.client.chat.completions.with_raw_response.create(**params, extra_headers={JOB_HEADER: job.id})
            if self.observe is not None:  # the rate-limit headers pace the calls that follow
                self.observe(raw.headers)
            response = raw.parse()
        except openai.APITimeoutError:
            raise ProviderError(f"no answer from {self.where} within {self.settings.timeout:g}s "
                                "(raise provider.timeout for slow models)", retryable=True) from None
        except openai.APIConnectionError as exc:
            raise ProviderError(f"cannot reach {self.where}: {exc.__cause__ or exc}", outage=True) from None
        except openai.APIStatusError as exc:
            if self.observe is not None:
                self.observe(exc.response.headers)
            raise self._status_error(exc) from None
        except (openai.APIResponseValidationError, ValueError) as exc:
            raise ProviderError(f"{self.where} sent a malformed answer: {exc}", retryable=True) from None
        return self._completion(response)

    def completion_of(self, body: Any) -> Completion:
        """A Completion from the JSON body of a chat completion (a batch output line's)."""
        try:
            response = ChatCompletion.model_validate(body)
        except pydantic.ValidationError as exc:
            raise ProviderError(f"{self.where} sent a malformed answer: {exc.errors()[0]['msg']}",
                                retryable=True) from None
        return self._completion(response)

    def batches(self) -> "OpenAIBatches":
        from confgen_plugins.providers.openai_batches import OpenAIBatches

        return OpenAIBatches(self.client, self.where)

    def _completion(self, response: Any) -> Completion:
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list) or not choices:
            raise ProviderError(f"{self.where} sent an answer with no choices", retryable=True)
        choice = choices[0]
        message = getattr(choice, "message", None)
        text = getattr(message, "content", None)
        if not isinstance(text, str):
            raise ProviderError(f"{self.where} sent an answer with no text", retryable=True)
        usage = getattr(response, "usage", None)
        details = getattr(usage, "prompt_tokens_details", None)
        return Completion(
            text=text,
            tokens_in=int(getattr(usage, "prompt_tokens", 0) or 0),
            tokens_out=int(getattr(usage, "completion_tokens", 0) or 0),
            finish_reason=str(getattr(choice, "finish_reason", None) or "stop"),
            cached_tokens=int(getattr(details, "cached_tokens", 0) or 0),
        )

    def _status_error(self, exc: openai.APIStatusError) -> ProviderError:
        status = exc.status_code
        detail = _server_message(exc)
        if status in RETRYABLE_STATUS or status >= 500:
            return ProviderError(f"{self.where} answered {status}: {detail}", retryable=True, outage=status >= 500,
                                 retry_after=retry_after(exc.response.headers))
        if status == 401:
            hint = f"check the key in {self.key_source}"
        elif status == 403:
            hint = f"the key in {self.key_source} may not use model {self.model!r}"
        elif status == 404:
            hint = (f"is the model name {self.model!r} right? (--model or provider.model; "
                    f"`curl {self.where.rstrip('/')}/models` lists what the server has) "
                    "and does provider.base_url end in /v1?")
        elif status in (400, 422):
            hint = "the server refused the request: check provider.model, provider.max_tokens and provider.temperature"
        else:
            hint = "see the server's message"
        return ProviderError(f"{self.where} answered {status}: {detail} — {hint}")


def _is_openai(base_url: str | None) -> bool:
    return not base_url or (urlparse(base_url).hostname or "").endswith("openai.com")


def make(settings: ProviderSettings, env: Mapping[str, str]) -> OpenAIProvider:
    if not settings.model:
        raise InputError("the openai provider needs a model: pass --model NAME or set provider.model in conference.yaml")
    if settings.base_url and urlparse(settings.base_url).scheme not in ("http", "https"):
        raise InputError(f"provider.base_url {settings.base_url!r} must start with http:// or https://")
    key = env.get(settings.api_key_env, "").strip()
    if not key:
        if _is_openai(settings.base_url):
            raise InputError(
                f"the openai provider needs an API key: set {settings.api_key_env} (or OPENAI_BASE_URL / "
                "provider.base_url for a local OpenAI-compatible server), or draft with --provider offline")
        key = NO_KEY
    return OpenAIProvider(settings, key, f"${settings.api_key_env}")
