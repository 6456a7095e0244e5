"""Tiny local models for the transformers provider, built from nothing on disk in well under a
second: a 2-layer GPT-2 with random weights and a byte-level BPE tokenizer trained on a paragraph.

The weights are random, so the text is gibberish; what the tests check is the plumbing. To make
the length of an answer predictable, the final layer norm and the output head are set so that the
end-of-sequence token always wins, and ``generation_config.min_new_tokens`` holds it back for the
first ``stop_after`` tokens: every answer is exactly ``stop_after`` tokens and then EOS (or is cut
at ``max_new_tokens`` when that is smaller).
"""

from __future__ import annotations

from pathlib import Path

CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}<|end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
SPECIAL = ["<s>", "</s>", "<unk>", "<pad>", "<|end|>"]

CORPUS = [
    "The conference brings developers, researchers and companies together for two days of talks, "
    "workshops and round tables about large language model applications.",
    "大会汇聚开发者、研究者与企业，围绕大模型应用开发展开为期两天的演讲、工作坊与圆桌讨论。",
    "Tickets, refunds, the venue, Wi-Fi, accessibility and the agenda by day and by room.",
    "门票、退款、场馆、无线网络、无障碍设施以及按日期和会场排列的议程。",
    "Write a short FAQ in Markdown with headings, lists and links. 请用 Markdown 写一段常见问题。",
]


def _tokenizer(chat_template: bool):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    # Byte level: every string encodes, whatever its script, with no unknown token.
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=SPECIAL,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    core.train_from_iterator(CORPUS * 4, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, bos_token="<s>", eos_token="</s>",
                                        unk_token="<unk>", pad_token="<pad>")
    if chat_template:
        tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def build_tiny_model(folder: Path, *, chat_template: bool = True, stop_after: int = 24, positions: int = 4096) -> Path:
    """Save a tiny causal LM and its tokenizer to ``folder`` (created) and return it."""
    import torch
    from transformers import GenerationConfig, GPT2Config, GPT2LMHeadModel
    from transformers.utils import logging

    logging.disable_progress_bar()

    torch.manual_seed(1234)
    tokenizer = _tokenizer(chat_template)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=positions, n_embd=64, n_layer=2, n_head=4,
                        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                        pad_token_id=tokenizer.pad_token_id)
    model = GPT2LMHeadModel(config).eval()
    with torch.no_grad():
        # Feature 0 of the final hidden state becomes a constant 10; only EOS reads it, strongly.
        model.transformer.ln_f.weight[0] = 0.0
        model.transformer.ln_f.bias[0] = 10.0
        model.lm_head.weight[:, 0] = 0.0
        model.lm_head.weight[tokenizer.eos_token_id, 0] = 5.0
    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id, min_new_tokens=stop_after,
        # A real model never writes these mid-answer; random weights would.
        suppress_tokens=[tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.unk_token_id],
    )
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_masked_lm(folder: Path) -> Path:
    """Save a tiny BERT masked LM: a real transformers model folder, but not a causal LM."""
    import torch
    from transformers import BertConfig, BertForMaskedLM

    torch.manual_seed(1234)
    tokenizer = _tokenizer(chat_template=False)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=128, max_position_embeddings=512)
    folder.mkdir(parents=True, exist_ok=True)
    BertForMaskedLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
