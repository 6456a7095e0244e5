"""Gate ``meta-text``: sentences about the writing itself ("As an AI language model", "I hope this
helps", "以下是…的撰写") that a model adds around the text it was asked for. Other plugins add
phrases through ``confgen_meta_phrases``, which the core hands to ``confgen_gates`` merged with
this plugin's own; ``…`` in a phrase stands for a few words."""

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
    """Rejects lines holding any of ``phrases`` (every plugin's, this one's ``PHRASES`` among them)."""

    def __init__(self, phrases: dict[str, list[str]] | None = None):
        phrases = PHRASES if phrases is None else phrases
        # Every language's phrases apply to every page: an English aside in a Chinese page is as bad.
        self.pattern = _pattern(tuple(p for items in phrases.values() for p in items))

    def __call__(self, ctx: GateContext):
        lines = parse(ctx.text).prose
        flagged = set()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            match = self.pattern.search(_squash(line))
            if match:
                flagged.add(number)
                yield Finding("meta-text", f"text about the writing itself ({match.group(0)!r}); write only the page", number)
        for number, why in shapes(lines):
            if number not in flagged:
                yield Finding("meta-text", f"{why}; write only the page", number)


# -- meta-text by its shape -------------------------------------------------------------------------
# A page speaks to its readers about the event. Text that speaks to the requester about the
# request has shapes of its own, in any wording: an opening or closing line that introduces or
# hands over "the following", an offer to do more, a note about the draft itself.

WRITING_EN = r"(?:draft|text|article|page|faq|profile|bio|overview|description|summary|version|content|copy|answer|response|request|word count|words|section|outline|brief|question bank|welcome)"
WRITING_ZH = r"(?:文|稿|文章|文案|页面|正文|内容|简介|介绍|概览|问答|常见问题|题库|方案|版本|初稿|草稿|回答|字数|要求|请求)"
INTRO_EN = re.compile(
    rf"^\W*(?:(?:sure|certainly|of course|okay|ok|absolutely|great|alright|here you go)\b.*|(?:below|here|the following)\b.*\b{WRITING_EN}\b.*"
    rf"|.*\b(?:as requested|you asked|you requested|requested by you|per your request)\b.*)$", re.I)
INTRO_ZH = re.compile(rf"^\W*(?:(?:好的|好|当然|没问题|可以|收到|明白)[，,！!。：:].*|(?:以下|下面|如下).*{WRITING_ZH}.*|.*(?:按照|根据)(?:您|你)的(?:要求|需求).*)$")
HANDOVER = re.compile(r"[:：]\s*$")
OFFER_EN = re.compile(
    r"\b(?:(?:would|do) you (?:like|want) me|(?:shall|should) i (?:continue|go on|expand|write|add|revise|make)|i can (?:also|further|expand|adjust|revise|write|add|help)"
    r"|i(?:'d| would) be happy to|let me know|happy to (?:adjust|revise|expand|tweak)"
    r"|if you(?:'d| would)? (?:like|want|prefer) (?:me|i)|i (?:have|'ve) (?:written|drafted|kept|included|followed|made|used|tried))\b", re.I)
OFFER_ZH = re.compile(r"(?:需要我|要不要我|是否需要我|我可以(?:再|继续|帮|为|进一步)|我(?:已|已经)?(?:按照|根据|为您|为你)|请告诉我|如有(?:任何)?(?:修改|调整)(?:意见|需求))")
NOTE_EN = re.compile(rf"^\W*(?:\(|\[)?\s*(?:note|notes|disclaimer|p\.?s\.?)\b.*\b(?:this|the)\s+{WRITING_EN}\b", re.I)
NOTE_ZH = re.compile(rf"^\W*[（(【\[]?\s*(?:注|备注|说明|提示|附注)\s*[:：].*(?:本|此|以上|上述){WRITING_ZH}")
SELF_EN = re.compile(r"\b(?:this|the above|the following)\s+(?:draft|text|copy|version|response|answer)\s+(?:was|is|has been|have been)\s+"
                     r"(?:written|generated|drafted|produced|kept|based on the (?:facts|information|details) (?:provided|given))", re.I)
# The text as the object of its own making ("本文由…生成", "以上内容依据…撰写", "本文字数…"); a topic
# that merely contains such a verb ("本文以检索增强生成为主线") is no note about the writing.
SELF_ZH = re.compile(r"(?:本文|本稿|此稿|这篇稿件|以上内容|以上文字|上述内容)(?:.{0,4}?(?:是|为|系|由|根据|基于|已|按照?|依据)"
                     r".{0,30}?(?:撰写|生成|写成|改写|润色)(?:的|而成|。|，|$)|(?:的|总)?字数)")
FIRST_PERSON_EN = re.compile(r"\b(?:i|i'm|i've|i'll|me|my)\b", re.I)
SECOND_PERSON_EN = re.compile(r"\b(?:you|your)\b", re.I)


def shapes(lines: list[str]) -> list[tuple[int, str]]:
    """(line, why) of lines shaped like a conversation with the requester."""
    filled = [(n, line.strip()) for n, line in enumerate(lines, 1) if line.strip()]
    found: list[tuple[int, str]] = []
    edges = {filled[0][0], filled[-1][0]} if filled else set()
    for number, line in filled:
        text = line.lstrip("#>*-_ ").strip()
        if number in edges and (INTRO_EN.match(text) or INTRO_ZH.match(text)) and (
                HANDOVER.search(text) or number == filled[0][0] and _addressed(text)):
            found.append((number, "an opening or closing line addressed to whoever asked for the text"))
        elif number in edges and _addressed(text) and HANDOVER.search(text):
            found.append((number, "a line handing the text over to whoever asked for it"))
        elif OFFER_EN.search(text) or OFFER_ZH.search(text):
            found.append((number, "an offer or a remark to whoever asked for the text"))
        elif NOTE_EN.match(text) or NOTE_ZH.match(text) or SELF_EN.search(text) or SELF_ZH.search(text):
            found.append((number, "a note about the writing itself"))
    return found


def _addressed(text: str) -> bool:
    """Speaks as "I" to "you", or opens with an acknowledgement ("Sure", "好的")."""
    return bool(FIRST_PERSON_EN.search(text) and SECOND_PERSON_EN.search(text)
                or re.match(r"^\W*(?:sure|certainly|of course|okay|absolutely|here you go|好的|当然|没问题|收到)", text, re.I)
                or re.search(r"(?:您|你)(?:要|需要|要求|请求)的", text))


@hookimpl
def confgen_meta_phrases():
    return PHRASES


@hookimpl
def confgen_gates(meta_phrases: dict[str, list[str]]):
    return {"meta-text": MetaTextGate(meta_phrases)}
