"""confgen.render.organizer: pages for the organizers only, as Markdown and as a standalone HTML
page that runs nothing and asks for nothing."""

from __future__ import annotations

import lxml.html

from confgen.render.organizer import files, html_page
from confgen.types import OrganizerPage

PAGE = OrganizerPage("brief/budget.md", "en", "Budget <plan>",
                     "# Budget\n\n| item | cost |\n|---|---|\n| venue | 100 |\n\n"
                     "<script>alert(1)</script>\n\n[ok](https://example.org) [bad](javascript:alert(1))\n"
                     '<img src="https://tracker.example/x.png">\n')


def test_each_page_is_written_as_its_markdown_and_an_html_page_beside_it():
    out = files([(PAGE, {})])
    assert sorted(out) == ["brief/budget.html", "brief/budget.md"]
    assert out["brief/budget.md"] == PAGE.markdown.encode("utf-8")


def test_the_html_page_keeps_tables_and_links_and_drops_scripts_and_remote_requests():
    html = html_page(PAGE)
    tree = lxml.html.fromstring(html)
    assert tree.get("lang") == "en" and tree.findtext(".//title") == "Budget <plan>"
    assert tree.xpath("//table//td/text()") == ["venue", "100"]
    assert tree.xpath("//a/@href") == ["https://example.org"]
    assert not tree.xpath("//script | //img | //*[@onclick]")
    assert "<script" not in html and "tracker.example" not in html  # the javascript: link stays text, not a link
    assert "default-src 'none'" in html  # and the page's policy forbids loading anything


def test_what_plugins_say_of_a_page_ends_it_escaped():
    html = html_page(PAGE, {"cg_provenance": {"notes": ["written by <model>", "checked"]}})
    assert "<li><small>written by &lt;model&gt;</small></li>" in html and html.rstrip().endswith("</body></html>")
    assert "<hr>" not in html_page(PAGE, {"cg_provenance": {"notes": []}})
