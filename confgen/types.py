"""The values plugins and the core hand each other: a drafting ``Job`` and the ``ChatRequest`` and
``Completion`` of its model call, a ``Draft`` read back from ``content/``, the ``Page`` and ``Asset``
a content kind renders, a gate's ``Finding`` and ``GateContext``, and the ``Importer`` and
``Exporter`` records. Plugins import them through :mod:`confgen.api`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Protocol

from confgen.contract import Contract
from confgen.model import Conference, ProviderSettings


def stable_hash(*parts: Any) -> str:
    """A short, stable hash of JSON-able parts (dict order does not matter)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Job:
    """One piece of writing a content kind wants: one draft file in one language.

    ``facts`` are trusted (from conference.yaml); ``untrusted`` holds text written by outsiders
    (abstracts, bios, imported descriptions) which prompts mark as data and pages sanitize.
    """

    kind: str
    key: str
    lang: str
    facts: dict[str, Any]
    untrusted: dict[str, str] = field(default_factory=dict)
    title: str = ""

    @property
    def path(self) -> str:
        """Where the draft lives, relative to the project's ``content/``."""
        return f"{self.kind}/{self.key}.{self.lang}.md"

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.key}.{self.lang}"

    def input_hash(self, template_version: str = "") -> str:
        return stable_hash(self.kind, self.key, self.lang, self.facts, self.untrusted, template_version)


@dataclass(frozen=True)
class ChatRequest:
    """What is sent to a model. Its full content is the cache key."""

    messages: list[dict[str, str]]
    temperature: float = 0.3
    max_tokens: int = 1500
    seed: int | None = 0

    def key(self, provider: str, model: str) -> str:
        return stable_hash(provider, model, self.messages, self.temperature, self.max_tokens, self.seed)


@dataclass(frozen=True)
class Completion:
    text: str
    tokens_in: int = 0
    tokens_out: int = 0
    finish_reason: str = "stop"
    #: Prompt tokens the server took from its prefix cache (``usage.prompt_tokens_details.cached_tokens``).
    cached_tokens: int = 0


class Provider(Protocol):
    """Answers chat requests. Called from several threads at once; must be thread-safe."""

    name: str
    model: str

    def complete(self, request: ChatRequest, job: Job) -> Completion: ...


ProviderFactory = Callable[[ProviderSettings, Mapping[str, str]], Provider]
"""What ``confgen_providers`` maps each name to: builds the provider of one run from the merged
settings (conference.yaml, environment, flags) and the environment; raises ``InputError`` for a
setting it cannot work with."""


#: The ``provider`` (and ``model``) in the front matter of a draft the offline drafter wrote, and its
#: ``drafted_by`` when it replaced a model's draft that kept failing the gates.
OFFLINE = "offline"


@dataclass(frozen=True)
class Draft:
    """A draft file as read back from ``content/``: front matter plus Markdown body."""

    path: str
    meta: dict[str, Any]
    body: str

    @property
    def kind(self) -> str:
        return self.meta.get("kind", "")

    @property
    def key(self) -> str:
        return str(self.meta.get("key", ""))

    @property
    def lang(self) -> str:
        return self.meta.get("lang", "")

    @property
    def edited(self) -> bool:
        """True when a human changed the body since confgen wrote it."""
        return self.meta.get("written_hash") != body_hash(self.body)


def body_hash(body: str) -> str:
    return hashlib.sha256(body.strip().encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Page:
    """One page of the site in one language. ``path`` is relative to the docs folder and the same
    in every language, so the language switch can land on the same page. ``nav`` is the menu
    section the page appears under (a tuple of localized labels), or None to keep it out of the
    navigation (talk and speaker pages: the agenda links to them)."""

    path: str
    lang: str
    title: str
    markdown: str
    nav: tuple[str, ...] | None = None
    order: int = 100


@dataclass(frozen=True)
class OrganizerPage:
    """A page for the organizers only, such as the planning brief with its budget. It is never part
    of the site (its pages, sitemap or search index): it is written to ``build/organizer/<lang>/``
    as Markdown and as a standalone HTML page."""

    path: str  # relative to build/organizer/<lang>/, ending in .md
    lang: str
    title: str
    markdown: str


@dataclass(frozen=True)
class Asset:
    """A static file copied into the built site (``path`` relative to the docs folder)."""

    path: str
    content: bytes


@dataclass(frozen=True)
class Finding:
    """One problem a gate found in a draft. ``line`` is 1-based within the body."""

    gate: str
    message: str
    line: int = 0
    severity: str = "error"  # "error" fails the draft; "warning" is reported only


@dataclass
class GateContext:
    """What a gate sees: the draft text, its job (when drafted by confgen) and the facts."""

    text: str
    lang: str
    kind: str | None = None
    conference: Conference | None = None
    job: Job | None = None
    required_sections: list[str] = field(default_factory=list)
    contract: Contract | None = None  # the job's kind's contract, when drafted by confgen
    #: The worked example the prompt showed the model (ours, for an invented job): not to be copied.
    example: str = ""


Gate = Callable[[GateContext], Iterable[Finding]]


@dataclass(frozen=True)
class Importer:
    """Turns a file in another format into the data of a conference.yaml (a plain dict)."""

    name: str
    description: str
    load: Callable[[bytes, str], dict[str, Any]]  # (content, filename) -> conference data


@dataclass(frozen=True)
class Exporter:
    """Writes the conference in another format."""

    name: str
    description: str
    suffix: str
    dump: Callable[[Conference], bytes]
