"""The audit's folder walk: the files under the roots, in a stable order, once each.

Like ``mapcheck check``: dot-files and dot-folders, VCS and tool folders, and the
configuration's excludes (with the default excludes) are skipped; the files of a folder come
(sorted) before its subfolders (sorted). Symlinked folders are not entered unless
``follow_symlinks``, and then each real folder is entered once (by device and inode), so a
symlink loop ends the descent instead of looping. Nesting is bounded.

Entries that cannot be checked become entries with a ``problem`` (an ME901 message): a named
pipe, socket or device (never opened: opening a FIFO would block), a broken symbolic link, a
folder that cannot be listed, a root that does not exist.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.config import Config

#: Folders never entered (as in :data:`checker.engine.SKIP_DIRS`).
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", ".mypy_cache", ".tox"})
#: Deeper folders are reported, not entered.
MAX_DEPTH = 128


@dataclass(frozen=True)
class Entry:
    """One file found by the walk (or a path that cannot be checked, with ``problem``)."""

    #: The path to open (may hold surrogate escapes for undecodable bytes).
    path: str
    #: The path as reports show it: as walked from the root given, valid UTF-8.
    name: str
    #: The absolute path as bytes: the database key.
    key: bytes
    #: The root it was found under, absolute, as bytes.
    root: bytes
    size: int
    mtime_ns: int
    problem: str | None = None


def display_name(path: str) -> str:
    """``path`` as text that can always be written out: undecodable bytes become ``\\xNN``."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", "backslashreplace")


def path_key(path: str) -> bytes:
    return os.fsencode(os.path.abspath(path))


def walk(roots: Sequence[str], config: Config, follow_symlinks: bool = False) -> Iterator[Entry]:
    """Every file under ``roots`` (files named directly are always included)."""
    for root in roots:
        root_key = path_key(root)
        shown = str(Path(root)) if root else root
        try:
            st = os.stat(root)
        except FileNotFoundError:
            yield _problem(root, shown, root_key, _missing(root))
            continue
        except OSError as exc:
            yield _problem(root, shown, root_key, f"cannot read it: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(st.st_mode):
            visited: set[tuple[int, int]] = {(st.st_dev, st.st_ino)}
            yield from _folder(root, shown, root_key, config, follow_symlinks, visited, 0)
        else:
            yield _entry(root, shown, root_key, st)


def _missing(path: str) -> str:
    if os.path.islink(path):
        return "a broken symbolic link (its target does not exist)"
    return "no such file (it vanished, or was never there)"


def _problem(path: str, shown: str, root: bytes, problem: str) -> Entry:
    try:
        st = os.lstat(path)
        size, mtime = st.st_size, st.st_mtime_ns
    except OSError:
        size, mtime = -1, -1
    return Entry(path, display_name(shown), path_key(path), root, size, mtime, problem)


def _entry(path: str, shown: str, root: bytes, st: os.stat_result) -> Entry:
    if not stat.S_ISREG(st.st_mode):
        from checker.audit.archives import describe_mode

        return _problem(path, shown, root, f"not a regular file ({describe_mode(st.st_mode)})")
    return Entry(path, display_name(shown), path_key(path), root, st.st_size, st.st_mtime_ns)


def _folder(
    path: str,
    shown: str,
    root: bytes,
    config: Config,
    follow: bool,
    visited: set[tuple[int, int]],
    depth: int,
) -> Iterator[Entry]:
    if depth > MAX_DEPTH:
        yield _problem(path, shown, root, f"folders nested more than {MAX_DEPTH} deep")
        return
    try:
        with os.scandir(path) as it:
            children = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield _problem(path, shown, root, f"cannot list the folder: {exc.strerror or exc}")
        return
    folders: list[tuple[str, str]] = []
    for child in children:
        name = child.name
        if name.startswith("."):
            continue
        child_path = os.path.join(path, name)
        child_shown = os.path.join(shown, name)
        try:
            is_link = child.is_symlink()
            is_dir = child.is_dir(follow_symlinks=True)
        except OSError:
            is_link, is_dir = True, False
        if is_dir:
            if name in SKIP_DIRS or config.is_excluded(child_path, os.fsdecode(root)):
                continue
            if is_link and not follow:
                continue  # as `mapcheck check`: symlinked folders are not entered
            folders.append((child_path, child_shown))
            continue
        if config.is_excluded(child_path, os.fsdecode(root)):
            continue
        try:
            st = os.stat(child_path)
        except FileNotFoundError:
            yield _problem(child_path, child_shown, root, _missing(child_path))
            continue
        except OSError as exc:
            yield _problem(child_path, child_shown, root, f"cannot read it: {exc.strerror or exc}")
            continue
        yield _entry(child_path, child_shown, root, st)
    for child_path, child_shown in folders:
        try:
            st = os.stat(child_path)
        except OSError as exc:
            yield _problem(
                child_path, child_shown, root, f"cannot list the folder: {exc.strerror or exc}"
            )
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in visited:
            continue  # a symlink loop, or a folder already walked through another link
        visited.add(ident)
        yield from _folder(child_path, child_shown, root, config, follow, visited, depth + 1)
