"""Social cards: for every talk, a 1200×630 PNG in the page's language (title, speakers, time and
room) that link previews show, and the page's ``og:``/``twitter:`` data (``cg_card``,
``cg_summary`` in its front matter, written into ``<meta>`` by ``partials/cg-site-meta.html``).

Cards are drawn with Pillow. Chinese needs a CJK font: the first one fontconfig lists for Chinese
(``fc-list :lang=zh``), else a known file under the usual font folders, else the file named by
``CONFGEN_CARD_FONT`` (which wins when set). With none, Chinese cards are left out, the talk pages
carry no image, and the build says why once; English cards still use any Latin font there is.

A card is drawn only when what it shows changed: each is kept in ``.confgen/cards/<lang>/`` under a
hash of its text, the font and this module's source, and a rebuild copies it from there. While the
first language's cards are drawn, a process of their own draws the other language's into that
cache (:func:`draw_ahead`). The text is drawn as text, never read as markup.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from confgen.api import LANGUAGES, Asset, ContentKind, Draft, Page, RenderContext, StashKey, dated, hookimpl, word
from confgen.model import Conference, Session, tr

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BACKGROUND, INK, MUTED, ACCENT = "#1a237e", "#ffffff", "#c5cae9", "#ff7043"
FONT_ENV = "CONFGEN_CARD_FONT"
#: Files tried when fontconfig is missing, most common first (Debian/Ubuntu, Fedora, Arch, macOS).
KNOWN_CJK = ("wqy-microhei.ttc", "wqy-zenhei.ttc", "NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf",
             "NotoSansSC-Regular.otf", "NotoSansSC-Regular.ttf", "SourceHanSansSC-Regular.otf", "DroidSansFallbackFull.ttf",
             "PingFang.ttc", "Hiragino Sans GB.ttc")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts", "/System/Library/Fonts",
             "/Library/Fonts")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SOURCE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


# -- fonts -----------------------------------------------------------------------------------------

def _has_cjk(path: str) -> bool:
    """Whether the font at ``path`` draws 中 as a glyph of its own rather than its missing-glyph box."""
    from PIL import ImageFont

    try:
        font = ImageFont.truetype(path, 40)
    except OSError:
        return False
    probe = "\u4e2d"  # an ideograph, not a word: any CJK font draws it
    return font.getmask(probe).getbbox() is not None and bytes(font.getmask(probe)) != bytes(font.getmask("\U0010fffd"))


def _fc_list(pattern: str) -> list[str]:
    try:
        out = subprocess.run(["fc-list", pattern, "-f", "%{file}\n"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.strip() for line in out.splitlines() if line.strip().lower().endswith((".ttf", ".ttc", ".otf"))})


def _known_files() -> list[str]:
    found = []
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir():
            found += [str(p) for name in KNOWN_CJK for p in root.rglob(name)]
    return found


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The file of a font that draws Chinese, or None."""
    chosen = os.environ.get(FONT_ENV)
    if chosen:
        if not _has_cjk(chosen):
            say_once(f"{FONT_ENV}={chosen}: not a font file that draws Chinese; looking for another")
        else:
            return chosen
    listed = _fc_list(":lang=zh")
    # Prefer the common sans fonts fontconfig knows, in KNOWN_CJK's order.
    listed.sort(key=lambda f: next((i for i, n in enumerate(KNOWN_CJK) if f.endswith(n)), len(KNOWN_CJK)))
    for path in listed + _known_files():
        if _has_cjk(path):
            return path
    say_once("no font that draws Chinese was found (install fonts-wqy-microhei or fonts-noto-cjk, or set "
               f"{FONT_ENV} to a font file): Chinese talk pages get no social card")
    return None


@lru_cache(maxsize=1)
def latin_font() -> str | None:
    """A font for cards with no Chinese, when no CJK font exists; None: Pillow's own."""
    files = _fc_list(":lang=en")
    files.sort(key=lambda f: (not f.endswith("DejaVuSans.ttf"), f))
    return files[0] if files else None


_said: set[str] = set()


def say_once(message: str) -> None:
    """Say ``message`` on stderr once per process: a build goes on without the cards it concerns."""
    if message not in _said:
        _said.add(message)
        print(f"confgen: social cards: {message}", file=sys.stderr)


def font_for(texts: list[str]) -> str | None:
    """The font file to draw ``texts`` with: '' for Pillow's own font, None when none can."""
    cjk = cjk_font()
    if cjk:
        return cjk
    if any(CJK.search(t) for t in texts):
        return None
    return latin_font() or ""


@lru_cache(maxsize=16)
def _font(path: str, size: int):
    """Loaded once per size: reading a CJK font file is most of drawing a card."""
    from PIL import ImageFont

    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


# -- what a card shows -----------------------------------------------------------------------------

def when(conference: Conference, session: Session, lang: str) -> str:
    if not session.start or not session.end:
        return word("common.time_to_be_announced", lang)
    return dated("date.card", session.start, lang, start=f"{session.start:%H:%M}", end=f"{session.end:%H:%M}")


def card_text(conference: Conference, session: Session, lang: str) -> dict[str, str]:
    room = conference.room(session.room)
    names = [tr(p.name, lang) for p in (conference.speaker(i) for i in session.speakers) if p]
    return {"event": tr(conference.event.name, lang), "title": tr(session.title, lang),
            "speakers": word("common.list_sep", lang).join(names), "when": when(conference, session, lang),
            "room": tr(room.name, lang) if room else ""}


def summary(text: dict[str, str]) -> str:
    """The page's description for link previews: time, room, speakers."""
    return " · ".join(part for part in (text["when"], text["room"], text["speakers"]) if part)


# -- drawing ---------------------------------------------------------------------------------------

def _wrap(draw, text: str, font, width: int, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width`` pixels: Latin words stay whole, CJK breaks
    between any two characters; what does not fit ends in an ellipsis."""
    fits = lambda line: draw.textlength(line, font=font) <= width
    tokens = re.findall(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\S\s*|\s+", " ".join(text.split()))
    out: list[str] = [""]
    i = 0
    while i < len(tokens) and len(out) <= lines + 1:  # past that, the lines after the last shown are dropped
        # The most tokens that still fit after what the line holds: measuring a line is the
        # costly part, and a line that fits with a token also fits without it.
        low, high = 0, len(tokens) - i
        while low < high:
            mid = (low + high + 1) // 2
            if fits(out[-1] + "".join(tokens[i:i + mid]).rstrip()):
                low = mid
            else:
                high = mid - 1
        out[-1] += "".join(tokens[i:i + low])
        i += low
        if i == len(tokens):
            break
        token = tokens[i]
        i += 1
        if out[-1].strip():
            out.append("")
        while not fits(token.rstrip()):  # a word longer than a line
            cut = max(1, next((n for n in range(len(token), 0, -1) if fits(token[:n])), 1))
            out[-1] += token[:cut]
            out.append("")
            token = token[cut:]
        out[-1] += token.lstrip() if not out[-1] else token
    out = [line.rstrip() for line in out if line.strip()]
    if len(out) > lines:
        last = out[lines - 1]
        while last and not fits(last + "…"):
            last = last[:-1]
        out = out[: lines - 1] + [last.rstrip() + "…"]
    return out


#: Shades of each text colour over the background. A card is drawn as a palette image of these
#: (ink's, then muted's, then the accent): encoding an RGB image, three times the bytes, was most of
#: the time a card took, and 64 shades of a glyph's edge look the same as 256 at a card's size.
LEVELS = 64
INK_SHADES, MUTED_SHADES, ACCENT_INDEX = 0, LEVELS, 2 * LEVELS


@lru_cache(maxsize=1)
def _palette() -> list[int]:
    """Background to ink in LEVELS steps, background to muted in LEVELS steps, then the accent."""
    from PIL import ImageColor

    background = ImageColor.getrgb(BACKGROUND)
    palette: list[int] = []
    for colour in (INK, MUTED):
        target = ImageColor.getrgb(colour)
        for step in range(LEVELS):
            palette += [round(b + (t - b) * step / (LEVELS - 1)) for b, t in zip(background, target)]
    return palette + list(ImageColor.getrgb(ACCENT))


def draw_card(text: dict[str, str], font_path: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (WIDTH, HEIGHT), 0)  # palette indices, made a palette image at the end
    draw = ImageDraw.Draw(image)

    def write(xy: tuple[int, int], line: str, font, first_shade: int) -> None:
        # A glyph's edge blends the box's index (the colour's shade 0, the background) with its last
        # shade: the pixels land on the colour's own shades.
        if first_shade:
            draw.rectangle(draw.textbbox(xy, line, font=font), fill=first_shade)
        draw.text(xy, line, font=font, fill=first_shade + LEVELS - 1)

    inner = WIDTH - 2 * MARGIN
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT_INDEX)
    y = MARGIN - 16
    for line in _wrap(draw, text["event"], _font(font_path, 30), inner, 1):
        write((MARGIN, y), line, _font(font_path, 30), MUTED_SHADES)
    y += 70
    title = _font(font_path, 64)
    for line in _wrap(draw, text["title"], title, inner, 3):
        write((MARGIN, y), line, title, INK_SHADES)
        y += 84
    y += 16
    if text["speakers"]:
        for line in _wrap(draw, text["speakers"], _font(font_path, 38), inner, 2):
            write((MARGIN, y), line, _font(font_path, 38), INK_SHADES)
            y += 50
    bottom = _font(font_path, 34)
    footer = "  ·  ".join(part for part in (text["when"], text["room"]) if part)
    for line in _wrap(draw, footer, bottom, inner, 1):
        draw.rectangle((MARGIN, HEIGHT - MARGIN - 62, MARGIN + 96, HEIGHT - MARGIN - 56), fill=ACCENT_INDEX)
        write((MARGIN, HEIGHT - MARGIN - 40), line, bottom, MUTED_SHADES)
    image.putpalette(_palette())
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=3)  # as small as the default level, in half the time
    return buffer.getvalue()


def card_key(text: dict[str, str], font_path: str) -> str:
    """What a card is kept under: a hash of everything it is drawn from."""
    from PIL import __version__ as pillow

    return hashlib.sha256(repr((sorted(text.items()), font_path, _SOURCE, pillow)).encode()).hexdigest()[:32] + ".png"


def card(text: dict[str, str], font_path: str, cache: Path | None) -> bytes:
    """The card showing ``text``, from ``cache`` when it was drawn before with the same font and code."""
    path = cache / card_key(text, font_path) if cache else None
    if path and path.is_file():
        return path.read_bytes()
    data = draw_card(text, font_path)
    if path:
        _keep(path, data)
    return data


def _keep(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only project: the card is drawn again next time, nothing else is lost


# -- the other languages' cards, drawn at the same time ---------------------------------------------

#: The fewest cards worth a process of their own: starting one costs about what drawing 20 does.
AHEAD_AT_LEAST = 40
AHEAD = StashKey["dict[str, subprocess.Popen]"]()


def draw_ahead(conference: Conference, lang: str, cache_root: Path) -> None:
    """Start drawing the cards of every language but ``lang`` that are not in the cache, in a
    process of their own: they are drawn on the machine's other core while this language's cards
    and pages are made, and that language finds them in the cache. Does nothing when there are
    too few to be worth a process; a card the process did not draw is drawn when it is needed."""
    ahead = conference.stash.setdefault_by(AHEAD, dict)
    todo = []
    for other in LANGUAGES:
        if other == lang or other in ahead:
            continue
        for session in conference.sessions:
            text = card_text(conference, session, other)
            font_path = font_for(list(text.values()))
            path = cache_root / other / card_key(text, font_path) if font_path is not None else None
            if path and not path.is_file():
                todo.append((text, font_path, str(path)))
    if len(todo) < AHEAD_AT_LEAST:
        return
    listing = cache_root / f".ahead-{os.getpid()}-{lang}.json"
    try:
        cache_root.mkdir(parents=True, exist_ok=True)
        listing.write_text(json.dumps(todo), encoding="utf-8")
        process = subprocess.Popen([sys.executable, "-m", __spec__.name, str(listing)], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        listing.unlink(missing_ok=True)
        return  # drawn here when needed
    for other in LANGUAGES:
        if other != lang:
            ahead.setdefault(other, process)


def drawn_ahead(conference: Conference, lang: str) -> None:
    """Wait for the process drawing ``lang``'s cards, if one was started."""
    process = conference.stash.setdefault_by(AHEAD, dict).pop(lang, None)
    if process is not None:
        process.wait()


def _draw_listed(listing: Path) -> None:
    """Draw the cards ``listing`` names (text, font, cache file) into the cache."""
    try:
        for text, font_path, path in json.loads(listing.read_text(encoding="utf-8")):
            _keep(Path(path), draw_card(text, font_path))
    finally:
        listing.unlink(missing_ok=True)


def _prune(cache: Path, kept: set[str]) -> None:
    """Forget the cards no talk shows any more."""
    for path in cache.glob("*.png"):
        if path.name not in kept:
            path.unlink(missing_ok=True)


# -- plugin ----------------------------------------------------------------------------------------

def card_path(session_id: str) -> str:
    return f"cards/{session_id}.png"


class Cards(ContentKind):
    """No writing: the cards are static files of each language's site."""

    name = "cards"

    def pages(self, ctx: RenderContext):
        cache = ctx.cache_dir / "cards" / ctx.lang if ctx.cache_dir else None
        if cache:
            drawn_ahead(ctx.conference, ctx.lang)
            draw_ahead(ctx.conference, ctx.lang, cache.parent)
        kept: set[str] = set()
        for session in ctx.conference.sessions:
            text = card_text(ctx.conference, session, ctx.lang)
            font_path = font_for(list(text.values()))
            if font_path is None:
                continue
            data = card(text, font_path, cache)
            kept.add(card_key(text, font_path))
            yield Asset(card_path(session.id), data)
        if cache and cache.is_dir():
            _prune(cache, kept)


@hookimpl
def confgen_content_kinds():
    return [Cards()]


SESSIONS = StashKey["dict[str, Session]"]()


def _sessions(conference: Conference) -> dict[str, Session]:
    return conference.stash.setdefault_by(SESSIONS, lambda: {s.id: s for s in conference.sessions})


@hookimpl
def confgen_page_meta(conference: Conference, lang: str, page: Page, sources: list[Draft]) -> dict | None:
    match = re.fullmatch(r"talks/([^/]+)\.md", page.path)
    session = _sessions(conference).get(match.group(1)) if match else None
    if session is None:
        return None
    text = card_text(conference, session, lang)
    meta = {"cg_summary": summary(text)}
    if font_for(list(text.values())) is not None:
        meta["cg_card"] = card_path(session.id)
    return meta


if __name__ == "__main__":  # the process draw_ahead starts
    _draw_listed(Path(sys.argv[1]))
