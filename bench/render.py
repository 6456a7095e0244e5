"""Render benchmark: where a cached rebuild's rendering time goes, content kind by content kind, on
the synthetic 1000-session event (rendering only: no drafting, no engine build).

Run: python bench/render.py [--sessions 1000 --rooms 40 --speakers 600 --repeats 5] [--project DIR]

The event is drafted offline once (``confgen generate``, about two minutes; ``--project`` reuses a
folder already drafted), rendered once to fill ``.confgen/memo`` as a build would, then rendered
``repeats`` more times, each in a fresh process as a rebuild is: the memo read from disk, every
in-process cache empty. Each kind's time is the time spent inside its ``pages()``; the figures are
medians over the repeats, in milliseconds of wall time (CPU time in parentheses).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def child(project_dir: Path) -> None:
    """One rebuild's rendering, timed; prints {kind: [wall s, cpu s]} as JSON."""
    from confgen.draft.store import DraftStore
    from confgen.load.project import open_project
    from confgen.model import LANGUAGES
    from confgen.render.pages import Rendered, render_language

    project = open_project(project_dir)
    spent: dict[str, list[float]] = {}

    def timed(kind):
        pages = kind.pages

        def wrapper(ctx):
            iterator = iter(pages(ctx))
            while True:
                wall, cpu = time.perf_counter(), time.process_time()
                try:
                    item = next(iterator)
                except StopIteration:
                    return
                finally:
                    total = spent.setdefault(kind.name, [0.0, 0.0])
                    total[0] += time.perf_counter() - wall
                    total[1] += time.process_time() - cpu
                yield item

        kind.pages = wrapper

    for kind in project.kinds.values():
        timed(kind)
    wall, cpu = time.perf_counter(), time.process_time()
    drafts = DraftStore(project.content_dir, project.memo).load_all()
    spent["(reading drafts)"] = [time.perf_counter() - wall, time.process_time() - cpu]
    wall, cpu = time.perf_counter(), time.process_time()
    rendered = Rendered()
    for lang in LANGUAGES:
        render_language(project, drafts, lang, rendered)
    project.memo.save()
    spent["(whole render)"] = [time.perf_counter() - wall, time.process_time() - cpu]
    print(json.dumps(spent))


def rebuild(project: Path) -> dict[str, list[float]]:
    out = subprocess.run([sys.executable, __file__, "--child", str(project)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=40)
    parser.add_argument("--speakers", type=int, default=600)
    parser.add_argument("--repeats", type=lambda v: max(1, int(v)), default=5)
    parser.add_argument("--project", type=Path, help="an already drafted project to render (kept as it is)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        project = args.project
        if project is None:
            from bench.synthetic import write

            project = Path(tmp) / "synthetic"
            project.mkdir()
            write(project / "conference.yaml", sessions=args.sessions, rooms=args.rooms, speakers=args.speakers)
            subprocess.run([sys.executable, "-m", "confgen", "generate", str(project)], capture_output=True, check=True)
        rebuild(project)  # the build before: fills the memo
        runs = [rebuild(project) for _ in range(args.repeats)]
    kinds = sorted({k for run in runs for k in run}, key=lambda k: -median(run.get(k, [0, 0])[0] for run in runs))
    print(f"cached re-render of {project.name}: medians of {args.repeats} runs, ms wall (cpu)")
    for kind in kinds:
        wall = median(run.get(kind, [0, 0])[0] for run in runs) * 1000
        cpu = median(run.get(kind, [0, 0])[1] for run in runs) * 1000
        print(f"{kind:28} {wall:8.1f}  ({cpu:7.1f})")


if __name__ == "__main__":
    main()
