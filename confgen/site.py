"""Build: run the real ``mkdocs build`` on each language's project, in parallel, into
``build/site/<lang>/``, plus a root page that sends readers to the default language."""

from __future__ import annotations

import json
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


def mkdocs_args(config: Path, strict: bool = False) -> list[str]:
    return ["build", "--quiet", "--clean", "-f", str(config), *(["--strict"] if strict else [])]


class MkDocsBuilds:
    """The per-language ``mkdocs build`` processes (see :mod:`confgen.mkdocs_worker`), started
    before the projects they build are rendered so that loading MkDocs overlaps confgen's own work.
    Use as a context manager: leaving it stops any process that was never told to build."""

    def __init__(self, languages: tuple[str, ...] = LANGUAGES):
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # keep mkdocs' own banner out of our output
        self._processes = {
            lang: subprocess.Popen([sys.executable, "-m", "confgen.mkdocs_worker", lang], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for lang in languages
        }

    def run(self, configs: dict[str, Path], strict: bool = False) -> None:
        """Build every language's config at once; a failure names the config and mkdocs' last words."""
        for lang, process in self._processes.items():
            try:
                process.stdin.write(json.dumps(mkdocs_args(configs[lang], strict)) + "\n")
                process.stdin.flush()
            except BrokenPipeError:
                pass  # it has already ended: its status and output below say why
        with ThreadPoolExecutor(max_workers=len(self._processes)) as pool:
            outputs = list(pool.map(lambda p: p.communicate(), self._processes.values()))
        for (lang, process), (stdout, stderr) in zip(self._processes.items(), outputs):
            if process.returncode != 0:
                tail = "\n".join((stderr or stdout).strip().splitlines()[-15:])
                raise ConfgenError(f"mkdocs build failed for {configs[lang]}:\n{tail}")

    def close(self) -> None:
        """Stop the processes still running: they were never told to build (the run stopped before
        its render was done), so nothing of theirs is lost and a bad input is reported at once."""
        for process in self._processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream and not stream.closed:
                    stream.close()

    def __enter__(self) -> "MkDocsBuilds":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def build_site(project: Project, builds: MkDocsBuilds, *, strict: bool = False) -> Path:
    out = project.build_dir
    builds.run({lang: out / lang / "mkdocs.yml" for lang in LANGUAGES}, strict)
    site = out / "site"
    default = project.conference.site.default_language

    name = project.conference.event.name
    links = "".join(f'<li><a href="{lang}/" hreflang="{lang}">{escape(tr(name, lang))}</a></li>' for lang in LANGUAGES)
    atomic.write_text(site / "index.html", ROOT_INDEX.format(lang=default, title=escape(tr(name, default)), links=links))
    atomic.write_text(site / ".nojekyll", "")
    return site
