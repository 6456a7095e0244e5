"""Quality gates of the three writing kinds (articles, questions, planning brief).

The generic gates (special tokens, meta-text, fences, language, Python syntax, Mermaid type,
grounding) judge every draft; these judge what only these kinds promise: every required section
present and non-empty, the article's diagram, formula and runnable code, references only from
``conference.references``, reference answers with a difficulty, and a brief whose numbers all come
from the computed budget plan or the facts.

Snippets run unless ``gates.run_code: false`` (see :mod:`sandbox`).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from typing import Any, Iterable

from confgen.api import Finding, GateContext, hookimpl
from confgen_plugins.content import sections
from confgen_plugins.content.questions import merge_duplicates, parse
from confgen_plugins.content.sandbox import run_cached

ARTICLE_SECTIONS = {"zh": ["摘要", "1 背景介绍", "2 核心概念与联系", "3 核心方法与步骤", "4 数学模型与公式", "5 项目实践",
                           "6 应用场景", "7 展望", "8 工具和资源", "9 总结：趋势与挑战", "10 附录：常见问题"],
                    "en": ["Abstract", "1 Background", "2 Core concepts and how they connect", "3 Core method and steps",
                           "4 Mathematical model and formulas", "5 Project practice", "6 Application scenarios", "7 Outlook",
                           "8 Tools and resources", "9 Summary: trends and challenges", "10 Appendix: FAQ"]}
URL = re.compile(r"https?://[^\s<>()\[\]\"'`，。；）]+")
ARXIV = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")
CITATION_HINT = re.compile(r"\bet al\b|\barxiv\b|(?<!\d)(?:19|20)\d\d(?!\d)|《|“|\"[^\"]{8,}\"|\*[^*]{8,}\*", re.I)
RUN_TIMEOUT = 10.0


def _sections(ctx: GateContext, gate: str, fallback: dict[str, list[str]]) -> Iterable[Finding]:
    wanted = ctx.required_sections or fallback.get(ctx.lang, [])
    for title in wanted:
        section = sections.find(ctx.text, title)
        if section is None:
            yield Finding(gate, f"missing section “{title}”")
        elif not sections.has_content(section.body):
            yield Finding(gate, f"section “{title}” is empty", section.line)


def _section(ctx: GateContext, index: int) -> sections.Section | None:
    titles = ctx.required_sections or ARTICLE_SECTIONS.get(ctx.lang, ARTICLE_SECTIONS["en"])
    return sections.find(ctx.text, titles[index]) if index < len(titles) else None


def _offset(section: sections.Section | None) -> int:
    return section.line if section else 0


# -- code ---------------------------------------------------------------------------------------------

def missing_imports(tree: ast.AST) -> list[str]:
    """Top-level modules the snippet imports that this interpreter cannot find."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return sorted(n for n in names if n not in sys.stdlib_module_names and importlib.util.find_spec(n) is None)


def check_python(gate: str, block: sections.Block, run: bool, line_offset: int = 0,
                 expected_output: str | None = None) -> Iterable[Finding]:
    line = line_offset + block.line
    try:
        tree = ast.parse(block.code)
    except SyntaxError as exc:
        yield Finding(gate, f"Python code does not parse: {exc.msg} (line {exc.lineno} of the block)", line)
        return
    if not run:
        return
    missing = missing_imports(tree)
    if missing:
        yield Finding(gate, f"code not run: imports {', '.join(missing)}, not installed here", line, "warning")
        return
    result = run_cached(block.code, RUN_TIMEOUT)
    if not result.ok:
        yield Finding(gate, f"code fails when run: {result.error}", line)
    elif expected_output is not None and result.stdout.strip() != expected_output.strip():
        yield Finding(gate, f"the results shown ({expected_output.strip()[:80]!r}) differ from what the code prints "
                            f"({result.stdout.strip()[:80]!r})", line)


def _run_code(ctx: GateContext) -> bool:
    return bool(ctx.conference and ctx.conference.gates.run_code)


# -- articles ---------------------------------------------------------------------------------------

def article_sections(ctx: GateContext) -> Iterable[Finding]:
    if ctx.kind != "articles":
        return
    yield from _sections(ctx, "article-sections", ARTICLE_SECTIONS)
    if ctx.contract is not None:
        return  # a model's draft: its diagram and formula are markers of the articles' contract
    concepts, formulas = _section(ctx, 2), _section(ctx, 4)
    if concepts and not any(b.lang == "mermaid" for b in sections.blocks(concepts.body)):
        yield Finding("article-sections", "section 2 needs a ```mermaid diagram of how the concepts connect", concepts.line)
    if formulas and "$$" not in formulas.body:
        yield Finding("article-sections", "section 4 needs a display formula in a $$ … $$ block", formulas.line)


def article_code(ctx: GateContext) -> Iterable[Finding]:
    if ctx.kind != "articles":
        return
    practice = _section(ctx, 5)
    if practice is None:
        return
    found = sections.blocks(practice.body)
    python = [i for i, b in enumerate(found) if b.lang in ("python", "py", "python3")]
    if not python and ctx.contract is None:  # a model's draft: a marker of the contract
        yield Finding("article-code", "section 5 needs its source code in a ```python block", practice.line)
    for index in python:
        following = found[index + 1] if index + 1 < len(found) else None
        # An output block right after the code is what the article claims it prints.
        expected = following.code if following and following.lang in ("text", "output", "console") else None
        yield from check_python("article-code", found[index], _run_code(ctx), practice.line, expected)


def _url_key(url: str) -> str:
    url = url.strip().rstrip("/.,;:").lower()
    url = re.sub(r"^https?://(www\.)?", "", url)
    return re.sub(r"arxiv\.org/(abs|pdf)/(\d{4}\.\d{4,5})(v\d+)?(\.pdf)?", r"arxiv.org/abs/\2", url)


def article_references(ctx: GateContext) -> Iterable[Finding]:
    if ctx.kind != "articles":
        return
    conference = ctx.conference
    references = list(conference.references) if conference else []
    allowed_urls = {_url_key(str(r.url)) for r in references if r.url}
    if conference:
        allowed_urls |= {_url_key(str(u)) for u in (conference.event.url, conference.site.url, conference.site.repo_url) if u}
    allowed_ids = {m.group(1) for r in references if r.url for m in ARXIV.finditer(str(r.url))}
    titles = [sections.normalize(r.title) for r in references]
    for number, line in enumerate(ctx.text.splitlines(), start=1):
        for match in ARXIV.finditer(line):
            if match.group(1) not in allowed_ids and "arxiv" in line.lower():
                yield Finding("article-references", f"arXiv {match.group(1)} is not in the conference's references", number)
    tools = _section(ctx, 8)
    if tools is None:
        return
    for offset, line in enumerate(tools.body.splitlines(), start=1):
        number = tools.line + offset
        urls = URL.findall(line)
        for url in urls:
            if _url_key(url) not in allowed_urls:
                yield Finding("article-references", f"{url} is not in the conference's references", number)
        if urls or not line.strip():
            continue
        text = sections.normalize(line)
        cited = any(title and title in text for title in titles)
        if not cited and CITATION_HINT.search(line):
            yield Finding("article-references",
                          f"“{line.strip()[:80]}” cites something that is not in the conference's references", number)


# -- questions --------------------------------------------------------------------------------------

def question_bank(ctx: GateContext) -> Iterable[Finding]:
    if ctx.kind != "questions":
        return
    from confgen_plugins.content.questions import SECTIONS

    yield from _sections(ctx, "questions", SECTIONS)
    questions = parse(ctx.text, ctx.lang)
    if not questions:
        yield Finding("questions", "no questions found (each question is a ### heading under a section)")
    run = _run_code(ctx)
    for question in questions:
        if question.answer is None or not question.answer.strip():
            yield Finding("questions", f"question “{question.text[:60]}” has no reference answer", question.line)
            continue
        if question.level is None:
            yield Finding("questions", f"question “{question.text[:60]}” has no difficulty "
                                       "(beginner, intermediate or advanced)", question.line)
        if question.kind == "programming":
            code = [b for b in sections.blocks(question.answer) if b.lang in ("python", "py", "python3")]
            if not code:
                yield Finding("questions", f"programming question “{question.text[:60]}” needs answer code "
                                           "in a ```python block", question.line)
            for block in code:
                yield from check_python("questions", block, run, question.line)
    merged = len(questions) - len(merge_duplicates(questions))
    if merged:
        yield Finding("questions", f"{merged} near-duplicate question(s); they are merged on the page", 0, "warning")


# -- planning brief ---------------------------------------------------------------------------------

NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(%|％|万|亿|k\b|K\b|thousand\b|million\b|m\b|M\b)?")
MULTIPLIER = {"万": 1e4, "亿": 1e8, "k": 1e3, "K": 1e3, "thousand": 1e3, "million": 1e6, "m": 1e6, "M": 1e6}
LIST_MARKER = re.compile(r"^(\s*)(?:#+\s*)?\d+[.)、]\s")
INLINE_CODE = re.compile(r"`[^`]*`")


def numbers_in(text: str) -> list[tuple[float, float, int]]:
    """``(value, tolerance, line)`` of each number in prose: ``1,200``, ``2.04 million``, ``120 万``,
    ``99.2%``. The tolerance is half a unit of the last digit written, so rounding is allowed."""
    found = []
    fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence:
            continue
        line = LIST_MARKER.sub(r"\1", INLINE_CODE.sub(" ", URL.sub(" ", line)))
        for match in NUMBER.finditer(line):
            whole, decimals, unit = match.groups()
            value = float(whole.replace(",", "") + ("." + decimals if decimals else ""))
            scale = MULTIPLIER.get(unit or "", 1.0)
            tolerance = 0.5 * 10 ** -(len(decimals) if decimals else 0) * scale
            found.append((value * scale, tolerance if scale > 1 or decimals else 1e-9, number))
    return found


def fact_numbers(value: Any) -> set[float]:
    """Every number in the facts, including those written inside strings (dates, names)."""
    found: set[float] = set()
    if isinstance(value, bool) or value is None:
        return found
    if isinstance(value, (int, float)):
        found.add(float(value))
    elif isinstance(value, str):
        found.update(v for v, _, _ in numbers_in(value))
    elif isinstance(value, dict):
        for item in value.values():
            found |= fact_numbers(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= fact_numbers(item)
    return found


def brief_numbers(ctx: GateContext) -> Iterable[Finding]:
    if ctx.kind != "brief":
        return
    from confgen_plugins.content.brief import SECTIONS, brief_facts

    yield from _sections(ctx, "brief", SECTIONS)
    for number, line in enumerate(ctx.text.splitlines(), start=1):
        if re.match(r"^\s*\|.*\|\s*$", line):
            yield Finding("brief", "the brief must not contain tables: the budget tables are rendered from the "
                                   "computed plan; write prose around them", number)
            break
    if ctx.job is not None:
        facts = ctx.job.facts
    elif ctx.conference is not None:
        facts = brief_facts(ctx.conference, ctx.lang)
    else:
        return
    allowed = sorted(fact_numbers(facts))
    for value, tolerance, number in numbers_in(ctx.text):
        if not any(abs(value - a) <= tolerance + 1e-9 * max(1.0, abs(a)) for a in allowed):
            shown = f"{value:,.2f}".rstrip("0").rstrip(".")
            yield Finding("brief", f"the number {shown} is neither in the computed budget plan nor in the facts", number)


@hookimpl
def confgen_gates():
    return {
        "article-sections": article_sections,
        "article-code": article_code,
        "article-references": article_references,
        "questions": question_bank,
        "brief-numbers": brief_numbers,
    }

