"""The public API for plugins: the only confgen module besides ``model`` and ``hookspecs`` that a
plugin (built-in or third-party) imports.

A plugin implements hooks from :mod:`confgen.hookspecs` and hands back the objects defined here:
content kinds that plan jobs and turn drafts into pages, providers that answer chat requests, gates
that judge drafts, importers and exporters.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Protocol, TypeVar

import pluggy

from confgen.contract import Contract, Marker, Mention  # noqa: F401  (part of the plugin API)
from confgen.memo import Memo, pure  # noqa: F401  (part of the plugin API)
from confgen.model import Conference, tr
from confgen.sanitize import untrusted_markdown

if TYPE_CHECKING:
    from confgen.templates import Templates

hookimpl = pluggy.HookimplMarker("confgen")
T = TypeVar("T")


class ConfgenError(Exception):
    """A foreseeable failure; the CLI prints the message (never a traceback) and exits with ``exit_code``."""

    exit_code = 1


class InputError(ConfgenError):
    """Bad input from the user: a file, a flag, a setting. Exit code 2."""

    exit_code = 2


def by_identity(build: Callable[..., T]) -> Callable[..., T]:
    """Memoize ``build(obj, *args)`` by the identity of ``obj`` (and the hashable ``args``).

    The conference model is frozen but not hashable, and many pages, gates and drafts of one run
    ask for the same derived data. The last few objects are kept alive with their results, so an
    id cannot be reused by another object while its entry stands.
    """
    entries: dict[tuple, tuple[Any, T]] = {}
    # Held while building: threads asking at once (sixteen drafts checked at the start of a run)
    # wait for the one build instead of each doing it. Reentrant, for builds that recurse.
    lock = threading.RLock()

    def cached(obj: Any, *args: Any) -> T:
        key = (id(obj), *args)
        hit = entries.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        with lock:
            hit = entries.get(key)
            if hit is not None and hit[0] is obj:
                return hit[1]
            value = build(obj, *args)
            if len(entries) >= IDENTITY_CACHE_SIZE:
                entries.pop(next(iter(entries)))
            entries[key] = (obj, value)
        return value

    cached.__doc__ = build.__doc__
    cached.__name__ = getattr(build, "__name__", "cached")
    return cached


IDENTITY_CACHE_SIZE = 16


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


class ProviderError(ConfgenError):
    """A call failed. ``retryable`` failures are retried by the runner (after ``retry_after`` seconds
    when the server said so); the others fail the job at once."""

    def __init__(self, message: str, *, retryable: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class Provider(Protocol):
    """Answers chat requests. Called from several threads at once; must be thread-safe."""

    name: str
    model: str

    def complete(self, request: ChatRequest, job: Job) -> Completion: ...


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
class Asset:
    """A static file copied into the built site (``path`` relative to the docs folder)."""

    path: str
    content: bytes


@dataclass
class RenderContext:
    """What a content kind has at hand when it turns drafts into pages."""

    conference: Conference
    lang: str
    templates: "Templates"
    drafts: dict[str, Draft]  # by Job.id
    #: Keeps the results of costly pure steps from one build to the next (see confgen.memo).
    memo: Memo = field(default_factory=Memo)

    def draft(self, kind: str, key: str) -> Draft | None:
        return self.drafts.get(f"{kind}/{key}.{self.lang}")

    def render(self, template: str, **context: Any) -> str:
        return self.templates.render(template, conference=self.conference, lang=self.lang,
                                     untrusted=self.untrusted, **context)

    def untrusted(self, text: str | None) -> str:
        """Untrusted Markdown (an abstract, a bio, a draft quoting them) as sanitized HTML."""
        return untrusted_markdown(text, self.memo)

    def tr(self, value: Any) -> str:
        return tr(value, self.lang)


class ContentKind:
    """A kind of writing: what to draft (``plan``), how to draft it with no model (``offline``),
    which sections a draft must have (``required_sections``) and how drafts become pages
    (``pages``). Subclass it and return instances from the ``confgen_content_kinds`` hook."""

    name: str = ""
    #: Headings (per language) a draft of this kind must contain; checked by the gates.
    required_sections: dict[str, list[str]] = {}
    #: What a draft must be (sections, markers, length, mentions): the prompt states it, the
    #: ``contract`` gate checks it and the token budget follows from its length range.
    contract: Contract | None = None
    #: Prompt template, relative to templates/, formatted with the job's language.
    prompt_template: str = "prompts/{kind}.{lang}.md.j2"

    def plan(self, conference: Conference) -> Iterable[Job]:
        return ()

    def offline(self, job: Job, conference: Conference, templates: "Templates") -> str:
        """The draft's Markdown body from the facts alone (the embedded offline drafter)."""
        return templates.render(f"offline/{self.name}.{job.lang}.md.j2", conference=conference, job=job, lang=job.lang, facts=job.facts)

    def pages(self, ctx: RenderContext) -> Iterable[Page | Asset]:
        return ()


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
