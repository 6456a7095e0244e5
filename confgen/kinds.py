"""Content kinds, the plugins that say what to write and turn what was written into pages, and the
``RenderContext`` they render with. Plugins import them through :mod:`confgen.api`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Protocol

from confgen.contract import Contract
from confgen.memo import Memo
from confgen.model import LANGUAGES, Conference, tr
from confgen.types import Asset, Draft, Job, Page


class TemplateRenderer(Protocol):
    """The templates as a plugin sees them: the packaged Jinja templates, overridden file by file
    by the project's own ``templates/`` folder."""

    def render(self, name: str, **context: Any) -> str:
        """The template ``name`` (a path relative to ``templates/``) rendered with ``context``."""
        ...

    def exists(self, name: str) -> bool:
        """Whether the packaged templates or the project's own have ``name``."""
        ...

    def data(self, name: str) -> Any:
        """The YAML data file ``name`` (say ``offline/topics/rag.yaml``) read from the project's
        ``templates/`` folder, else from the packaged templates; None when neither has it."""
        ...


@dataclass
class RenderContext:
    """What a content kind has at hand when it turns drafts into pages."""

    conference: Conference
    lang: str
    templates: TemplateRenderer
    drafts: dict[str, Draft]  # by Job.id
    #: The core's memo of sanitized text from one build to the next (confgen.memo); not for plugins.
    _memo: Memo = field(default_factory=Memo, repr=False)
    #: The project folder, where the pictures ``conference.yaml`` names are (None: no files at hand).
    root: Path | None = None
    #: A folder a kind may keep files it derives in from one build to the next (say, images keyed
    #: by a hash of what they show), or None when there is no project to keep them in.
    cache_dir: Path | None = None
    #: The drafts read since the last page was handed over: the sources of the page being rendered.
    read: list[Draft] = field(default_factory=list)

    def draft(self, kind: str, key: str) -> Draft | None:
        found = self.drafts.get(f"{kind}/{key}.{self.lang}")
        if found is not None:
            self.read.append(found)
        return found

    def render(self, template: str, **context: Any) -> str:
        return self.templates.render(template, conference=self.conference, lang=self.lang,
                                     untrusted=self.untrusted, **context)

    def untrusted(self, text: str | None) -> str:
        """Untrusted Markdown (an abstract, a bio, a draft quoting them) as sanitized HTML."""
        # Imported here: the sanitizer's libraries load when a page first needs them, not with the API.
        from confgen.render.sanitize import untrusted_markdown

        return untrusted_markdown(text, self._memo)

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

    def plan(self, conference: Conference, templates: TemplateRenderer | None = None) -> Iterable[Job]:
        """Called once per command that drafts (``generate``, ``build``, ``serve``), after the
        conference validated. Returns the jobs of this kind, one per draft file and language: those
        :meth:`jobs` gives for each of the site's languages (``confgen.LANGUAGES``), so a kind
        implements ``jobs`` and never names a language. Each ``Job.id`` must be unique. (A kind
        may still override ``plan(conference)`` itself and plan every language on its own.)
        ``templates``: the project's, for a kind whose facts draw on data files beside them."""
        for lang in LANGUAGES:
            yield from self.jobs(conference, lang, templates)

    def jobs(self, conference: Conference, lang: str, templates: TemplateRenderer | None = None) -> Iterable[Job]:
        """The jobs of this kind in ``lang``, one per draft file, with facts worded in ``lang``; a
        kind that only renders facts (no writing) returns none. ``templates`` is None when a
        caller plans without a project (the packaged data files apply)."""
        return ()

    def offline(self, job: Job, conference: Conference, templates: TemplateRenderer) -> str:
        """The draft's Markdown body from the facts alone (the embedded offline drafter): called
        for a job when no model is used, and when a model's drafts kept failing the gates. The
        default renders ``offline/<kind>.<lang>.md.j2``."""
        return templates.render(f"offline/{self.name}.{job.lang}.md.j2", conference=conference, job=job, lang=job.lang, facts=job.facts)

    def offline_inputs(self, job: Job, conference: Conference, templates: TemplateRenderer | None = None) -> Any:
        """What ``offline`` reads beyond the job (say, the abstracts of a track's sessions), JSON-able.
        It is hashed into the offline draft's version only: a change redrafts the offline draft
        and never calls a model again."""
        return None

    def pages(self, ctx: RenderContext) -> Iterable[Page | Asset]:
        """Called once per language (``ctx.lang``) at every render, with every draft read back.
        Returns the pages and static files of this kind in that language; a path may be produced
        by one kind only. An ``OrganizerPage`` is for the organizers alone and never reaches the site.
        A missing draft is no error: render from the facts instead."""
        return ()
