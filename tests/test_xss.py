"""Every field a submitter or organizer types stays text on every page of the built site.

The corpus in tests/data/xss/payloads.yaml is planted in every such field of one project (event,
tracks, rooms, speakers' names, titles, affiliations, bios and links, session titles and
abstracts, sponsors, tickets, FAQ, venue and logistics) and, in a second round, into real import
files of each importer (pretalx, frab JSON, frab XML, Sessionize). The site is built with the real
``mkdocs build``; then:

- every page is parsed with lxml: no element, attribute or URL made from payload text;
- every English page, and a Chinese page of each kind (the same payloads, templates and scripts),
  is loaded in headless Chromium: no payload ran, no request left the site, no
  element was created from payload text, and the Content-Security-Policy was never violated
  (which shows both that escaping alone held, and that the theme works under the policy).
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest
import yaml
from ruamel.yaml import YAML

from helpers import INTEROP, MINI_CONFERENCE, write_project

DATA = Path(__file__).parent / "data"

PAYLOADS: list[str] = yaml.safe_load((DATA / "xss" / "payloads.yaml").read_text(encoding="utf-8"))
ONE_LINE = [re.sub(r"\s*\n\s*", " ", p) for p in PAYLOADS]  # for titles, names, rooms
#: URLs that pass the model's checks yet try to break out of a Markdown link.
URL_PAYLOADS = ["https://example.org/x) ![t](https://evil.example/track.png", "https://example.org/a\"onmouseover=\"window.__xss=1",
                "https://example.org/b'><img id=xss src=x onerror=window.__xss=1>", "https://example.org/c){ onclick=window.__xss=1 }",
                "mailto:a@example.org?subject=<img id=xss src=x onerror=window.__xss=1>"]
HTTP_PAYLOADS = [u for u in URL_PAYLOADS if u.startswith("http")]  # sponsors, hotels, the venue: no mailto
FOREIGN = "evil.example"
#: Elements no payload may create (the theme's own SVG icons are allowed unless marked).
FORBIDDEN = "iframe, object, embed, frame, frameset, base, audio, video, source, marquee, applet, math, noscript"
FORBIDDEN_XPATH = " | ".join(f"//{s}" for s in FORBIDDEN.split(", "))
URL_ATTRIBUTES = ("href", "src", "srcset", "action", "formaction", "data", "poster", "background", "xlink:href", "srcdoc")
#: The ids, classes and names payloads give their elements (a heading's id made from its text is not one).
MARKER = re.compile(r"(?:^|\s)xss\d*(?:\s|$)", re.I)
SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data)\s*:", re.I)
MATERIAL_SHARE = "javascript:void(0)"  # the theme's search "share" link, handled by its script


def foreign(url: str) -> bool:
    """A URL on the attacker's host (a link to another site may carry the name in its path)."""
    try:
        return FOREIGN in (urlsplit(url.strip()).hostname or "")
    except ValueError:
        return True


def confgen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from confgen.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=600)


def both(value: str) -> dict[str, str]:
    return {"zh": value, "en": value}


#: Entities (sessions, speakers, rooms, sponsors...) per field: each value carries a group of
#: payloads, so every payload lands in every field while the site stays small enough to load
#: every page in a browser.
GROUPS = 32  # one-line values stay within the 200 characters a title may have


def group(i: int, one_line: bool = True) -> str:
    """Payloads i, i + GROUPS, i + 2*GROUPS... as one value (one line for titles and names)."""
    k = i % GROUPS
    if one_line:
        return " ".join(ONE_LINE[k::GROUPS])
    return "\n\n".join(PAYLOADS[k::GROUPS])


def payload_project(root: Path) -> Path:
    """The mini conference with every typed field carrying payloads: one session and one speaker
    per group of payloads (so each lands in a title, a name, an affiliation, a speaker title, a
    bio, an abstract and a link label), one room, sponsor, FAQ entry and transport line per group."""
    data = YAML(typ="safe", pure=True).load(MINI_CONFERENCE)
    line = lambda i: group(i)  # noqa: E731
    at = lambda i: group(i, one_line=False)  # noqa: E731
    data["event"].update(name=both(line(0)), tagline=both(line(1)), city=both(line(2)),
                         venue={"name": both(line(3)), "address": both(line(4)), "map_url": URL_PAYLOADS[0]})
    data["tracks"] = [{"id": f"tr{j}", "name": both(line(j * 7 + 5)), "description": both(at(j * 7 + 6))} for j in range(4)]
    data["tracks"] += [{"id": "foundations", "name": both(line(9)), "description": both(at(10))},
                       {"id": "devtech", "name": both(line(11)), "description": both(at(12))}]
    data["rooms"] += [{"id": f"r{i}", "name": both(line(i + 7)), "floor": both(line(i + 8)), "capacity": 50} for i in range(GROUPS)]
    for i in range(GROUPS):
        data["speakers"].append({
            "id": f"x{i}", "name": both(line(i)), "affiliation": both(line(i + 1)), "title": both(line(i + 2)),
            "bio": both(at(i + 3)),
            "links": [{"label": line(i + 4), "url": URL_PAYLOADS[i % len(URL_PAYLOADS)]},
                      {"label": line(i + 5), "url": "https://example.org/ok"}],
        })
        data["sessions"].append({
            "id": f"x{i}", "title": both(line(i + 5)), "abstract": both(at(i + 6)), "type": "talk",
            "track": f"tr{i % 4}", "level": "intermediate", "speakers": [f"x{i}"], "room": f"r{i}",
            "start": "2026-06-13 09:00", "end": "2026-06-13 09:45",
        })
    data["breaks"][0]["title"] = both(line(13))
    data["tickets"][0].update(name=both(line(14)), description=both(at(15)))
    data["sponsors"] = [{"name": both(line(i)), "tier": ["diamond", "gold", "partner"][i % 3], "description": both(at(i + 9)),
                         **({"url": HTTP_PAYLOADS[i % len(HTTP_PAYLOADS)]} if i % 2 else {})} for i in range(GROUPS)]
    data["faq"] = [{"q": both(line(i + 11)), "a": both(at(i + 12))} for i in range(GROUPS)]
    data["logistics"] = {"registration": both(at(16)), "transport": [both(at(i + 13)) for i in range(GROUPS)],
                         "hotels": [{"name": both(line(i + 14)), "address": both(line(i + 15)), "distance": both(line(i + 16)),
                                     **({"url": HTTP_PAYLOADS[i % len(HTTP_PAYLOADS)]} if i % 2 else {})} for i in range(GROUPS)],
                         "wifi": both(at(17)), "accessibility": both(at(18))}
    data.setdefault("site", {})["author"] = both(line(19))
    return write_project(root, yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000))


def build(root: Path) -> Path:
    result = confgen("build", str(root), "--offline")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root / "build" / "site"


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# ---- what "made from payload text" means, once for lxml and once for the live DOM ----

def html_findings(html: str) -> list[str]:
    """Elements, attributes and URLs on a built page that payload text made."""
    found = []
    doc = lxml.html.document_fromstring(html)
    head = doc.find("head")
    first = head[1] if head is not None and len(head) > 1 else None
    if first is None or first.get("http-equiv") != "Content-Security-Policy":
        found.append("no Content-Security-Policy right after <meta charset> in <head>")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        marked = [f"{k}={v!r}" for k, v in el.attrib.items() if k in ("id", "class", "name") and MARKER.search(v)]
        if marked:
            found.append(f"<{tag} {' '.join(marked)}>")
        for name, value in el.attrib.items():
            name = name.lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and (SCRIPT_URL.match(value) and value != MATERIAL_SHARE or foreign(value)):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            if tag == "meta" and name == "content" and el.get("http-equiv", "").lower() == "refresh" and re.search(r"url=\s*\S*:", value, re.I):
                found.append(f"<meta http-equiv=refresh content={value[:60]!r}>")
            if name == "style" and ("url(" in value or "expression" in value or FOREIGN in value):
                found.append(f"<{tag} style={value[:60]!r}>")
        if tag == "script" and el.get("type", "text/javascript") in ("text/javascript", "module") and "__xss" in (el.text or ""):
            found.append(f"<script>{(el.text or '')[:60]!r}")
        if tag in ("style", "link") and FOREIGN in (lxml.html.tostring(el, encoding="unicode")):
            found.append(f"<{tag}> loading from {FOREIGN}")
    for el in doc.xpath(FORBIDDEN_XPATH):
        found.append(f"<{el.tag}> element")
    return found


#: The same in the page as the browser built it (after every script of the theme ran).
DOM_FINDINGS = """
const found = [];
const foreign = (u) => { try { return new URL(u, location.href).hostname.includes("evil.example"); } catch (e) { return false; } };
if (window.__xss !== undefined) found.push("window.__xss = " + window.__xss);
if (document.title === "XSS") found.push("title set to XSS");
for (const el of document.querySelectorAll("*")) {
  for (const a of el.attributes) {
    const n = a.name.toLowerCase();
    if (n.startsWith("on")) found.push(el.tagName + " " + n);
    if (["id", "class", "name"].includes(n) && /(^|\\s)xss\\d*(\\s|$)/i.test(a.value)) found.push(el.tagName + " " + n + "=" + a.value);
    if (["href", "src", "action", "formaction", "data", "srcdoc"].includes(n)
        && ((/^\\s*(javascript|vbscript|data)\\s*:/i.test(a.value) && !/^javascript:void\\(0\\);?$/.test(a.value)) || foreign(a.value)))
      found.push(el.tagName + " " + n + "=" + a.value.slice(0, 60));
  }
}
for (const el of document.querySelectorAll(arguments[0])) found.push(el.tagName + " element");
for (const el of document.querySelectorAll("meta[http-equiv=refresh i]")) if (/url=\\s*\\S*:/i.test(el.content)) found.push("meta refresh " + el.content);
return found;
"""


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory) -> Path:
    root = payload_project(tmp_path_factory.mktemp("xss") / "p")
    assert confgen("validate", str(root)).returncode == 0
    return build(root)


def test_corpus_is_large_and_reaches_every_field():
    assert len(PAYLOADS) >= 60 and len(set(PAYLOADS)) == len(PAYLOADS)


def test_no_page_carries_an_element_or_attribute_made_from_a_payload(payload_site):
    pages = html_pages(payload_site)
    assert len(pages) > 2 * 2 * GROUPS  # every talk and speaker page, in both languages
    findings = {str(p.relative_to(payload_site)): f for p in pages if (f := html_findings(p.read_text(encoding="utf-8")))}
    assert not findings, json.dumps(dict(list(findings.items())[:10]), indent=1, ensure_ascii=False)
    # The payloads did reach the pages, as the text that was typed: in headings and in <title>
    # (the entity trick `&lt;/title&gt;` included: it shows as typed, it does not close anything).
    for i in range(GROUPS):
        talk = lxml.html.document_fromstring((payload_site / "en" / "talks" / f"x{i}" / "index.html").read_bytes())
        assert talk.findtext(".//h1").strip() == group(i + 5).strip()
        speaker = lxml.html.document_fromstring((payload_site / "en" / "speakers" / f"x{i}" / "index.html").read_bytes())
        assert speaker.findtext(".//title").startswith(group(i).strip()[:40])
    assert any("Lin Haoran &lt;/title&gt;" in group(i) for i in range(GROUPS))


def test_structured_outputs_keep_payloads_as_data(payload_site):
    """Search index, JSON-LD, "my schedule" data and .ics: payloads are data in them, never markup
    that a page would run, and never a line break that starts a new iCalendar property."""
    from search_ui import fragments

    # Pagefind keeps a page's title as its text (the interface shows it as text): the payload is
    # there as typed, and nothing the page ran.
    titles = {r["url"]: r["meta"]["title"] for r in fragments(payload_site / "en")}
    assert titles["/talks/x0/"].strip() == group(5).strip()
    for page in (payload_site / "en" / "talks").glob("*/index.html"):
        for data in re.findall(r'<script type="application/(?:ld\+)?json"[^>]*>(.*?)</script>', page.read_text(encoding="utf-8"), re.S):
            assert "<" not in data
            json.loads(data)
    import icalendar

    calendar = icalendar.Calendar.from_ical((payload_site / "en" / "calendar" / "event.ics").read_bytes())
    summaries = {str(e.get("SUMMARY")) for e in calendar.walk("VEVENT")}
    assert group(16) in summaries  # the text itself, whole


def browser_pages(site: Path) -> list[Path]:
    """Every English page, and of the Chinese ones one of each kind (a talk, a speaker, an agenda
    day...: one carrying payloads, x<i>, where the kind has one) and every page that is a kind of
    its own. Both languages carry the same payloads in the same templates and run the same scripts;
    what tells them apart is the theme's own wording, which a Chinese page of each kind runs in the
    browser, while every page of both is parsed above."""
    chosen, kinds = [], {}
    for page in html_pages(site):
        parts = page.relative_to(site).parts
        if parts[0] != "zh":
            chosen.append(page)
        else:  # zh/talks/<id>/index.html is of the kind zh/talks
            kinds.setdefault(parts[:2] if len(parts) == 4 and parts[-1] == "index.html" else parts, []).append(page)
    return chosen + [next((p for p in same if p.parent.name.startswith("x")), same[0]) for same in kinds.values()]


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_every_page_in_chromium_runs_nothing_and_loads_nothing_foreign(payload_site):
    from browser import chrome, requested_urls, serve

    pages = browser_pages(payload_site)
    assert {p.relative_to(payload_site).as_posix() for p in pages} >= {"zh/talks/x0/index.html", "zh/speakers/x0/index.html"}
    assert {p.parent.name for p in pages if p.parent.parent.name == "talks"} >= {f"x{i}" for i in range(GROUPS)}
    with serve(payload_site) as base, chrome() as driver:
        driver.get_log("browser")
        requested_urls(driver)
        problems: dict[str, list[str]] = {}
        for page in pages:
            url = base + page.relative_to(payload_site).as_posix()
            driver.get(url)
            found = driver.execute_script(DOM_FINDINGS, FORBIDDEN.replace("math", "math:not(.katex math)"))
            outside = [u for u in requested_urls(driver) if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                       and urlsplit(u).netloc != urlsplit(base).netloc]
            violations = [e["message"][:160] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
            if found or outside or violations:
                problems[url] = found + [f"request to {u}" for u in outside] + violations
    assert not problems, json.dumps(dict(list(problems.items())[:10]), indent=1, ensure_ascii=False)


# ---- the same through each importer ----

def _mutate_json(data, keys: set[str], pool: list[str], long_pool: list[str], long_keys: set[str]):
    """Every string under ``keys`` replaced by a payload; the same original string gets the same
    payload wherever it occurs (values and mapping keys), so references between records hold."""
    mapping: dict[str, str] = {}

    def collect(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in keys and isinstance(v, str) and v.strip() and v not in mapping:
                    mapping[v] = (long_pool if k in long_keys else pool)[len(mapping) % len(pool)]
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    def swap(node):
        if isinstance(node, dict):
            return {mapping.get(k, k) if isinstance(k, str) else k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        if isinstance(node, str):
            return mapping.get(node, node)
        return node

    collect(data)
    return swap(data)


def pretalx_file(tmp: Path) -> Path:
    data = json.loads((INTEROP / "pretalx-democon.json").read_text(encoding="utf-8"))
    data = _mutate_json(data, {"title", "subtitle", "abstract", "description", "public_name", "name", "biography", "track"},
                        ONE_LINE, PAYLOADS, {"abstract", "description", "biography"})
    path = tmp / "pretalx.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def sessionize_file(tmp: Path) -> Path:
    data = json.loads((DATA / "sessionize-all.json").read_text(encoding="utf-8"))
    data = _mutate_json(data, {"title", "description", "firstName", "lastName", "fullName", "bio", "tagLine", "name"},
                        ONE_LINE[::-1], PAYLOADS[::-1], {"description", "bio"})
    path = tmp / "sessionize.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def frab_xml_file(tmp: Path) -> Path:
    tree = lxml.etree.parse(str(DATA / "frab-schedule.xml"))
    mapping: dict[str, str] = {}
    for i, el in enumerate(tree.iter("title", "subtitle", "abstract", "description", "person")):
        if el.getparent().tag == "conference" or not (el.text or "").strip():
            continue
        long = el.tag in ("abstract", "description")
        el.text = PAYLOADS[(i * 7) % len(PAYLOADS)] if long else ONE_LINE[(i * 5) % len(PAYLOADS)]
    for el in tree.iter("room", "track"):
        name = el.get("name") or el.text
        if name:
            new = mapping.setdefault(name, ONE_LINE[(len(mapping) * 3 + 1) % len(PAYLOADS)])
            if el.get("name"):
                el.set("name", new)
            else:
                el.text = new
    path = tmp / "schedule.xml"
    tree.write(str(path), encoding="utf-8", xml_declaration=True)
    return path


@pytest.mark.parametrize("fmt", ["pretalx", "frab-json", "frab-xml", "sessionize"])
def test_imported_payloads_stay_text(fmt, tmp_path, payload_site):
    root = tmp_path / "p"
    root.mkdir()
    if fmt == "frab-json":
        source = tmp_path / "schedule.json"
        exported = confgen("export", "frab-json", str(payload_site.parent.parent), "-o", str(source))
        assert exported.returncode == 0, exported.stderr
    else:
        source = {"pretalx": pretalx_file, "frab-xml": frab_xml_file, "sessionize": sessionize_file}[fmt](tmp_path)
    result = confgen("import", fmt, str(source), "-o", str(root / "conference.yaml"))
    assert result.returncode == 0, result.stderr[-3000:]
    imported = (root / "conference.yaml").read_text(encoding="utf-8")
    assert "xss" in imported  # the payloads came through the import
    site = build(root)
    findings = {str(p.relative_to(site)): f for p in html_pages(site) if (f := html_findings(p.read_text(encoding="utf-8")))}
    assert not findings, json.dumps(dict(list(findings.items())[:10]), indent=1, ensure_ascii=False)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"])
def test_validate_refuses_a_script_url_with_file_and_line(tmp_path, url):
    data = YAML(typ="safe", pure=True).load(MINI_CONFERENCE)
    data["speakers"][0]["links"] = [{"label": "Home", "url": url}]
    root = write_project(tmp_path / "p", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    line = next(n for n, text in enumerate((root / "conference.yaml").read_text(encoding="utf-8").splitlines(), 1) if "url:" in text
                and url[:8] in text)
    result = confgen("validate", str(root))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"conference.yaml:{line}: speakers.0.links.0.url: URL scheme should be 'http', 'https' or 'mailto'" in result.stdout + result.stderr
