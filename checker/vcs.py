"""Files changed in git, for ``mapcheck check --changed [--since REV]``.

By default: staged, unstaged and untracked files that git does not ignore. With ``since``: also
every file changed on this branch since it left ``REV`` (``git diff REV...``, i.e. from the
merge base), which is what a pull-request check wants. Deleted files are left out. Git runs as
a subprocess with an argument list (never a shell), a revision is verified before use and may
not look like an option, and every call has a time limit.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_TIMEOUT_S = 60.0


class VcsError(Exception):
    """Not in a git work tree, git missing, or a bad revision; the message says which."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise VcsError("--changed needs git, and git is not installed") from None
    except subprocess.TimeoutExpired:
        raise VcsError(f"git {args[0]} took longer than {GIT_TIMEOUT_S:.0f} s") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise VcsError(f"git {args[0]} failed: {message[-1] if message else proc.returncode}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def repo_root(cwd: Path) -> Path:
    """The top of the git work tree that holds ``cwd``."""
    try:
        out = _git(["rev-parse", "--show-toplevel"], cwd)
    except VcsError as exc:
        if "not a git repository" in str(exc).lower():
            raise VcsError(
                f"--changed works inside a git repository, and {cwd} is not in one"
            ) from None
        raise
    return Path(out.strip())


def verify_revision(rev: str, cwd: Path) -> str:
    """The commit id ``rev`` names; :class:`VcsError` if it names none."""
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n\r"):
        raise VcsError(f"--since {rev!r} is not a revision")
    try:
        out = _git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd
        )
    except VcsError:
        raise VcsError(f"--since {rev!r}: no such revision in this repository") from None
    return out.strip()


def changed_files(cwd: Path | None = None, since: str | None = None) -> list[Path]:
    """Changed files that exist, as paths relative to ``cwd`` when inside it, sorted."""
    here = (cwd or Path.cwd()).resolve()
    top = repo_root(here)
    names: set[str] = set()
    # -z: NUL-separated names, never quoted; --diff-filter=d leaves deleted files out.
    names.update(_split(_git(["diff", "--name-only", "-z", "--diff-filter=d", "--cached"], top)))
    names.update(_split(_git(["diff", "--name-only", "-z", "--diff-filter=d"], top)))
    names.update(_split(_git(["ls-files", "-z", "--others", "--exclude-standard"], top)))
    if since is not None:
        commit = verify_revision(since, top)
        names.update(
            _split(
                _git(["diff", "--name-only", "-z", "--diff-filter=d", f"{commit}...", "--"], top)
            )
        )
    out: list[Path] = []
    for name in sorted(names):
        full = top / name
        if not full.is_file():  # a deleted file, a submodule, a folder
            continue
        try:
            out.append(Path(os.path.relpath(full, here)) if full.is_relative_to(here) else full)
        except ValueError:
            out.append(full)
    return out


def _split(text: str) -> list[str]:
    return [name for name in text.split("\0") if name]
