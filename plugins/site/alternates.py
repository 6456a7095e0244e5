"""What the theme needs to link each page to its counterparts and to describe it to other sites:
the default language (``x-default``) and the Open Graph locales, as ``extra.cg_site`` in each
language's mkdocs.yml.

The theme writes from them (``partials/cg-site-meta.html``): ``<link rel="alternate" hreflang>``
for every language and ``x-default`` (the default language's page), and the ``og:`` / ``twitter:``
tags of the page.
"""

from __future__ import annotations

from confgen.api import hookimpl
from confgen.model import LANGUAGES, Conference

#: Open Graph locales of the site's languages.
LOCALES = {"zh": "zh_CN", "en": "en_US"}


@hookimpl
def confgen_mkdocs_config(conference: Conference, lang: str, config: dict) -> None:
    config.setdefault("extra", {})["cg_site"] = {
        "default_language": conference.site.default_language,
        "locale": LOCALES.get(lang, lang),
        "other_locales": [LOCALES.get(other, other) for other in LANGUAGES if other != lang],
    }
