"""The ``openai`` provider: OpenAI or any OpenAI-compatible server (vLLM, llama.cpp, Ollama, ...).

Registration only: the ``openai`` package takes over a second to import, so it is loaded when a
run asks for this provider, not on every command (see ``openai_client``).
"""

from __future__ import annotations

from typing import Any, Mapping

from confgen.api import hookimpl
from confgen.model import ProviderSettings

NAME = "openai"
JOB_HEADER = "X-Confgen-Job"


def make(settings: ProviderSettings, env: Mapping[str, str]) -> Any:
    from confgen_plugins.providers.openai_client import make as make_client

    return make_client(settings, env)


@hookimpl
def confgen_providers():
    return {NAME: make}
