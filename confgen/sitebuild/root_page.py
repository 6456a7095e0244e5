"""The site's root page, ``/``: it sends a reader to the language their browser asks for
(``navigator.languages``), else to the default language, and it shows every language as a plain
link, which is all a reader with scripts off needs. (No ``<meta http-equiv=refresh>`` to the default
language for them: a refresh fires once the page has loaded and could cut off the script's choice,
and ``<noscript>`` is an element the pages never carry.)

The one inline script is allowed by its SHA-256 in the page's Content-Security-Policy, like the
theme's scripts on the other pages; it reads nothing but the browser's language list.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape

from confgen.model import LANGUAGES, Conference, tr

#: Picks the first of the reader's languages the site has (``zh-TW`` is Chinese, ``en-GB`` English).
SCRIPT = """(function(){var have=%s,fallback=%s,asked=navigator.languages||[navigator.language||""];
for(var i=0;i<asked.length;i++){var code=String(asked[i]).toLowerCase().split("-")[0];
if(have.indexOf(code)>=0){location.replace(code+"/"+location.search+location.hash);return}}
location.replace(fallback+"/"+location.search+location.hash)})();"""

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src '{script_hash}'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{alternates}
<script>{script}</script>
</head><body><p><a href="{lang}/">{title}</a></p>
<ul>{links}</ul></body></html>
"""


def script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()


def root_page(conference: Conference) -> str:
    default = conference.site.default_language
    name = conference.event.name
    # JSON with every '<' escaped: nothing in it can close the script element early.
    script = SCRIPT % tuple(json.dumps(v).replace("<", "\\u003c") for v in (list(LANGUAGES), default))
    # Relative, as on every page (see the theme's partials/cg-alternates.html).
    alternates = "\n".join(f'<link rel="alternate" hreflang="{lang}" href="{lang}/">' for lang in LANGUAGES)
    alternates += '\n<link rel="alternate" hreflang="x-default" href="./">'
    links = "".join(f'<li><a href="{lang}/" hreflang="{lang}" lang="{lang}">{escape(tr(name, lang))}</a></li>' for lang in LANGUAGES)
    return PAGE.format(lang=escape(default), title=escape(tr(name, default)), links=links, alternates=alternates,
                       script=script, script_hash=script_hash(script))
