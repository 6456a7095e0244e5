"""What a talk or speaker page can say beyond its facts box, from the data alone: each person's role
in a session, the practical notes of a session (interpretation, streaming, recording, the workshop
add-on ticket and its seats) and the topics an abstract lists.

The practical notes come from ``extensions.talks`` in conference.yaml; a note the data does not
give is left out, never guessed::

    extensions:
      talks:
        interpretation: [main-hall]        # rooms with simultaneous interpretation
        streamed: {rooms: [main-hall], types: [keynote, panel, competition]}
        not_recorded: [workshop]           # session types that are not recorded
        workshop_ticket: workshop-addon    # the ticket a workshop seat needs
"""

from __future__ import annotations

import re

from confgen.model import Conference, Role, Session, tr

#: The role a session's type gives its people unless the session's ``roles`` says otherwise.
ROLE_OF_TYPE = {"panel": "panelist", "competition": "judge", "workshop": "instructor"}
ROLES = tuple(role.value for role in Role)


def settings(conference: Conference) -> dict:
    return conference.extensions.get("talks") or {}


def roles(conference: Conference, session: Session) -> dict[str, str]:
    """``{speaker id: role}`` for the people of ``session``."""
    default = ROLE_OF_TYPE.get(session.type.value, "speaker")
    return {person: session.roles[person].value if person in session.roles else default for person in session.speakers}


def practical(conference: Conference, session: Session, lang: str) -> dict:
    """The practical notes of ``session`` that the data supports (JSON-able)."""
    options = settings(conference)
    notes: dict = {}
    room = conference.room(session.room)
    if room is not None and "interpretation" in options:
        notes["interpretation"] = room.id in (options.get("interpretation") or [])
    streamed = options.get("streamed")
    if room is not None and isinstance(streamed, dict):
        notes["streamed"] = room.id in (streamed.get("rooms") or []) and session.type.value in (streamed.get("types") or [])
    if "not_recorded" in options:
        notes["recorded"] = session.type.value not in (options.get("not_recorded") or [])
    if session.type.value == "workshop":
        ticket = next((t for t in conference.tickets if t.id == options.get("workshop_ticket")), None)
        if ticket is not None:
            notes["ticket"] = {"name": tr(ticket.name, lang), "price": ticket.price, "currency": ticket.currency}
        if room is not None:
            notes["seats"] = room.capacity
    return notes


# -- topics an abstract lists --------------------------------------------------------------------------

ZH_CLAUSE = re.compile(r"[^。！？；，：]+")
ZH_SPLIT = re.compile(r"、|以及|及|和|与")
#: Words that lead into a list (「内容包括」, 「本演讲对比」) or trail it (「等方法的原理」).
ZH_LEAD = re.compile(r"^.*(?:包括|涵盖|讨论|分析|介绍|比较|对比|梳理|解释|分享|将|结合|从|如|如何|基于)(?=.)")
ZH_TAIL = re.compile(r"(?:等.*|各自.*|方面.*|的原理.*|对.{1,6}的影响.*|如何影响.*|的设计.*|的优化方法.*|三种方式.*|"
                     r"四个维度.*|整合为.*|里.*|在多个任务.*|的完整链路.*|为模型.*|的收益.*)$")
EN_CLAUSE = re.compile(r"[^.;:—]+")
EN_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+")
EN_LEAD = re.compile(r"^.*?\b(?:including|include|includes|covers?|compares?|explains?|analyzes?|discuss|discusses|"
                     r"shows how to \w+|shows how|such as|on)\s+(?:how\s+)?", re.I)
EN_TAIL = re.compile(r"\s+(?:affect|distort|shape|in terms of|to assemble|end to end|each really|when each)\b.*$", re.I)


#: A list item holding one of these is a piece of a sentence, not a topic: the list is not used.
ZH_NOT_TOPIC = re.compile(r"将|如何|我们|本场|本演讲|本报告|嘉宾|者|把|从|对|在|为|由|了|但|这|何|让|各自|不同|都|三|四|的收益|之间|经验|组成|^分享$")
EN_NOT_TOPIC = re.compile(r"^(?:[A-Z][a-z]+)\b|\b(?:affect|affects|are|is|relate|combines|announces|wires|demonstrates|"
                          r"learn|we|this|how|why|when|its|each|which|that)\b|\d")


def _clean(items: list[str], lead: re.Pattern, tail: re.Pattern, longest: int, words: bool) -> list[str]:
    items = [i.strip(" 。.\"“”") for i in items]
    if items:
        items[0] = lead.sub("", items[0]).strip()
        items[-1] = tail.sub("", items[-1]).strip()
    size = (lambda i: len(i.split())) if words else len
    not_topic = EN_NOT_TOPIC if words else ZH_NOT_TOPIC
    shortest = 1 if words else 2
    if not items or any(not i or size(i) > longest or size(i) < shortest or not_topic.search(i) for i in items):
        return []
    return items


def topics(abstract: str, lang: str) -> list[str]:
    """The longest list of three or more short topics an abstract names (「文档切分粒度、表格…」,
    "chunking, embedding, indexing"); empty when it names none cleanly."""
    if lang == "zh":
        clauses, split, lead, tail, longest, words = ZH_CLAUSE.findall(abstract), ZH_SPLIT, ZH_LEAD, ZH_TAIL, 10, False
    else:
        clauses, split, lead, tail, longest, words = EN_CLAUSE.findall(abstract), EN_SPLIT, EN_LEAD, EN_TAIL, 5, True
    best: list[str] = []
    for clause in clauses:
        parts = [p for p in split.split(clause) if p.strip()]
        if len(parts) < 3:
            continue
        cleaned = _clean(parts, lead, tail, longest, words)
        if len(cleaned) > len(best):
            best = cleaned
    return best[:6]


# -- what a reader takes away ----------------------------------------------------------------------

ZH_SENTENCE = re.compile(r"[^。！？]+[。！？]?")
EN_SENTENCE = re.compile(r"\S.*?(?:[.!?](?=\s|$)|$)")
#: A sentence about the session's language or interpretation: the practical notes say it better.
LANGUAGE_NOTE = re.compile(r"同声传译|同传|为英文演讲|为中文演讲|以英文进行|以中文进行|\binterpretation\b|"
                           r"\bis (?:given |held )?in (?:English|Chinese)\b", re.I)


def takeaways(abstract: str, lang: str) -> tuple[str, list[str]]:
    """(the abstract's opening, what a reader takes away): when an abstract names no clean list of
    topics, the sentences after its first one say what the session brings, each one point. The
    opening is the whole abstract when there is nothing to list, so nothing of it is lost."""
    pattern = ZH_SENTENCE if lang == "zh" else EN_SENTENCE
    sentences = [s.strip() for s in pattern.findall(abstract.strip()) if s.strip()]
    points = [s for s in sentences[1:] if not LANGUAGE_NOTE.search(s)]
    if not points:
        return abstract.strip(), []
    return sentences[0], points
