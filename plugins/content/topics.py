"""Per-track technical material the offline drafter builds articles and questions from (a model
gets it as a starting point): a concept, its definition, a formula with the meaning of its terms, a
small runnable example with the output it prints (tests run every example and compare), concept
questions, and a programming exercise whose reference answer checks itself with asserts.

Tracks without their own entry use ``DEFAULT``.
"""

from __future__ import annotations

TOPICS = {
    "foundations": {
        "concept": {"zh": "Transformer 注意力机制", "en": "Transformer attention"},
        "definition": {
            "zh": "注意力机制让序列中每个位置根据查询向量与所有键向量的相似度，对值向量加权求和，从而在一步之内汇聚全局上下文。",
            "en": "Attention lets each position of a sequence take a weighted sum of value vectors, weighted by how similar its query is to every key, so that global context is gathered in a single step.",
        },
        "formula": r"\mathrm{Attention}(Q,K,V)=\mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right)V",
        "terms": {
            "zh": "$Q$、$K$、$V$ 分别是查询、键、值矩阵，$d_k$ 是键向量的维度；除以 $\\sqrt{d_k}$ 可防止点积过大导致 softmax 饱和。",
            "en": "$Q$, $K$ and $V$ are the query, key and value matrices and $d_k$ is the key dimension; dividing by $\\sqrt{d_k}$ keeps dot products from saturating the softmax.",
        },
        "code": "import math\n\n\ndef softmax(xs):\n    m = max(xs)\n    exps = [math.exp(x - m) for x in xs]\n    total = sum(exps)\n    return [e / total for e in exps]\n\n\nscores = [2.0, 1.0, 0.1]\nweights = softmax([s / math.sqrt(4) for s in scores])\nprint([round(w, 3) for w in weights])\n",
        "output": "[0.502, 0.304, 0.194]",
        "questions": [
            {"level": "beginner",
             "q": {"zh": "多头注意力相比单头注意力有什么好处？", "en": "What does multi-head attention add over a single attention head?"},
             "a": {"zh": "多个头在不同的线性投影子空间里各自计算注意力，能同时关注不同类型的关系（如句法与指代），最后拼接再投影；总计算量与单个全维度头相近。",
                   "en": "Each head computes attention in its own projected subspace, so different heads can track different relations (syntax, coreference) at once; their outputs are concatenated and projected, at about the cost of one full-width head."}},
            {"level": "intermediate",
             "q": {"zh": "为什么 Transformer 需要位置编码？", "en": "Why does a Transformer need positional encodings?"},
             "a": {"zh": "注意力对输入顺序是置换等变的，本身不感知位置；位置编码（正弦、可学习或 RoPE 等相对编码）把顺序信息注入表示。",
                   "en": "Attention is permutation-equivariant and has no notion of order by itself; positional encodings (sinusoidal, learned, or relative ones such as RoPE) inject order into the representations."}},
        ],
        "exercise": {
            "q": {"zh": "实现单个查询的缩放点积注意力 `attend(query, keys, values)`（纯 Python），返回加权后的值向量。",
                  "en": "Implement scaled dot-product attention for one query, `attend(query, keys, values)`, in pure Python, returning the weighted value vector."},
            "code": "import math\n\n\ndef attend(query, keys, values):\n    d = len(query)\n    scores = [sum(q * k for q, k in zip(query, key)) / math.sqrt(d) for key in keys]\n    m = max(scores)\n    exps = [math.exp(s - m) for s in scores]\n    total = sum(exps)\n    weights = [e / total for e in exps]\n    return [sum(w * v[i] for w, v in zip(weights, values)) for i in range(len(values[0]))]\n\n\n# Equal scores give the mean of the values.\nassert attend([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 4.0]]) == [1.0, 2.0]\n# A key far more similar to the query dominates.\nout = attend([10.0, 0.0], [[10.0, 0.0], [0.0, 10.0]], [[1.0, 0.0], [0.0, 1.0]])\nassert out[0] > 0.99 and out[1] < 0.01\n",
        },
    },
    "applications": {
        "concept": {"zh": "检索增强生成（RAG）", "en": "retrieval-augmented generation (RAG)"},
        "definition": {
            "zh": "RAG 先从知识库检索与问题最相关的文档片段，再把它们作为上下文交给大模型生成答案，使回答有据可查、知识可随时更新。",
            "en": "RAG first retrieves the passages of a knowledge base most relevant to a question, then hands them to the model as context for the answer, so that answers cite sources and knowledge can be updated at any time.",
        },
        "formula": r"\cos(\mathbf{q},\mathbf{d})=\frac{\mathbf{q}\cdot\mathbf{d}}{\lVert\mathbf{q}\rVert\,\lVert\mathbf{d}\rVert}",
        "terms": {
            "zh": "$\\mathbf{q}$ 是问题的向量表示，$\\mathbf{d}$ 是文档片段的向量表示；余弦相似度只看方向、不看长度，取值在 $-1$ 到 $1$ 之间。",
            "en": "$\\mathbf{q}$ is the embedding of the question and $\\mathbf{d}$ that of a passage; cosine similarity looks at direction, not length, and lies between $-1$ and $1$.",
        },
        "code": "import math\n\n\ndef cosine(a, b):\n    dot = sum(x * y for x, y in zip(a, b))\n    return dot / (math.hypot(*a) * math.hypot(*b))\n\n\nquery = [1.0, 0.0, 1.0]\ndocs = {\"faq\": [1.0, 0.2, 0.9], \"agenda\": [0.0, 1.0, 0.1]}\nprint(max(docs, key=lambda name: cosine(query, docs[name])))\n",
        "output": "faq",
        "questions": [
            {"level": "beginner",
             "q": {"zh": "RAG 与微调分别适合解决什么问题？", "en": "When is RAG the better choice, and when is fine-tuning?"},
             "a": {"zh": "知识频繁更新、需要引用出处时用 RAG；需要改变模型的行为、格式或领域语言风格时用微调；两者也常组合使用。",
                   "en": "Use RAG when knowledge changes often or answers must cite sources; use fine-tuning to change the model's behaviour, format or domain style; the two are often combined."}},
            {"level": "intermediate",
             "q": {"zh": "文档切分（chunking）的粒度如何影响 RAG 效果？", "en": "How does the chunk size of documents affect RAG quality?"},
             "a": {"zh": "块太大会混入无关内容、占用上下文；块太小会丢失语义完整性。常用做法是按段落或标题切分并保留少量重叠，再用召回率与答案准确率评估。",
                   "en": "Chunks that are too large bring in irrelevant text and use up context; chunks that are too small lose meaning. Splitting by paragraph or heading with a small overlap, then measuring recall and answer accuracy, is the usual approach."}},
        ],
        "exercise": {
            "q": {"zh": "实现 `top_k(query, docs, k)`：按余弦相似度返回最相关的 k 个文档名（从高到低）。",
                  "en": "Implement `top_k(query, docs, k)`: the names of the k documents most similar to the query by cosine similarity, best first."},
            "code": "import math\n\n\ndef cosine(a, b):\n    dot = sum(x * y for x, y in zip(a, b))\n    return dot / (math.hypot(*a) * math.hypot(*b))\n\n\ndef top_k(query, docs, k):\n    return sorted(docs, key=lambda name: cosine(query, docs[name]), reverse=True)[:k]\n\n\ndocs = {\"a\": [1.0, 0.0], \"b\": [0.7, 0.7], \"c\": [0.0, 1.0]}\nassert top_k([1.0, 0.1], docs, 2) == [\"a\", \"b\"]\nassert top_k([0.0, 1.0], docs, 1) == [\"c\"]\n",
        },
    },
    "devtech": {
        "concept": {"zh": "低秩适配（LoRA）微调", "en": "low-rank adaptation (LoRA) fine-tuning"},
        "definition": {
            "zh": "LoRA 冻结预训练权重，只训练两个低秩矩阵的乘积作为权重增量，以极少的可训练参数完成领域适配，训练后还可把增量合并回原权重。",
            "en": "LoRA freezes the pretrained weights and trains only the product of two low-rank matrices as the weight update, adapting the model with very few trainable parameters; the update can be merged back into the weights afterwards.",
        },
        "formula": r"W = W_0 + \Delta W = W_0 + BA,\quad B\in\mathbb{R}^{d\times r},\ A\in\mathbb{R}^{r\times k}",
        "terms": {
            "zh": "$W_0$ 是冻结的 $d\\times k$ 原始权重，$r\\ll\\min(d,k)$ 是秩；可训练参数从 $dk$ 降到 $r(d+k)$。",
            "en": "$W_0$ is the frozen $d\\times k$ weight and $r\\ll\\min(d,k)$ the rank; trainable parameters drop from $dk$ to $r(d+k)$.",
        },
        "code": "def lora_params(d, k, r):\n    return r * (d + k)\n\n\nfull = 4096 * 4096\nlow_rank = lora_params(4096, 4096, 8)\nprint(full, low_rank, round(low_rank / full * 100, 2))\n",
        "output": "16777216 65536 0.39",
        "questions": [
            {"level": "beginner",
             "q": {"zh": "LoRA 的秩 r 如何选择？", "en": "How do you choose the rank r of LoRA?"},
             "a": {"zh": "r 越大表达能力越强、参数越多；常从 8 或 16 起步，在验证集上比较效果与显存，任务与基座差异越大越需要更高的秩。",
                   "en": "A larger r is more expressive and costs more parameters; start from 8 or 16 and compare validation quality and memory; the further the task is from the base model, the higher the rank it tends to need."}},
            {"level": "intermediate",
             "q": {"zh": "QLoRA 在 LoRA 的基础上做了什么改进？", "en": "What does QLoRA add on top of LoRA?"},
             "a": {"zh": "QLoRA 把冻结的基座权重量化为 4 比特存储，在其上训练 LoRA 适配器，大幅降低显存占用，使单卡微调大模型成为可能。",
                   "en": "QLoRA stores the frozen base weights quantized to 4 bits and trains LoRA adapters on top, cutting memory enough to fine-tune large models on a single GPU."}},
        ],
        "exercise": {
            "q": {"zh": "实现 `merge(w0, b, a)`：计算 $W_0 + BA$（矩阵用嵌套列表表示）。",
                  "en": "Implement `merge(w0, b, a)`: compute $W_0 + BA$ with matrices as nested lists."},
            "code": "def matmul(x, y):\n    return [[sum(x[i][t] * y[t][j] for t in range(len(y))) for j in range(len(y[0]))] for i in range(len(x))]\n\n\ndef merge(w0, b, a):\n    delta = matmul(b, a)\n    return [[w0[i][j] + delta[i][j] for j in range(len(w0[0]))] for i in range(len(w0))]\n\n\nw0 = [[1.0, 0.0], [0.0, 1.0]]\nb = [[1.0], [2.0]]  # d x r with r = 1\na = [[0.5, 0.5]]    # r x k\nassert merge(w0, b, a) == [[1.5, 0.5], [1.0, 2.0]]\nassert merge(w0, [[0.0], [0.0]], a) == w0\n",
        },
    },
    "deployment": {
        "concept": {"zh": "推理服务的吞吐与延迟", "en": "throughput and latency of inference serving"},
        "definition": {
            "zh": "推理服务在吞吐（单位时间处理的请求数）与延迟（单个请求的耗时）之间权衡；批处理、KV 缓存管理与并发控制决定了两者的平衡点。",
            "en": "An inference service trades throughput (requests served per unit of time) against latency (time per request); batching, KV-cache management and concurrency control set the balance.",
        },
        "formula": r"L = \lambda W",
        "terms": {
            "zh": "利特尔法则：$L$ 是系统中同时处理的请求数，$\\lambda$ 是到达率（请求/秒），$W$ 是每个请求的平均停留时间（秒）。",
            "en": "Little's law: $L$ is the number of requests in the system, $\\lambda$ the arrival rate (requests per second) and $W$ the mean time a request spends in the system (seconds).",
        },
        "code": "def in_flight(requests_per_second, seconds_per_request):\n    return requests_per_second * seconds_per_request\n\n\nprint(in_flight(50, 1.2))\n",
        "output": "60.0",
        "questions": [
            {"level": "beginner",
             "q": {"zh": "什么是连续批处理（continuous batching）？", "en": "What is continuous batching?"},
             "a": {"zh": "在每个解码步而不是每个请求边界上调度：已完成的序列立即离开批次，新请求立即加入，从而提高 GPU 利用率与吞吐。",
                   "en": "Scheduling at every decoding step instead of at request boundaries: finished sequences leave the batch and new requests join at once, raising GPU utilization and throughput."}},
            {"level": "intermediate",
             "q": {"zh": "首字延迟（TTFT）与每字延迟（TPOT）分别受什么影响？", "en": "What drives time to first token (TTFT) and time per output token (TPOT)?"},
             "a": {"zh": "TTFT 主要由排队时间与预填充（处理提示词）决定；TPOT 由解码阶段的显存带宽与批大小决定。",
                   "en": "TTFT is mostly queueing plus prefill (processing the prompt); TPOT is set by memory bandwidth and batch size during decoding."}},
        ],
        "exercise": {
            "q": {"zh": "实现 `replicas(rps, seconds, slots)`：按利特尔法则计算所需的最少副本数（每个副本最多同时处理 slots 个请求）。",
                  "en": "Implement `replicas(rps, seconds, slots)`: the fewest replicas Little's law calls for when each replica serves at most `slots` requests at once."},
            "code": "import math\n\n\ndef replicas(rps, seconds, slots):\n    return math.ceil(rps * seconds / slots)\n\n\nassert replicas(50, 1.2, 16) == 4  # 60 requests in flight\nassert replicas(10, 0.5, 8) == 1\nassert replicas(0, 2.0, 8) == 0\n",
        },
    },
    "cases": {
        "concept": {"zh": "大模型项目的投入产出评估", "en": "measuring the return of an LLM project"},
        "definition": {
            "zh": "评估大模型项目要把收益（节省的人力、提升的转化、减少的差错）与成本（模型调用、工程投入、运维与合规）放在同一口径下比较，并跟踪随规模变化的趋势。",
            "en": "Measuring an LLM project means putting benefits (time saved, conversion gained, errors avoided) and costs (model calls, engineering, operations and compliance) on the same footing, and tracking how both change with scale.",
        },
        "formula": r"\mathrm{ROI}=\frac{\text{benefit}-\text{cost}}{\text{cost}}",
        "terms": {
            "zh": "收益与成本须按同一时间段、同一货币计算；ROI 大于 0 表示收回成本。",
            "en": "Benefit and cost must cover the same period in the same currency; an ROI above 0 means the project pays for itself.",
        },
        "code": "def roi(benefit, cost):\n    return (benefit - cost) / cost\n\n\nprint(round(roi(180_000, 120_000), 2))\n",
        "output": "0.5",
        "questions": [
            {"level": "beginner",
             "q": {"zh": "大模型项目从试点走向规模化，常见的障碍有哪些？", "en": "What usually blocks an LLM project on its way from pilot to scale?"},
             "a": {"zh": "缺少评测集与质量标准、推理成本随用量上升、数据安全与合规审批、以及业务流程没有随之调整。",
                   "en": "No evaluation set or quality bar, inference cost growing with usage, data security and compliance sign-off, and business processes that were not adapted."}},
            {"level": "intermediate",
             "q": {"zh": "如何为一个客服场景的大模型应用设计上线指标？", "en": "Which launch metrics would you set for an LLM customer-service assistant?"},
             "a": {"zh": "问题解决率、转人工率、回答准确率（抽检）、首响时间、单次会话成本，以及用户满意度，并与上线前基线对比。",
                   "en": "Resolution rate, hand-off-to-human rate, answer accuracy (sampled review), first-response time, cost per conversation and user satisfaction, each compared with the pre-launch baseline."}},
        ],
        "exercise": {
            "q": {"zh": "实现 `payback_months(upfront, monthly_benefit, monthly_cost)`：回本所需的月数（向上取整，永不回本时返回 None）。",
                  "en": "Implement `payback_months(upfront, monthly_benefit, monthly_cost)`: months until the project pays back (rounded up; None when it never does)."},
            "code": "import math\n\n\ndef payback_months(upfront, monthly_benefit, monthly_cost):\n    margin = monthly_benefit - monthly_cost\n    if margin <= 0:\n        return None\n    return math.ceil(upfront / margin)\n\n\nassert payback_months(120_000, 30_000, 10_000) == 6\nassert payback_months(100, 10, 10) is None\nassert payback_months(0, 5, 1) == 0\n",
        },
    },
}
DEFAULT = "foundations"


def topic(track_id: str, lang: str) -> dict:
    """The topic of a track in one language (JSON-able: it is hashed into jobs)."""
    def local(value):
        if isinstance(value, dict) and set(value) <= {"zh", "en"}:
            return value.get(lang) or next(iter(value.values()))
        if isinstance(value, dict):
            return {k: local(v) for k, v in value.items()}
        if isinstance(value, list):
            return [local(v) for v in value]
        return value

    return local(TOPICS.get(track_id, TOPICS[DEFAULT]))
