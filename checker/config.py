"""Run configuration: profile, failure threshold, rule overrides, excludes and per-path overrides.

A :class:`Config` is what the engine runs with. The command line builds one from configuration
files (:mod:`checker.configfile`: ``[tool.mapcheck]`` in pyproject.toml, ``.mapcheck.toml`` or
``[mapcheck]`` in setup.cfg) and its own options; library users build one directly.

Globs (``exclude`` and the ``paths`` of a :class:`PathOverride`) use gitignore-like syntax and are
matched against a file's path relative to :attr:`Config.root` (the folder of the configuration
file, else the working directory). A pattern without ``/`` matches a file or folder name at any
depth (``node_modules``, ``*.min.js``); a pattern with ``/`` is anchored at the root
(``docs/**/*.md``); ``**`` crosses folders, ``*`` and ``?`` do not; a folder that matches
matches everything inside it. Files outside the root are never excluded or overridden by a glob.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from checker.model import Severity

PROFILES = ("un", "ua-strict")

#: Folders (and files) skipped when walking a tree unless ``default_excludes`` is turned off:
#: dependencies, vendored code, build output, virtualenvs and tool caches. Other people's data
#: in these folders is not what a repository publishes, and walking them is slow.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    "node_modules",
    "bower_components",
    "jspm_packages",
    "vendor",
    "third_party",
    "third-party",
    "build",
    "dist",
    "_build",
    "site-packages",
    ".venv",
    "venv",
    "__pycache__",
    ".git",
    ".hg",
    ".svn",
    ".tox",
    ".nox",
    ".eggs",
    "*.egg-info",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".mapcheck-cache",
)


@dataclass(frozen=True)
class PathOverride:
    """Settings for the files that match any of ``paths`` (globs, see the module docstring).

    Applied in order on top of the run's settings: ``profile`` replaces it, ``disable`` turns
    rules off, ``enable`` turns them back on (and reports rules the profile leaves out),
    ``severity`` sets a rule's severity.
    """

    paths: tuple[str, ...]
    disable: frozenset[str] = frozenset()
    enable: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    profile: str | None = None

    def __post_init__(self) -> None:
        if not self.paths:
            raise ValueError("a path override needs at least one glob in 'paths'")
        for pattern in self.paths:
            glob_regex(pattern)  # raises ValueError on a malformed glob
        if self.profile is not None and self.profile not in PROFILES:
            raise ValueError(_profile_error(self.profile))

    def key(self) -> dict[str, object]:
        return {
            "paths": list(self.paths),
            "disable": sorted(self.disable),
            "enable": sorted(self.enable),
            "severity": {k: v.label for k, v in sorted(self.severity.items())},
            "profile": self.profile,
        }


@dataclass(frozen=True)
class Config:
    """Everything that changes what a check reports.

    ``profile`` maps each rule's category to a severity (see :mod:`checker.profiles`);
    ``disable`` turns rules off by code; ``enable`` turns rules on that the profile leaves out
    (at their category's severity) and wins over ``disable``; ``severity`` overrides a rule's
    severity by code. ``overrides`` change these for files that match their globs, and
    ``exclude`` (plus :data:`DEFAULT_EXCLUDES` unless ``default_excludes`` is off) skips files
    when folders are walked. The engine resolves both per file with :meth:`for_path`.
    """

    profile: str = "un"
    fail_on: Severity = Severity.ERROR
    fail_on_undetermined: bool = False
    disable: frozenset[str] = frozenset()
    enable: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    use_cache: bool = True
    #: Folder of the result cache (:mod:`checker.cache`); ``None`` means no cache. The command
    #: line sets it (``.mapcheck-cache`` or ``$MAPCHECK_CACHE_DIR``); library users opt in.
    cache_dir: Path | None = None
    #: Write an evidence picture per image into this folder (``check --evidence DIR``).
    evidence_dir: Path | None = None
    #: Run OCR on images and scanned pages (``--no-ocr`` turns it off for speed).
    ocr: bool = True
    #: Inputs larger than this many bytes get an ME903 error verdict.
    max_bytes: int = 512 * 1024 * 1024
    #: Globs of files and folders to skip when walking folders.
    exclude: tuple[str, ...] = ()
    #: Also skip :data:`DEFAULT_EXCLUDES` (vendored and build folders, virtualenvs, caches).
    default_excludes: bool = True
    #: Per-path settings, applied in order to the files that match.
    overrides: tuple[PathOverride, ...] = ()
    #: The folder globs are relative to; ``None`` means the working directory.
    root: Path | None = None

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(_profile_error(self.profile))
        for pattern in self.exclude:
            glob_regex(pattern)

    def key(self) -> str:
        """A stable string of everything that affects findings (for caches).

        Covers the profile, rule switches and severities, OCR, the size limit, the evidence
        folder and the per-path overrides; not ``fail_on`` (it changes the exit status, not the
        findings), nor excludes and the cache location. Worked out once per config object
        (the cache asks for every file).
        """
        known = self.__dict__.get("_key")
        if known is not None:
            return str(known)
        doc = {
            "profile": self.profile,
            "disable": sorted(self.disable),
            "enable": sorted(self.enable),
            "severity": {k: v.label for k, v in sorted(self.severity.items())},
            "ocr": self.ocr,
            "max_bytes": self.max_bytes,
            "evidence_dir": str(self.evidence_dir) if self.evidence_dir else None,
            "overrides": [o.key() for o in self.overrides],
        }
        key = json.dumps(doc, sort_keys=True, separators=(",", ":"))
        object.__setattr__(self, "_key", key)  # frozen, but this is a memo of its own fields
        return key

    # --- per-path resolution --------------------------------------------------------------

    def relative_path(self, path: str | os.PathLike[str]) -> str | None:
        """``path`` relative to :attr:`root`, with ``/`` separators; ``None`` if outside it."""
        return relative_to(path, self.root if self.root is not None else working_directory())

    def fingerprint_path(self, name: str) -> str:
        """The path findings of ``name`` are fingerprinted by: relative to :attr:`root` (the
        configuration file's folder, else the working directory) when inside it, so a baseline
        matches ``maps/x.json``, ``./maps/x.json`` or an absolute path; else as given."""
        return (self.relative_path(name) if name != "-" else None) or name

    def is_excluded(
        self, path: str | os.PathLike[str], walk_root: str | os.PathLike[str] | None = None
    ) -> bool:
        """Whether ``exclude`` (or a default exclude) matches ``path`` or a folder above it.

        Globs are relative to :attr:`root`. A path outside it that was found by walking the
        folder ``walk_root`` is matched relative to that folder instead, so that checking
        ``/elsewhere/site`` still leaves out ``/elsewhere/site/node_modules``.
        """
        patterns = self._exclude_patterns()
        if not patterns:
            return False
        rel = self.relative_path(path)
        if rel is None and walk_root is not None:
            rel = relative_to(path, walk_root)
        return rel is not None and _any_glob(patterns).match(rel) is not None

    def _exclude_patterns(self) -> tuple[str, ...]:
        return self.exclude + (DEFAULT_EXCLUDES if self.default_excludes else ())

    def walk_excluder(
        self, folder: str | os.PathLike[str], walk_root: str | os.PathLike[str]
    ) -> Callable[[str], bool]:
        """``is_excluded`` for the entries of one folder met while walking ``walk_root``, by
        name: the folder's relative path is worked out once, not once per file."""
        patterns = self._exclude_patterns()
        if not patterns:
            return lambda name: False
        regex = _any_glob(patterns)
        for base in (self.root if self.root is not None else working_directory(), walk_root):
            if base is None:
                continue
            here = _absolute(folder)
            if here is not None and here == _absolute(base):
                prefix = ""
                break
            rel = relative_to(folder, base)
            if rel is not None:
                prefix = rel + "/"
                break
        else:
            return lambda name: False  # outside both: nothing is excluded (as is_excluded)
        return lambda name: regex.match(prefix + name) is not None

    def for_path(self, path: str | os.PathLike[str]) -> Config:
        """The settings for one file: matching overrides applied, ``enable`` resolved.

        The result has no overrides left, so ``for_path(p).key()`` is the cache key of exactly
        what applies to ``p``; calling it again returns an equal config.
        """
        cfg = self
        if self.overrides:
            rel = self.relative_path(path)
            if rel is not None:
                for override in self.overrides:
                    if any(glob_regex(p).match(rel) for p in override.paths):
                        cfg = cfg._apply(override)
            cfg = replace(cfg, overrides=())
        return cfg._resolve_enable()

    def _apply(self, o: PathOverride) -> Config:
        disable = (self.disable | o.disable) - o.enable
        enable = (self.enable - o.disable) | o.enable
        severity = {**self.severity, **o.severity}
        return replace(
            self,
            profile=o.profile or self.profile,
            disable=frozenset(disable),
            enable=frozenset(enable),
            severity=severity,
        )

    def _resolve_enable(self) -> Config:
        """Bake ``enable`` into ``disable`` and ``severity``, which the engine reads."""
        if not self.enable:
            return self
        from checker.profiles import severity_for
        from checker.rules.registry import all_rules

        rules = all_rules()
        severity = dict(self.severity)
        for code in self.enable:
            rule = rules.get(code)
            if rule is None or code in severity:
                continue
            if severity_for(self.profile, rule.category, code) is None:
                # The profile leaves this rule out; enabling it reports it at the severity its
                # category has in the profile.
                category_default = severity_for(self.profile, rule.category)
                if category_default is not None:
                    severity[code] = category_default
        return replace(
            self,
            disable=frozenset(self.disable - self.enable),
            enable=frozenset(),
            severity=severity,
        )


def _profile_error(profile: str) -> str:
    return f"unknown profile {profile!r} (expected one of: {', '.join(PROFILES)})"


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a gitignore-like glob (see the module docstring) to a regular expression that
    matches a root-relative ``/``-separated path, or any path below a matching folder."""
    pat = pattern.strip()
    if not pat or pat in ("/", "./"):
        raise ValueError(f"empty glob {pattern!r}")
    if "\\" in pat:
        raise ValueError(f"glob {pattern!r}: use '/' to separate folders")
    while pat.startswith("./"):
        pat = pat[2:]
    anchored = "/" in pat.rstrip("/")
    pat = pat.strip("/")
    body = _translate(pat, pattern)
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{body}(?:/.*)?$", re.DOTALL)


def working_directory() -> str | None:
    """The working directory, or ``None`` when it no longer exists (removed while a batch
    runs from it): paths are then taken as given, and every file still gets its report."""
    try:
        return os.getcwd()
    except FileNotFoundError:
        return None


def _absolute(path: str | os.PathLike[str]) -> str | None:
    """``os.path.abspath``, or ``None`` for a relative path when the working directory is gone."""
    try:
        return os.path.abspath(os.fspath(path))
    except FileNotFoundError:
        return None


def relative_to(path: str | os.PathLike[str], root: str | os.PathLike[str] | None) -> str | None:
    """``path`` relative to ``root`` with ``/`` separators; ``None`` if outside it (or when
    either cannot be made absolute: see :func:`working_directory`)."""
    if root is None:
        return None
    target = _absolute(path)
    base = _absolute(root)
    if target is None or base is None:
        return None
    if os.name == "posix":  # a prefix test: walking a big tree calls this for every file
        prefix = base if base.endswith("/") else base + "/"
        return target[len(prefix) :] if target.startswith(prefix) and target != prefix else None
    try:
        rel = os.path.relpath(target, base)
    except ValueError:  # another drive (Windows)
        return None
    if rel in (os.curdir, os.pardir) or rel.startswith(os.pardir + os.sep):
        return None
    return rel.replace(os.sep, "/")


@lru_cache(maxsize=64)
def _any_glob(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for many globs (walking a big tree tests every file)."""
    return re.compile("|".join(f"(?:{glob_regex(p).pattern})" for p in patterns), re.DOTALL)


def _translate(pat: str, original: str) -> str:
    out: list[str] = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pat.find("]", i + 2)
            if end == -1:
                raise ValueError(f"glob {original!r}: unclosed '['")
            inner = pat[i + 1 : end]
            if inner.startswith("!"):
                inner = "^" + inner[1:]
            out.append("[" + inner.replace("\\", "\\\\").replace("/", "") + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)
