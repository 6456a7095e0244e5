"""Engine and search benchmark: confgen's cold build with each engine against the raw
`mkdocs build` of the same rendered projects (measured in the same run), and the bytes a browser
fetches for its first search, on the reference site and a synthetic 1000-session event.

Run: python bench/engines.py [--sessions 1000 --rooms 40 --speakers 600]

"raw mkdocs" and "raw zensical" are the two per-language builds (in parallel, as confgen runs them)
of the projects confgen rendered, with nothing of confgen around them. "first search" opens the
search page in a new headless Chromium (empty cache, service worker kept out so its precache is not
counted), types a query and waits for results; every byte the server sent from the moment the
search page is asked for is counted, and the part that is Pagefind's index and code.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from bench.synthetic import write  # noqa: E402

TARGET_FIRST_SEARCH = 300 * 1024


def clean(project: Path) -> None:
    """Cold for the site: no rendered projects, no built site, no engine cache (drafts are kept:
    drafting is the same whichever engine builds)."""
    shutil.rmtree(project / "build", ignore_errors=True)


def confgen_build(project: Path, engine: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "confgen", "build", str(project), "--engine", engine],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr}")
    return time.perf_counter() - started


def raw(project: Path, engine: str) -> float:
    if engine == "mkdocs":
        commands = [[sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(project / "build" / lang / "mkdocs.yml")]
                    for lang in ("zh", "en")]
    else:
        commands = [[sys.executable, "-m", "zensical", "build", "-f", str(project / "build" / lang / "zensical.yml")]
                    for lang in ("zh", "en")]
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda c: subprocess.run(c, capture_output=True, cwd=Path(c[-1]).parent), commands))
    assert all(r.returncode == 0 for r in results), [r.stderr[-500:] for r in results]
    return time.perf_counter() - started


class _Counting(http.server.SimpleHTTPRequestHandler):
    log: list[tuple[str, int]] = []

    def log_message(self, format, *args):  # noqa: A002
        pass

    def send_head(self):
        if self.path.split("?")[0].endswith("/sw.js"):
            self.send_error(404)  # no service worker: its precache is not the search's cost
            return None
        return super().send_head()

    def copyfile(self, source, outputfile):
        data = source.read()
        outputfile.write(data)
        # Also the size gzip would send (as GitHub Pages does for text); Pagefind's chunks and
        # WebAssembly are gzipped already and gain nothing.
        self.log.append((self.path, len(data), min(len(data), len(gzip.compress(data, 6)))))


def first_search(site: Path, lang: str, query: str) -> tuple[int, int, int, int, int]:
    """(all bytes, all bytes gzipped, Pagefind's bytes, Pagefind's bytes gzipped, requests) a new
    browser fetches for its first search."""
    from browser import chrome
    from search_ui import READ_RESULTS
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    handler = functools.partial(_Counting, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with chrome() as driver:
            _Counting.log.clear()
            driver.get(base + f"{lang}/search/")
            box = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, "input.pagefind-ui__search-input"))
            box.send_keys(query)
            WebDriverWait(driver, 30).until(lambda d: d.execute_script(READ_RESULTS))
            time.sleep(1.0)  # let the result fragments shown finish loading
            log = list(_Counting.log)
    finally:
        server.shutdown()
        server.server_close()
    total = sum(size for _, size, _ in log)
    zipped = sum(z for _, _, z in log)
    pagefind = sum(size for path, size, _ in log if "/pagefind/" in path)
    pagefind_zipped = sum(z for path, _, z in log if "/pagefind/" in path)
    return total, zipped, pagefind, pagefind_zipped, len(log)


def measure(name: str, project: Path, queries: dict[str, str]) -> None:
    pages = None
    rows = {}
    if not (project / "content").is_dir():
        confgen_build(project, "mkdocs")  # drafts, once, untimed
    for engine in ("mkdocs", "zensical"):
        clean(project)
        rows[f"confgen cold build, {engine}"] = confgen_build(project, engine)
        site = project / "build" / "site"
        pages = sum(1 for _ in site.rglob("index.html")) - 1
        for lang, query in queries.items():
            rows[f"first search ({engine}, {lang} {query!r})"] = first_search(site, lang, query)
        # Last: raw mkdocs builds into build/site/<lang> itself, with no search index.
        rows[f"raw {engine} build"] = raw(project, engine)
    baseline = rows["raw mkdocs build"]
    print(f"\n## {name}: {pages} pages")
    print(f"raw mkdocs build            {baseline:7.2f} s   (baseline, 1.00x)")
    for label, value in rows.items():
        if isinstance(value, float) and label != "raw mkdocs build":
            print(f"{label:27} {value:7.2f} s   {value / baseline:5.2f}x raw mkdocs")
    for label, (total, zipped, pagefind, pagefind_zipped, requests) in ((k, v) for k, v in rows.items() if isinstance(v, tuple)):
        print(f"{label}: {requests} requests, {total / 1024:.1f} KB as served here ({zipped / 1024:.1f} KB gzipped); "
              f"Pagefind's part {pagefind / 1024:.1f} KB ({pagefind_zipped / 1024:.1f} KB gzipped); "
              f"gzipped total {zipped / TARGET_FIRST_SEARCH:4.2f}x the 300 KB target")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=40)
    parser.add_argument("--speakers", type=int, default=600)
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--drafted", type=Path, help="a synthetic project already drafted (its content/ and "
                        ".confgen/ are copied, so drafting 1000 sessions is not redone)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_reference:
            reference = Path(tmp) / "reference"
            shutil.copytree(REPO / "site", reference, ignore=shutil.ignore_patterns("build", ".confgen"))
            measure("reference site", reference, {"zh": "推理", "en": "inference"})
        synthetic = Path(tmp) / "synthetic"
        if args.drafted:
            shutil.copytree(args.drafted, synthetic, ignore=shutil.ignore_patterns("build"))
        else:
            synthetic.mkdir()
            write(synthetic / "conference.yaml", sessions=args.sessions, rooms=args.rooms, speakers=args.speakers)
        measure(f"synthetic {args.sessions} sessions / {args.rooms} rooms / {args.speakers} speakers", synthetic,
                {"zh": "推理", "en": "inference"})
    print("\ntarget: first search <= 300 KB at 1000 sessions")


if __name__ == "__main__":
    main()
