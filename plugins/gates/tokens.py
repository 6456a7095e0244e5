"""Gate ``special-tokens``: model control tokens and chat markup that leaked into the text
(``<|im_end|>``, ``</s>``, ``[INST]``, ``<<SYS>>``, ...). Checked everywhere, code included: no
reader's page should carry them."""

from __future__ import annotations

import re

from confgen.api import Finding, GateContext, hookimpl

TOKEN = re.compile(
    r"<\|[A-Za-z0-9_.:\-]{1,40}\|>"          # ChatML / GPT style: <|im_end|>, <|endoftext|>, <|xyz_123|>
    r"|<｜[^｜\n]{1,40}｜>"                     # full-width bars: <｜end▁of▁sentence｜>
    r"|</s>|<s>(?=\s*(?:\[INST\]|$))"          # sentence markers of Llama-style templates
    r"|\[/?INST\]|<</?SYS>>"
    r"|<(?:start|end)_of_turn>|<eos>|<bos>|<pad>|<unk>"
    r"|^\s*#{2,3}\s*(?:Instruction|Response|Assistant)\s*:\s*$"
    r"|^\s*(?:Human|Assistant)\s*:",
    re.M,
)


def gate(ctx: GateContext):
    for number, line in enumerate(ctx.text.split("\n"), 1):
        for match in TOKEN.finditer(line):
            yield Finding("special-tokens", f"leaked model token or chat markup {match.group(0).strip()!r}", number)


@hookimpl
def confgen_gates():
    return {"special-tokens": gate}
