"""Gate ``people``: every person a draft names exists in the facts, and an organisation a draft
attaches to a person is theirs.

Persons are found by what names look like and what is said of them, then grounded on the facts:
- Chinese: ``jieba.posseg`` tags person names (``nr``), with the event's own names added to its
  dictionary so it reads them whole; a tagged word counts as a person when it starts with a
  Chinese surname and its clause says something about a person (a role, a title, presenting).
- English: a run of two or three capitalised words in the same kind of clause ("joined by …",
  "…, CTO of …", "Dr. …", "… will present").
A name is grounded when it appears in the trusted facts (speakers, organizers, sponsors, titles) or
in the job's own untrusted text (a bio may name a co-author). Organisations are the companies of
the facts plus well-known ones; in a clause naming a speaker, each one must belong to a person that
clause names.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from confgen.api import Finding, GateContext, StashKey, hookimpl
from confgen.model import Conference
from confgen_plugins.gates._facts import Facts, facts_of
from confgen_plugins.gates._markdown import parse
from confgen_plugins.gates.grounding import OTHER_COMPANIES

TITLE_DOT = re.compile(r"\b(Dr|Prof|Mr|Mrs|Ms|St|Jr|Inc|Ltd|Co|vs|e\.g|i\.e)\.")
CLAUSE = re.compile(r"[^.;!?。；！？\n]+(?:[.;!?。；！？]|$)")
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂"
    "章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解"
    "牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎"
    "甄丛仲虞敖巩明佘池查麻苑迟邝")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "司徒", "尉迟", "长孙", "宇文")
PERSON_CUE_ZH = re.compile(
    r"嘉宾|讲者|主讲|演讲|发言|主持|专家|先生|女士|博士|教授|老师|工程师|研究员|科学家|架构师|创始人|联合创始人|总裁|总监|经理"
    r"|负责人|首席|CEO|CTO|COO|VP|分享|带来|来自|担任|就职|任职|加盟|出席|介绍|讲解|讲述|探讨|表示|指出|他|她")
#: What is said right before an English name that makes it a person's ("hosted by", "guest").
CUE_BEFORE_EN = re.compile(
    r"\b(?:by|guests?|speakers?|hosts?|moderators?|panell?ists?|featuring|welcomes?|invited|alongside|together with"
    r"|co-?founder|founder|ceo|cto|engineer|researcher|scientist|professor|hear from|meet)\s*[,:]?\s*$", re.I)
#: What is said right after it ("…, CTO of", "… will present", "… (Acme)").
CUE_AFTER_EN = re.compile(
    r"\s*(?:\(|,\s*who\b|,\s*(?:(?:a|an|the|our)\s+)?(?:(?-i:[A-Z]{2,4})\b|co-?founder|founder|head|director|lead|chief|senior|principal"
    r"|engineer|researcher|scientist|professor|architect|manager|president|vp)"
    r"|\s+(?:will\s+(?:also\s+)?(?:present|share|speak|talk|lead|host|join|give|deliver|discuss|explain|show|introduce"
    r"|walk|demonstrate|moderate|open|close)|who|said|says|presents|shares|speaks|leads|hosts|joins|gives|delivers|discusses|explains|talks"
    r"|has|is|was|works|worked|founded|built|wrote)\b)", re.I)
_WORD_EN = r"[A-Z](?:[a-z]+|[a-z]?'[A-Z][a-z]+)(?:-[A-Z][a-z]+)?"  # Becker, O'Neill, Smith-Jones
NAME_EN = re.compile(rf"(?<![\w.])((?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?({_WORD_EN}(?:\s+[A-Z]\.)?(?:\s+{_WORD_EN}){{1,2}})(?![\w'])")
#: Capitalised words that start sentences or name things, never people.
NOT_NAMES_EN = {
    "the", "a", "an", "this", "that", "these", "those", "our", "your", "their", "its", "in", "on", "at", "for", "by",
    "with", "from", "and", "or", "but", "if", "when", "what", "who", "why", "how", "all", "each", "every", "join",
    "speaker", "speakers", "guest", "guests", "host", "keynote", "session", "sessions", "workshop", "panel", "room",
    "hall", "lab", "track", "day", "main", "large", "language", "model", "models", "deep", "machine", "learning",
    "retrieval", "augmented", "generation", "python", "open", "source", "cloud", "data", "ai", "llm", "llms", "api",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "chinese", "english",
    "doors", "registration", "tickets", "ticket", "lunch", "coffee", "networking", "attendees", "developers",
    "researchers", "companies", "investors", "media", "everyone", "please", "note", "summary", "abstract",
    "background", "outlook", "appendix", "conference", "summit", "devcon", "event", "he", "she", "they", "we", "you",
    "it", "there", "here", "both", "after", "before", "during", "then", "also", "new", "next", "first", "last",
}
ORG_AFTER = re.compile(r"(?:\b(?:at|from|of|with|joins?|joined)\s+|来自|就职于|任职于|加入|供职于)\s*"
                       r"([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3}|[\u4e00-\u9fff]{2,10}?)(?=[\s,，。.;；、的]|$)")

#: Endings of technical terms, not of given names.
NOUN_SUFFIXES = set("性化度率器型式量法论链链图")
_SURNAME = "(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "])"
#: A name jieba does not know, found by where it stands: after a role ("特邀嘉宾", "由") and
#: before what a person does, or right before a form of address ("博士", "老师").
NAME_BY_ROLE_ZH = re.compile(
    rf"(?:嘉宾|工程师|专家|讲师|主持人|研究员|由|邀请了?|请到了?)({_SURNAME}[\u4e00-\u9fff]{{1,2}}?)"
    r"(?=博士|老师|先生|女士|教授|主持|主讲|担任|也|将|等|分享|介绍|带来|[，。、])")
NAME_BY_ADDRESS_ZH = re.compile(rf"({_SURNAME}[\u4e00-\u9fff]{{1,2}}?)(?=博士|老师|先生|女士|教授)")

_jieba_lock = threading.Lock()


KNOWN = StashKey[tuple[str, set[str]]]()


def _known(conference: Conference) -> tuple[str, set[str]]:
    # Built once per loaded conference, and kept with it: every draft's check asks for it.
    return conference.stash.setdefault_by(KNOWN, lambda: _known_built(conference))


def _known_built(conference: Conference) -> tuple[str, set[str]]:
    """The lower-cased trusted text and the organisations, by owner: facts index plus the
    organizer and sponsors."""
    facts = facts_of(conference)
    return facts.text, facts.organizations | OTHER_COMPANIES


TAGGER = StashKey[Any]()


def _tagger_of(conference: Conference, facts: Facts):
    """The conference's tagger, built once under the stash's lock: drafts checked at once on many
    threads would otherwise each load jieba's dictionary (seconds each) at the same time."""
    words = tuple(sorted(n for n in facts.speaker_names if re.search(r"[\u4e00-\u9fff]", n)))
    return conference.stash.setdefault_by(TAGGER, lambda: _tagger(words))


_dictionary_lock = threading.Lock()
_dictionary: tuple[dict[str, int], int, dict[str, str]] | None = None


def _default_dictionary() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's default dictionary, read once per process: word frequencies, their total, and word
    tags. Reading it is most of a small build's checking; each conference's tagger starts from a
    copy. The tags are those ``jieba.posseg`` already read from the same file when imported."""
    global _dictionary
    with _dictionary_lock:
        if _dictionary is None:
            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            base = jieba.Tokenizer()
            base.initialize()
            _dictionary = base.FREQ, base.total, dict(jieba.posseg.dt.word_tag_tab)
        return _dictionary


def _tagger(words: tuple[str, ...]):
    """A jieba part-of-speech tagger of its own (the global one stays untouched), knowing the
    event's names as whole words."""
    import jieba
    import jieba.posseg

    freq, total, tags = _default_dictionary()

    class Tagger(jieba.posseg.POSTokenizer):
        def __init__(self, tokenizer):  # the tags are copied, not read from the dictionary file again
            self.tokenizer = tokenizer
            self.word_tag_tab = dict(tags)

        def tag(self, clause: str) -> list[tuple[str, str]]:
            """``clause``'s (word, tag) pairs."""
            return [(pair.word, pair.flag) for pair in self.cut(clause)]

    tokenizer = jieba.Tokenizer()
    # What Tokenizer.initialize() sets, from the copy instead of the cache file.
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(freq), total, True
    for word in words:
        tokenizer.add_word(word, freq=100000, tag="nr")
    return Tagger(tokenizer)


def _names_zh(clause: str, conference: Conference, facts: Facts) -> list[str]:
    if not PERSON_CUE_ZH.search(clause):
        return []
    tagger = _tagger_of(conference, facts)
    with _jieba_lock:  # jieba's tokenizers are not thread-safe while they load
        tagged = tagger.tag(clause)
    found = []
    for word, flag in tagged:
        if flag != "nr" or PERSON_CUE_ZH.search(word) or not re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", word):
            continue
        if word[-1] in NOUN_SUFFIXES and len(word) >= 3:
            continue  # 鲁棒性, 马尔可夫链…: terms jieba reads as names
        compound = word.startswith(COMPOUND_SURNAMES)
        if not (compound or word[0] in SURNAMES) or (len(word) == 4 and not compound):
            continue
        found.append(word)
    found += [m.group(1) for pattern in (NAME_BY_ROLE_ZH, NAME_BY_ADDRESS_ZH) for m in pattern.finditer(clause)]
    return found


def _names_en(clause: str) -> list[str]:
    found = []
    for match in NAME_EN.finditer(clause):
        name = match.group(2)
        words = [w.rstrip(".") for w in name.split()]
        if any(w.lower() in NOT_NAMES_EN for w in words):
            continue
        before = clause[:match.start()].rstrip()
        after = clause[match.end():match.end() + 40]
        titled = bool(match.group(1))
        if titled or CUE_BEFORE_EN.search(before) or CUE_AFTER_EN.match(after):
            found.append(name)
    return found


def _grounded(name: str, known_text: str, untrusted: str) -> bool:
    key = " ".join(name.lower().split())
    return key in known_text or key in untrusted


def gate(ctx: GateContext):
    if ctx.conference is None:
        return
    facts = facts_of(ctx.conference)
    known_text, organizations = _known(ctx.conference)
    untrusted = " ".join(ctx.job.untrusted.values()).lower() if ctx.job else ""
    for number, line in enumerate(parse(ctx.text).plain, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        for clause in CLAUSE.findall(TITLE_DOT.sub(r"\1", line)):
            names = _names_zh(clause, ctx.conference, facts) if re.search(r"[\u4e00-\u9fff]", clause) else []
            names += _names_en(clause)
            for name in dict.fromkeys(names):
                if any(name != other and name in other for other in names):
                    continue  # the longer reading of the same name is judged
                if not _grounded(name, known_text, untrusted):
                    yield Finding("people", f"{name!r} is not a person in the facts (speakers, organizers); "
                                            "name only people the facts name", number)
            yield from _organizations(clause, number, facts, organizations)


def _organizations(clause: str, number: int, facts: Facts, organizations: set[str]):
    """In a clause naming speakers, every organisation named must be one of theirs."""
    pattern = facts.names_pattern
    if pattern is None:
        return
    speakers = {facts.speaker_of_name[m.group()] for m in pattern.finditer(clause)}
    if not speakers:
        return
    lower = clause.lower()
    theirs = set().union(*(facts.affiliations.get(s, set()) for s in speakers))
    named = {org for org in organizations if org and re.search(rf"(?<![a-z0-9]){re.escape(org)}(?![a-z0-9])", lower)}
    named |= {m.group(1).lower() for m in ORG_AFTER.finditer(clause) if m.group(1).lower() in organizations}
    names_lower = {n.lower() for s in speakers for n in facts.speakers[s]}
    for org in sorted(named):
        if any(org in mine or mine in org for mine in theirs) or any(org in n for n in names_lower):
            continue
        if any(org in other and other != org for other in named):
            continue  # "Pine" inside "Pine Labs": judged as the longer name
        who = " / ".join(sorted(n for s in speakers for n in facts.speakers[s] if n in clause))
        yield Finding("people", f"{org!r} is not the organisation of {who} in the facts "
                                f"({'; '.join(sorted(theirs)) or 'none given'})", number)


@hookimpl
def confgen_gates():
    return {"people": gate}
