"""The per-language ``zensical build`` processes of a build, for projects whose ``site.engine`` (or
``confgen build --engine``) is ``zensical``: the same interface as
:class:`confgen.sitebuild.mkdocs_processes.MkDocsProcesses`, so the pipeline drives either.

Zensical reads the ``mkdocs.yml`` that render writes, with four differences this module makes in a
``zensical.yml`` beside it:

- its ``site_dir`` must lie inside the folder of its config file, so it builds into
  ``build/<lang>/.site`` and the finished site is moved into the staging folder;
- it runs no MkDocs hooks or plugins: confgen's hooks file (``plugins/site/harden.py``) is replaced by
  a Markdown extension that puts every page's content through the same HTML allow-list, and the
  Content-Security-Policy is added after the build (:mod:`confgen_plugins.site.harden_zensical`);
- a ``!!python/name:`` tag is given as the dotted name, which Zensical resolves itself;
- its own search is turned off: Pagefind indexes the built site (:mod:`confgen.sitebuild.pagefind_index`).

Only the standard library and PyYAML are imported here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import yaml

from confgen.errors import ConfgenError

#: What Zensical cannot do yet that an MkDocs build of a confgen project does, printed by every
#: Zensical build (and listed in the README). Each line says what confgen does instead, if anything.
LIMITS = (
    "zensical runs no MkDocs hooks or plugins: confgen cleans page content with a Markdown extension and adds the "
    "Content-Security-Policy after the build instead",
    "zensical 0.0.73 is the newest release installable from PyPI alone (later ones need zensical-ui, which is not "
    "published there); its templates are minijinja, so a project's theme overrides must be plain Jinja",
    "zensical 0.0.73 has no dirty or differential build (its build command takes only --clean and --strict): its "
    "cache in build/<lang>/.cache is kept, but every build writes every page, and confgen hardens and indexes them all; "
    "with MkDocs a rebuild writes only the pages whose Markdown changed",
    "zensical escapes the titles of the previous and next pages once more in the footer's aria-label: a screen "
    "reader says 'Venue &amp; travel' where the page shows 'Venue & travel'",
)

HARDEN_EXTENSION = "confgen_plugins.site.harden_zensical"


class _Loader(yaml.SafeLoader):
    """Reads render's mkdocs.yml, taking a ``!!python/name:X`` tag as the plain string ``X``."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: suffix)


def zensical_config(mkdocs_yml: Path) -> Path:
    """Write ``zensical.yml`` beside ``mkdocs_yml`` (see the module's docstring) and return its path."""
    config = yaml.load(mkdocs_yml.read_text("utf-8"), Loader=_Loader)
    config["site_dir"] = ".site"
    config.pop("hooks", None)
    extra = config.get("extra") or {}
    config["plugins"] = [{"search": {"enabled": False}}]
    extensions = list(config.get("markdown_extensions") or [])
    extensions.append({HARDEN_EXTENSION: {"link_hosts": list(extra.get("confgen_link_hosts") or [])}})
    config["markdown_extensions"] = extensions
    path = mkdocs_yml.with_name("zensical.yml")
    data = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000)
    if not path.exists() or path.read_text("utf-8") != data:
        path.write_text(data, "utf-8")
    return path


class ZensicalProcesses:
    """One ``zensical build`` per language, started when its project is rendered. Use as a context
    manager: leaving it stops every process still running."""

    def __init__(self) -> None:
        self._processes: dict[str, subprocess.Popen] = {}
        self._targets: dict[str, tuple[Path, Path]] = {}
        self._outputs = ThreadPoolExecutor(thread_name_prefix="zensical")  # read as they come, as MkDocsProcesses does
        self._done: dict[str, Future] = {}
        self._closed = False

    def start(self, lang: str, config: Path, site_dir: Path, strict: bool = False, dirty: bool = False) -> None:
        """Build ``lang``'s rendered project (``config`` is its mkdocs.yml) into ``site_dir``."""
        zconfig = zensical_config(config)
        args = [sys.executable, "-m", "zensical", "build", "-f", str(zconfig)] + (["--strict"] if strict else [])
        self._targets[lang] = (zconfig, site_dir)
        self._processes[lang] = subprocess.Popen(args, cwd=zconfig.parent, stdin=subprocess.DEVNULL,
                                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._done[lang] = self._outputs.submit(self._processes[lang].communicate)

    def wait(self, lang: str | None = None) -> None:
        """Wait for ``lang``'s build, or every started one, then move each site into its staging
        folder; a failure names the config and Zensical's last words."""
        for lang in [lang] if lang else list(self._done):
            process = self._processes[lang]
            if lang not in self._targets:
                continue  # waited for already: its site has moved
            stdout, stderr = self._done[lang].result()
            zconfig, site_dir = self._targets.pop(lang)
            if process.returncode != 0:
                tail = "\n".join((stderr or stdout).strip().splitlines()[-15:])
                raise ConfgenError(f"zensical build failed for {zconfig}:\n{tail}")
            built = zconfig.parent / ".site"
            shutil.rmtree(site_dir, ignore_errors=True)
            site_dir.parent.mkdir(parents=True, exist_ok=True)
            os.replace(built, site_dir)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for process in self._processes.values():  # their output is being read already: the readers end
            if process.poll() is None:
                process.kill()
        self._outputs.shutdown(wait=True)

    def __enter__(self) -> "ZensicalProcesses":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
