"""Rebuild benchmark: ``confgen build`` after one talk's abstract is edited, against the raw
``mkdocs build`` of the same rendered projects measured in the same run, on the synthetic
1000-session event and on imported real exports (pretalx's DemoCon, and the frab XML of the tests).

Run: python bench/rebuild.py [--sessions 1000 --rooms 40 --speakers 600 --repeats 3] [--only NAME]

Each event gets one cold build; then, ``repeats`` times and interleaved with the raw build, one
more session's abstract is edited in conference.yaml and ``confgen build`` runs again. "raw mkdocs"
is the two per-language clean ``mkdocs build`` runs of the rendered projects, in parallel as
confgen runs them, into a folder of their own (the live site is left alone). One more edit is then
rebuilt with each stage timed (bench/spans.py), outside the figures above, to show where the time goes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.build import confgen_build, pages  # noqa: E402
from bench.synthetic import write  # noqa: E402

INTEROP = REPO / "tests" / "data" / "interop"
FRAB = REPO / "tests" / "data" / "frab-schedule.xml"


def raw_mkdocs(project: Path, out: Path) -> float:
    configs = {lang: project / "build" / lang / "mkdocs.yml" for lang in ("zh", "en")}
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda item: subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--quiet", "--clean", "-f", str(item[1]),
             "--site-dir", str(out / item[0])], capture_output=True), configs.items()))
    assert all(r.returncode == 0 for r in results), [r.stderr[-2000:] for r in results]
    return time.perf_counter() - started


def edit_abstract(project: Path, n: int) -> str:
    """Add a word to the abstract of the n-th session that has one; the session's id."""
    path = project / "conference.yaml"
    text = path.read_text(encoding="utf-8")
    sessions = [s for s in yaml.safe_load(text)["sessions"] if s.get("abstract")]
    session = sessions[n % len(sessions)]
    abstract = session["abstract"]
    values = list(abstract.values()) if isinstance(abstract, dict) else [abstract]
    line = next(line.strip() for value in values for line in str(value).splitlines() if len(line.strip()) >= 10)
    assert line in text, (session["id"], line)
    path.write_text(text.replace(line, f"{line} revision{n}", 1), encoding="utf-8")
    return str(session["id"])


def html_times(site: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def measure(name: str, project: Path, repeats: int) -> None:
    raw_out = project.parent / f"{project.name}-raw"
    cold, _ = confgen_build(project)
    site = project / "build" / "site"
    rebuild_runs, raw_runs, rewritten = [], [], []
    for n in range(repeats):
        before = html_times(site)
        edit_abstract(project, n)
        seconds, _ = confgen_build(project)
        after = html_times(site)
        rewritten.append(sum(1 for path, mtime in after.items() if before.get(path) != mtime))
        rebuild_runs.append(seconds)
        raw_runs.append(raw_mkdocs(project, raw_out))
    raw, rebuild = median(raw_runs), median(rebuild_runs)
    print(f"\n## {name}: {pages(project)} pages (one cold build; raw and rebuild: medians of {repeats} interleaved runs)")
    print(f"raw mkdocs build              {raw:7.2f} s   (baseline, 1.00x)")
    print(f"confgen cold build            {cold:7.2f} s   {cold / raw:5.2f}x raw")
    print(f"rebuild after one abstract    {rebuild:7.2f} s   {rebuild / raw:5.2f}x raw   "
          f"HTML files written: {', '.join(map(str, rewritten))} of {len(html_times(site))}")
    print(f"  rebuild runs: {', '.join(f'{s:.2f}' for s in rebuild_runs)} s; raw runs: {', '.join(f'{s:.2f}' for s in raw_runs)} s")
    edit_abstract(project, repeats)
    print("  where one more rebuild's time goes (in-process, stages timed; engine waits are what is left once render is done):")
    for stage, seconds in spans(project):
        print(f"    {stage:45s} {seconds:6.2f} s")


def spans(project: Path) -> list[tuple[str, float]]:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "spans.py"), str(project)], capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def imported(tmp: Path, name: str, fmt: str, source: Path) -> Path:
    project = tmp / name
    project.mkdir()
    subprocess.run([sys.executable, "-m", "confgen", "import", fmt, str(source), "-o", str(project / "conference.yaml")],
                   check=True, capture_output=True)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=40)
    parser.add_argument("--speakers", type=int, default=600)
    parser.add_argument("--repeats", type=lambda v: max(1, int(v)), default=3)
    parser.add_argument("--only", choices=("synthetic", "pretalx", "frab"), action="append")
    args = parser.parse_args()
    only = set(args.only or ("synthetic", "pretalx", "frab"))
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if "synthetic" in only:
            synthetic = tmp / "synthetic"
            synthetic.mkdir()
            write(synthetic / "conference.yaml", sessions=args.sessions, rooms=args.rooms, speakers=args.speakers)
            measure(f"synthetic {args.sessions} sessions / {args.rooms} rooms / {args.speakers} speakers", synthetic,
                    args.repeats)
        if "pretalx" in only:
            measure("DemoCon, imported from its real pretalx export",
                    imported(tmp, "democon", "pretalx", INTEROP / "pretalx-democon.json"), args.repeats)
        if "frab" in only:
            measure("FrabCon, imported from the tests' frab schedule.xml", imported(tmp, "frabcon", "frab-xml", FRAB),
                    args.repeats)
        shutil.rmtree(tmp, ignore_errors=True)
    print("\ntarget: rebuild after one edit <= 0.25x raw")


if __name__ == "__main__":
    main()
