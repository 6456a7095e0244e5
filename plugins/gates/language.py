"""Gate ``language``: a Chinese page that is mostly English, or an English page that is mostly
Chinese. Counted outside code, URLs and the names the facts contain (speakers, companies, rooms,
titles), which may rightly be in either script. One Chinese character weighs about as much as
three Latin letters."""

from __future__ import annotations

import re

from confgen.api import Finding, GateContext, StashKey, hookimpl
from confgen.model import Conference
from confgen_plugins.gates._markdown import parse

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
LETTERS_PER_HANZI = 3.0
MIN_UNITS = 40  # too little text to judge
MIN_SHARE = 0.5  # the page's own language must carry at least half of the text


NAMES = StashKey[re.Pattern[str] | None]()


def _names(conference: Conference) -> re.Pattern[str] | None:
    # Built once per loaded conference, and kept with it: every draft's check asks for it.
    return conference.stash.setdefault_by(NAMES, lambda: _names_built(conference))


def _names_built(conference: Conference) -> re.Pattern[str] | None:
    names: set[str] = set()
    for speaker in conference.speakers:
        for value in (speaker.name, speaker.affiliation, speaker.title):
            names.update((value or {}).values())
    for item in [*conference.sponsors, *conference.rooms, *conference.tracks, *conference.tickets]:
        names.update(item.name.values())
    for session in conference.sessions:
        names.update(session.title.values())
    for reference in conference.references:
        names.add(reference.title)
        names.add(reference.authors or "")
    names = {n for n in names if len(n) >= 2}
    if not names:
        return None
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def shares(text: str) -> tuple[float, float]:
    hanzi = len(CJK.findall(text))
    latin = len(LATIN.findall(text)) / LETTERS_PER_HANZI
    return hanzi, latin


def gate(ctx: GateContext):
    if ctx.lang not in ("zh", "en"):
        return
    doc = parse(ctx.text)
    text = "\n".join(doc.plain)
    if ctx.conference is not None:
        names = _names(ctx.conference)
        if names is not None:
            text = names.sub(" ", text)
    hanzi, latin = shares(text)
    total = hanzi + latin
    if total < MIN_UNITS:
        return
    own = hanzi if ctx.lang == "zh" else latin
    if own / total < MIN_SHARE:
        expected = "Chinese" if ctx.lang == "zh" else "English"
        other = "English" if ctx.lang == "zh" else "Chinese"
        yield Finding("language", f"the page should be in {expected} but {100 * (1 - own / total):.0f}% of its text is {other}", _first_foreign_line(doc, ctx.lang))


def _first_foreign_line(doc, lang: str) -> int:
    for number, line in enumerate(doc.plain, 1):
        hanzi, latin = shares(line)
        if hanzi + latin >= 10 and ((hanzi < latin) if lang == "zh" else (latin < hanzi)):
            return number
    return 1


@hookimpl
def confgen_gates():
    return {"language": gate}
