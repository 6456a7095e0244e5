"""Gate ``meta-text``: sentences about the writing itself ("As an AI language model", "I hope this
helps", "以下是…的撰写") that a model adds around the text it was asked for. Other plugins add
phrases through ``confgen_meta_phrases``; ``…`` in a phrase stands for a few words."""

from __future__ import annotations

import re
from functools import lru_cache

from confgen.api import Finding, GateContext, hookimpl
from confgen_plugins.gates._markdown import parse

PHRASES = {
    "en": [
        "as an AI language model", "as an AI model", "as a language model", "as an AI assistant", "I am an AI",
        "I'm an AI", "I hope this helps", "hope this helps", "here is the … you asked for",
        "here's the … you asked for", "here is the … you requested", "here's the … you requested",
        "here is a draft", "here's a draft", "here is your …", "here's your …", "sure, here is", "sure! here is",
        "sure, here's", "sure! here's", "certainly! here", "certainly, here", "I cannot fulfill", "I can't fulfill",
        "I cannot help with", "let me know if you would like", "let me know if you'd like", "let me know if you need",
        "feel free to ask", "would you like me to", "this article is just an example", "this is just an example",
        "for illustrative purposes only", "word count:", "[insert ", "(to be continued)", "continue writing",
        "my knowledge cutoff", "as of my last update",
    ],
    "zh": [
        "作为一个AI", "作为AI", "作为一个人工智能", "作为人工智能", "作为一个语言模型", "作为语言模型", "作为AI助手",
        "以下是…的撰写", "以下是为您", "以下是为你", "以下是根据您", "以下是根据你", "以下是您要求", "以下是你要求",
        "好的，以下是", "好的！以下是", "当然，以下是", "当然！以下是", "接下来请继续", "请继续…撰写", "本文仅为示例",
        "仅为示例文本", "希望对你有帮助", "希望对您有帮助", "希望这篇…对你有帮助", "希望这篇…对您有帮助", "如需进一步修改",
        "如果您需要我", "如果你需要我", "如有需要，我可以", "我无法完成", "字数：", "（未完待续）", "我的知识截止",
    ],
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


@lru_cache(maxsize=16)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    parts = [".{0,40}?".join(re.escape(_squash(p)) for p in phrase.split("…")) for phrase in phrases if phrase.strip()]
    return re.compile("|".join(sorted(set(parts), key=len, reverse=True)))


class MetaTextGate:
    """Holds the phrase list; ``with_phrases`` returns a copy extended by other plugins' phrases."""

    def __init__(self, phrases: dict[str, list[str]] | None = None):
        merged: dict[str, list[str]] = {lang: list(items) for lang, items in PHRASES.items()}
        for lang, items in (phrases or {}).items():
            merged.setdefault(lang, []).extend(items)
        # Every language's phrases apply to every page: an English aside in a Chinese page is as bad.
        self.pattern = _pattern(tuple(p for items in merged.values() for p in items))

    def with_phrases(self, phrases: dict[str, list[str]]) -> "MetaTextGate":
        return MetaTextGate(phrases)

    def __call__(self, ctx: GateContext):
        for number, line in enumerate(parse(ctx.text).prose, 1):
            if not line.strip():
                continue
            match = self.pattern.search(_squash(line))
            if match:
                yield Finding("meta-text", f"text about the writing itself ({match.group(0)!r}); write only the page", number)


@hookimpl
def confgen_meta_phrases():
    return PHRASES


@hookimpl
def confgen_gates():
    return {"meta-text": MetaTextGate()}
