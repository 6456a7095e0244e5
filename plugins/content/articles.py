"""Technical articles: one per track (``site.articles_per_track``), in the ten-part structure such
articles use, drafted from the track and its sessions."""

from __future__ import annotations

from confgen.api import ContentKind, Job, Page, RenderContext, hookimpl
from confgen.model import Conference, tr

SECTIONS = {
    "zh": ["摘要", "1 背景介绍", "2 核心概念与联系", "3 核心方法与步骤", "4 数学模型与公式", "5 项目实践",
           "6 应用场景", "7 展望", "8 工具和资源", "9 总结：趋势与挑战", "10 附录：常见问题"],
    "en": ["Abstract", "1 Background", "2 Core concepts and how they connect", "3 Core method and steps",
           "4 Mathematical model and formulas", "5 Project practice", "6 Application scenarios", "7 Outlook",
           "8 Tools and resources", "9 Summary: trends and challenges", "10 Appendix: FAQ"],
}


# Per-track technical material (a concept, its formula and a small runnable example) that the
# offline drafter builds articles and questions from; a model gets it as a starting point.
TOPICS = {
    "foundations": {
        "concept": {"zh": "Transformer 注意力机制", "en": "Transformer attention"},
        "formula": r"\mathrm{Attention}(Q,K,V)=\mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right)V",
        "code": "import math\n\n\ndef softmax(xs):\n    m = max(xs)\n    exps = [math.exp(x - m) for x in xs]\n    total = sum(exps)\n    return [e / total for e in exps]\n\n\nscores = [2.0, 1.0, 0.1]\nweights = softmax([s / math.sqrt(4) for s in scores])\nprint([round(w, 3) for w in weights])\n",
    },
    "applications": {
        "concept": {"zh": "检索增强生成（RAG）", "en": "retrieval-augmented generation (RAG)"},
        "formula": r"\cos(\mathbf{q},\mathbf{d})=\frac{\mathbf{q}\cdot\mathbf{d}}{\lVert\mathbf{q}\rVert\,\lVert\mathbf{d}\rVert}",
        "code": "import math\n\n\ndef cosine(a, b):\n    dot = sum(x * y for x, y in zip(a, b))\n    return dot / (math.hypot(*a) * math.hypot(*b))\n\n\nquery = [1.0, 0.0, 1.0]\ndocs = {\"faq\": [1.0, 0.2, 0.9], \"agenda\": [0.0, 1.0, 0.1]}\nprint(max(docs, key=lambda name: cosine(query, docs[name])))\n",
    },
    "devtech": {
        "concept": {"zh": "低秩适配（LoRA）微调", "en": "low-rank adaptation (LoRA) fine-tuning"},
        "formula": r"W = W_0 + \Delta W = W_0 + BA,\quad B\in\mathbb{R}^{d\times r},\ A\in\mathbb{R}^{r\times k}",
        "code": "def lora_params(d, k, r):\n    return r * (d + k)\n\n\nfull = 4096 * 4096\nlow_rank = lora_params(4096, 4096, 8)\nprint(full, low_rank, round(low_rank / full * 100, 2))\n",
    },
    "deployment": {
        "concept": {"zh": "推理服务的吞吐与延迟", "en": "throughput and latency of inference serving"},
        "formula": r"L = \lambda W",
        "code": "def in_flight(requests_per_second, seconds_per_request):\n    return requests_per_second * seconds_per_request\n\n\nprint(in_flight(50, 1.2))\n",
    },
    "cases": {
        "concept": {"zh": "大模型项目的投入产出评估", "en": "measuring the return of an LLM project"},
        "formula": r"\mathrm{ROI}=\frac{\text{benefit}-\text{cost}}{\text{cost}}",
        "code": "def roi(benefit, cost):\n    return (benefit - cost) / cost\n\n\nprint(round(roi(180_000, 120_000), 2))\n",
    },
}


def track_facts(conference: Conference, track, lang: str) -> dict:
    sessions = [s for s in conference.sessions if s.track == track.id]
    return {
        "event": tr(conference.event.name, lang), "track_id": track.id, "track": tr(track.name, lang),
        "description": tr(track.description, lang),
        "sessions": [{"id": s.id, "title": tr(s.title, lang), "type": s.type.value, "level": s.level.value,
                      "speakers": [tr(conference.speaker(p).name, lang) for p in s.speakers]} for s in sessions],
        "references": [r.model_dump(mode="json") for r in conference.references],
        "author": tr(conference.site.author, lang),
        "topic": {k: tr(v, lang) if isinstance(v, dict) else v for k, v in TOPICS.get(track.id, TOPICS["foundations"]).items()},
    }


class Articles(ContentKind):
    name = "articles"
    required_sections = SECTIONS

    def plan(self, conference: Conference):
        for track in conference.tracks:
            for number in range(1, conference.site.articles_per_track + 1):
                key = track.id if number == 1 else f"{track.id}-{number}"
                for lang in ("zh", "en"):
                    yield Job(self.name, key, lang, facts=track_facts(conference, track, lang) | {"number": number})

    def pages(self, ctx: RenderContext):
        section = ctx.tr({"zh": "技术文章", "en": "Articles"})
        for job in self.plan(ctx.conference):
            if job.lang != ctx.lang:
                continue
            draft = ctx.draft(self.name, job.key)
            title = ctx.tr({"zh": f"{job.facts['track']}：技术综述", "en": f"{job.facts['track']}: a technical overview"})
            yield Page(f"articles/{job.key}.md", ctx.lang, title,
                       ctx.render("pages/draft.md.j2", draft=draft, heading=None), nav=(section,), order=80)


@hookimpl
def confgen_content_kinds():
    return [Articles()]
