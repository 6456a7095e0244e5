"""Gate ``facts``: dates, weekdays, years, times, prices, free tickets, cities, rooms, speakers and
their companies stated in a draft must agree with conference.yaml.

Numbers in code and formulas are not claims (the prose view blanks them). Paragraphs quoted word
for word from the job's untrusted text (an abstract, a bio) are the submitter's own words, shown
as theirs on a sanitized page, and are not checked here; the links gate still checks their URLs.
"""

from __future__ import annotations

import re

from confgen.api import Finding, GateContext, hookimpl
from confgen_plugins.gates import _claims
from confgen_plugins.gates._facts import Facts, facts_of
from confgen_plugins.gates._markdown import Doc, parse

EVENT_WORDS = re.compile(
    r"conference|devcon|summit|event|held|takes? place|venue|attend|大会|峰会|会议|活动|举行|举办|召开|会场|场馆|地点|参会|报名", re.I)
EVENT_YEAR = re.compile(
    r"(?:devcon|con|conference|summit|大会|峰会|年会)\s*['’]?\s*((?:19|20)\d\d)(?!\d)"
    r"|(?<!\d)((?:19|20)\d\d)\s*(?:年\s*)?(?:的\s*)?(?:大会|峰会|年会|conference|summit|edition)", re.I)
CITIES = {
    "北京": "beijing", "上海": "shanghai", "深圳": "shenzhen", "广州": "guangzhou", "杭州": "hangzhou",
    "成都": "chengdu", "南京": "nanjing", "武汉": "wuhan", "西安": "xi'an", "苏州": "suzhou", "天津": "tianjin",
    "重庆": "chongqing", "长沙": "changsha", "厦门": "xiamen", "青岛": "qingdao", "香港": "hong kong",
    "台北": "taipei", "澳门": "macau", "东京": "tokyo", "首尔": "seoul", "新加坡": "singapore", "伦敦": "london",
    "巴黎": "paris", "柏林": "berlin", "纽约": "new york", "旧金山": "san francisco", "西雅图": "seattle",
    "硅谷": "silicon valley", "悉尼": "sydney", "多伦多": "toronto", "阿姆斯特丹": "amsterdam", "合肥": "hangzhou",
}
CITY = re.compile("|".join(sorted([*CITIES, *(re.escape(c) for c in CITIES.values())], key=len, reverse=True)), re.I)
ROOM_EN = re.compile(r"\b(?:Room|Hall|Breakout|Auditorium|Ballroom)\s+[A-Z0-9][A-Za-z0-9-]*|\b[A-Z][a-z]+\s+(?:Room|Hall|Lab)\b")
ROOM_ZH = re.compile(r"分会场\s*[A-Z0-9一二三四五六七八九十]+|(?<![A-Za-z0-9])[A-Z0-9]\s*(?:厅|号厅|会议室)|[（(][\u4e00-\u9fff]{2,4}厅[）)]")
GENERIC_ROOMS = {"main hall", "the hall", "banquet hall", "exhibition hall", "expo hall"}
FREE_WORD = re.compile(r"\bfree\b|免费|(?<![\d.])0\s*元|[¥￥]\s*0(?![\d.])", re.I)
FREE_ADMISSION = re.compile(
    r"(?:admission|entry|entrance|attendance|tickets?)\s+(?:is|are)\s+free|free\s+(?:admission|entry|tickets?|to attend)"
    r"|免费(?:参会|参加大会|入场|门票)|门票免费", re.I)
PRESENTER_EN = re.compile(
    r"(?i:presented|given|delivered|hosted|moderated|led|taught)\s+(?i:by)\s+((?:[A-Z][\w'-]+)(?:\s+[A-Z][\w'-]+){0,3})"
    r"|\b(?i:speakers?)\s*:\s*((?:[A-Z][\w'-]+)(?:\s+[A-Z][\w'-]+){0,3})")
PRESENTER_ZH = re.compile(r"(?:主讲(?:人|嘉宾)?|演讲者|讲者|分享嘉宾|主持人?)\s*[：:为是]\s*([\u4e00-\u9fff·]{2,4}|[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,3})")
DATE_NAME = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def quoted_lines(doc: Doc, ctx: GateContext) -> set[int]:
    """Lines of paragraphs copied verbatim from the job's untrusted text."""
    if ctx.job is None or not ctx.job.untrusted:
        return set()
    sources = [" ".join(v.split()) for v in ctx.job.untrusted.values() if v]
    skipped: set[int] = set()
    for paragraph in doc.paragraphs:
        if len(paragraph.text) >= 20 and any(paragraph.text in source for source in sources):
            line = paragraph.line
            while line <= len(doc.prose) and doc.prose[line - 1].strip():
                skipped.add(line)
                line += 1
    return skipped


def gate(ctx: GateContext):
    if ctx.conference is None:
        return
    facts = facts_of(ctx.conference)
    doc = parse(ctx.text)
    skip = quoted_lines(doc, ctx)
    talk_room = _job_room(ctx, facts)
    talk_speakers = _job_speakers(ctx)
    for number, line in enumerate(doc.plain, 1):
        if number in skip or not line.strip():
            continue
        for message in _check_line(line, facts, ctx, talk_room, talk_speakers):
            yield Finding("facts", message, number)


def _check_line(line: str, facts: Facts, ctx: GateContext, talk_room, talk_speakers):
    lower = line.lower()
    event_context = bool(EVENT_WORDS.search(line))
    claims = _claims.dates(line)
    for claim in claims:
        year = claim.year or facts.event_year
        day = _claims.valid_date(year, claim.month, claim.day)
        if day is None:
            yield f"{claim.text!r} is not a valid date"
            continue
        if claim.weekday is not None and day.weekday() != claim.weekday:
            yield f"{claim.text!r}: {day.isoformat()} is a {DATE_NAME[day.weekday()]}"
        if claim.year is not None and day not in facts.dates:
            yield f"date {claim.text!r} is not in the facts (conference.yaml)"
        elif claim.year is None and (claim.month, claim.day) not in facts.month_days:
            yield f"date {claim.text!r} is not in the facts (conference.yaml)"
    for year, _, text in _claims.year_months(line):
        if year not in facts.years:
            yield f"{text!r}: the year {year} is not in the facts"
    for match in EVENT_YEAR.finditer(line):
        year = int(match.group(1) or match.group(2))
        if year not in facts.years:
            yield f"{match.group(0).strip()!r}: the event is in {facts.event_year}"
    if event_context:
        days = {d.weekday() for d in ctx.conference.event.days}
        for position, text, weekday in _claims.lone_weekdays(_without_names(line, facts), ctx.lang == "zh"):
            if any(c.start <= position < c.end for c in claims):
                continue
            if weekday not in days:
                yield f"{text!r}: the event days are {', '.join(DATE_NAME[d] for d in sorted(days))}"
    for hhmm, text in _claims.times(line):
        if hhmm not in facts.times:
            yield f"time {text.strip()!r} is not in the programme or the facts"
    for amount, text in _claims.prices(line):
        if amount not in facts.prices and not _computed(ctx, amount):
            yield f"price {text!r} is not among the ticket prices or other prices in the facts"
    if FREE_WORD.search(line):
        for names, price in facts.tickets.values():
            if price > 0 and any(_near_free(lower, name) for name in names):
                yield f"a ticket that costs {price:g} is called free"
        match = FREE_ADMISSION.search(line)
        if match and 0 not in facts.prices and match.group(0).lower() not in facts.text:
            yield f"{match.group(0)!r}: no ticket is free"
    if event_context:
        for match in CITY.finditer(line):
            if match.group(0).lower() not in facts.text:
                yield f"city {match.group(0)!r} is not where the event is"
    for match in [*ROOM_EN.finditer(line), *ROOM_ZH.finditer(line)]:
        phrase = " ".join(match.group(0).strip("（）()").split()).lower()
        if phrase not in facts.text and phrase not in GENERIC_ROOMS:
            yield f"room {match.group(0).strip('（）()')!r} is not a room of the venue"
    if talk_room:
        own, others = talk_room
        for name in others:
            if name in line and not any(name in mine for mine in own if mine != name):
                yield f"the session is in {sorted(own)[0]}, not {name}"
    yield from _people(line, lower, facts, talk_speakers)


def _computed(ctx: GateContext, amount: float) -> bool:
    """An amount among the job's facts, which hold what confgen computes from conference.yaml
    (the planning brief's revenue, cost and net): a fact too."""
    from confgen_plugins.gates.figures import numbers

    return ctx.job is not None and any(abs(amount - n) < 0.5 for n in numbers(ctx.job.facts, set()))


def _without_names(line: str, facts: Facts) -> str:
    """Names can hold weekday characters (周一鸣): blank them, keeping positions."""
    for names in facts.speakers.values():
        for name in names:
            if name in line:
                line = line.replace(name, " " * len(name))
    return line


def _near_free(lower: str, name: str) -> bool:
    at = lower.find(name)
    if at < 0:
        return False
    window = lower[at: at + len(name) + 25]
    return bool(FREE_WORD.search(window)) and not re.search(r"free\s+(?:of|from)\b(?!\s+charge)|免费(?:转让|直播|退)", window)


def _people(line: str, lower: str, facts: Facts, talk_speakers: set[str] | None):
    known = facts.speaker_names
    allowed = talk_speakers if talk_speakers is not None else known
    for match in [*PRESENTER_EN.finditer(line), *PRESENTER_ZH.finditer(line)]:
        name = next(g for g in match.groups() if g)
        if not any(name.startswith(k) or k.startswith(name) for k in allowed):
            who = "is not a speaker of this session" if name in known or any(name.startswith(k) for k in known) else "is not a speaker"
            yield f"{name!r} {who}"
    pattern = facts.names_pattern
    seen: set[str] = set()
    for found in pattern.finditer(line) if pattern else ():
        name = found.group()
        if name in seen:  # as before: a name is judged at its first mention in the line
            continue
        seen.add(name)
        speaker_id = facts.speaker_of_name[name]
        at = found.start()
        tail = line[at + len(name): at + len(name) + 60]
        said = re.match(r"\s*[（(]([^）)]{2,50})[）)]|\s*(?:from|of|at)\s+([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})", tail)
        if not said:
            continue
        org = (said.group(1) or said.group(2)).lower()
        mine = facts.affiliations.get(speaker_id, set())
        if any(m in org or org in m for m in mine):
            continue
        if any(o in org or org in o for o in facts.organizations - mine) or org in OTHER_COMPANIES:
            yield f"{name} is with {'/'.join(sorted(mine)) or 'no company in the facts'}, not {org!r}"


OTHER_COMPANIES = {c.lower() for c in (
    "Google", "OpenAI", "Microsoft", "Meta", "Amazon", "Apple", "NVIDIA", "Anthropic", "DeepSeek", "IBM", "Intel",
    "Alibaba", "Tencent", "Baidu", "ByteDance", "Huawei", "Xiaomi", "JD", "Meituan",
    "阿里巴巴", "阿里", "腾讯", "百度", "字节跳动", "华为", "小米", "京东", "美团", "微软", "谷歌")}


def _job_room(ctx: GateContext, facts: Facts):
    if ctx.job is None or ctx.job.kind != "talks" or not ctx.job.facts.get("room"):
        return None
    room = ctx.job.facts["room"]
    own = next((names for names in facts.rooms.values() if room in names), None)
    if own is None:
        return None
    others = {n for names in facts.rooms.values() if names is not own for n in names if n not in room}
    return own, {n for n in others if not any(n in o for o in own)}


def _job_speakers(ctx: GateContext) -> set[str] | None:
    if ctx.job is None or ctx.job.kind != "talks":
        return None
    speakers = ctx.job.facts.get("speakers") or []
    if ctx.conference is None:
        return {s.get("name", "") for s in speakers}
    names = set()
    for s in speakers:
        person = ctx.conference.speaker(s.get("id", ""))
        names.update(person.name.values() if person else [s.get("name", "")])
    return names


@hookimpl
def confgen_gates():
    return {"facts": gate}
