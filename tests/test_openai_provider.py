"""The openai provider against a real OpenAI-compatible HTTP server on 127.0.0.1: every failure a
server can produce becomes the right ProviderError, and a missing key is a clear input error."""

from __future__ import annotations

import email.utils
import os
import socket
import subprocess
import sys
import time

import pytest

from confgen.api import ChatRequest, InputError, Job, ProviderError
from confgen.model import ProviderSettings
from confgen.load.project import open_project
from confgen.draft.providers import choose, make_provider
from confgen_plugins.providers.openai import JOB_HEADER, make
from confgen_plugins.providers.openai_client import retry_after
from llm_server import LLMServer, completion, error, hang, ok, raw

JOB = Job("talks", "t1", "en", facts={"title": "Serving models"})
REQUEST = ChatRequest(messages=[{"role": "system", "content": "be brief"}, {"role": "user", "content": "write"}],
                      temperature=0.2, max_tokens=321, seed=7)


@pytest.fixture
def server():
    with LLMServer() as running:
        yield running


def provider_for(server: LLMServer, **settings):
    values = {"name": "openai", "model": "m", "base_url": server.base_url, "timeout": 5.0} | settings
    return make(ProviderSettings(**values), {"OPENAI_API_KEY": "sk-test"})


def fails(provider, retryable: bool) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        provider.complete(REQUEST, JOB)
    assert caught.value.retryable is retryable, caught.value
    return caught.value


def test_answer_parameters_and_usage_go_through(server):
    server.queue(ok("## Overview\n\nText.", tokens_in=42, tokens_out=9))
    result = provider_for(server).complete(REQUEST, JOB)
    assert (result.text, result.tokens_in, result.tokens_out, result.finish_reason) == ("## Overview\n\nText.", 42, 9, "stop")
    sent = server.chat_records[0]
    assert sent.job == JOB.id  # the header lets a proxy (and these tests) tell jobs apart
    assert {k: sent.body[k] for k in ("model", "temperature", "max_tokens", "seed")} == \
        {"model": "m", "temperature": 0.2, "max_tokens": 321, "seed": 7}
    assert sent.body["messages"] == REQUEST.messages


def test_rate_limit_with_retry_after_seconds_is_retryable(server):
    server.queue(error(429, "slow down", retry_after="2"))
    exc = fails(provider_for(server), retryable=True)
    assert exc.retry_after == 2.0 and "429" in str(exc)


def test_rate_limit_with_retry_after_http_date(server):
    when = email.utils.formatdate(time.time() + 4, usegmt=True)
    server.queue(error(429, retry_after=when))
    exc = fails(provider_for(server), retryable=True)
    assert 2.0 <= exc.retry_after <= 4.5


def test_retry_after_forms():
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after({"retry-after": "0"}) == 0.0
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past: go now
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None


@pytest.mark.parametrize("status", [500, 502, 503, 408])
def test_server_errors_are_retryable(server, status):
    server.queue(error(status, "overloaded"))
    exc = fails(provider_for(server), retryable=True)
    assert str(status) in str(exc) and exc.retry_after is None


def test_a_hung_request_times_out_as_retryable(server):
    server.queue(hang())
    started = time.monotonic()
    exc = fails(provider_for(server, timeout=0.4), retryable=True)
    assert time.monotonic() - started < 3
    assert "0.4s" in str(exc) and "provider.timeout" in str(exc)


def test_an_unreachable_server_is_retryable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed when the block ends: nothing listens there
    provider = make(ProviderSettings(name="openai", model="m", base_url=f"http://127.0.0.1:{port}/v1", timeout=2),
                    {"OPENAI_API_KEY": "k"})
    exc = fails(provider, retryable=True)
    assert "cannot reach" in str(exc)


@pytest.mark.parametrize("body", [b'{"choices": [{"mess', b"<html>Bad gateway</html>", b"{}",
                                  b'{"choices": []}', b'{"choices": [{"message": null}]}'])
def test_malformed_bodies_are_retryable(server, body):
    server.queue(raw(body))
    fails(provider_for(server), retryable=True)


def test_a_truncated_answer_reports_its_finish_reason(server):
    server.queue(lambda request: (200, {}, completion("## Overview\n\nThe session wal", finish_reason="length")))
    assert provider_for(server).complete(REQUEST, JOB).finish_reason == "length"


def test_wrong_model_name_is_final_and_says_what_to_do(server):
    server.queue(error(404, "The model `gpt-nope` does not exist"))
    exc = fails(provider_for(server, model="gpt-nope"), retryable=False)
    assert "404" in str(exc) and "'gpt-nope'" in str(exc) and "--model" in str(exc) and "/models" in str(exc)


def test_bad_key_is_final_and_names_the_variable(server):
    server.queue(error(401, "Incorrect API key provided"))
    exc = fails(provider_for(server), retryable=False)
    assert "401" in str(exc) and "OPENAI_API_KEY" in str(exc)


def test_bad_request_is_final(server):
    server.queue(error(400, "max_tokens is too large"))
    exc = fails(provider_for(server), retryable=False)
    assert "max_tokens is too large" in str(exc)


def test_no_key_for_openai_is_an_input_error_naming_the_variable():
    with pytest.raises(InputError, match="OPENAI_API_KEY"):
        make(ProviderSettings(name="openai", model="gpt-4o-mini"), {})
    with pytest.raises(InputError, match="MY_KEY"):
        make(ProviderSettings(name="openai", model="gpt-4o-mini", api_key_env="MY_KEY"), {"OPENAI_API_KEY": "x"})


def test_a_local_server_needs_no_key(server):
    provider = make(ProviderSettings(name="openai", model="m", base_url=server.base_url), {})
    assert provider.complete(REQUEST, JOB).text


def test_bad_settings_are_input_errors():
    with pytest.raises(InputError, match="--model"):
        make(ProviderSettings(name="openai"), {"OPENAI_API_KEY": "k"})
    with pytest.raises(InputError, match="http"):
        make(ProviderSettings(name="openai", model="m", base_url="localhost:8000/v1"), {"OPENAI_API_KEY": "k"})


# -- choosing the provider: flags > environment > conference.yaml ------------------------------------

def with_provider(project_dir, block: str):
    path = project_dir / "conference.yaml"
    path.write_text(path.read_text(encoding="utf-8") + block, encoding="utf-8")
    return project_dir


def test_flags_win_over_environment_over_yaml(mini_project):
    with_provider(mini_project, "provider:\n  name: openai\n  model: from-yaml\n  base_url: http://yaml.invalid/v1\n"
                                "  temperature: 0.1\n")
    project = open_project(mini_project)
    env = {"CONFGEN_MODEL": "from-env", "OPENAI_BASE_URL": "http://env.invalid/v1", "CONFGEN_TEMPERATURE": "0.9"}
    choice = choose(project, {"name": None, "model": None}, env)
    assert (choice.settings.model, choice.settings.base_url, choice.settings.temperature) == ("from-env", "http://env.invalid/v1", 0.9)
    assert choice.source == "yaml" and not choice.explicit
    choice = choose(project, {"name": "openai", "model": "from-flag"}, env)
    assert choice.settings.model == "from-flag" and choice.explicit
    assert choose(project, {}, {}).settings.model == "from-yaml"


def test_a_bad_environment_value_names_the_variable(mini_project):
    with pytest.raises(InputError, match="CONFGEN_TEMPERATURE"):
        choose(open_project(mini_project), {}, {"CONFGEN_TEMPERATURE": "hot"})


def test_build_falls_back_to_offline_with_a_note_when_the_key_is_missing(mini_project):
    with_provider(mini_project, "provider:\n  name: openai\n  model: gpt-4o-mini\n")
    project = open_project(mini_project)
    settings = choose(project, {}, {}).settings
    notes: list[str] = []
    provider = make_provider(project, settings, {}, fallback=notes.append)
    assert provider is None  # the offline drafter, which asks no model
    assert len(notes) == 1 and "offline" in notes[0] and "OPENAI_API_KEY" in notes[0]
    with pytest.raises(InputError, match="OPENAI_API_KEY"):
        make_provider(project, settings, {})


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CONFGEN_"))}
    return subprocess.run([sys.executable, "-m", "confgen", *args], env=clean | env, capture_output=True,
                          text=True, timeout=120)


def test_cli_explicit_openai_without_key_exits_2_without_traceback(mini_project):
    result = cli("generate", str(mini_project), "--provider", "openai", "--model", "m", env={})
    assert result.returncode == 2, result.stderr
    assert "OPENAI_API_KEY" in result.stderr and "Traceback" not in result.stderr
    assert not (mini_project / "content").exists()


def test_cli_yaml_openai_without_key_is_an_error_for_generate(mini_project):
    with_provider(mini_project, "provider:\n  name: openai\n  model: gpt-4o-mini\n")
    result = cli("generate", str(mini_project), "--only", "faq", env={})
    assert result.returncode == 2 and "OPENAI_API_KEY" in result.stderr and "Traceback" not in result.stderr


def test_cli_wrong_model_fails_the_jobs_with_advice_and_exit_1(mini_project, server):
    server.responder = error(404, "model 'nope' not found")
    result = cli("generate", str(mini_project), "--provider", "openai", "--model", "nope", "--only", "faq",
                 env={"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": server.base_url})
    assert result.returncode == 1, result.stderr
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed ")]
    assert len(failed) == 1, result.stderr  # one cause, said once, with every job it failed
    assert "faq/faq.zh.md" in failed[0] and "faq/faq.en.md" in failed[0] and "--model" in failed[0]
    assert "calls 2," in result.stderr
    assert "Traceback" not in result.stderr
    assert server.calls == 2  # a final error is not retried
