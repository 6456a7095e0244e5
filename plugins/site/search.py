"""Search by Pagefind instead of Material's lunr index: a search page in each language, the header's
link to it (render writes no mkdocs.yml with the theme's own search plugin). The index itself is
made after the build (confgen.sitebuild.pagefind_index), from the site either engine built."""

from __future__ import annotations

from confgen.api import ContentKind, Page, RenderContext, hookimpl, word
from confgen.model import Conference

SEARCH_PAGE = "search.md"


class Search(ContentKind):
    name = "search"

    def pages(self, ctx: RenderContext):
        hint = word("search.hint", ctx.lang)
        yield Page(SEARCH_PAGE, ctx.lang, word("search.title", ctx.lang),
                   f'<div id="cg-search" class="cg-search" role="search"><p>{hint}</p></div>\n')


@hookimpl
def confgen_mkdocs_config(conference: Conference, lang: str, config: dict) -> None:
    config.setdefault("extra_javascript", []).append("assets/confgen/search.js")
    config["not_in_nav"] = (config.get("not_in_nav") or "") + "\n/" + SEARCH_PAGE
    # One palette and no toggle: given as a mapping, the theme writes no palette form. As a list it
    # writes a radio input marked aria-hidden; with Material's search plugin gone, axe reports that
    # input as focusable (aria-hidden-focus, serious).
    theme = config.get("theme") or {}
    palette = theme.get("palette")
    if isinstance(palette, list) and len(palette) == 1 and not palette[0].get("toggle"):
        theme["palette"] = dict(palette[0])


@hookimpl
def confgen_content_kinds():
    return [Search()]
