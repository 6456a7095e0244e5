"""What the theme needs to link each page to its counterparts, to describe it to other sites and
to speak the page's language: the default language (``x-default``), the Open Graph locales and the
theme's interface words, as ``extra.cg_site`` in each language's mkdocs.yml.

The theme writes from them (``partials/cg-site-meta.html``): ``<link rel="alternate" hreflang>``
for every language and ``x-default`` (the default language's page), and the ``og:`` / ``twitter:``
tags of the page; ``404.html`` and ``partials/cg-provenance.html`` take their words from
``cg_site.words``.
"""

from __future__ import annotations

from confgen.api import LANGUAGES, hookimpl, word
from confgen.model import Conference

#: The interface words (``templates/words/<lang>.toml``) the theme's own templates show.
THEME_WORDS = ("provenance.label", "provenance.ai", "missing.title", "missing.text", "missing.home", "common.see_agenda")


@hookimpl
def confgen_mkdocs_config(conference: Conference, lang: str, config: dict) -> None:
    config.setdefault("extra", {})["cg_site"] = {
        "default_language": conference.site.default_language,
        "locale": word("language.locale", lang),
        "other_locales": [word("language.locale", other) for other in LANGUAGES if other != lang],
        "words": {key: word(key, lang) for key in THEME_WORDS},
    }
