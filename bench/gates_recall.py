"""Benchmark: how many planted defects the gates catch, and how many clean answers they reject.

The reference conference is drafted through the real runner and the real ``openai`` provider
against ``tests/llm_server.py``. The server answers like a capable model: a draft that follows
the prompt's contract, with sentences built from the job's facts (who presents, their company,
the session's day and time). In ``--defective`` (30 %) of first answers it plants one defect of
one class; every later answer (after the gates' feedback) is clean. A defect is caught when the
runner sends the job back; a clean first answer sent back is a false reject.

Classes, each in Chinese and English: an invented person, a speaker given another speaker's
company, a date or time valid elsewhere in the programme, an invented statistic, meta-text in
words no phrase list holds, Python that parses but fails when run, Mermaid that does not parse.

    python bench/gates_recall.py [--per-class 24] [--defective 0.3] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from confgen.model import tr  # noqa: E402
from confgen.draft.plan import plan  # noqa: E402
from confgen.load.project import open_project  # noqa: E402
from confgen.draft.providers import choose, make_provider  # noqa: E402
from confgen.draft.runner import Runner  # noqa: E402
from confgen_plugins.gates.meta import MetaTextGate, _squash  # noqa: E402
from llm_server import LLMServer, completion, plausible_markdown  # noqa: E402

SITE = REPO / "site"
KINDS = ["talks", "speakers", "agenda", "event", "faq"]
CLASSES = ["invented person", "wrong company", "shifted date/time", "invented statistic", "meta-text",
           "failing Python", "broken Mermaid"]

INVENTED = {
    "en": ["Daniel Brooks", "Maria Lopez", "Kevin O'Neill", "Sarah Whitfield", "Tom Becker", "Priya Raman",
           "Lucas Moreau", "Hannah Schultz", "Omar Haddad", "Grace Kim", "Peter Novak", "Elena Petrova"],
    "zh": ["郑晓明", "孙丽华", "赵志强", "钱雨萱", "冯建国", "何静怡", "许文博", "曹雪梅", "彭浩然", "蒋思远", "韩冬", "邓佳琪"],
}
PERSON_TEMPLATES = {
    "en": ["Special guest {name}, a senior engineer, joins the discussion.",
           "The session is moderated by {name}.",
           "{name}, CTO of a fast-growing startup, will share lessons from production.",
           "Dr. {name} will also present a short demo.",
           "Attendees will hear from {name}, who leads the platform team."],
    "zh": ["特邀嘉宾{name}博士也将到场分享。", "本场由{name}主持。", "{name}老师将带来现场演示。",
           "此外，资深工程师{name}也会分享实践经验。", "知名专家{name}将担任点评嘉宾。"],
}
COMPANY_TEMPLATES = {
    "en": ["{name}, CTO at {org}, will share lessons from production.", "{name} from {org} walks through the design.",
           "{name} works at {org} and leads its platform work.", "{name} ({org}) explains what the team learned."],
    "zh": ["来自{org}的{name}将分享生产环境中的经验。", "{name}（{org}）将介绍系统设计。", "{name}目前就职于{org}，负责平台建设。"],
}
TIME_TEMPLATES = {
    "en": ["“{title}” starts at {time}.", "Join “{title}” at {time} to hear the details.", "“{title}” takes place on {date}."],
    "zh": ["《{title}》将于 {time} 开始。", "《{title}》安排在 {date} 举行。", "欢迎在 {time} 参加《{title}》。"],
}
STAT_TEMPLATES = {
    "en": ["Over {big:,} developers have already registered.", "Last year {pct}% of attendees rated the sessions as excellent.",
           "More than {mid} companies will exhibit this year.", "The community behind the event has grown to {big:,} members.",
           "{pct}% of participants said they would come back."],
    "zh": ["目前已有超过 {big} 名开发者报名。", "去年 {pct}% 的参会者给出了好评。", "今年共有 {mid} 家企业参展。",
           "社区成员已达 {wan} 万人。", "超过 {pct}% 的听众表示明年还会再来。"],
}
META = {
    "en": {"open": ["Below is the requested page text for the event:", "Here's what the page could look like:",
                    "Okay — the text for this page follows:", "As you asked, the description is below:",
                    "Following your instructions, the page reads:", "Great question! The draft follows:"],
           "close": ["Do you want me to add a section on travel?", "I have kept the text within the word limit you gave.",
                     "Note: this draft keeps strictly to the facts provided.", "Shall I expand the second section?",
                     "I can also adjust the tone if needed.", "This text was generated based on the information provided."]},
    "zh": {"open": ["好的，这是为您撰写的页面正文：", "以下是根据资料整理的页面内容：", "没问题，页面文字如下：",
                    "收到，下面是本页的介绍：", "明白，按照您的要求，正文如下：", "可以，这是本页的文案："],
           "close": ["需要我再补充交通信息吗？", "以上就是全部内容，我已按照要求控制了篇幅。", "（注：本文严格依据提供的资料撰写。）",
                     "要不要我再调整一下语气？", "我可以继续扩写第二部分。", "（说明：此稿内容均来自所给事实，字数约三百字。）"]},
}
PYTHON_FAILING = [
    "items = [1, 2, 3]\nprint(items[3])", "config = {'model': 'm'}\nprint(config['temperature'])",
    "total = 10\ncount = 0\nprint(total / count)", "def score(x):\n    return x * weight\n\nprint(score(2))",
    "text = 'hello'\nprint(text.upper().reverse())", "import json\nprint(json.loads('{bad json}'))",
    "values = [3, 1, 2]\nassert sorted(values) == values, 'not sorted'", "print(int('12a'))",
    "import math\nprint(math.sqrt(-1))", "data = None\nprint(len(data))", "print('a' + 1)",
    "from collections import OrderedDict\nd = OrderedDict()\nd.popitem()",
]
MERMAID_BROKEN = [
    "graph TD\n  A[Query] --> B[Retriever\n  B --> C[Answer]", "flowchart LR\n  A --> |label B",
    "sequenceDiagram\n  Client->>Server Request\n  Server-->>Client: Answer", "graph TD\n  A --> B -->\n",
    "classDiagram\n  class Model {\n    +generate(\n", "flowchart TD\n  A{Decide --> B",
    "graph LR\n  A[(Store] --> B", "stateDiagram-v2\n  [*] --> Idle\n  Idle --> : go",
    "pie\n  \"Tokens\" 40\n  \"Cache\": 60", "erDiagram\n  USER ||--o{ : places",
    "gantt\n  title Plan\n  section A\n  Task :a1, 2026-06-12, ,", "flowchart TD\n  subgraph S\n  A --> B\n  end end",
]


def facts_sentence(job, lang: str) -> str:
    """What a capable model writes from the facts: who presents, with their company, and when."""
    facts = job.facts
    if job.kind == "talks" and facts.get("speakers"):
        who = ("、" if lang == "zh" else " and ").join(
            f"{s['name']}（{s['affiliation']}）" if lang == "zh" and s.get("affiliation") else
            f"{s['name']} ({s['affiliation']})" if s.get("affiliation") else s["name"] for s in facts["speakers"])
        if facts.get("start"):
            start = dt.datetime.fromisoformat(facts["start"])
            when = (f"{start.month} 月 {start.day} 日 {start:%H:%M}" if lang == "zh" else f"{start:%B} {start.day} at {start:%H:%M}")
            return f"本场由{who}主讲，于 {when} 开始。" if lang == "zh" else f"The session is presented by {who} on {when}."
        return f"本场由{who}主讲。" if lang == "zh" else f"The session is presented by {who}."
    if job.kind == "speakers" and facts.get("talks"):
        org = f"（{facts['affiliation']}）" if lang == "zh" and facts.get("affiliation") else \
            f" ({facts['affiliation']})" if facts.get("affiliation") else ""
        titles = "、".join(f"《{t['title']}》" for t in facts["talks"]) if lang == "zh" else \
            " and ".join(f"“{t['title']}”" for t in facts["talks"])
        return f"{facts['name']}{org}将在大会上分享{titles}。" if lang == "zh" else f"{facts['name']}{org} presents {titles}."
    return ""


def with_sentence(text: str, sentence: str) -> str:
    """``sentence`` as its own paragraph after the draft's first paragraph."""
    if not sentence:
        return text
    parts = text.split("\n\n")
    at = 2 if parts[0].startswith("## ") else 1
    return "\n\n".join(parts[:at] + [sentence] + parts[at:])


class Planter:
    def __init__(self, conference, rng: random.Random):
        self.conference = conference
        self.rng = rng
        self.sessions = [s for s in conference.scheduled_sessions() if s.start]
        self.speakers = [s for s in conference.speakers if s.affiliation]
        self.counter = Counter()
        self.allowed = _known_numbers(conference)

    def _pick(self, items):
        return items[self.rng.randrange(len(items))]

    def defect(self, kind: str, job, lang: str, text: str) -> str:
        n = self.counter[(kind, lang)]
        self.counter[(kind, lang)] += 1
        if kind == "invented person":
            name = INVENTED[lang][n % len(INVENTED[lang])]
            return with_sentence(text, PERSON_TEMPLATES[lang][n % len(PERSON_TEMPLATES[lang])].format(name=name))
        if kind == "wrong company":
            speaker = self._speaker_of(job) or self._pick(self.speakers)
            mine = set((speaker.affiliation or {}).values())
            others = [tr(s.affiliation, lang) for s in self.speakers if not set(s.affiliation.values()) & mine]
            template = COMPANY_TEMPLATES[lang][n % len(COMPANY_TEMPLATES[lang])]
            return with_sentence(text, template.format(name=tr(speaker.name, lang), org=self._pick(others)))
        if kind == "shifted date/time":
            session = self._session_of(job) or self._pick(self.sessions)
            own = {session.start.strftime("%H:%M"), session.end.strftime("%H:%M") if session.end else ""}
            wrong_time = self._pick(sorted({s.start.strftime("%H:%M") for s in self.sessions} - own))
            days = [d for d in self.conference.event.days if d != session.start.date()]
            day = self._pick(days) if days else session.start.date() + dt.timedelta(days=1)
            date = f"{day.month} 月 {day.day} 日" if lang == "zh" else f"{day:%B} {day.day}"
            template = TIME_TEMPLATES[lang][n % len(TIME_TEMPLATES[lang])]
            return with_sentence(text, template.format(title=tr(session.title, lang), time=wrong_time, date=date))
        if kind == "invented statistic":
            big, mid, pct = self._number(2000, 90000), self._number(40, 900), self._number(11, 99)
            wan = self._number(2, 30, scale=10_000)
            template = STAT_TEMPLATES[lang][n % len(STAT_TEMPLATES[lang])]
            return with_sentence(text, template.format(big=big, mid=mid, pct=pct, wan=wan))
        if kind == "meta-text":
            where = "open" if n % 2 == 0 else "close"
            line = META[lang][where][(n // 2) % len(META[lang][where])]
            return f"{line}\n\n{text}" if where == "open" else f"{text.rstrip()}\n\n{line}\n"
        if kind == "failing Python":
            code = PYTHON_FAILING[n % len(PYTHON_FAILING)]
            lead = "示例代码：" if lang == "zh" else "A short example:"
            return with_sentence(text, f"{lead}\n\n```python\n{code}\n```")
        if kind == "broken Mermaid":
            diagram = MERMAID_BROKEN[n % len(MERMAID_BROKEN)]
            lead = "流程如下：" if lang == "zh" else "The flow:"
            return with_sentence(text, f"{lead}\n\n```mermaid\n{diagram}\n```")
        raise ValueError(kind)

    def _number(self, low: int, high: int, scale: int = 1) -> int:
        """A number the facts do not hold (as the gate reads it: ``scale`` for 万)."""
        candidates = [v for v in range(low, high) if not any(abs(v * scale - a) <= max(0.5, 0.005 * a) for a in self.allowed)]
        return self._pick(candidates)

    def _session_of(self, job):
        if job.kind == "talks":
            return next((s for s in self.sessions if s.id == job.key), None)
        return None

    def _speaker_of(self, job):
        if job.kind == "speakers":
            return next((s for s in self.speakers if s.id == job.key), None)
        if job.kind == "talks":
            ids = [s["id"] for s in job.facts.get("speakers", [])]
            return next((s for s in self.speakers if s.id in ids), None)
        return None


def _known_numbers(conference) -> set[float]:
    from confgen_plugins.gates.figures import _allowed

    return set(_allowed(conference))


def check_meta_outside_lists() -> None:
    """The meta-text corpus holds no phrase of the gate's list: it tests the shape rules."""
    pattern = MetaTextGate().pattern
    for lang in META:
        for line in META[lang]["open"] + META[lang]["close"]:
            assert not pattern.search(_squash(line)), f"{line!r} is in the phrase list"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=24, help="planted defects per class (half zh, half en)")
    parser.add_argument("--defective", type=float, default=0.3, help="share of first answers carrying a defect")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    check_meta_outside_lists()
    rng = random.Random(args.seed)
    lock = threading.Lock()
    planted: dict[str, str] = {}  # job id -> class, for the current round
    seen_first: set[str] = set()
    remaining = {(c, lang): args.per_class // 2 for c in CLASSES for lang in ("zh", "en")}
    caught: Counter = Counter()
    totals: Counter = Counter()
    clean = Counter()
    outcomes = Counter()
    started = time.perf_counter()

    def responder(request):
        job_id = request["_job"]
        lang = "zh" if job_id.endswith(".zh") else "en"
        text = plausible_markdown(request)
        job = jobs_by_id[job_id]
        text = with_sentence(text, facts_sentence(job, lang))
        with lock:
            first = job_id not in seen_first
            seen_first.add(job_id)
            kind = planted.get(job_id) if first else None
            if kind:
                text = planter.defect(kind, job, lang, text)
        return 200, {}, completion(text)

    with tempfile.TemporaryDirectory(prefix="confgen-recall-") as tmp, LLMServer(responder=responder) as server:
        rounds = 0
        while any(remaining.values()):
            rounds += 1
            project_dir = Path(tmp) / f"round-{rounds}"
            shutil.copytree(SITE, project_dir, ignore=shutil.ignore_patterns("build", ".confgen", "content"))
            path = project_dir / "conference.yaml"
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"(?m)^provider:\n(?:  .*\n)*", "", text)
            path.write_text(text + f"provider:\n  base_url: {server.base_url}\n", encoding="utf-8")
            project = open_project(project_dir)
            planter = Planter(project.conference, rng)
            jobs = plan(project, KINDS)
            jobs_by_id = {j.id: j for j in jobs}
            planted.clear()
            seen_first.clear()
            order = list(jobs)
            rng.shuffle(order)
            for job in order:
                if rng.random() >= args.defective:
                    continue
                open_classes = [c for c in CLASSES if remaining[(c, job.lang)] > 0]
                if not open_classes:
                    continue
                kind = min(open_classes, key=lambda c: (-remaining[(c, job.lang)], CLASSES.index(c)))
                planted[job.id] = kind
                remaining[(kind, job.lang)] -= 1
            server.reset()
            settings = choose(project, {"name": "openai", "model": "m", "concurrency": args.concurrency}, {}).settings
            provider = make_provider(project, settings, {"OPENAI_API_KEY": "k"})
            summary = Runner(project, provider, concurrency=args.concurrency, settings=settings).run(jobs)
            calls = server.calls_by_job()
            for outcome in summary.outcomes:
                job_id = outcome.job.id
                sent_back = calls[job_id] > 1
                outcomes["model" if outcome.status == "drafted" and not outcome.needs_review else
                         "offline" if outcome.needs_review else outcome.status] += 1
                kind = planted.get(job_id)
                if kind:
                    totals[(kind, outcome.job.lang)] += 1
                    caught[(kind, outcome.job.lang)] += sent_back
                else:
                    clean["answers"] += 1
                    clean["rejected"] += sent_back
                    if sent_back and clean["shown"] < 5:
                        clean["shown"] += 1
                        print(f"  false reject {job_id}: {outcome.message or '(passed on retry)'}")
    seconds = time.perf_counter() - started
    print(f"rounds: {rounds}; jobs: {sum(outcomes.values())}; planted defects: {sum(totals.values())} "
          f"({args.defective:.0%} of first answers); {seconds:.0f} s")
    print(f"{'class':22} {'zh':>9} {'en':>9} {'recall':>8}")
    for kind in CLASSES:
        zh, en = (f"{caught[(kind, l)]}/{totals[(kind, l)]}" for l in ("zh", "en"))
        total = totals[(kind, "zh")] + totals[(kind, "en")]
        hit = caught[(kind, "zh")] + caught[(kind, "en")]
        print(f"{kind:22} {zh:>9} {en:>9} {100 * hit / max(total, 1):7.1f}%")
    print(f"false rejects on clean first answers: {clean['rejected']}/{clean['answers']} "
          f"({100 * clean['rejected'] / max(clean['answers'], 1):.2f}%)")
    done = sum(outcomes.values())
    print(f"jobs ending model-written: {outcomes['model']}/{done} ({100 * outcomes['model'] / max(done, 1):.1f}%); "
          f"offline and marked for review: {outcomes['offline']}; failed: {outcomes['failed']}")


if __name__ == "__main__":
    main()
