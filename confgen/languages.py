"""The site's languages and the words of its interface.

The words live in one file per language, ``templates/words/<lang>.toml``, keyed as Material for
MkDocs keys its own (``partials/languages/<lang>.html``): every file has the same keys, which
``tests/test_languages.py`` checks, together with every key that templates and plugins use. Adding
a language means: its code in ``LANGUAGES``, its ``words/<lang>.toml``, and its templates
(``templates/*/<kind>.<lang>.md.j2``). Content kinds never name a language: the core asks each kind
for its jobs once per language (``ContentKind.jobs``) and renders its pages once per language.

A leaf: it imports nothing of confgen, so ``confgen/__init__`` and the model can use it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

#: The languages of every site, in build order.
LANGUAGES = ("zh", "en")


@cache
def words(lang: str) -> dict[str, str | list[str]]:
    """Every interface word of ``lang`` by key (read once per process)."""
    return tomllib.loads((files("confgen_templates") / "words" / f"{lang}.toml").read_text(encoding="utf-8"))


def word(key: str, lang: str) -> str:
    """The interface word ``key`` in ``lang``; a ``KeyError`` naming both when there is none."""
    try:
        return words(lang)[key]  # type: ignore[return-value]
    except KeyError:
        raise KeyError(f"no interface word {key!r} in templates/words/{lang}.toml") from None


def label(key: object, lang: str) -> str:
    """The word for a value of the data (a string or an enum member: a session type, a level, a
    sponsor tier...) in ``lang``; the value itself when the catalogue has no word for it."""
    key = str(getattr(key, "value", key))
    found = words(lang).get(key)
    return found if isinstance(found, str) else key


def dated(form: str, value: "dt.date", lang: str, **more: str) -> str:
    """``value`` written by the date pattern ``form`` (``date.long``, ``date.card``) of ``lang``,
    which may use ``year``, ``month``, ``month_name``, ``day``, ``weekday``, ``weekday_short`` and the
    caller's ``more``."""
    found = words(lang)
    return word(form, lang).format(
        year=value.year, month=value.month, month_name=found["date.months"][value.month - 1], day=value.day,
        weekday=found["date.weekdays"][value.weekday()], weekday_short=found["date.weekdays_short"][value.weekday()], **more)


def __getattr__(name: str):
    # NAMES is read from the word files on first use, so importing the model reads no file.
    if name == "NAMES":
        return {lang: word("language.name", lang) for lang in LANGUAGES}
    raise AttributeError(name)
