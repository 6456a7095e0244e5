"""The reader's side of the site: the scripts and styles behind filters, stars, "now / next" and
"my schedule", Mermaid and KaTeX served from the site itself (loaded only on pages that use them),
and a service worker with a web app manifest so the agenda keeps working on bad venue Wi-Fi."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from pathlib import Path, PurePosixPath

from confgen.api import Asset, ContentKind, Page, RenderContext, hookimpl, stable_hash, word
from confgen.model import Conference, tr
from confgen_plugins.site import calendar

ASSET_ROOT = "assets/confgen"
#: Pages worth having offline before the reader opens them: the agenda and every talk.
PRECACHE_LIMIT = 600


@lru_cache(maxsize=1)
def packaged_assets() -> dict[str, bytes]:
    root = files("confgen_plugins.site") / "assets"
    found: dict[str, bytes] = {}

    def walk(node, rel: PurePosixPath):
        for child in node.iterdir():
            if child.is_dir():
                walk(child, rel / child.name)
            elif child.is_file():
                found[str(rel / child.name)] = child.read_bytes()

    walk(root, PurePosixPath())
    return found


def store_key(conference: Conference) -> str:
    """localStorage key of the stars: shared by both languages of one event, distinct per event."""
    return "confgen-stars:" + stable_hash(tr(conference.event.name, "en"), conference.event.start_date)[:10]


def schedule_data(conference: Conference, lang: str, cache_dir: Path | None = None) -> dict:
    """What "my schedule" needs to list starred talks and write them as one .ics in the browser:
    each talk's facts and its VEVENT, plus the VTIMEZONE, all produced by the icalendar library."""
    scheduled = conference.scheduled_sessions()
    vtimezone = calendar.event_vtimezone(conference).to_ical().decode()
    events = calendar.serialized_events(conference, lang, calendar.stamp(), cache_dir)
    sessions = {}
    for s in scheduled:
        room = conference.room(s.room)
        sessions[s.id] = {
            "title": tr(s.title, lang), "room": tr(room.name, lang) if room else "",
            "start": conference.aware(s.start).isoformat(), "end": conference.aware(s.end).isoformat(),
            "speakers": [tr(p.name, lang) for p in (conference.speaker(i) for i in s.speakers) if p],
            "vevent": events[s.id].decode(),
        }
    return {"calname": tr(conference.event.name, lang), "prodid": calendar.PRODID,
            "timezone": conference.event.timezone, "vtimezone": vtimezone, "sessions": sessions}


def inline_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def precache_pages(conference: Conference) -> list[str]:
    pages = ["./", "my-schedule/", "agenda/rooms/", "speakers/", "venue/", "faq/"]
    pages += [f"agenda/day-{n}/" for n in range(1, len(conference.event.days) + 1)]
    pages += [f"talks/{s.id}/" for s in conference.scheduled_sessions()]
    pages += [f"speakers/{s.id}/" for s in conference.speakers]
    return pages[:PRECACHE_LIMIT]


def service_worker(conference: Conference, lang: str, assets: dict[str, bytes]) -> bytes:
    core = [f"{ASSET_ROOT}/{name}" for name in ("cg.js", "cg.css")]
    # The pictures the agenda's pages show (photos or drawn avatars), so they are there offline too.
    core += [f"assets/pictures/speakers/{p.id}.{'jpg' if p.photo else 'svg'}" for p in conference.speakers]
    pages = precache_pages(conference)
    version = stable_hash(pages, {k: stable_hash(v.hex()) for k, v in assets.items() if k in ("cg.js", "cg.css", "sw.js")}, lang)
    template = assets["sw.js"].decode()
    return (template.replace("__CG_VERSION__", json.dumps(version))
            .replace("__CG_PRECACHE__", json.dumps(core + pages))).encode()


def manifest(conference: Conference, lang: str) -> bytes:
    data = {
        "name": tr(conference.event.name, lang), "short_name": tr(conference.event.name, lang)[:24],
        "lang": word("language.tag", lang), "start_url": "./agenda/day-1/", "scope": "./",
        "display": "standalone", "background_color": "#ffffff", "theme_color": "#3f51b5",
        "icons": [{"src": f"{ASSET_ROOT}/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


class Reader(ContentKind):
    name = "reader"

    def pages(self, ctx: RenderContext):
        conference = ctx.conference
        assets = packaged_assets()
        for name, content in assets.items():
            if name != "sw.js":
                yield Asset(f"{ASSET_ROOT}/{name}", content)
        yield Asset("sw.js", service_worker(conference, ctx.lang, assets))
        yield Asset("manifest.webmanifest", manifest(conference, ctx.lang))
        yield Page("my-schedule.md", ctx.lang, word("common.my_schedule", ctx.lang),
                   ctx.render("pages/my_schedule.md.j2", data=inline_json(schedule_data(conference, ctx.lang, ctx.cache_dir))),
                   nav=(word("nav.agenda", ctx.lang),), order=18)


#: The words cg.js shows, by the name it reads them under; each is ``reader.<name>`` in the catalogue.
SCRIPT_WORDS = ("star", "starred", "now", "next", "none", "shown", "remove", "overlap", "at")


@hookimpl
def confgen_mkdocs_config(conference: Conference, lang: str, config: dict) -> None:
    config.setdefault("extra_css", []).append(f"{ASSET_ROOT}/cg.css")
    config.setdefault("extra_javascript", []).append(f"{ASSET_ROOT}/cg.js")
    config.setdefault("extra", {})["confgen"] = {
        "store": store_key(conference), "lang": lang, "tz": conference.event.timezone, "strings": {name: word(f"reader.{name}", lang) for name in SCRIPT_WORDS},
    }
    features = config.setdefault("theme", {}).setdefault("features", [])
    for feature in ("search.share", "navigation.footer"):
        if feature not in features:
            features.append(feature)


@hookimpl
def confgen_content_kinds():
    return [Reader()]
