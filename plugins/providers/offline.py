"""The embedded offline drafter: the default provider when no model is configured. Each content
kind drafts from the facts alone (its ``offline`` method, usually a template in
``templates/offline/``), so a machine with no key and no network still builds the whole site."""

from __future__ import annotations

from confgen.api import ChatRequest, Completion, ConfgenError, Job, hookimpl


class OfflineProvider:
    name = "offline"
    model = "offline"

    def complete(self, request: ChatRequest, job: Job) -> Completion:  # pragma: no cover - the runner drafts offline itself
        raise ConfgenError("the offline drafter writes from templates; it answers no chat requests")


@hookimpl
def confgen_providers():
    return {"offline": lambda settings, env: OfflineProvider()}
