"""Search by Pagefind: each language's built site (from either engine) gets its own index in
``pagefind/``, made by the extended Pagefind binary that ships in the ``pagefind_bin_extended``
wheel, whose Chinese segmentation splits 大模型推理 into words a query can meet.

A reader's browser loads the small entry file and the WebAssembly core when the search page is
opened, and then only the index and fragment chunks its query needs; the lunr index of Material's
search plugin, which every page loaded whole, is not built (confgen_plugins.site.search removes it).

Only each page's content is indexed (the theme's ``<article>``, so no navigation, header or footer
chrome), and some pages not at all: the organizers' planning brief, the search page itself, the
per-reader "my schedule" page and the 404 page. Talk pages carry ``data-pagefind-filter`` marks for
day, room, track and type (templates/pages/_search_filters.j2).

The service worker of the site (plugins/site/assets/sw.js) is given the index's fixed files to
precache, so the search page opens offline; chunks a query fetched are then served from its cache.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

from confgen import atomic
from confgen.errors import ConfgenError

#: Material's and Zensical's element for a page's content.
ROOT_SELECTOR = "article.md-content__inner"
#: The theme's own parts inside the article: the permalink marks of headings.
EXCLUDE_SELECTORS = [".headerlink", ".md-content__button"]
NOT_INDEXED = ("brief/", "search/", "my-schedule/", "404.html")
BUNDLE = "pagefind"
PRECACHE = re.compile(r"^var PRECACHE = (\[.*\]);$", re.M)
VERSION = re.compile(r"^var VERSION = (\".*\");$", re.M)


def indexed_glob(site: Path) -> str:
    """The files to index, as a Pagefind glob: everything under the site's top-level entries but the
    ones not indexed (and the bundle itself)."""
    skipped = {name.rstrip("/") for name in NOT_INDEXED} | {BUNDLE}
    parts = []
    for entry in sorted(site.iterdir()):
        if entry.name in skipped:
            continue
        if entry.is_dir():
            parts.append(f"{entry.name}/**/*.html")
        elif entry.suffix == ".html":
            parts.append(entry.name)
    return "{" + ",".join(parts) + "}"


def _binary() -> str:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        raise ConfgenError("search needs Pagefind's extended build (Chinese segmentation): "
                           "pip install 'pagefind[extended]'") from None
    return str(get_executable())


def start_index(lang: str, site: Path) -> subprocess.Popen:
    """Start indexing ``lang``'s built site; :func:`finish_index` waits for it. The command-line
    binary is used rather than Pagefind's Python service, which adds pages one round trip at a
    time (twenty times slower on the reference event). Pagefind has no incremental mode: each
    build indexes every page again, a rebuild after one edit as much as a clean build."""
    shutil.rmtree(site / BUNDLE, ignore_errors=True)
    args = [_binary(), "--site", str(site), "--output-subdir", BUNDLE, "--root-selector", ROOT_SELECTOR,
            "--force-language", lang, "--glob", indexed_glob(site), "--silent"]
    for selector in EXCLUDE_SELECTORS:
        args += ["--exclude-selectors", selector]
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish_index(site: Path, process: subprocess.Popen) -> None:
    """Wait for the indexing of ``site``, then give its files to the service worker's precache."""
    output, _ = process.communicate()
    if process.returncode != 0 or not (site / BUNDLE / "pagefind-entry.json").is_file():
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise ConfgenError(f"pagefind could not index {site}:\n{tail}")
    precache_search(site)


#: The bundle's files the search page uses, whatever the query (besides each language's metadata
#: and WebAssembly, named in the entry file); the other interfaces Pagefind writes are not used.
CORE = ("pagefind-entry.json", "pagefind.js", "pagefind-worker.js", "pagefind-ui.js", "pagefind-ui.css")


def core_files(site: Path) -> list[str]:
    """The bundle's files every search needs, whatever the query: the entry, the scripts, the
    WebAssembly and the language's metadata (chunk files are fetched per query)."""
    bundle = site / BUNDLE
    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    names = [name for name in CORE if (bundle / name).is_file()]
    for language in entry.get("languages", {}).values():
        names.append(f"pagefind.{language['hash']}.pf_meta")
        names.append(f"wasm.{language.get('wasm') or 'unknown'}.pagefind")
    return [f"{BUNDLE}/{name}" for name in names]


def precache_search(site: Path) -> None:
    """Add the search page and the bundle's fixed files to the service worker's precache, and fold
    the entry file into its version so a new index replaces the old cache."""
    worker = site / "sw.js"
    if not worker.is_file():
        return
    text = worker.read_text("utf-8")
    found, version = PRECACHE.search(text), VERSION.search(text)
    if not found or not version:
        return  # not confgen's worker
    urls, base = json.loads(found.group(1)), json.loads(version.group(1))
    if "search/" in urls:
        # A dirty rebuild keeps the worker of the last build when its source is unchanged: take
        # back what that build added, so the new index's files and digest replace the old ones.
        urls = [url for url in urls if url != "search/" and not url.startswith(BUNDLE + "/")]
        base = base.rsplit("-", 1)[0]
    entry = (site / BUNDLE / "pagefind-entry.json").read_bytes()
    digest = hashlib.sha256(entry).hexdigest()[:12]
    urls += ["search/"] + core_files(site)
    text = PRECACHE.sub(lambda m: f"var PRECACHE = {json.dumps(urls)};", text, count=1)
    text = VERSION.sub(lambda m: f"var VERSION = {json.dumps(base + '-' + digest)};", text, count=1)
    atomic.write_if_changed(worker, text.encode("utf-8"))
