"""Prompt caching: the share of prompt tokens a server that caches shared prefixes reports as cached,
and what the prompts cost with cached tokens at their price.

Talk and speaker jobs (the bulk of a large event's calls) of the 1000-session synthetic event and of
the reference event (site/conference.yaml) go through the runner and the openai provider against
tests/llm_server.py, whose cache works as OpenAI documents (a prefix of ≥ 1,024 tokens, then steps of
128, cached once a request with it finished) or, for contrast, in 64-token blocks. Tokens are those of
the test server's tokenizer (tests/llm_tokens.py), not a model's.

The cost columns price the run's measured tokens at a few models' listed prices: input, cached input
(what the cache saves) and output. The test server's answers are the same whatever the prompt, so any
change in cost comes from the prompts.

Run: python bench/generate.py --part cache
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.synthetic import write
from confgen.draft.cost import PRICES, cost
from confgen.draft.plan import plan
from confgen.draft.providers import choose, make_provider
from confgen.draft.runner import Runner
from confgen.load.project import open_project
from llm_server import LLMServer
from llm_tokens import PrefixCache

REPO = Path(__file__).resolve().parents[1]
CACHES = (("OpenAI-like, ≥1,024-token prefixes", lambda: PrefixCache(1024, 128)),
          ("fine-grained, 64-token blocks", lambda: PrefixCache(64, 64)))
#: Models whose cached input is half, a quarter and a tenth of the input price.
MODELS = ("gpt-4o-mini", "gpt-4.1-mini", "gpt-5-mini")
KINDS = ["talks", "speakers"]


def synthetic(folder: Path, sessions: int) -> Path:
    project_dir = folder / "synthetic"
    project_dir.mkdir()
    write(project_dir / "conference.yaml", sessions=sessions, rooms=max(10, sessions // 25),
          speakers=max(20, sessions // 2), days=3 if sessions > 100 else 1)
    return project_dir


def reference(folder: Path) -> Path:
    project_dir = folder / "reference"
    project_dir.mkdir()
    shutil.copy(REPO / "site" / "conference.yaml", project_dir / "conference.yaml")  # no drafts: all are drafted
    return project_dir


def measure(make_project, cache: PrefixCache):
    with LLMServer(prefix_cache=cache) as server, tempfile.TemporaryDirectory() as folder:
        project = open_project(make_project(Path(folder)))
        settings = choose(project, {"name": "openai", "model": "m", "concurrency": 8, "base_url": server.base_url},
                          {}).settings
        runner = Runner(project, make_provider(project, settings, {"OPENAI_API_KEY": "k"}), concurrency=8,
                        settings=settings, require_provider=True)
        jobs = plan(project, KINDS)
        return runner.run(jobs), len(jobs)


def event(label: str, make_project) -> None:
    print(f"  {label}:")
    for name, make_cache in CACHES:
        summary, jobs = measure(make_project, make_cache())
        tokens_in, cached, out = summary.tokens_in, summary.tokens_cached, summary.tokens_out
        print(f"    {name}: {cached} of {tokens_in} prompt tokens cached ({cached / max(tokens_in, 1):.1%}) over "
              f"{jobs} talk and speaker jobs, {tokens_in / jobs:.0f} prompt tokens a job "
              f"({(tokens_in - cached) / jobs:.0f} not cached), {out / jobs:.0f} output tokens a job")
        if name.startswith("OpenAI"):
            for model in MODELS:
                price = PRICES[model]
                uncached = cost(price, tokens_in, 0)
                paid = cost(price, tokens_in, 0, cached)
                total = cost(price, tokens_in, out, cached)
                print(f"      {model:<13} (cached input at {price.cached_input / price.input:.0%} of the price): prompts "
                      f"${paid * 1000 / jobs:.4f} per 1000 jobs (${uncached * 1000 / jobs:.4f} with no cache), "
                      f"with output ${total * 1000 / jobs:.4f} per 1000 jobs")


def main(sessions: int = 1000) -> None:
    event(f"synthetic event, {sessions} sessions", lambda folder: synthetic(folder, sessions))
    event("reference event (site/conference.yaml)", reference)
