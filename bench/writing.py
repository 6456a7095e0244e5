"""Writing benchmark: how much of what the offline drafter writes is worth reading, on fresh drafts of
the reference event and of a synthetic event.

Run: python bench/writing.py [--sessions 200 --rooms 10 --speakers 120]

Per content kind and language it prints
- recurring: the share of sentences (prose only: not headings, label fields such as
  "**Difficulty**: beginner", list items with no ending punctuation, tables, code, diagrams or
  formulas) that appear word for word in more
  than one draft of that kind (target <= 10 %; kinds with a single draft are skipped);
- for the question bank, questions against distinct reference answers (target: equal);
- typography findings of the typography gate (target 0);
- article lengths (Chinese characters for zh, words for en).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synthetic import write  # noqa: E402
from confgen.draft.store import parse  # noqa: E402
from confgen.draft.typography import prose_runs  # noqa: E402
from confgen_plugins.content.questions import parse as parse_questions  # noqa: E402
from confgen_plugins.content.sections import normalize  # noqa: E402
from confgen_plugins.content.typography import findings  # noqa: E402

SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def generate(project: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "confgen", "generate", str(project), "--provider", "offline"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"generate failed:\n{result.stderr}")


def sentences(body: str) -> list[str]:
    prose = "".join(chunk for is_prose, chunk in prose_runs(body) if is_prose)
    found = []
    for line in prose.splitlines():
        if re.match(r"^\s*#", line):  # headings are the kind's required structure, not prose
            continue
        item = re.match(r"^\s*(?:[-*]|\d+[.)])\s+", line)
        line = line[item.end():].strip() if item else line.strip()
        if item and not re.search(r"[.!?。！？；;:：]\s*$", line):
            continue  # a list item without an ending is a label ("- chunking"), not a sentence
        # Tables, HTML, admonitions and label fields ("**Difficulty**: beginner") are not prose.
        if line.startswith(("|", "<", "!!!", "???")) or re.fullmatch(r"\*\*[^*]+\*\*\s*[:：]?\s*\S{0,16}", line):
            continue
        found.extend(s for s in (normalize(part) for part in SENTENCE_END.split(line)) if len(s) >= 8)
    return found


def report(name: str, project: Path) -> None:
    drafts = defaultdict(list)  # (kind, lang) -> bodies
    for path in sorted((project / "content").rglob("*.md")):
        draft = parse(path.read_text(encoding="utf-8"), str(path))
        drafts[(draft.kind, draft.lang)].append(draft.body)
    print(f"\n== {name}")
    print(f"{'kind':<10} {'lang':<4} {'drafts':>6} {'sentences':>9} {'recurring':>9} {'typography':>10}")
    for (kind, lang), bodies in sorted(drafts.items()):
        per_draft = [set(sentences(body)) for body in bodies]
        seen_in = Counter(s for found in per_draft for s in found)
        total = sum(len(found) for found in per_draft)
        recurring = sum(1 for found in per_draft for s in found if seen_in[s] > 1)
        share = f"{recurring / total:.0%}" if total and len(bodies) > 1 else "-"
        typo = sum(len(list(findings(body, lang))) for body in bodies)
        print(f"{kind:<10} {lang:<4} {len(bodies):>6} {total:>9} {share:>9} {typo:>10}")
    for lang in ("zh", "en"):
        questions = [q for body in drafts.get(("questions", lang), []) for q in parse_questions(body, lang)]
        answers = {normalize(q.answer or "") for q in questions}
        print(f"questions {lang}: {len(questions)} questions, {len(answers)} distinct answers")
        lengths = []
        for body in drafts.get(("articles", lang), []):
            prose = "".join(chunk for is_prose, chunk in prose_runs(body) if is_prose)
            lengths.append(len(CJK.findall(prose)) if lang == "zh" else len(prose.split()))
        if lengths:
            unit = "Chinese characters" if lang == "zh" else "words"
            print(f"articles {lang}: {min(lengths)}–{max(lengths)} {unit} (median {sorted(lengths)[len(lengths) // 2]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--speakers", type=int, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reference = Path(tmp) / "reference"
        shutil.copytree(REPO / "site", reference, ignore=shutil.ignore_patterns("build", ".confgen", "content"))
        generate(reference)
        report("reference event", reference)
        synthetic = Path(tmp) / "synthetic"
        synthetic.mkdir()
        write(synthetic / "conference.yaml", sessions=args.sessions, rooms=args.rooms, speakers=args.speakers, days=2)
        generate(synthetic)
        report(f"synthetic event, {args.sessions} sessions", synthetic)
    print("\ntargets: recurring <= 10 %; questions == distinct answers; typography 0")


if __name__ == "__main__":
    main()
