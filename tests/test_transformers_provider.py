"""The transformers provider end to end, on tiny local models built by the tests themselves.

The weights are random, so drafts are gibberish and may well fail the quality gates (the runner
then stands the offline draft in and marks it for review); what is checked here is the plumbing:
loading from a folder, the prompt (chat template or plain), the answer's length, the cache and
the errors a user sees for a folder that cannot be used.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="the transformers provider needs torch: pip install -e '.[test]'")
pytest.importorskip("transformers", reason="pip install -e '.[test]'")

from tiny_model import build_masked_lm, build_tiny_model  # noqa: E402

from confgen.api import ChatRequest, InputError, Job  # noqa: E402
from confgen.cli import main  # noqa: E402
from confgen.draft.store import DraftStore  # noqa: E402
from confgen.model import ProviderSettings  # noqa: E402
from confgen_plugins.providers.transformers import make_provider, plain_prompt  # noqa: E402

pytestmark = pytest.mark.slow  # started first, so that no worker is left alone with it at the end

STOP_AFTER = 24  # tokens every tiny-model answer has before its EOS
MAX_TOKENS = 64

PROMPTS = {
    "system": "You write pages for {{ job.facts.event }}. Reply in Markdown.",
    "faq": "Write the FAQ from these facts: {{ facts | tojson }}",
    "feedback": "Fix these problems: {% for f in findings %}{{ f.message }}; {% endfor %}",
}
MESSAGES = [{"role": "system", "content": "You write FAQ pages."}, {"role": "user", "content": "Write the FAQ."}]
JOB = Job("faq", "faq", "en", facts={})


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {
        "chat": build_tiny_model(root / "chat", stop_after=STOP_AFTER),
        "plain": build_tiny_model(root / "plain", chat_template=False, stop_after=STOP_AFTER),
        "bert": build_masked_lm(root / "bert"),
    }


@pytest.fixture(autouse=True)
def _hub_env(monkeypatch):
    # The provider switches the hub libraries offline for its process; keep that inside each test.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    """A 64-wide model gains nothing from a second thread, and on a busy 2-core machine torch's
    spinning worker threads make each call several times slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def project(mini_project: Path) -> Path:
    """The mini project with short prompts of its own, so the test does not hang on packaged ones."""
    prompts = mini_project / "templates" / "prompts"
    prompts.mkdir(parents=True)
    for lang in ("zh", "en"):
        for name, text in PROMPTS.items():
            (prompts / f"{name}.{lang}.md.j2").write_text(text + "\n", encoding="utf-8")
    with (mini_project / "conference.yaml").open("a", encoding="utf-8") as f:
        f.write(f"provider:\n  max_tokens: {MAX_TOKENS}\n  concurrency: 1\n")
    return mini_project


def run_cli(args: list[str], capsys, monkeypatch) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["confgen", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def cache_rows(project: Path) -> list[dict]:
    db = sqlite3.connect(project / ".confgen" / "cache.sqlite")
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("select * from calls order by key")]
    finally:
        db.close()


def faq_drafts(project: Path):
    store = DraftStore(project / "content")
    return [store.read(f"faq/faq.{lang}.md") for lang in ("zh", "en")]


def test_drafts_through_the_cli_with_the_chat_template_then_from_the_cache(project, models, capsys, monkeypatch):
    from transformers import AutoTokenizer

    command = [sys.executable, "-m", "confgen", "generate", str(project), "--provider", "transformers",
               "--model", str(models["chat"]), "--only", "faq", "--concurrency", "1"]
    cold = subprocess.run(command, capture_output=True, text=True, timeout=120, env=os.environ | {"OMP_NUM_THREADS": "1"})
    assert cold.returncode == 0, cold.stderr
    assert "Traceback" not in cold.stderr

    for draft in faq_drafts(project):
        assert draft is not None
        assert draft.meta["provider"] == "transformers"
        assert draft.meta["model"] == str(models["chat"].resolve())
        # A gibberish draft may be replaced by the offline one, flagged; a passing one is not flagged.
        assert draft.meta["needs_review"] == (draft.meta.get("drafted_by") == "offline")

    rows = cache_rows(project)
    assert len(rows) >= 2
    tokenizer = AutoTokenizer.from_pretrained(models["chat"], local_files_only=True)
    for row in rows:
        assert (row["provider"], row["model"]) == ("transformers", str(models["chat"].resolve()))
        assert row["finish_reason"] == "stop"
        assert row["tokens_out"] == STOP_AFTER + 1 <= MAX_TOKENS  # the answer and its EOS
        request = json.loads(row["request"])
        assert request["max_tokens"] == MAX_TOKENS
        prompt = tokenizer.apply_chat_template(request["messages"], add_generation_prompt=True, tokenize=False)
        assert prompt.count("<|assistant|>") >= 1
        assert row["tokens_in"] == len(tokenizer(prompt, add_special_tokens=False)["input_ids"])

    code, output = run_cli(command[3:] + ["--force"], capsys, monkeypatch)
    assert code == 0, output
    assert "calls 0," in output and "cache hits 2," in output, output
    assert cache_rows(project) == rows  # nothing generated, nothing rewritten


def test_plain_prompt_for_a_tokenizer_without_chat_template(project, models, capsys, monkeypatch):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(models["plain"], local_files_only=True)
    assert not tokenizer.chat_template
    conference = project / "conference.yaml"
    conference.write_text(conference.read_text(encoding="utf-8").replace(
        "provider:\n", f"provider:\n  name: transformers\n  model: {models['plain']}\n"), encoding="utf-8")

    code, output = run_cli(["generate", str(project), "--only", "faq"], capsys, monkeypatch)
    assert code == 0, output
    assert all(d.meta["provider"] == "transformers" for d in faq_drafts(project))
    rows = cache_rows(project)
    assert rows
    for row in rows:
        messages = json.loads(row["request"])["messages"]
        prompt = plain_prompt(messages)
        assert all(m["content"] in prompt for m in messages)
        assert row["tokens_in"] == len(tokenizer(prompt)["input_ids"])
        assert row["tokens_out"] == STOP_AFTER + 1


@pytest.mark.filterwarnings("ignore:Unfeasible length constraints")
def test_answer_is_cut_at_max_tokens_and_repeatable(models):
    provider = make_provider(ProviderSettings(name="transformers", model=str(models["chat"])), {})
    cut = provider.complete(ChatRequest(MESSAGES, max_tokens=8), JOB)
    assert (cut.finish_reason, cut.tokens_out) == ("length", 8)
    whole = provider.complete(ChatRequest(MESSAGES, max_tokens=MAX_TOKENS), JOB)
    assert (whole.finish_reason, whole.tokens_out) == ("stop", STOP_AFTER + 1)
    again = provider.complete(ChatRequest(MESSAGES, max_tokens=MAX_TOKENS), JOB)
    assert again == whole  # same seed, same answer
    greedy = ChatRequest(MESSAGES, max_tokens=MAX_TOKENS, temperature=0.0, seed=None)
    assert provider.complete(greedy, JOB) == provider.complete(greedy, JOB)
    assert provider.complete(greedy, JOB).tokens_out == STOP_AFTER + 1


def test_concurrent_calls_give_the_answers_of_serial_ones(models):
    provider = make_provider(ProviderSettings(name="transformers", model=str(models["chat"])), {})
    requests = [ChatRequest(MESSAGES, seed=seed, temperature=1.0, max_tokens=MAX_TOKENS) for seed in range(4)]
    serial = [provider.complete(r, JOB) for r in requests]
    parallel: list = [None] * len(requests)

    def call(i: int) -> None:
        parallel[i] = provider.complete(requests[i], JOB)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert parallel == serial
    assert len({c.text for c in serial}) > 1  # the seeds did make a difference


def partial_copy(source: Path, target: Path, keep) -> Path:
    target.mkdir()
    for path in source.iterdir():
        if keep(path.name):
            shutil.copy(path, target / path.name)
    return target


@pytest.mark.parametrize("which", ["missing", "file", "empty", "bert", "hub_id", "no_weights", "no_tokenizer"])
def test_unusable_model_folder_is_a_usage_error(which, project, models, tmp_path, capsys, monkeypatch):
    chat = models["chat"]
    folder = {
        "missing": lambda: tmp_path / "no-such-model",
        "file": lambda: chat / "config.json",
        "empty": lambda: tmp_path,
        "bert": lambda: models["bert"],
        "hub_id": lambda: Path("sshleifer/tiny-gpt2"),
        "no_weights": lambda: partial_copy(chat, tmp_path / "w", lambda name: not name.endswith(".safetensors")),
        "no_tokenizer": lambda: partial_copy(chat, tmp_path / "t", lambda name: name in ("config.json", "model.safetensors")),
    }[which]()
    code, output = run_cli(["generate", str(project), "--provider", "transformers", "--model", str(folder),
                            "--only", "faq"], capsys, monkeypatch)
    assert code == 2, output
    assert str(folder) in output
    assert "Traceback" not in output
    assert not (project / "content" / "faq").exists()
    if which == "bert":
        assert "not a causal language model" in output


def test_factory_rejects_a_missing_model_setting():
    with pytest.raises(InputError, match="--model"):
        make_provider(ProviderSettings(name="transformers"), {})


def test_missing_libraries_say_how_to_install(project, models):
    # A process where torch cannot be imported, as on a machine without it.
    code = ("import sys; sys.modules['torch'] = None; sys.argv = ['confgen'] + sys.argv[1:]; "
            "from confgen.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code, "generate", str(project), "--provider", "transformers",
                             "--model", str(models["chat"]), "--only", "faq"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "pip install 'confgen[transformers]'" in result.stderr
    assert "Traceback" not in result.stderr
