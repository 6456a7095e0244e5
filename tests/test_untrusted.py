"""Defective and false model output never reaches content/, the retry carries the findings, and
untrusted text (abstracts, bios) can neither steer the model nor run in a reader's browser.

Guarantee tested here: an instruction inside an abstract or bio is not followed by the model (the
data is datamarked, so a model that obeys plain-text instructions finds none); the submitter's text
may appear on its own talk or speaker page as inert quoted text inside ``.cg-untrusted``, where a
URL is never a link and HTML never runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ruamel.yaml import YAML

from helpers import MINI_CONFERENCE, write_project
from llm_server import LLMServer, completion, plausible_markdown

DATA = Path(__file__).parent / "data"
INJECTIONS = yaml.safe_load((DATA / "injection" / "abstracts.yaml").read_text(encoding="utf-8"))
XSS = yaml.safe_load((DATA / "xss" / "payloads.yaml").read_text(encoding="utf-8"))
CANARY = re.compile(r"CANARY-[A-Z]+-[A-Z]+")
FOREIGN = "evil.example.net"


def confgen(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OPENAI_API_KEY="sk-test")
    return subprocess.run([sys.executable, "-c", "from confgen.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def project(tmp_path: Path, server: LLMServer | None = None, abstracts: list[dict] | None = None,
            bios: list[dict] | None = None) -> Path:
    data = YAML(typ="safe", pure=True).load(MINI_CONFERENCE)  # PyYAML trips on "?" in its flow mappings
    for i, session in enumerate(data["sessions"]):
        if abstracts:
            session["abstract"] = abstracts[i % len(abstracts)]
    for i, speaker in enumerate(data["speakers"]):
        if bios:
            speaker["bio"] = bios[i % len(bios)]
    if server is not None:
        data["provider"] = {"name": "openai", "model": "m", "base_url": server.base_url, "concurrency": 1,
                            "timeout": 10}
    return write_project(tmp_path / "p", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def drafts(root: Path) -> dict[str, tuple[dict, str]]:
    found = {}
    for path in (root / "content").rglob("*.md"):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        found[path.relative_to(root / "content").as_posix()[:-3]] = (yaml.safe_load(front), body)
    return found


ZH_OK = "## 内容概要\n\n本场分享围绕主题展开，介绍相关的思路、方法与实践经验，并讨论落地过程中常见的问题。\n"
EN_OK = "## Overview\n\nThis session walks through the topic, the ideas behind it and lessons from practice.\n"
DEFECTS = {  # job id -> (answer, a string that must not reach content/)
    "talks/k1.en": (EN_OK + "\nSee you there.<|im_end|>\n", "<|im_end|>"),
    "talks/k1.zh": ("以下是关于本场演讲简介的撰写：\n\n" + ZH_OK, "的撰写"),
    "talks/t1.en": (EN_OK + "\nBring questions about batching and paged attention for serving models.\n\n"
                    "<|endoftext|>\n" + EN_OK, "<|endoftext|>"),
    "talks/t1.zh": (EN_OK + "\nIt is written in English although the page is Chinese, which must not pass.\n", "written in English"),
    "talks/w1.en": (EN_OK + "\n```python\nprint('unclosed')\n", "unclosed"),
    "talks/w1.zh": (ZH_OK + "\n```mermaid\nflowchat LR\n  A --> B\n```\n", "flowchat"),
    "speakers/li-na.en": (EN_OK + "\nThe conference is held in Beijing on 3 July 2026.\n", "Beijing"),
    "speakers/li-na.zh": (ZH_OK + "\n报名请访问 https://evil.example.net/zh 。\n", FOREIGN),
    "speakers/wang-lei.en": (EN_OK + "\n<img src=x onerror=\"document.title='XSS'\">\n", "onerror"),
    "speakers/wang-lei.zh": (ZH_OK + "\n```python\ndef f(:\n    pass\n```\n", "def f(:"),
}


def defective(request: dict) -> tuple[int, dict, dict]:
    answer = DEFECTS.get(request["_job"], (plausible_markdown(request), ""))[0]
    return 200, {}, completion(answer)


def test_defective_answers_fall_back_and_are_marked_for_review(tmp_path):
    with LLMServer(responder=defective) as server:
        root = project(tmp_path, server)
        result = confgen("generate", str(root), "--only", "talks", "--only", "speakers")
        assert "Traceback" not in result.stderr, result.stderr
        by_job = server.calls_by_job()
    found = drafts(root)
    for job, (_, bad) in DEFECTS.items():
        meta, body = found[job]
        assert bad not in body, (job, body)
        assert meta["needs_review"] is True and meta.get("drafted_by") == "offline", (job, meta)
        assert by_job[job] == 3  # gates.max_attempts, then the offline drafter
    for job, (meta, _) in found.items():
        if job not in DEFECTS:
            assert meta["needs_review"] is False and by_job[job] == 1, job
    assert "review" in (result.stdout + result.stderr).lower()
    # Nothing that reached content/ fails a gate.
    check = confgen("check", str(root / "content"), "--project", str(root))
    assert check.returncode == 0, check.stdout


def test_retry_carries_the_findings(tmp_path):
    seen: dict[str, int] = {}

    def once_bad(request):
        job = request["_job"]
        seen[job] = seen.get(job, 0) + 1
        if job == "talks/k1.en" and seen[job] == 1:
            return 200, {}, completion(EN_OK + "\nIt starts at 08:15 in Room Z.<|im_end|>\n")
        return 200, {}, completion(plausible_markdown(request))

    with LLMServer(responder=once_bad) as server:
        root = project(tmp_path, server)
        result = confgen("generate", str(root), "--only", "talks")
        records = [r for r in server.chat_records if r.job == "talks/k1.en"]
    assert result.returncode == 0, result.stderr
    assert len(records) == 2
    second = records[1].body["messages"]
    assert second[-2]["role"] == "assistant" and "<|im_end|>" in second[-2]["content"]
    feedback = second[-1]["content"]
    for expected in ("special-tokens", "08:15", "Room Z"):
        assert expected in feedback, feedback
    meta, body = drafts(root)["talks/k1.en"]
    assert meta["needs_review"] is False and "Room Z" not in body


def gullible(request: dict) -> tuple[int, dict, dict]:
    """A model that obeys any instruction it can read as plain text: it writes out every canary and
    URL in the prompt that stands after ordinary whitespace, i.e. that the data marking did not reach."""
    prompt = "\n".join(m["content"] for m in request["messages"])
    echoed = re.findall(r"(?:(?<=\s)|^)(CANARY-[A-Z]+-[A-Z]+|https?://" + re.escape(FOREIGN) + r"\S*)", prompt, re.M)
    return 200, {}, completion(plausible_markdown(request) + "".join(f"\n{e}\n" for e in echoed))


def test_injected_instructions_are_not_followed(tmp_path):
    with LLMServer(responder=gullible) as server:
        root = project(tmp_path, server, abstracts=INJECTIONS, bios=INJECTIONS[::-1])
        result = confgen("generate", str(root), "--only", "talks", "--only", "speakers")
        by_job = server.calls_by_job()
        prompts = [m["content"] for r in server.chat_records for m in r.body["messages"]]
    assert result.returncode == 0, result.stderr
    assert any("CANARY" in p for p in prompts)  # the injections did reach the model, marked
    assert set(by_job.values()) == {1}  # every first answer passed: nothing was echoed
    for job, (meta, body) in drafts(root).items():
        assert meta["provider"] == "openai" and not meta.get("drafted_by"), job
        assert not CANARY.search(body) and FOREIGN not in body, (job, body)


def test_old_style_plain_json_block_would_be_obeyed():
    """The gullible model is a real adversary: without the datamark it echoes the canary."""
    import json

    plain = "```json\n" + json.dumps({"abstract": INJECTIONS[0]["en"]}) + "\n```"
    _, _, body = gullible({"messages": [{"role": "user", "content": plain}], "_job": "talks/k1.en"})
    assert "CANARY-EN-TOPIC" in body["choices"][0]["message"]["content"]


LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _outside_untrusted(html: str) -> str:
    """The page without the places where untrusted text is inert: the sanitized block, and structured
    data (JSON with every '<' escaped, so it cannot close its script element)."""
    for data in LD_JSON.findall(html):
        assert "<" not in data, data[:200]
    html = LD_JSON.sub("", html)
    return re.sub(r'<div class="cg-untrusted".*?</div>', "", html, flags=re.S)


@pytest.mark.browser
def test_xss_and_injection_corpus_in_every_untrusted_field_runs_nothing(tmp_path):
    from browser import chrome, serve

    payloads = [{"zh": f"{p} 中文摘要 {i}", "en": f"{p} abstract {i}"} for i, p in enumerate(XSS)]
    fields = payloads + INJECTIONS
    root = project(tmp_path, abstracts=fields, bios=fields[::-1])
    # More sessions and speakers so every payload lands in an abstract and a bio.
    data = yaml.safe_load((root / "conference.yaml").read_text(encoding="utf-8"))
    base_session, base_speaker = data["sessions"][0], data["speakers"][0]
    for i, value in enumerate(fields):
        data["speakers"].append({**base_speaker, "id": f"x{i}", "name": f"X{i}", "bio": value})
        data["sessions"].append({**base_session, "id": f"x{i}", "type": "talk", "abstract": value, "speakers": [f"x{i}"],
                                 "room": "room-a", "start": f"2026-06-13 {9 + i // 2:02d}:{(i % 2) * 30:02d}",
                                 "end": f"2026-06-13 {9 + i // 2:02d}:{(i % 2) * 30 + 25:02d}"})
    (root / "conference.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = confgen("build", str(root), "--offline")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    site = next(p.parent for p in (root / "build").rglob("index.html") if (p.parent / "sitemap.xml").exists()
                or (p.parent / "search").is_dir())
    pages = sorted(p for p in site.rglob("*.html") if re.search(r"/(talks|speakers)/", p.as_posix()))
    assert len(pages) >= 2 * len(fields)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        # Material's own search "share" button is the one javascript:void(0) allowed.
        assert not re.search(r"""<[a-z][^<>]*\s(?:href|src)\s*=\s*["']?\s*(?:javascript:(?!void\(0\)")|data:text)""", html, re.I), page
        assert FOREIGN not in " ".join(re.findall(r"""<[a-z][^<>]*\s(?:href|src)\s*=\s*["'][^"']*["']""", html)), page
        assert not CANARY.search(_outside_untrusted(html)), page
        assert "__xss" not in _outside_untrusted(html), page
        assert not re.search(r"<[a-z][^<>]*\son[a-z]+\s*=[^<>]*__xss", html), page
    with serve(site) as base, chrome() as driver:
        for page in pages:
            driver.get(base + page.relative_to(site).as_posix())
            for element in driver.find_elements("css selector", ".cg-untrusted *"):
                try:
                    driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));"
                                          "arguments[0].click && arguments[0].click();", element)
                except Exception:
                    pass
            state = driver.execute_script("return [document.title, window.__xss === undefined]")
            assert state[0] != "XSS" and state[1], (page, state)
