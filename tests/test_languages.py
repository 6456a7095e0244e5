"""Units of confgen.languages: every interface word is in the catalogue (templates/words/<lang>.toml)
in every language, and neither a page template nor a site plugin writes one inline, so a third
language touches LANGUAGES and one file of words."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from confgen.errors import ConfgenError
from confgen.languages import LANGUAGES, NAMES, dated, label, word, words
from confgen.load.project import open_project
from confgen.model import Level, Role, SessionType, SponsorTier
from confgen.render.templates import Templates
from confgen_plugins.content import agenda
from confgen_plugins.site import alternates, provenance, reader

ROOT = Path(__file__).resolve().parent.parent
WORDS = ROOT / "templates" / "words"
#: Where interface words are looked up by a literal key: t("k") and word("k", ...) in page
#: templates, words["k"] in the theme, word("k", ...) in Python.
SOURCES = [*sorted((ROOT / "templates" / "pages").glob("*.j2")), *sorted((ROOT / "templates" / "theme").rglob("*.html")),
           *sorted((ROOT / "plugins").rglob("*.py")), *sorted((ROOT / "confgen").rglob("*.py"))]
LITERAL_KEY = {".j2": re.compile(r"""\b(?:t|word)\(\s*(["'])([a-z_][a-z0-9_.]*[a-z0-9_])\1"""),
               ".html": re.compile(r"""\bwords\[\s*(["'])([a-z_][a-z0-9_.]*[a-z0-9_])\1"""),
               ".py": re.compile(r"""\bword\(\s*(["'])([a-z_][a-z0-9_.]*[a-z0-9_])\1""")}
#: A place-holder of a word: {n}, {part}...
SLOT = re.compile(r"\{(\w+)\}")
DATE_FIELDS = {"year", "month", "month_name", "day", "weekday", "weekday_short", "start", "end"}
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def keys_used() -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for path in SOURCES:
        for match in LITERAL_KEY[path.suffix].finditer(path.read_text(encoding="utf-8")):
            used.setdefault(match.group(2), []).append(str(path.relative_to(ROOT)))
    return used


def test_every_language_has_a_file_of_words_and_every_file_the_same_words():
    assert sorted(p.stem for p in WORDS.glob("*.toml")) == sorted(LANGUAGES)
    first, *others = LANGUAGES
    for lang in others:
        assert set(words(lang)) == set(words(first)), f"{lang}.toml and {first}.toml differ in keys"
        for key, value in words(first).items():
            other = words(lang)[key]
            assert type(other) is type(value), key
            if isinstance(value, list):
                assert len(other) == len(value), key
            elif key.startswith("date."):  # a date pattern picks among the fields dated() fills
                assert set(SLOT.findall(other)) <= DATE_FIELDS, key
            else:  # a word's place-holders are filled by code: every language takes the same ones
                assert set(SLOT.findall(other)) == set(SLOT.findall(value)), key


def test_every_key_templates_and_plugins_look_up_is_in_every_language():
    used = keys_used()
    assert len(used) > 100  # the scan sees the templates' t("...") calls
    # Keys built at run time from a name: the reader script's words, the theme's, each built-in
    # kind's part of a page, and the people's roles; and the values of the data that label()
    # shows. (The budget's cost lines are looked up with word(), which fails on a missing one.)
    used.update({f"reader.{name}": ["reader.py"] for name in reader.SCRIPT_WORDS})
    used.update({key: ["alternates.py"] for key in alternates.THEME_WORDS})
    used.update({f"provenance.part.{kind}": ["provenance.py"] for kind in (*provenance.PARTS, "text")})
    used.update({f"role.{role.value}{many}": ["talks.py"] for role in Role for many in ("", ".many")})
    used.update({value.value: ["model.py"] for enum in (SessionType, Level, SponsorTier) for value in enum})
    used.update({lang: ["model.py"] for lang in LANGUAGES})  # a session's language
    missing = {(key, lang): where for key, where in used.items() for lang in LANGUAGES if key not in words(lang)}
    assert not missing


def test_the_agendas_filters_each_have_a_word(mini_project):
    conference = open_project(mini_project).conference
    for lang in LANGUAGES:
        for bar in agenda.filters(conference, conference.sessions, lang):
            assert word(f"filter.{bar['name']}", lang)


def strings_shown(path: Path) -> str:
    """What of a file could reach a page: all of a template, a module's string literals as written
    (escapes unread) but its docstrings."""
    source = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return source
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return "\n".join(ast.get_source_segment(source, node) or "" for node in ast.walk(tree)
                     if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings)


@pytest.mark.parametrize("folder", ["templates/pages", "templates/theme", "plugins/site"])
def test_no_interface_word_is_written_inline(folder):
    for path in sorted((ROOT / folder).rglob("*")):
        if path.suffix not in (".j2", ".html", ".py"):
            continue
        shown = strings_shown(path)
        assert not CJK.search(shown), f"{path.relative_to(ROOT)}: a word in a language; put it in templates/words/"
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"""lang(uage)?\s*==\s*["']""", source), f"{path.relative_to(ROOT)} tests for one language"


def test_a_key_no_language_has_stops_the_page_naming_it(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "typo.md.j2").write_text('{{ t("agenda.by_rooom") }}\n')
    (tmp_path / "pages" / "fine.md.j2").write_text('{{ t("agenda.by_room") }}\n')
    templates = Templates(tmp_path)
    assert templates.render("pages/fine.md.j2", lang="zh") == "按会场\n"
    with pytest.raises(ConfgenError, match=r"'agenda.by_rooom' in templates/words/en.toml"):
        templates.render("pages/typo.md.j2", lang="en")
    (tmp_path / "pages" / "pair.md.j2").write_text('{{ t("按会场", "By room") }}\n')  # the form before the catalogue
    with pytest.raises(ConfgenError, match=r"t\('按会场', \.\.\.\): t\(\) takes one key of templates/words/zh.toml"):
        Templates(tmp_path).render("pages/pair.md.j2", lang="zh")


def test_a_value_without_a_word_is_shown_as_itself_and_names_come_from_the_files():
    assert [label("panel", lang) for lang in LANGUAGES] == ["圆桌论坛", "Round table"]
    assert label("no-such-word", "en") == "no-such-word"
    assert label("date.weekdays", "en") == "date.weekdays"  # a list is no label
    assert NAMES == {lang: tomllib.loads((WORDS / f"{lang}.toml").read_text())["language.name"] for lang in LANGUAGES}


def test_dates_are_written_by_each_languages_pattern():
    import datetime as dt

    day = dt.datetime(2026, 6, 12, 9, 30)
    assert dated("date.card", day, "zh", start="09:30", end="10:00") == "6月12日 周五 09:30–10:00"
    assert dated("date.card", day, "en", start="09:30", end="10:00") == "Fri 12 June 09:30–10:00"
