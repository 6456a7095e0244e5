"""Prompts: the chat messages for a job, rendered from ``templates/prompts/``.

Untrusted text (abstracts, bios) never reaches the model as instructions: it goes into the user
message inside a data block, with the system message saying that the block is material to write
about, not to obey.
"""

from __future__ import annotations

import json

from confgen.api import ChatRequest, ContentKind, Finding, Job
from confgen.model import ProviderSettings
from confgen.templates import Templates


def template_name(kind: ContentKind, lang: str) -> str:
    return kind.prompt_template.format(kind=kind.name, lang=lang)


def data_block(untrusted: dict[str, str]) -> str:
    """Untrusted fields as a JSON object inside a fenced block: JSON string escaping keeps any
    quote, fence or tag inside the text from closing the block, in any script."""
    return "```json untrusted-data\n" + json.dumps(untrusted, ensure_ascii=False, indent=2) + "\n```"


def build_request(job: Job, kind: ContentKind, templates: Templates, settings: ProviderSettings,
                  conference, feedback: list[tuple[str, list[Finding]]] = ()) -> ChatRequest:
    system = templates.render(f"prompts/system.{job.lang}.md.j2", lang=job.lang, conference=conference, job=job)
    user = templates.render(
        template_name(kind, job.lang), lang=job.lang, conference=conference, job=job,
        facts=job.facts, data=data_block(job.untrusted) if job.untrusted else "",
    )
    messages = [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]
    for previous, findings in feedback:
        messages.append({"role": "assistant", "content": previous})
        messages.append({"role": "user", "content": templates.render(
            f"prompts/feedback.{job.lang}.md.j2", lang=job.lang, findings=findings).strip()})
    return ChatRequest(messages=messages, temperature=settings.temperature, max_tokens=settings.max_tokens, seed=settings.seed)
