"""What drafting costs, over real HTTP: the price table and its overrides, the dry run's estimate,
--max-cost stopping a run before it overspends, and the usage of every answer counted: answers cut
off by ``length`` and prompt tokens the provider served from its prefix cache included."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from confgen.draft.cost import cost, price_for
from confgen.draft.plan import plan
from confgen.draft.providers import choose, make_provider
from confgen.draft.runner import Runner
from confgen.load.project import open_project
from confgen.model import Price, ProviderSettings
from llm_server import LLMServer, ok
from llm_tokens import PrefixCache

ONLY = ["talks", "speakers"]  # 10 jobs, one call each


@pytest.fixture
def server():
    with LLMServer() as running:
        yield running


def settle(project_dir, server: LLMServer, extra: str = "") -> None:
    path = project_dir / "conference.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"provider:\n  base_url: {server.base_url}\n{extra}",
                    encoding="utf-8")


def run(project_dir, model: str = "m", concurrency: int = 2, **kwargs):
    project = open_project(project_dir)
    settings = choose(project, {"name": "openai", "model": model, "concurrency": concurrency}, {}).settings
    runner = Runner(project, make_provider(project, settings, {"OPENAI_API_KEY": "k"}), require_provider=True,
                    concurrency=concurrency, settings=settings, **kwargs)
    return runner.run(plan(project, ONLY))


def cli(*args: str, server: LLMServer) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CONFGEN_"))}
    env = clean | {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": server.base_url}
    return subprocess.run([sys.executable, "-m", "confgen", *args], env=env, capture_output=True, text=True, timeout=120)


def test_prices_come_from_the_project_then_the_table():
    assert price_for(ProviderSettings(model="gpt-4o-mini")).input == 0.15
    assert price_for(ProviderSettings(model="gpt-4o-mini-2024-07-18")).output == 0.60  # a dated snapshot
    assert price_for(ProviderSettings(model="gpt-4o-minimal")) is None
    own = ProviderSettings(model="gpt-4o-mini", prices={"gpt-4o-mini": Price(input=1, output=2)})
    assert price_for(own).input == 1
    assert price_for(ProviderSettings(model="local", price_per_1k_input=0.001, price_per_1k_output=0.002)).output == 2
    assert price_for(ProviderSettings(model="local")) is None
    price = Price(input=2, cached_input=0.5, output=8)
    assert cost(price, 1_000_000, 1_000_000, cached=500_000) == pytest.approx(1.0 + 0.25 + 8)
    assert cost(price, 1_000_000, 0, batch=True) == pytest.approx(1.0)


def test_dry_run_prints_calls_tokens_and_the_cost_synchronously_and_as_a_batch(mini_project, server):
    dry = cli("generate", str(mini_project), "--provider", "openai", "--model", "gpt-4o-mini", "--only", "talks",
              "--dry-run", server=server)
    assert dry.returncode == 0, dry.stderr
    assert "6 calls (more if a gate sends a draft back)" in dry.stdout and server.records == []
    line = next(line for line in dry.stdout.splitlines() if line.startswith("estimated cost at most"))
    sync, batch = (float(word) for word in line.replace(",", " ").split() if word[0].isdigit())
    assert sync > 0 and batch == pytest.approx(sync / 2, abs=1e-4)
    unknown = cli("generate", str(mini_project), "--provider", "openai", "--model", "m", "--only", "talks",
                  "--dry-run", server=server)
    assert unknown.returncode == 0 and "estimated cost: unknown, no price for model 'm'" in unknown.stdout


def test_max_cost_stops_starting_calls_and_says_what_is_left(mini_project, server):
    # A dear model: a call may cost up to about $3.3 (prompt plus max_tokens) and costs about $0.1.
    settle(mini_project, server, "  prices:\n    m: {input: 1000, output: 1000}\n")
    done = cli("generate", str(mini_project), "--provider", "openai", "--model", "m", "--only", "talks",
               "--only", "speakers", "--concurrency", "1", "--max-cost", "3.8", server=server)
    assert done.returncode == 1
    assert "left undrafted" in done.stderr and "the cost budget of 3.8 is spent" in done.stderr
    drafted = len(list((mini_project / "content").rglob("*.md")))
    assert 0 < drafted < 10 and server.calls == drafted
    spent = float(done.stderr.split(", cost ")[1].split()[0])
    assert 0 < spent <= 3.8

    server.reset()  # the next run, with room, drafts only what is left
    rest = cli("generate", str(mini_project), "--provider", "openai", "--model", "m", "--only", "talks",
               "--only", "speakers", "--max-cost", "100", server=server)
    assert rest.returncode == 0, rest.stderr
    assert server.calls == 10 - drafted


def test_max_cost_for_a_model_with_no_price_is_a_clear_input_error(mini_project, server):
    done = cli("generate", str(mini_project), "--provider", "openai", "--model", "m", "--max-cost", "5", server=server)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no price for model 'm'" in done.stderr and "provider.prices.m" in done.stderr
    assert server.records == []


def test_usage_of_answers_cut_off_by_length_counts(mini_project, server):
    settle(mini_project, server)
    server.queue(ok("", finish_reason="length", tokens_in=700, tokens_out=1500),  # all spent before any text
                 ok("## About this session\n\nCut", finish_reason="length", tokens_in=600, tokens_out=11))
    summary = run(mini_project, concurrency=1)
    assert summary.count("drafted") == 10 and summary.calls == 12
    assert summary.tokens_in == 700 + 600 + 10 * 50 and summary.tokens_out >= 1511


def test_prompt_tokens_served_from_the_providers_cache_are_reported_and_priced(mini_project):
    with LLMServer(prefix_cache=PrefixCache(minimum=64, step=16)) as server:
        settle(mini_project, server, "  prices:\n    m: {input: 2, cached_input: 0.5, output: 8}\n")
        summary = run(mini_project, concurrency=1)
    assert summary.tokens_cached > 0
    price = Price(input=2, cached_input=0.5, output=8)
    expected = sum(cost(price, o.tokens_in, o.tokens_out, o.tokens_cached) for o in summary.outcomes)
    assert summary.cost == pytest.approx(expected) and summary.cost < cost(price, summary.tokens_in, summary.tokens_out)


def test_a_wrong_price_in_conference_yaml_names_its_line_and_field(mini_project, server):
    path = mini_project / "conference.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "provider:\n  prices:\n    m: {input: -1, outptu: 2}\n",
                    encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines())
    done = cli("validate", str(mini_project), server=server)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"conference.yaml:{line}: provider.prices.m.input: Input should be greater than or equal to 0" in done.stderr
    assert f"conference.yaml:{line}: provider.prices.m.outptu: unknown field" in done.stderr
