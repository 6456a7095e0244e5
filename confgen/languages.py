"""The site's languages and the words of its interface, in one place.

Each language is built as its own MkDocs project. Adding one means: its code in ``LANGUAGES``, its
name in ``NAMES``, a word for it in every ``LABELS`` entry, and its templates
(``templates/*/<kind>.<lang>.md.j2``). Content kinds never name a language: the core asks each
kind for its jobs once per language (``ContentKind.jobs``) and renders its pages once per language.

A leaf: it imports nothing, so ``confgen/__init__`` and the model can use it.
"""

from __future__ import annotations

#: The languages of every site, in build order; the first is the fallback of a missing word.
LANGUAGES = ("zh", "en")

#: Each language in its own words, for the language switcher.
NAMES = {"zh": "中文", "en": "English"}

#: Interface words by key and language: session types, levels, sponsor tiers, languages of a
#: session, and the budget's cost lines.
LABELS: dict[str, dict[str, str]] = {
    "keynote": {"zh": "主题演讲", "en": "Keynote"}, "talk": {"zh": "演讲", "en": "Talk"},
    "workshop": {"zh": "工作坊", "en": "Workshop"}, "case": {"zh": "案例分享", "en": "Case study"},
    "panel": {"zh": "圆桌论坛", "en": "Round table"}, "competition": {"zh": "技术竞赛", "en": "Competition"},
    "beginner": {"zh": "入门", "en": "Beginner"}, "intermediate": {"zh": "进阶", "en": "Intermediate"},
    "advanced": {"zh": "高级", "en": "Advanced"},
    "diamond": {"zh": "钻石赞助", "en": "Diamond"}, "platinum": {"zh": "白金赞助", "en": "Platinum"},
    "gold": {"zh": "黄金赞助", "en": "Gold"}, "silver": {"zh": "白银赞助", "en": "Silver"},
    "partner": {"zh": "合作伙伴", "en": "Partner"}, "media": {"zh": "媒体支持", "en": "Media partner"},
    "zh": {"zh": "中文", "en": "Chinese"}, "en": {"zh": "英文", "en": "English"},
    # A session's people by their role in it, one and several (the talk page's facts box).
    "role.speaker": {"zh": "讲者", "en": "Speaker"}, "role.speaker.many": {"zh": "讲者", "en": "Speakers"},
    "role.host": {"zh": "主持", "en": "Host"}, "role.host.many": {"zh": "主持", "en": "Hosts"},
    "role.panelist": {"zh": "嘉宾", "en": "Panelist"}, "role.panelist.many": {"zh": "嘉宾", "en": "Panelists"},
    "role.judge": {"zh": "评委", "en": "Judge"}, "role.judge.many": {"zh": "评委", "en": "Judges"},
    "role.instructor": {"zh": "讲师", "en": "Instructor"}, "role.instructor.many": {"zh": "讲师", "en": "Instructors"},
    "cost.venue": {"zh": "场地（按天）", "en": "Venue (per day)"},
    "cost.production": {"zh": "舞台与制作", "en": "Stage and production"},
    "cost.travel": {"zh": "讲者差旅（按人）", "en": "Speakers' travel (per speaker)"},
    "cost.catering": {"zh": "餐饮（按人·天）", "en": "Catering (per attendee-day)"},
    "cost.promotion": {"zh": "推广投放", "en": "Promotion"},
}


def label(key: object, lang: str) -> str:
    """The interface word for ``key`` (a string or an enum member) in ``lang``; the key itself when
    there is none."""
    key = str(getattr(key, "value", key))
    words = LABELS.get(key)
    if not words:
        return key
    return words.get(lang) or next(iter(words.values()))
