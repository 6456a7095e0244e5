"""Speakers' photos and sponsors' logos: a picture conference.yaml names is checked when the
project opens (a missing file or one that is no image is conference.yaml:LINE, the field, exit 2,
nothing written); a good one is re-encoded into the site; without one, an avatar drawn from the
name stands in, so no page points at an image that is not there."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html
from PIL import Image

from confgen_plugins.site import pictures
from helpers import MINI_CONFERENCE, write_project


def confgen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "confgen", *args], capture_output=True, text=True, timeout=240)


def with_pictures(photo: str | None = "pictures/li-na.png", logo: str | None = "pictures/cloud-nine.png") -> str:
    text = MINI_CONFERENCE
    if photo:
        text = text.replace("    affiliation: {zh: 星河智能, en: Galaxy AI}\n",
                            f"    affiliation: {{zh: 星河智能, en: Galaxy AI}}\n    photo: {photo}\n", 1)
    if logo:
        text = text.replace("    url: https://cloudnine.example.org\n", f"    url: https://cloudnine.example.org\n    logo: {logo}\n", 1)
    return text


def write_images(project: Path) -> None:
    folder = project / "pictures"
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (800, 600), (200, 40, 40)).save(folder / "li-na.png")
    Image.new("RGBA", (900, 300), (0, 120, 200, 255)).save(folder / "cloud-nine.png")
    (folder / "notes.png").write_text("not an image at all\n", encoding="utf-8")
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")


BAD = {
    "missing photo": (dict(photo="pictures/nobody.jpg"), "photo: pictures/nobody.jpg", "speakers.0.photo", "no such file"),
    "photo not an image": (dict(photo="pictures/notes.png"), "photo: pictures/notes.png", "speakers.0.photo", "not an image"),
    "photo outside the project": (dict(photo="../outside.png"), "photo: ../outside.png", "speakers.0.photo", "outside the project"),
    "svg logo": (dict(logo="pictures/logo.svg"), "logo: pictures/logo.svg", "sponsors.0.logo", "not an image"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_picture_names_file_line_and_field(tmp_path, case):
    change, needle, field, message = BAD[case]
    text = with_pictures(**{"photo": "pictures/li-na.png", "logo": "pictures/cloud-nine.png", **change})
    project = write_project(tmp_path / "p", text)
    write_images(project)
    (tmp_path / "outside.png").write_bytes((project / "pictures" / "li-na.png").read_bytes())
    result = confgen("build", str(project), "--offline")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    line = next(i + 1 for i, row in enumerate(text.splitlines()) if needle in row)
    assert re.search(rf"^conference\.yaml:{line}: {re.escape(field)}: .*{message}", result.stderr, re.M), result.stderr
    assert not (project / "build").exists() and not (project / "content").exists()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = write_project(tmp_path_factory.mktemp("pictures") / "p", with_pictures())
    write_images(project)
    result = confgen("build", str(project), "--offline")
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "build" / "site"


def test_photos_and_logos_are_reencoded_into_the_site(built):
    for lang in ("zh", "en"):
        with Image.open(built / lang / "assets/pictures/speakers/li-na.jpg") as photo:
            assert (photo.format, photo.size) == ("JPEG", (pictures.PHOTO_SIZE, pictures.PHOTO_SIZE))
        with Image.open(built / lang / "assets/pictures/sponsors/0.png") as logo:
            assert logo.format == "PNG" and logo.size[0] <= pictures.LOGO_BOX[0] and logo.size[1] <= pictures.LOGO_BOX[1]
            assert logo.mode == "RGBA"


def test_without_a_photo_an_avatar_from_the_name(built):
    zh = (built / "zh/assets/pictures/speakers/wang-lei.svg").read_text(encoding="utf-8")
    en = (built / "en/assets/pictures/speakers/wang-lei.svg").read_text(encoding="utf-8")
    assert ">王</text>" in zh and ">WL</text>" in en
    # One colour for one person, in both languages.
    assert re.search(r'fill="(#[0-9a-f]{6})"', zh).group(1) == re.search(r'fill="(#[0-9a-f]{6})"', en).group(1)


def test_no_page_points_at_a_missing_image(built):
    checked = 0
    for lang in ("zh", "en"):
        for page in ("index.html", "speakers/index.html", "speakers/li-na/index.html", "talks/k1/index.html"):
            path = built / lang / page
            doc = lxml_html.fromstring(path.read_bytes())
            for src in doc.xpath("//img/@src"):
                target = urljoin(path.relative_to(built).as_posix(), src).split("#")[0]
                assert (built / target).is_file(), f"{page} ({lang}) shows {src}, which is not in the site"
                checked += 1
    assert checked >= 12  # per language: home (keynote speaker, sponsor), index (two speakers), speaker page, talk


@pytest.mark.parametrize(("name", "expected"), [
    ("Lin Haoran", "LH"), ("林浩然", "林"), ("Marco  Rossi-Bianchi", "MR"), ("priya", "P"), ("  ", "?"), ("<b>&", "B"),
])
def test_initials(name, expected):
    assert pictures.initials(name) == expected


def test_avatar_text_is_escaped_and_colour_is_stable():
    svg = pictures.avatar_svg("<script>", "x").decode()
    assert "<script>" not in svg and ">S</text>" in svg and pictures.colour("Lin Haoran") == pictures.colour("Lin Haoran")
    assert len({pictures.colour(f"Speaker {i}") for i in range(40)}) > 5
