"""The question bank: at least 8 questions per track from the sessions and the topic, each with a
difficulty and a reference answer, near-duplicates merged, answers folded on the page."""

from __future__ import annotations

from confgen.api import Draft, RenderContext
from confgen.load.project import open_project
from confgen_plugins.content.questions import merge_duplicates, parse
from helpers import REFERENCE_SITE

DRAFT = """\
## Concept questions

### 1. What is retrieval-augmented generation?

**Difficulty**: beginner

**Reference answer**:

Retrieve, then generate.

### 2. What is retrieval augmented generation ?

**Difficulty**: intermediate

**Reference answer**:

Retrieve passages relevant to the question, then generate an answer grounded in them.

## Interview questions

### 3. How do you evaluate a RAG system?

**Difficulty**: advanced

**Reference answer**:

Recall of retrieval and accuracy of answers.

## Programming questions

### 4. Write `add`.

**Difficulty**: beginner

**Reference answer**:

```python
def add(a, b):
    return a + b


assert add(1, 2) == 3
```
"""


def test_parse_reads_kind_level_and_answer():
    questions = parse(DRAFT, "en")
    assert [(q.kind, q.level) for q in questions] == [
        ("concept", "beginner"), ("concept", "intermediate"), ("interview", "advanced"), ("programming", "beginner")]
    assert questions[3].answer.startswith("```python")
    assert "Difficulty" not in questions[0].detail


def test_near_duplicates_merge_into_the_first_with_the_fuller_answer():
    merged = merge_duplicates(parse(DRAFT, "en"))
    assert len(merged) == 3
    assert merged[0].text == "What is retrieval-augmented generation?"
    assert merged[0].answer.startswith("Retrieve passages") and merged[0].merged == 1


def test_offline_bank_has_at_least_eight_questions_per_track_in_both_languages():
    project = open_project(REFERENCE_SITE)
    kind = project.kinds["questions"]
    for job in kind.plan(project.conference):
        questions = merge_duplicates(parse(kind.offline(job, project.conference, project.templates), job.lang))
        assert len(questions) >= 8, job.id
        assert {q.kind for q in questions} == {"concept", "interview", "programming"}
        assert all(q.level and q.answer for q in questions)
        titles = {s["title"] for s in job.facts["sessions"]}
        assert sum(any(t in q.text for t in titles) for q in questions) >= min(len(titles), 3) - 1


def test_page_folds_answers_and_reports_merges():
    project = open_project(REFERENCE_SITE)
    draft = Draft("questions/applications.en.md", {"kind": "questions", "key": "applications", "lang": "en",
                                                    "provider": "openai"}, DRAFT)
    ctx = RenderContext(project.conference, "en", project.templates, {"questions/applications.en": draft})
    page = next(p for p in project.kinds["questions"].pages(ctx) if p.path == "questions/applications.md")
    assert page.markdown.count('??? note "Reference answer"') == 3
    assert "1 near-duplicates merged" in page.markdown
    assert "    ```python\n    def add(a, b):" in page.markdown
    assert "Track: Application Scenarios" in page.markdown and "Difficulty: Advanced" in page.markdown
