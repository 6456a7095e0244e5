"""Build benchmark: confgen's cold and cached builds against the raw `mkdocs build` of the same
generated MkDocs projects, for the reference site, a synthetic 1000-session event and a synthetic
3-session one (what a build costs whatever the event's size: loading, dictionaries, processes).

Run: python bench/build.py [--sessions 1000 --rooms 40 --speakers 600 --repeats 3] [--no-small]

"raw mkdocs" is the same two per-language `mkdocs build` runs confgen makes (in parallel, as
confgen runs them) on the already-rendered projects, with nothing of confgen around them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from statistics import median
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synthetic import write  # noqa: E402


def peak_rss_of(process: subprocess.Popen) -> tuple[int, float]:
    """Run to the end, sampling the RSS of the process and its children; (peak bytes, seconds)."""
    peak = 0
    started = time.perf_counter()
    proc = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            total = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
            peak = max(peak, total)
        except psutil.Error:
            pass
        time.sleep(0.05)
    return peak, time.perf_counter() - started


def confgen_build(project: Path, *extra: str) -> tuple[float, int]:
    process = subprocess.Popen([sys.executable, "-m", "confgen", "build", str(project), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, seconds = peak_rss_of(process)
    if process.returncode != 0:
        raise SystemExit(f"build failed:\n{process.stderr.read()}")
    return seconds, peak


def raw_mkdocs(project: Path) -> float:
    configs = [project / "build" / lang / "mkdocs.yml" for lang in ("zh", "en")]
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda c: subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(c)], capture_output=True), configs))
    assert all(r.returncode == 0 for r in results)
    return time.perf_counter() - started


def pages(project: Path) -> int:
    return sum(1 for _ in (project / "build" / "site").rglob("index.html")) - 1


def measure(name: str, project: Path, repeats: int) -> None:
    shutil.rmtree(project / "content", ignore_errors=True)
    shutil.rmtree(project / "build", ignore_errors=True)
    shutil.rmtree(project / ".confgen", ignore_errors=True)
    cold, cold_peak = confgen_build(project)
    # Interleaved, so that a slow spell of the machine weighs on both sides alike.
    cached_runs, raw_runs = [], []
    for _ in range(repeats):
        cached_runs.append(confgen_build(project))
        raw_runs.append(raw_mkdocs(project))
    raw = median(raw_runs)
    cached = median(seconds for seconds, _ in cached_runs)
    cached_peak = max(peak for _, peak in cached_runs)
    print(f"\n## {name}: {pages(project)} pages (one cold build; raw and cached: medians of {repeats} interleaved runs)")
    print(f"raw mkdocs build        {raw:7.2f} s   (baseline, 1.00x)")
    print(f"confgen cold build      {cold:7.2f} s   {cold / raw:5.2f}x raw   peak RSS {cold_peak / 2**20:6.0f} MiB")
    print(f"confgen cached rebuild  {cached:7.2f} s   {cached / raw:5.2f}x raw   peak RSS {cached_peak / 2**20:6.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=40)
    parser.add_argument("--speakers", type=int, default=600)
    parser.add_argument("--repeats", type=lambda v: max(1, int(v)), default=3,
                        help="cached rebuilds and raw builds, interleaved (at least 1)")
    parser.add_argument("--no-small", action="store_true", help="leave out the 3-session event")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reference = Path(tmp) / "reference"
        shutil.copytree(REPO / "site", reference, ignore=shutil.ignore_patterns("build", ".confgen", "content"))
        measure("reference site", reference, args.repeats)
        synthetic = Path(tmp) / "synthetic"
        synthetic.mkdir()
        write(synthetic / "conference.yaml", sessions=args.sessions, rooms=args.rooms, speakers=args.speakers)
        measure(f"synthetic {args.sessions} sessions / {args.rooms} rooms / {args.speakers} speakers", synthetic, args.repeats)
        if not args.no_small:
            small = Path(tmp) / "small"
            small.mkdir()
            write(small / "conference.yaml", sessions=3, rooms=2, speakers=3)
            measure("synthetic 3 sessions / 2 rooms / 3 speakers", small, args.repeats)
    print("\ntargets: cached rebuild <= 1.15x raw; synthetic cold build <= 2x raw, peak RSS <= 1024 MiB")


if __name__ == "__main__":
    main()
