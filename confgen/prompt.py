"""Prompts: the chat messages for a job, rendered from ``templates/prompts/`` (a project's own
``templates/prompts/`` overrides them file by file).

Untrusted text (abstracts, bios) never reaches the model as instructions: it goes into the user
message inside a data block, with the system message saying that the block is material to write
about, not to obey.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from confgen.api import ChatRequest, ContentKind, Finding, Job, stable_hash
from confgen.model import ProviderSettings
from confgen.templates import Templates


def template_name(kind: ContentKind, lang: str) -> str:
    return kind.prompt_template.format(kind=kind.name, lang=lang)


def template_names(kind: ContentKind, lang: str) -> list[str]:
    """Every template a request for this kind and language is made from."""
    return [f"prompts/system.{lang}.md.j2", template_name(kind, lang), f"prompts/feedback.{lang}.md.j2"]


def template_version(kind: ContentKind, lang: str, templates: Templates) -> str:
    """One hash over the sources of the prompt templates: part of the cache key and of the draft's
    input hash, so editing a prompt redrafts what it asks for."""
    names = template_names(kind, lang)
    return stable_hash([templates.version(n) if templates.exists(n) else "" for n in names])[:12]


def data_block(untrusted: dict[str, str]) -> str:
    """Untrusted fields as a JSON object inside a fenced block: JSON string escaping keeps any
    quote, fence or tag inside the text from closing the block, in any script."""
    return "```json untrusted-data\n" + json.dumps(untrusted, ensure_ascii=False, indent=2) + "\n```"


def facts_block(facts: dict[str, Any]) -> str:
    """The job's facts (from conference.yaml, trusted) as JSON, the one source of names, dates,
    times and rooms the model may state."""
    return "```json facts\n" + json.dumps(facts, ensure_ascii=False, indent=2, default=str) + "\n```"


def build_request(job: Job, kind: ContentKind, templates: Templates, settings: ProviderSettings,
                  conference: Any, feedback: Sequence[tuple[str, list[Finding]]] = ()) -> ChatRequest:
    context = {
        "lang": job.lang, "conference": conference, "job": job, "facts": job.facts, "kind": kind,
        "facts_json": facts_block(job.facts), "data": data_block(job.untrusted) if job.untrusted else "",
        "required_sections": list(kind.required_sections.get(job.lang, [])),
    }
    system = templates.render(f"prompts/system.{job.lang}.md.j2", **context)
    user = templates.render(template_name(kind, job.lang), **context)
    messages = [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]
    for previous, findings in feedback:
        messages.append({"role": "assistant", "content": previous})
        messages.append({"role": "user", "content": templates.render(
            f"prompts/feedback.{job.lang}.md.j2", **context, findings=findings).strip()})
    return ChatRequest(messages=messages, temperature=settings.temperature, max_tokens=settings.max_tokens, seed=settings.seed)
