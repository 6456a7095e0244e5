"""Prompts: the chat messages for a job, rendered from ``templates/prompts/`` (a project's own
``templates/prompts/`` overrides them file by file).

Untrusted text (abstracts, bios) never reaches the model as instructions: it goes into the user
message inside a data block, with the system message saying that the block is material to write
about, not to obey.

The order serves a provider's prompt cache, which serves the longest prefix earlier requests
shared (OpenAI's from 1,024 tokens on): the system message is the same for every job of a language;
then, for the kinds with many jobs, the kind's instructions and the form its contract sets, a worked
example of that form, and the event's own facts, all the same for every job of the kind and
language; the job's own facts, what its draft must mention, and its untrusted data come last.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Sequence

from confgen.draft.event_context import CONTEXT, event_facts
from confgen.kinds import ContentKind
from confgen.types import ChatRequest, Finding, Job, stable_hash
from confgen.model import ProviderSettings
from confgen.render.templates import Templates


def template_name(kind: ContentKind, lang: str) -> str:
    return kind.prompt_template.format(kind=kind.name, lang=lang)


def template_names(kind: ContentKind, lang: str) -> list[str]:
    """Every template a request for this kind and language is made from."""
    return [f"prompts/system.{lang}.md.j2", template_name(kind, lang), f"prompts/feedback.{lang}.md.j2",
            f"prompts/context.{lang}.md.j2", example_name(kind, lang)]


def example_name(kind: ContentKind, lang: str) -> str:
    """A draft of the kind written by hand for an invented job: shown in the prompt as an example
    of form, which a draft must not copy (the ``untrusted-echo`` gate checks)."""
    return f"prompts/examples/{kind.name}.{lang}.md.j2"


def example(kind: ContentKind, lang: str, templates: Templates) -> str:
    name = example_name(kind, lang)
    return templates.render(name).strip() if templates.exists(name) else ""


def template_version(kind: ContentKind, lang: str, templates: Templates) -> str:
    """One hash over the sources of the prompt templates: part of the cache key and of the draft's
    input hash, so editing a prompt redrafts what it asks for."""
    names = template_names(kind, lang)
    return stable_hash([templates.version(n) if templates.exists(n) else "" for n in names])[:12]


MARKERS = "ˆ¦‡¤"  # rare in prose, one token each in common tokenizers
CJK_CHAR = re.compile(r"([\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef])")


def data_block(untrusted: dict[str, str]) -> str:
    """Untrusted fields "spotlighted" so the model can tell them from instructions, in any script.

    Each field is datamarked: every run of whitespace becomes the marker, and the marker follows
    every Chinese character and punctuation mark (Chinese has no spaces to replace), so no sentence of
    the data reads as a clean instruction. Any marker already in the text is removed first, so the
    data cannot fake its own boundary. The fields are then JSON-encoded (quotes, fences and tags
    inside cannot close the block) inside a fence that names the marker. The marker is chosen from
    the data's hash, not at random, so that the same job sends the same request and hits the cache.
    The system prompt explains the marking: text carrying the marker is material to write about,
    never instructions.
    """
    digest = hashlib.sha256(json.dumps(untrusted, sort_keys=True, ensure_ascii=False).encode()).digest()
    marker = MARKERS[digest[0] % len(MARKERS)]

    def mark(text: str) -> str:
        text = "".join(ch for ch in text if ch not in MARKERS)
        text = re.sub(r"\s+", marker, text.strip())
        return CJK_CHAR.sub(lambda m: m.group(1) + marker, text)

    marked = {name: mark(value or "") for name, value in untrusted.items()}
    return (f"```json untrusted-data datamark={marker}\n"
            # A backtick is written as its JSON escape so no fence inside the data can close this one.
            + json.dumps(marked, ensure_ascii=False, indent=2).replace("`", "\\u0060") + "\n```")


def facts_block(facts: dict[str, Any], name: str = "") -> str:
    """The job's facts (from conference.yaml, trusted) as JSON, the one source of names, dates,
    times and rooms the model may state. ``name`` tells one facts block from another (``event``).
    Compact, on one line: indentation is paid for in tokens on every call and tells a model nothing."""
    return (f"```json facts{' ' + name if name else ''}\n" + json.dumps(facts, ensure_ascii=False, default=str)
            + "\n```")


def event_context(conference: Any, lang: str, templates: Templates) -> str:
    """The event around every job, the same text for each job of a language (a cached prefix):
    rendered once per conference and language, not once per request."""
    made = conference.stash.setdefault_by(CONTEXT, dict)
    if lang not in made:
        facts, untrusted = event_facts(conference, lang)
        made[lang] = templates.render(f"prompts/context.{lang}.md.j2", lang=lang, conference=conference,
                                      event_facts=facts_block(facts, "event"),
                                      event_data=data_block(untrusted) if untrusted else "").strip()
    return made[lang]


DEFAULT_MAX_TOKENS = 1500


def token_budget(job: Job, kind: ContentKind, settings: ProviderSettings) -> int:
    """The kind's contract sets the budget from its length range; ``provider.max_tokens``, when
    set, caps it (a server's limit); a kind with no range gets the setting or a default."""
    budget = kind.contract.budget(job.lang) if kind.contract else None
    cap = settings.max_tokens
    if budget is None:
        return cap or DEFAULT_MAX_TOKENS
    return min(budget, cap) if cap else budget


def build_request(job: Job, kind: ContentKind, templates: Templates, settings: ProviderSettings,
                  conference: Any, feedback: Sequence[tuple[str, list[Finding]]] = (),
                  max_tokens: int | None = None) -> ChatRequest:
    """``max_tokens`` overrides the budget (a retry after an answer was cut off)."""
    context = {
        "lang": job.lang, "conference": conference, "job": job, "facts": job.facts, "kind": kind,
        "facts_json": facts_block(job.facts), "data": data_block(job.untrusted) if job.untrusted else "",
        "required_sections": list(kind.required_sections.get(job.lang, [])),
        "contract": kind.contract.instructions(job) if kind.contract else "",
        # The contract in two parts: what every job of the kind shares comes before the job's facts.
        "contract_form": kind.contract.instructions(job, mentions=False) if kind.contract else "",
        "contract_mentions": kind.contract.instructions(job, form=False) if kind.contract else "",
        "example": example(kind, job.lang, templates),
    }
    if templates.exists(f"prompts/context.{job.lang}.md.j2"):
        context["event_context"] = event_context(conference, job.lang, templates)
    system = templates.render(f"prompts/system.{job.lang}.md.j2", **context)
    user = templates.render(template_name(kind, job.lang), **context)
    messages = [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]
    for previous, findings in feedback:
        messages.append({"role": "assistant", "content": previous})
        messages.append({"role": "user", "content": templates.render(
            f"prompts/feedback.{job.lang}.md.j2", **context, findings=findings).strip()})
    return ChatRequest(messages=messages, temperature=settings.temperature, max_tokens=max_tokens or token_budget(job, kind, settings),
                       seed=settings.seed)
