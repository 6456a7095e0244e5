"""Each page says who wrote its text, visibly and in its metadata: a language model (named with its
provider), the offline drafter, a person, or a model or the drafter and then a person. Built with
the real `mkdocs build` from drafts in the very front matter the runner writes; names in it are
escaped wherever they land."""

from __future__ import annotations

import json
import subprocess
import sys

import lxml.html
import pytest

from confgen import pipeline
from confgen.draft.store import DraftStore, parse
from confgen.load.project import open_project
from confgen.types import body_hash
from helpers import write_project

MODEL = 'gpt-4o-mini"><b id="injected">x</b>'
PROVIDER = "openai"


def confgen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "confgen", *args], capture_output=True, text=True, timeout=600)


def as_model_draft(root, job_id: str, body: str) -> None:
    """Rewrite a draft as the runner writes a model's: provider, model, the input hash of the
    prompt templates, the hash of what it wrote."""
    project = open_project(root)
    work = pipeline.drafting(project, offline=True)
    job = next(j for j in work.jobs if j.id == job_id)
    meta = {"kind": job.kind, "key": job.key, "lang": job.lang, "provider": PROVIDER, "model": MODEL,
            "input_hash": job.input_hash(work.runner.version(job, PROVIDER)), "needs_review": False}
    DraftStore(project.content_dir).write(job.path, meta, body)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = write_project(tmp_path_factory.mktemp("labels") / "mini")
    assert confgen("build", str(root)).returncode == 0
    content = root / "content"
    # k1 (en): a model's draft, untouched. w1 (en): a model's draft a person then edited.
    as_model_draft(root, "talks/k1.en", "A look back at a year of LLM applications, and what comes next.")
    as_model_draft(root, "talks/w1.en", "Build a retrieval-augmented QA system from scratch, step by step.")
    w1 = content / "talks" / "w1.en.md"
    w1.write_text(w1.read_text("utf-8").replace("step by step", "one step at a time (edited)"), "utf-8")
    # t1 (en): the offline drafter's text, edited by a person.
    t1 = content / "talks" / "t1.en.md"
    t1.write_text(t1.read_text("utf-8").rstrip() + "\n\nBring your laptop.\n", "utf-8")
    # li-na (en): a person's text with no front matter at all.
    (content / "speakers" / "li-na.en.md").write_text("Li Na builds retrieval systems, in her own words.\n", "utf-8")
    result = confgen("build", str(root))
    assert result.returncode == 0, result.stderr
    # The build kept every one of these drafts as they are.
    assert parse((content / "talks" / "k1.en.md").read_text("utf-8"), "k1").meta["model"] == MODEL
    assert "(edited)" in w1.read_text("utf-8") and "Bring your laptop." in t1.read_text("utf-8")
    return root / "build" / "site"


def label(site, path: str):
    doc = lxml.html.fromstring((site / path).read_bytes())
    aside = doc.xpath("//article//aside[contains(@class, 'cg-provenance')]")
    assert len(aside) == 1
    notes = [li.text_content().strip() for li in aside[0].xpath(".//li")]
    metas = {m.get("name"): m.get("content") for m in doc.xpath("//head/meta[@name]")}
    return doc, aside[0], notes, metas


def test_a_model_s_text_is_labelled_with_its_provider_and_model(site):
    doc, aside, notes, metas = label(site, "en/talks/k1/index.html")
    assert aside.xpath(".//strong")[0].text_content() == "This page contains AI-generated text"
    assert notes[0] == "Dates, times, rooms, names and prices come from the organizers' event data."
    assert notes[1] == f"The session description was drafted by AI: the language model {MODEL} from {PROVIDER}."
    assert metas["ai-generated"] == "true"
    aigc = json.loads(metas["AIGC"])
    assert aigc["Label"] == "1" and aigc["ContentProducer"] == f"{PROVIDER}/{MODEL}" and aigc["ProduceID"]
    assert not doc.xpath("//*[@id='injected']")  # the model's name stayed text, in <head> and in the label


def test_a_model_s_text_a_person_edited_says_both(site):
    _, _, notes, metas = label(site, "en/talks/w1/index.html")
    assert notes[1] == (f"The session description was drafted by AI: the language model {MODEL} from {PROVIDER}. "
                        "A person edited it afterwards.")
    assert metas["ai-generated"] == "true"  # a person's edits do not make the rest of the model's text theirs


def test_offline_text_says_it_came_from_the_event_data_alone_and_an_edit_says_so(site):
    _, aside, notes, metas = label(site, "en/talks/t1/index.html")
    assert notes[1] == ("The session description was drafted by confgen's offline drafter from the event data alone "
                        "(no AI model). A person edited it afterwards.")
    assert metas["ai-generated"] == "false" and "AIGC" not in metas
    _, _, zh_notes, _ = label(site, "zh/talks/t1/index.html")
    assert zh_notes[1] == "本场介绍由 confgen 离线起草器仅根据大会数据生成（未使用人工智能模型）。"


def test_a_person_s_text_is_labelled_as_a_person_s(site):
    _, _, notes, metas = label(site, "en/speakers/li-na/index.html")
    assert notes[1] == "The speaker profile was written by a person."
    assert metas["ai-generated"] == "false"


def test_a_page_of_facts_alone_says_no_text_was_machine_written(site):
    _, _, notes, metas = label(site, "en/venue/index.html")
    assert notes[1:] == ["No text on this page was machine-written."]
    assert metas["ai-generated"] == "false"
