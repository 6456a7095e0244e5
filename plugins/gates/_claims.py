"""Finding claims in text: dates (with or without year, with a weekday), times, prices, URLs and
e-mail addresses. The same extractors read the facts and the drafts, so a date the organizers
wrote in an FAQ answer is a known date in exactly the form a draft may repeat it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS_EN = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
WEEKDAYS_EN.update({d[:3]: i for d, i in list(WEEKDAYS_EN.items())})
WEEKDAYS_ZH = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_RE = "|".join(sorted(WEEKDAYS_EN, key=len, reverse=True))

ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])")
ZH_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号](?:\s*[（(]?\s*(?:周|星期|礼拜)([一二三四五六日天])\s*[）)]?)?")
ZH_YEAR_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])")
EN_DAY_MONTH = re.compile(
    rf"(?:\b({WEEKDAY_RE})\.?,?\s+)?\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b", re.I)
EN_MONTH_DAY = re.compile(
    rf"(?:\b({WEEKDAY_RE})\.?,?\s+)?\b({MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I)
EN_MONTH_YEAR = re.compile(rf"\b({MONTH_RE})\.?\s+(\d{{4}})\b", re.I)
WEEKDAY_ALONE_EN = re.compile(rf"\b(?:on|every|this|next)\s+({WEEKDAY_RE})s?\b", re.I)
WEEKDAY_ALONE_ZH = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")

TIME_24 = re.compile(r"(?<![\d:.])([01]?\d|2[0-3])\s*[:：]\s*([0-5]\d)(?![\d:])")
TIME_12 = re.compile(r"(?<![\d:.])(1[0-2]|0?[1-9])(?:[:：]([0-5]\d))?\s*(a\.?m\.?|p\.?m\.?)(?![a-z])", re.I)
TIME_ZH = re.compile(r"(上午|早上|中午|下午|晚上)\s*(\d{1,2})\s*[点時时](?:\s*(半)|\s*(\d{1,2})\s*分)?")

AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?"
PRICE = re.compile(
    rf"(?:(?:CNY|RMB|USD|EUR|人民币)\s*|[¥￥$€]\s*){AMOUNT}(?!\s*%)"
    rf"|{AMOUNT}\s*(?:元|块钱|CNY|RMB|USD|EUR|yuan|dollars?|euros?)(?![A-Za-z])", re.I)


#: Every date, time, price and year-month has a digit (the patterns' own ``\d``): a line with none is
#: answered without running them. Most lines of prose have none, and the patterns are many.
DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class DateClaim:
    start: int
    end: int
    year: int | None
    month: int
    day: int
    weekday: int | None
    text: str


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def dates(line: str) -> list[DateClaim]:
    if not DIGIT.search(line):
        return []
    found: list[DateClaim] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], year, month, day, weekday) -> None:
        if any(a < match.end() and match.start() < b for a, b in taken):
            return
        taken.append((match.start(), match.end()))
        found.append(DateClaim(match.start(), match.end(), year, month, day, weekday, match.group(0).strip()))

    for m in ISO_DATE.finditer(line):
        add(m, int(m.group(1)), int(m.group(2)), int(m.group(3)), None)
    for m in ZH_DATE.finditer(line):
        add(m, _int(m.group(1)), int(m.group(2)), int(m.group(3)), WEEKDAYS_ZH.get(m.group(4) or ""))
    for m in EN_DAY_MONTH.finditer(line):
        add(m, _int(m.group(4)), MONTHS[m.group(3).lower()], int(m.group(2)),
            WEEKDAYS_EN.get((m.group(1) or "").lower()))
    for m in EN_MONTH_DAY.finditer(line):
        add(m, _int(m.group(4)), MONTHS[m.group(2).lower()], int(m.group(3)),
            WEEKDAYS_EN.get((m.group(1) or "").lower()))
    return found


def year_months(line: str) -> list[tuple[int, int, str]]:
    if not DIGIT.search(line):
        return []
    out = [(int(m.group(1)), int(m.group(2)), m.group(0)) for m in ZH_YEAR_MONTH.finditer(line)]
    out += [(int(m.group(2)), MONTHS[m.group(1).lower()], m.group(0)) for m in EN_MONTH_YEAR.finditer(line)]
    return out


def lone_weekdays(line: str, lang_zh: bool) -> list[tuple[int, str, int]]:
    """Weekdays not attached to a date: (position, text, weekday)."""
    out = [(m.start(), m.group(0), WEEKDAYS_EN[m.group(1).lower()]) for m in WEEKDAY_ALONE_EN.finditer(line)]
    out += [(m.start(), m.group(0), WEEKDAYS_ZH[m.group(1)]) for m in WEEKDAY_ALONE_ZH.finditer(line)]
    return out


def times(line: str) -> list[tuple[str, str]]:
    """(HH:MM, as written)."""
    if not DIGIT.search(line):
        return []
    out = [(f"{int(m.group(1)):02d}:{m.group(2)}", m.group(0)) for m in TIME_24.finditer(line)]
    for m in TIME_12.finditer(line):
        hour = int(m.group(1)) % 12 + (12 if m.group(3).lower().startswith("p") else 0)
        out.append((f"{hour:02d}:{m.group(2) or '00'}", m.group(0)))
    for m in TIME_ZH.finditer(line):
        hour = int(m.group(2))
        if m.group(1) in ("下午", "晚上") and hour < 12:
            hour += 12
        if m.group(1) == "中午" and hour < 6:
            hour += 12
        minute = 30 if m.group(3) else int(m.group(4) or 0)
        if hour < 24 and minute < 60:
            out.append((f"{hour:02d}:{minute:02d}", m.group(0)))
    return out


def prices(line: str) -> list[tuple[float, str]]:
    if not DIGIT.search(line):
        return []
    out = []
    for m in PRICE.finditer(line):
        whole, cents = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        out.append((float(whole.replace(",", "") + "." + (cents or "0")), m.group(0).strip()))
    return out


def valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
