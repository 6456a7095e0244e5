"""Drafting rate of the transformers provider on a tiny local model, cache cold and then warm.

Runs the real runner (cache, gates, fallback) over the mini conference's jobs twice: once with an
empty cache (every answer generated) and once with ``force`` over the same cache (every answer
read back). Prints jobs/s and generated tokens/s for each, and warm/cold as a ratio.

    python bench/transformers_drafting.py [--kinds faq,event,talks,speakers] [--max-tokens 64] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from helpers import write_project  # noqa: E402
from tiny_model import build_tiny_model  # noqa: E402

from confgen.model import ProviderSettings  # noqa: E402
from confgen.draft.plan import plan  # noqa: E402
from confgen.load.project import open_project  # noqa: E402
from confgen.draft.providers import make_provider  # noqa: E402
from confgen.draft.runner import Runner, Summary  # noqa: E402


def write_prompts(root: Path, kinds: list[str]) -> None:
    """Short prompts of the project's own, so that the figures do not move with the packaged ones."""
    prompts = root / "templates" / "prompts"
    prompts.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        (prompts / f"system.{lang}.md.j2").write_text("You write pages for a conference. Reply in Markdown.\n")
        (prompts / f"feedback.{lang}.md.j2").write_text("Fix: {% for f in findings %}{{ f.message }}; {% endfor %}\n")
        for kind in kinds:
            (prompts / f"{kind}.{lang}.md.j2").write_text(f"Write the {kind} page from these facts: {{{{ facts }}}}\n")


def run(root: Path, model: Path, kinds: list[str], max_tokens: int, force: bool) -> tuple[Summary, float]:
    project = open_project(root)
    settings = ProviderSettings(name="transformers", model=str(model), max_tokens=max_tokens, concurrency=1)
    provider = make_provider(project, settings, os.environ)
    jobs = plan(project, kinds)
    started = time.perf_counter()
    summary = Runner(project, provider, force=force, concurrency=1).run(jobs)
    return summary, time.perf_counter() - started


def threads() -> int:
    import torch

    return torch.get_num_threads()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="faq,event,talks,speakers")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--stop-after", type=int, default=48, help="tokens the tiny model writes before its EOS")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    kinds = args.kinds.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        model = build_tiny_model(tmp_path / "model", stop_after=args.stop_after)
        root = write_project(tmp_path / "conf")
        write_prompts(root, kinds)
        # Load the model (imports, weights) outside the timed runs: the figures are drafting only.
        warm_up = write_project(tmp_path / "warmup")
        write_prompts(warm_up, ["faq"])
        run(warm_up, model, ["faq"], args.max_tokens, force=False)

        cold, cold_s = run(root, model, kinds, args.max_tokens, force=False)
        warm, warm_s = run(root, model, kinds, args.max_tokens, force=True)

    jobs = len(cold.outcomes)
    print(f"tiny GPT-2 (2 layers, hidden 64), {jobs} jobs of {', '.join(kinds)}, max_tokens {args.max_tokens}, "
          f"answers of {args.stop_after}+EOS tokens, concurrency 1, {threads()} torch threads")
    # Warm answers are the cold ones read back: the same tokens, delivered from the cache.
    tokens = cold.tokens_out
    print(f"{'':6} {'calls':>6} {'hits':>6} {'seconds':>8} {'jobs/s':>9} {'tokens out/s':>13}")
    for label, summary, seconds in (("cold", cold, cold_s), ("warm", warm, warm_s)):
        print(f"{label:6} {summary.calls:>6} {summary.cache_hits:>6} {seconds:>8.2f} {jobs / seconds:>9.1f} "
              f"{tokens / seconds:>13.0f}")
    print(f"warm/cold ratio (jobs/s): {cold_s / warm_s:.1f}x")


if __name__ == "__main__":
    main()
