"""``confgen init``: a new project that builds offline at once and deploys itself to GitHub Pages.

Examples are folders of the package ``confgen_plugins.examples`` (``minimal``, ``ai-devcon``);
their files are copied as they are, except the site's default language.
"""

from __future__ import annotations

import io
from importlib.resources import files
from pathlib import Path

from ruamel.yaml import YAML

from confgen import __version__, atomic
from confgen.errors import InputError
from confgen.model import LANGUAGES

EXAMPLES_PACKAGE = "confgen_plugins.examples"

GITIGNORE = """\
# confgen's cache and run state, and everything `confgen build` makes
.confgen/
build/
"""

PAGES_WORKFLOW = """\
# Builds the site with confgen's offline drafter (drafts committed in content/ are kept as they
# are) and deploys build/site to GitHub Pages. In the repository settings, set Pages > Source to
# "GitHub Actions".
name: Publish the site

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

env:
  # where pip finds confgen: a version, or e.g. git+https://github.com/OWNER/confgen@main
  CONFGEN: "confgen=={version}"

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install confgen
        run: python -m pip install "$CONFGEN"
      - name: Build the site
        run: confgen build --offline
      - uses: actions/configure-pages@v5
      - uses: actions/upload-pages-artifact@v3
        with:
          path: build/site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"""


def examples() -> list[str]:
    root = files(EXAMPLES_PACKAGE)
    return sorted(item.name for item in root.iterdir() if item.is_dir() and (item / "conference.yaml").is_file())


def create_project(directory: Path, *, example: str = "minimal", lang: str = "zh") -> list[Path]:
    """Write the project into ``directory`` (absent or empty). Returns the files written."""
    if lang not in LANGUAGES:
        raise InputError(f"--lang {lang!r}: use one of {', '.join(LANGUAGES)}")
    known = examples()
    if example not in known:
        raise InputError(f"--example {example!r}: no such example; known: {', '.join(known)}")
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise InputError(f"{directory}: folder is not empty; init writes only into a new or empty folder")
    source = files(EXAMPLES_PACKAGE) / example
    written: list[Path] = []

    def write(relative: str, text: str) -> None:
        path = directory / relative
        atomic.write_text(path, text)
        path.chmod(0o644)  # project files are shared through git, not private temp files
        written.append(path)

    write("conference.yaml", _with_language(source.joinpath("conference.yaml").read_text(encoding="utf-8"), lang))
    for item in _walk(source):
        relative = item[0]
        if relative != "conference.yaml":
            write(relative, item[1].read_text(encoding="utf-8"))
    write(".gitignore", GITIGNORE)
    write(".github/workflows/pages.yml", PAGES_WORKFLOW.format(version=__version__))
    for folder in ("content", "plugins", "templates"):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    return written


def _walk(folder, prefix: str = ""):
    """Every file of an example folder (inside a wheel or a source tree alike)."""
    for item in folder.iterdir():
        if item.name.startswith((".", "__")):
            continue
        if item.is_dir():
            yield from _walk(item, f"{prefix}{item.name}/")
        else:
            yield f"{prefix}{item.name}", item


def _with_language(text: str, lang: str) -> str:
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    document = yaml.load(text)
    site = document.get("site")
    if site is None:
        document["site"] = {"default_language": lang}
    elif site.get("default_language") == lang:
        return text  # untouched, comments and layout exactly as shipped
    else:
        site["default_language"] = lang
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()
