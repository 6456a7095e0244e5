"""Choosing the provider for a run: flags win over the environment, which wins over
conference.yaml. A project that names no provider drafts offline; one whose configured provider
cannot start (no key on this machine) drafts offline too when the command allows it (``build``),
with a note saying why, so that a fresh machine still builds the whole site."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import pydantic

from confgen.draft.drafters import OFFLINE
from confgen.errors import InputError
from confgen.types import Provider
from confgen.model import ProviderSettings
from confgen.load.loader import messages
from confgen.load.project import Project

#: Environment variables that set a provider setting (between conference.yaml and the flags).
ENV_SETTINGS = {
    "CONFGEN_PROVIDER": "name",
    "CONFGEN_MODEL": "model",
    "OPENAI_BASE_URL": "base_url",
    "CONFGEN_TEMPERATURE": "temperature",
    "CONFGEN_MAX_TOKENS": "max_tokens",
    "CONFGEN_TIMEOUT": "timeout",
    "CONFGEN_CONCURRENCY": "concurrency",
}


@dataclass(frozen=True)
class Choice:
    settings: ProviderSettings
    #: Where the provider's name came from: "flag", "env", "yaml" or "default".
    source: str

    @property
    def explicit(self) -> bool:
        return self.source in ("flag", "env")


def _validate(merged: dict[str, Any], origin: dict[str, str]) -> ProviderSettings:
    try:
        return ProviderSettings.model_validate(merged)
    except pydantic.ValidationError as exc:
        # Named as the user set each value: the flag, the environment variable or provider.<field>.
        problems = [f"{origin.get(str(loc[0]), f'provider.{loc[0]}') if loc else 'provider'}: {message}"
                    for loc, message in messages(exc)]
        raise InputError("; ".join(problems)) from None


def choose(project: Project, overrides: Mapping[str, Any], env: Mapping[str, str]) -> Choice:
    """The run's provider settings and where the provider's name came from."""
    settings = project.conference.provider
    yaml_values = settings.model_dump(exclude_unset=True)
    from_env = {field: env[var] for var, field in ENV_SETTINGS.items() if env.get(var, "").strip()}
    flags = {k: v for k, v in overrides.items() if v is not None}
    origin = {field: var for var, field in ENV_SETTINGS.items() if field in from_env}
    origin |= {field: f"--{field.replace('_', '-')}" for field in flags}
    merged = settings.model_dump() | from_env | flags
    source = "flag" if "name" in flags else "env" if "name" in from_env else "yaml" if "name" in yaml_values else "default"
    return Choice(_validate(merged, origin), source)


def make_provider(project: Project, settings: ProviderSettings, env: Mapping[str, str] | None = None, *,
                  fallback: Callable[[str], None] | None = None) -> Provider | None:
    """Build the provider ``settings`` name, or None for ``offline``: the offline drafter asks no
    model. With ``fallback``, a provider that cannot start on this machine (its factory raises
    ``InputError``) gives way to the offline drafter, and ``fallback`` receives a note saying why;
    without it the ``InputError`` reaches the user (exit 2)."""
    if settings.name == OFFLINE:
        return None
    env = os.environ if env is None else env
    factories = project.plugins.providers()
    factory = factories.get(settings.name)
    if factory is None:
        raise InputError(f"unknown provider {settings.name!r}; installed: {', '.join(sorted([OFFLINE, *factories]))}")
    try:
        return factory(settings, env)
    except InputError as exc:
        if fallback is None:
            raise
        fallback(f"note: drafting offline, provider {settings.name!r} is not usable here: {exc}")
        return None
