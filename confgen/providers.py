"""Choosing the provider for a run: flags win over the environment, which wins over
conference.yaml. A project that names no provider, or names a model provider with no key in
reach, drafts offline so that a fresh machine still builds the whole site."""

from __future__ import annotations

import os
from typing import Any, Mapping

from confgen.api import InputError, Provider
from confgen.model import ProviderSettings
from confgen.project import Project


def effective_settings(project: Project, overrides: Mapping[str, Any], env: Mapping[str, str]) -> ProviderSettings:
    settings = project.conference.provider
    from_env: dict[str, Any] = {}
    if env.get("CONFGEN_PROVIDER"):
        from_env["name"] = env["CONFGEN_PROVIDER"]
    if env.get("CONFGEN_MODEL"):
        from_env["model"] = env["CONFGEN_MODEL"]
    if env.get("OPENAI_BASE_URL") and not settings.base_url:
        from_env["base_url"] = env["OPENAI_BASE_URL"]
    merged = settings.model_dump() | from_env | {k: v for k, v in overrides.items() if v is not None}
    return ProviderSettings.model_validate(merged)


def make_provider(project: Project, settings: ProviderSettings, env: Mapping[str, str] | None = None) -> Provider:
    env = os.environ if env is None else env
    factories = project.plugins.providers()
    factory = factories.get(settings.name)
    if factory is None:
        raise InputError(f"unknown provider {settings.name!r}; installed: {', '.join(sorted(factories))}")
    return factory(settings, env)
