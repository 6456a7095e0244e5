"""Where a build's time goes: ``python bench/spans.py PROJECT`` runs ``confgen build`` in this
process with each stage of :func:`confgen.pipeline.build` timed, and prints the spans as JSON
(stage name, seconds, in the order they ended). Used by bench/rebuild.py; confgen's own output
stays free of timings.

The stages are wrapped from outside (no hook in confgen): loading the project, planning, drafting
(with the gates), rendering each language, waiting for each language's engine build, Pagefind,
installing. An engine builds in its own processes while the next language renders, so the waits
are what is left of a build once rendering is done.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(project: Path) -> None:
    started = time.perf_counter()
    import confgen.pipeline as pipeline
    from confgen.draft.runner import Runner
    from confgen.sitebuild import engines
    from confgen.sitebuild.mkdocs_processes import MkDocsProcesses

    spans: list[tuple[str, float]] = [("import confgen", time.perf_counter() - started)]

    def timed(owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            begun = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                lang = next((a for a in args if a in ("zh", "en")), "")
                spans.append((f"{label} {lang}".strip(), time.perf_counter() - begun))

        setattr(owner, name, wrapper)

    timed(pipeline, "open_project", "load and validate")
    timed(pipeline, "drafting", "plan")
    timed(Runner, "run", "draft (up-to-date checks, drafting, gates)")
    timed(pipeline, "render_language", "render")
    timed(MkDocsProcesses, "wait", "wait for engine build")
    timed(engines.AfterBuild, "start", "harden, start Pagefind")
    timed(engines.AfterBuild, "finish", "wait for Pagefind")
    timed(pipeline, "install_site", "install")
    begun = time.perf_counter()
    pipeline.build(project, note=lambda message: None)
    spans.append(("whole build (after import)", time.perf_counter() - begun))
    print(json.dumps(spans))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
