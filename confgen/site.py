"""Build: run the real ``mkdocs build`` on each language's project, in parallel, into
``build/site/<lang>/``, plus a root page that sends readers to the default language."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

from confgen import atomic
from confgen.api import ConfgenError
from confgen.model import LANGUAGES, tr
from confgen.project import Project

ROOT_INDEX = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={lang}/">
<link rel="canonical" href="{lang}/">
</head><body><p><a href="{lang}/">{title}</a></p>
<ul>{links}</ul></body></html>
"""


def mkdocs_command(config: Path, strict: bool = False) -> list[str]:
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--clean", "-f", str(config)]
    return command + ["--strict"] if strict else command


def build_site(project: Project, *, strict: bool = False) -> Path:
    out = project.build_dir
    configs = [out / lang / "mkdocs.yml" for lang in LANGUAGES]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # keep mkdocs' own banner out of our output
    with ThreadPoolExecutor(max_workers=len(configs)) as pool:
        results = list(pool.map(lambda c: subprocess.run(mkdocs_command(c, strict), capture_output=True, text=True, env=env), configs))
    for config, result in zip(configs, results):
        if result.returncode != 0:
            tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
            raise ConfgenError(f"mkdocs build failed for {config}:\n{tail}")
    site = out / "site"
    default = project.conference.site.default_language

    name = project.conference.event.name
    links = "".join(f'<li><a href="{lang}/" hreflang="{lang}">{escape(tr(name, lang))}</a></li>' for lang in LANGUAGES)
    atomic.write_text(site / "index.html", ROOT_INDEX.format(lang=default, title=escape(tr(name, default)), links=links))
    atomic.write_text(site / ".nojekyll", "")
    return site
