"""Benchmark: the built-in quality gates on 3200 drafts (the reference site's 200-odd drafts, each
made distinct so no cache helps), against a baseline measured in the same run: parsing the same
texts with markdown-it, which every build does anyway.

    python bench/gates.py [--drafts 3200]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from markdown_it import MarkdownIt

from confgen.api import GateContext
from confgen.draft.gates import gates_for, run_gates
from confgen.load.project import open_project

SITE = Path(__file__).resolve().parents[1] / "site"
BUILT_IN = {"special-tokens", "meta-text", "repeated", "fences", "tables", "sections", "language", "code", "raw-html",
            "facts", "links"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=3200)
    args = parser.parse_args()
    project = open_project(SITE, check=False)
    gates = {n: g for n, g in gates_for(project.plugins).items() if n in BUILT_IN}
    sources = []
    for path in sorted((SITE / "content").rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        sources.append((body, "zh" if ".zh." in path.name else "en"))
    # Trailing spaces make every copy a distinct text, so the per-text parse cache never hits.
    texts = [(body + " " * (i // len(sources)), lang)
             for i, (body, lang) in zip(range(args.drafts), sources * (args.drafts // len(sources) + 1))]

    md = MarkdownIt("commonmark").enable("table")
    started = time.perf_counter()
    for text, _ in texts:
        md.render(text)
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    failed = 0
    for text, lang in texts:
        ctx = GateContext(text=text, lang=lang, conference=project.conference)
        failed += any(f.severity == "error" for f in run_gates(ctx, gates))
    gated = time.perf_counter() - started

    print(f"drafts: {len(texts)} (from {len(sources)} reference drafts); failing: {failed}")
    print(f"baseline markdown-it render: {baseline:.2f} s ({1000 * baseline / len(texts):.2f} ms/draft)")
    print(f"all built-in gates:          {gated:.2f} s ({1000 * gated / len(texts):.2f} ms/draft)")
    print(f"ratio gates / markdown-it:   {gated / baseline:.2f}x")


if __name__ == "__main__":
    main()
