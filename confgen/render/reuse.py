"""Page templates' output kept from one build to the next, and given back when nothing it was made
from changed: after one edit in a large event, a rebuild renders again only the templates whose
inputs the edit touched.

A template's output depends on three things, and each is part of what is compared:

- the code and words it runs with: every template and data file (the packaged ones and the
  project's), the source of confgen, of its built-in plugins and of every registered plugin, and
  the versions of the libraries rendering uses (:func:`stamp`);
- the values a content kind hands it (a session, a draft, a list of speakers...), hashed whole
  (:class:`Digests`); a value that cannot be hashed soundly (an object of an unknown class) makes
  the render one that is never kept;
- what it reads of the conference. Every template is given the whole ``conference``, and reads a
  little of it (``conference.room(id)``, ``conference.tracks``); hashing all of it would make any
  edit redo every page. So a template renders with a stand-in (:class:`Recording`) that hands out
  the real values and records each read: the attribute or method, the method's arguments, and a
  hash of what came back.

An entry is found by a hash of the first two (the template's name, the language, the stamp and the
values handed in) and given back only when each recorded read, made again on the conference of
this build, gives back a value with the same hash. A render is a deterministic function of those
inputs: with the same code, the same values handed in and the same answers to the same questions,
it asks the same next question, so an entry whose every read matches is the output rendering would
make now.

Kept in ``.confgen/renders/<lang>``, as marshal data (strings, bytes, tuples): only the entries the
last build used, rewritten only when they changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import os
import sys
import types
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

from confgen import last_build, versions
from confgen.render.digests import Digests, Unkeyable, digests_for, function_digest, source_of

#: Part of the file: marshal's format may change with the Python version.
FORMAT = f"confgen-renders-1-py{sys.version_info[0]}.{sys.version_info[1]}"
#: Libraries whose version changes what a template renders (Jinja, and the Markdown sanitizer
#: untrusted text goes through, and the YAML of front matter).
LIBRARIES = ("jinja2", "markupsafe", "markdown", "nh3", "pydantic", "pymdown-extensions", "pyyaml")
MISSING = b"\0missing"


# -- what a template reads of the conference --------------------------------------------------


def encode_args(args: tuple) -> tuple:
    """A method's arguments as marshal can keep them (and :func:`decode_args` gives back equal)."""
    encoded = []
    for arg in args:
        if arg is None or type(arg) in (str, int, float, bool):
            encoded.append(arg)
        elif type(arg) is dt.datetime and (arg.tzinfo is None or isinstance(arg.tzinfo, ZoneInfo)):
            encoded.append(("datetime", arg.replace(tzinfo=None).isoformat(), arg.tzinfo.key if arg.tzinfo else None, arg.fold))
        elif type(arg) is dt.date:
            encoded.append(("date", arg.isoformat()))
        else:
            raise Unkeyable(f"argument of type {type(arg).__qualname__}")
    return tuple(encoded)


def decode_args(encoded: tuple) -> tuple:
    args = []
    for arg in encoded:
        if type(arg) is tuple and arg[0] == "datetime":
            moment = dt.datetime.fromisoformat(arg[1]).replace(fold=arg[3])
            args.append(moment.replace(tzinfo=ZoneInfo(arg[2])) if arg[2] else moment)
        elif type(arg) is tuple and arg[0] == "date":
            args.append(dt.date.fromisoformat(arg[1]))
        else:
            args.append(arg)
    return tuple(args)


class Recording:
    """The conference as a template sees it: every attribute read and method call is passed to
    the real one, and recorded with a hash of its answer."""

    __slots__ = ("_real", "_digests", "reads", "keepable")

    def __init__(self, real: Any, digests: Digests):
        self._real = real
        self._digests = digests
        #: (name, encoded arguments or None for an attribute, hash of the answer), in order.
        self.reads: list[tuple[str, tuple | None, bytes]] = []
        #: False once a read could not be recorded soundly.
        self.keepable = True

    def __getattr__(self, name: str) -> Any:
        try:
            value = getattr(self._real, name)
        except AttributeError:
            self.reads.append((name, None, MISSING))
            raise
        if name.startswith("_"):
            self.keepable = False
            return value
        if inspect.ismethod(value) and value.__self__ is self._real:
            return self.method(name)
        self.reads.append((name, None, self._digest(value)))
        return value

    def method(self, name: str) -> Callable[..., Any]:
        bound = getattr(self._real, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            result = bound(*args, **kwargs)
            try:
                encoded = encode_args(args)
            except Unkeyable:
                self.keepable = False
                return result
            if kwargs:
                self.keepable = False
            self.reads.append((name, encoded, self._digest(result)))
            return result

        recorded.__name__ = name
        return recorded

    def _digest(self, value: Any) -> bytes:
        try:
            return self._digests.of(value)
        except Unkeyable:
            self.keepable = False
            return MISSING


def replay(conference: Any, reads: tuple, digests: Digests) -> bool:
    """Whether every recorded read gives an answer with the same hash on ``conference``."""
    for name, args, expected in reads:
        try:
            value = getattr(conference, name)
            if args is not None:
                value = value(*decode_args(args))
        except AttributeError:
            if expected == MISSING:
                continue
            return False
        except Exception:
            return False
        try:
            if digests.of(value) != expected:
                return False
        except Unkeyable:
            return False
    return True


# -- the code and files every render depends on --------------------------------------------------


@lru_cache(maxsize=None)
def _code_stamp() -> bytes:
    """confgen's and its built-in plugins' source, and the versions of the rendering libraries,
    read once per process (the code that runs is the code first imported)."""
    import confgen
    import confgen_plugins

    h = hashlib.blake2b(FORMAT.encode(), digest_size=16)
    for package in (confgen, confgen_plugins):
        _feed_tree(h, Path(package.__file__).parent, (".py", ".mjs"))
    h.update(versions.installed(LIBRARIES).encode())
    return h.digest()


def _feed_tree(h: Any, root: Path, suffixes: tuple[str, ...] | None = None) -> None:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for filename in sorted(filenames):
            if suffixes is not None and not filename.endswith(suffixes):
                continue
            path = os.path.join(dirpath, filename)
            h.update(os.path.relpath(path, root).encode("utf-8", "surrogateescape") + b"\0")
            with open(path, "rb") as file:
                h.update(hashlib.blake2b(file.read(), digest_size=16).digest())


def stamp(template_folders: list[str], plugins: list[Any]) -> bytes:
    """A hash of everything every render depends on besides what it is handed and what it reads:
    confgen's code, the templates and data files in ``template_folders`` (the project's first),
    and the source of every registered plugin (a project's own ``plugins/`` ones included)."""
    h = hashlib.blake2b(_code_stamp(), digest_size=16)
    for index, folder in enumerate(template_folders):  # by place, not path: a moved project keeps its renders
        h.update(b"templates:%d" % index)
        _feed_tree(h, Path(folder))
    sources = []
    for plugin in plugins:
        module = plugin if isinstance(plugin, types.ModuleType) else sys.modules.get(type(plugin).__module__)
        sources.append(f"plugin:{getattr(module, '__name__', '?')}:".encode() + ((source_of(module) if module else None) or b"?"))
    for source in sorted(sources):
        h.update(hashlib.blake2b(source, digest_size=16).digest())
    return h.digest()


# -- the kept renders --------------------------------------------------------------------------------


class Renders:
    """The renders of one language kept by the last build, and those this build used."""

    def __init__(self, path: Path):
        self.path = path
        self._old: dict[bytes, tuple[tuple, str]] = last_build.read(path, FORMAT)
        self._used: dict[bytes, tuple[tuple, str]] = {}
        self.reused = 0
        self.rendered = 0

    def get(self, key: bytes) -> tuple[tuple, str] | None:
        return self._old.get(key)

    def keep(self, key: bytes, reads: tuple, output: str) -> None:
        self._used[key] = (reads, output)

    def call(self, step: Callable[..., str], *args: Any) -> str:
        """``step(*args)``, given back as the last build made it when the arguments hash the same;
        ``step`` a module-level function whose result depends on its arguments alone."""
        digests = Digests()
        try:
            key = b"call:" + function_digest(step) + digests.of(args)
        except Unkeyable:
            return step(*args)
        kept = self._old.get(key) or self._used.get(key)
        output = kept[1] if kept is not None else step(*args)
        self._used[key] = kept or ((), output)
        return output

    def save(self) -> None:
        """Keep what this build used, if that differs from what was kept."""
        if self._used.keys() == self._old.keys() and all(self._old[k] is v for k, v in self._used.items()):
            return
        # Unwritten (a read-only project), the file keeps the last build's entries: each is still
        # checked against this build's conference before it is used.
        last_build.write(self.path, FORMAT, self._used)


class ReusingTemplates:
    """The project's templates as a content kind renders with them (``RenderContext.templates``):
    a render whose inputs are those of a kept one gives back its output; any other is rendered
    with the conference recorded, and kept."""

    def __init__(self, templates: Any, conference: Any, lang: str, renders: Renders, stamp: bytes):
        self._templates = templates
        self._conference = conference
        self._lang = lang
        self._renders = renders
        self._stamp = stamp
        self._digests = digests_for(conference)

    def __getattr__(self, name: str) -> Any:  # exists, data, version, env...: the templates' own
        return getattr(self._templates, name)

    def render(self, name: str, **context: Any) -> str:
        recording = Recording(self._conference, self._digests)
        try:
            key, context = self._key(name, context, recording)
        except Unkeyable:
            self._renders.rendered += 1
            return self._templates.render(name, **context)
        kept = self._renders.get(key)
        if kept is not None and replay(self._conference, kept[0], self._digests):
            self._renders.keep(key, *kept)
            self._renders.reused += 1
            return kept[1]
        output = self._templates.render(name, **context)
        self._renders.rendered += 1
        if recording.keepable:
            self._renders.keep(key, tuple(recording.reads), output)
        return output

    def _key(self, name: str, context: dict[str, Any], recording: Recording) -> tuple[bytes, dict[str, Any]]:
        """The key of a render, and its context with the conference (and its methods) recorded."""
        h = hashlib.blake2b(self._stamp, digest_size=20)
        h.update(f"{name}\0{self._lang}\0".encode())
        given = dict(context)
        for arg, value in sorted(context.items()):
            h.update(arg.encode() + b"=")
            if value is self._conference:
                h.update(b"<conference>")
                given[arg] = recording
            elif inspect.ismethod(value) and value.__self__ is self._conference:
                h.update(f"<conference.{value.__name__}>".encode())
                given[arg] = recording.method(value.__name__)
            elif inspect.ismethod(value) and _context_method(value):
                # ctx.untrusted or ctx.tr: the context's own code, for this language.
                h.update(function_digest(value.__func__))
            else:
                h.update(self._digests.of(value))
        return h.digest(), given


#: Methods of ``RenderContext`` whose answers depend on their arguments and the language alone.
CONTEXT_METHODS = ("untrusted", "tr")


def _context_method(method: Any) -> bool:
    from confgen.kinds import RenderContext

    return isinstance(method.__self__, RenderContext) and method.__name__ in CONTEXT_METHODS
