"""Atomic file writes: a reader (or a run killed half-way) sees the old file or the new one,
never a torn one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".confgen-tmp"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp creates files readable by the owner only; files meant for git, people and web servers
# get the mode any other new file would (0666 less the umask), or keep the mode they had.
NEW_FILE_MODE = 0o666 & ~_umask()


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = NEW_FILE_MODE
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the content differs, so unchanged files keep their mtime (and MkDocs and
    the live preview see nothing to redo). Returns True when the file was written."""
    try:
        if path.read_bytes() == data:
            return False
    except (FileNotFoundError, IsADirectoryError):
        pass
    write_bytes(path, data)
    return True


def remove_leftovers(folder: Path) -> int:
    """Delete temp files left by a run that was killed mid-write."""
    count = 0
    if folder.is_dir():
        for temp in folder.rglob(f"*{TEMP_SUFFIX}"):
            temp.unlink(missing_ok=True)
            count += 1
    return count
