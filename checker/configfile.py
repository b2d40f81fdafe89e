"""Configuration files: find them, read and validate them, and merge them with command-line options.

Where settings come from, lowest precedence first: mapcheck's defaults, then the nearest
configuration file, then command-line options. The nearest file is found by walking up from the
working directory; in each folder ``.mapcheck.toml`` (keys at the top level), then
``pyproject.toml`` (a ``[tool.mapcheck]`` table) and then ``setup.cfg`` (a ``[mapcheck]``
section) are tried, and the first that holds mapcheck settings wins; ``--config FILE`` names one
directly. Files further up are not merged in.

Keys (TOML spelling; setup.cfg takes the same keys with comma- or newline-separated lists,
``CODE: level`` pairs for ``severity`` and ``[mapcheck:GLOB, GLOB]`` sections for overrides)::

    profile = "un"                  # or "ua-strict"
    fail-on = "error"               # or "warning", "info"
    fail-on-undetermined = false
    disable = ["MG108"]             # rule codes or dotted names
    enable = ["MT310"]              # report rules the profile leaves out; undo a disable
    severity = { MG107 = "error" }
    exclude = ["drafts/**", "*.min.js"]
    default-excludes = true         # node_modules, vendor, build, dist, .venv, ...
    ocr = true
    max-bytes = 536870912

    [[tool.mapcheck.overrides]]     # [[overrides]] in .mapcheck.toml
    paths = ["docs/history/**"]
    disable = ["MT301"]
    severity = { MT302 = "info" }
    profile = "un"

Unknown keys and bad values raise :class:`ConfigError` with the file, line, key and what is
allowed; the command line reports it and exits 2.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.config import DEFAULT_EXCLUDES, PROFILES, Config, PathOverride, glob_regex
from checker.model import Severity

#: Tried in this order in each folder, nearest folder first.
CONFIG_FILES = (".mapcheck.toml", "pyproject.toml", "setup.cfg")

LEVELS = ("error", "warning", "info")

#: Every top-level key, with what it takes (for messages and ``config show``).
KEYS: dict[str, str] = {
    "profile": "one of: " + ", ".join(PROFILES),
    "fail-on": "one of: " + ", ".join(LEVELS),
    "fail-on-undetermined": "true or false",
    "disable": "a list of rule codes or names",
    "enable": "a list of rule codes or names",
    "severity": "a table of rule code = error | warning | info",
    "exclude": "a list of globs",
    "default-excludes": "true or false",
    "ocr": "true or false",
    "max-bytes": "a positive whole number of bytes",
    "overrides": "an array of tables with paths, disable, enable, severity, profile",
}
OVERRIDE_KEYS: dict[str, str] = {
    "paths": "a non-empty list of globs",
    "disable": KEYS["disable"],
    "enable": KEYS["enable"],
    "severity": KEYS["severity"],
    "profile": KEYS["profile"],
}


class ConfigError(Exception):
    """A configuration file or option is invalid; the message says where and what is allowed."""


@dataclass
class Layer:
    """Settings from one place (a file or the command line), validated and typed."""

    name: str
    values: dict[str, Any] = field(default_factory=dict)
    #: Where each key was set, e.g. ``pyproject.toml:12`` or ``CLI``.
    where: dict[str, str] = field(default_factory=dict)
    overrides: list[tuple[PathOverride, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ResolvedConfig:
    """The effective configuration, the file it came from and where each value was set."""

    config: Config
    origins: dict[str, str]
    file: Path | None
    override_origins: tuple[str, ...] = ()


# --- finding the file ----------------------------------------------------------------------------


def find_config_file(start: Path) -> Path | None:
    """The nearest configuration file that holds mapcheck settings, walking up from ``start``."""
    here = start.resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and _holds_settings(candidate):
                return candidate
    return None


def _holds_settings(path: Path) -> bool:
    if path.name == ".mapcheck.toml":
        return True
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if path.name == "pyproject.toml":
        # A cheap test first: a broken pyproject.toml that does not mention mapcheck is not ours
        # to complain about.
        if "mapcheck" not in text:
            return False
        return "mapcheck" in _load_toml(path, text).get("tool", {})
    return re.search(r"^\[mapcheck(?::[^\]]*)?\]", text, re.MULTILINE) is not None


# --- reading a file ------------------------------------------------------------------------------


def load_file(path: Path, cwd: Path | None = None) -> Layer:
    """Read and validate one configuration file."""
    shown = _display(path, cwd)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read it: {exc}") from None
    if path.suffix.lower() in (".cfg", ".ini"):
        return _load_cfg(text, shown)
    data = _load_toml(path, text, shown)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or "mapcheck" not in tool:
            raise ConfigError(f"{shown}: has no [tool.mapcheck] table")
        table, section = tool["mapcheck"], "tool.mapcheck"
        if not isinstance(table, dict):
            raise ConfigError(f"{shown}: tool.mapcheck must be a table")
    else:
        table, section = data, ""
    return _layer_from_toml(table, section, _TomlLines(text), shown)


def _load_toml(path: Path, text: str, shown: str | None = None) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown or path}: invalid TOML: {exc}") from None


def _layer_from_toml(table: dict[str, Any], section: str, lines: _TomlLines, shown: str) -> Layer:
    layer = Layer(name=shown)
    label = f"[{section}]" if section else "(top level)"
    for key, value in table.items():
        line = lines.key_line(section, key)
        where = f"{shown}:{line}" if line else shown
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key {key!r} in {label}{_did_you_mean(key, KEYS)}")
        if key == "overrides":
            sub = f"{section}.overrides" if section else "overrides"
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise ConfigError(f"{where}: overrides: expected {KEYS['overrides']}")
            for i, item in enumerate(value):
                oline = lines.table_line(sub, i)
                owhere = f"{shown}:{oline}" if oline else where
                for okey in item:
                    if okey not in OVERRIDE_KEYS:
                        kline = lines.keys.get((sub, i), {}).get(okey) or oline
                        raise ConfigError(
                            f"{shown}:{kline}: unknown key {okey!r} in [[{sub}]]"
                            f"{_did_you_mean(okey, OVERRIDE_KEYS)}"
                        )
                layer.overrides.append((_override(item, owhere, f"[[{sub}]]"), owhere))
            continue
        layer.values[key] = _convert(key, value, where)
        layer.where[key] = where
    return layer


def _load_cfg(text: str, shown: str) -> Layer:
    parser = configparser.RawConfigParser(interpolation=None, strict=True)
    try:
        parser.read_string(text, source=shown)
    except configparser.Error as exc:
        raise ConfigError(f"{shown}: invalid setup.cfg syntax: {exc}") from None
    lines = _CfgLines(text)
    layer = Layer(name=shown)
    if parser.has_section("mapcheck"):
        for key, raw in parser.items("mapcheck"):
            line = lines.key_line("mapcheck", key)
            where = f"{shown}:{line}" if line else shown
            if key not in KEYS or key == "overrides":
                allowed = {k: v for k, v in KEYS.items() if k != "overrides"}
                raise ConfigError(
                    f"{where}: unknown key {key!r} in [mapcheck]{_did_you_mean(key, allowed)}"
                )
            layer.values[key] = _convert(key, _cfg_value(key, raw), where)
            layer.where[key] = where
    for section in parser.sections():
        if not section.startswith("mapcheck:"):
            continue
        line = lines.section_line(section)
        where = f"{shown}:{line}" if line else shown
        globs = [g for g in _split(section.split(":", 1)[1])]
        item: dict[str, Any] = {"paths": globs}
        for key, raw in parser.items(section):
            if key == "paths" or key not in OVERRIDE_KEYS:
                allowed = {k: v for k, v in OVERRIDE_KEYS.items() if k != "paths"}
                kline = lines.key_line(section, key)
                raise ConfigError(
                    f"{shown}:{kline or line}: unknown key {key!r} in [{section}]"
                    f"{_did_you_mean(key, allowed)} (the globs go in the section name)"
                )
            item[key] = _cfg_value(key, raw)
        layer.overrides.append((_override(item, where, f"[{section}]"), where))
    return layer


def _cfg_value(key: str, raw: str) -> Any:
    """setup.cfg values are strings: split lists and ``CODE: level`` pairs."""
    if key in ("disable", "enable", "exclude", "paths"):
        return _split(raw)
    if key == "severity":
        table: dict[str, str] = {}
        for item in _split(raw):
            code, sep, level = item.partition(":")
            if not sep:
                code, sep, level = item.partition("=")
            table[code.strip()] = level.strip() if sep else ""
        return table
    return raw.strip()


def _split(raw: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", raw) if part.strip()]


# --- values --------------------------------------------------------------------------------------


def _convert(key: str, value: Any, where: str) -> Any:
    """Check one top-level value and turn it into what :class:`Config` takes."""
    converters: dict[str, Callable[[str, Any, str], Any]] = {
        "profile": _profile,
        "fail-on": _level,
        "fail-on-undetermined": _bool,
        "disable": _codes,
        "enable": _codes,
        "severity": _severities,
        "exclude": _globs,
        "default-excludes": _bool,
        "ocr": _bool,
        "max-bytes": _positive_int,
    }
    return converters[key](key, value, where)


def _profile(key: str, value: Any, where: str) -> str:
    if not isinstance(value, str) or value.strip() not in PROFILES:
        raise ConfigError(f"{where}: {key} = {value!r}: expected {KEYS['profile']}")
    return value.strip()


def _level(key: str, value: Any, where: str) -> Severity:
    if not isinstance(value, str) or value.strip().lower() not in LEVELS:
        raise ConfigError(f"{where}: {key} = {value!r}: expected one of: {', '.join(LEVELS)}")
    return Severity.parse(value)


_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def _bool(key: str, value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise ConfigError(f"{where}: {key} = {value!r}: expected true or false")


def _positive_int(key: str, value: Any, where: str) -> int:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or number <= 0:
        raise ConfigError(f"{where}: {key} = {value!r}: expected {KEYS['max-bytes']}")
    return number


def _str_list(key: str, value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]  # a lone string is a one-item list; forgiving and unambiguous
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} = {value!r}: expected a list of strings")
    return [v.strip() for v in value if v.strip()]


def _codes(key: str, value: Any, where: str) -> frozenset[str]:
    return frozenset(rule_code(item, f"{where}: {key}") for item in _str_list(key, value, where))


def rule_code(text: str, context: str) -> str:
    """A rule code from a code (any case) or a dotted name; ConfigError naming ``context``."""
    from checker.rules.registry import all_rules

    rules = all_rules()
    wanted = text.strip()
    if wanted.upper() in rules:
        return wanted.upper()
    for rule in rules.values():
        if rule.name == wanted:
            return rule.code
    # Suggest a dotted name for a misspelt name; codes are not words, so no guesses for them.
    names = [r.name for r in rules.values()]
    hint = "" if re.fullmatch(r"[A-Za-z]{2}\d{3}", wanted) else _did_you_mean(wanted, names)
    hint = hint if hint.startswith(";") else " (`mapcheck rules` lists them)"
    raise ConfigError(f"{context}: unknown rule code {wanted!r}{hint}")


def _severities(key: str, value: Any, where: str) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key} = {value!r}: expected {KEYS['severity']}")
    out: dict[str, Severity] = {}
    for code, level in value.items():
        resolved = rule_code(str(code), f"{where}: {key}")
        out[resolved] = _level(f"{key}.{code}", level, where)
    return out


def _globs(key: str, value: Any, where: str) -> tuple[str, ...]:
    globs = _str_list(key, value, where)
    for pattern in globs:
        try:
            glob_regex(pattern)
        except ValueError as exc:
            raise ConfigError(f"{where}: {key}: {exc}") from None
    return tuple(globs)


def _override(item: Mapping[str, Any], where: str, label: str) -> PathOverride:
    for key in item:
        if key not in OVERRIDE_KEYS:
            raise ConfigError(
                f"{where}: unknown key {key!r} in {label}{_did_you_mean(key, OVERRIDE_KEYS)}"
            )
    if "paths" not in item:
        raise ConfigError(f"{where}: {label} needs 'paths' ({OVERRIDE_KEYS['paths']})")
    paths = _globs("paths", item["paths"], where)
    if not paths:
        raise ConfigError(f"{where}: {label}: paths: expected {OVERRIDE_KEYS['paths']}")
    return PathOverride(
        paths=paths,
        disable=_codes("disable", item.get("disable", []), where),
        enable=_codes("enable", item.get("enable", []), where),
        severity=_severities("severity", item.get("severity", {}), where),
        profile=_profile("profile", item["profile"], where) if "profile" in item else None,
    )


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    options = list(choices)
    import difflib  # only for an error message

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(word.replace("_", "-"), options, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f" (allowed: {', '.join(options)})" if len(options) <= 12 else ""


#: Keys whose values from a file and from the command line are combined rather than replaced.
_MERGED = frozenset({"disable", "enable", "severity", "exclude"})


# --- merging -------------------------------------------------------------------------------------


def cli_layer(options: Mapping[str, Any]) -> Layer:
    """Command-line options (only those given), with the same checks as a file's values.

    ``options`` uses the configuration keys (``fail-on``, ``disable``, ...); list values may
    name rules by code or dotted name.
    """
    layer = Layer(name="CLI")
    for key, value in options.items():
        if value is None or (isinstance(value, (tuple, list)) and not value):
            continue
        where = "command line"
        if key in ("disable", "enable"):
            codes = frozenset(rule_code(v, f"--{key}") for v in value)
            layer.values[key] = codes
        elif key == "severity":
            table: dict[str, str] = {}
            for item in value:
                code, sep, level = str(item).partition("=")
                if not sep:
                    raise ConfigError(f"--severity {item!r}: expected CODE=LEVEL")
                table[code] = level
            layer.values[key] = _severities("--severity", table, where)
        elif key in ("fail-on", "profile"):
            layer.values[key] = _convert(key, str(value), f"--{key}")
        elif key == "exclude":
            layer.values[key] = _globs("--exclude", list(value), where)
        else:
            layer.values[key] = _convert(key, value, f"--{key}")
        layer.where[key] = "CLI"
    return layer


def resolve(
    cli: Mapping[str, Any] | None = None,
    *,
    config_file: Path | None = None,
    cwd: Path | None = None,
    discover: bool = True,
    extra: Mapping[str, Any] | None = None,
) -> ResolvedConfig:
    """Defaults, then the configuration file (``config_file``, or the nearest one when
    ``discover``), then command-line options; ``extra`` holds :class:`Config` fields that are not
    configuration keys (``cache_dir``, ``evidence_dir``, ``use_cache``)."""
    here = (cwd or Path.cwd()).resolve()
    path = (
        config_file if config_file is not None else (find_config_file(here) if discover else None)
    )
    layers: list[Layer] = []
    if path is not None:
        layers.append(load_file(path, here))
    layers.append(cli_layer(cli or {}))

    values: dict[str, Any] = {}
    origins: dict[str, list[str]] = {}
    disable: set[str] = set()
    enable: set[str] = set()
    severity: dict[str, Severity] = {}
    exclude: list[str] = []
    overrides: list[PathOverride] = []
    override_origins: list[str] = []
    for layer in layers:
        for key, value in layer.values.items():
            where = layer.where[key]
            if key in _MERGED:
                origins.setdefault(key, [])
                if where not in origins[key]:
                    origins[key].append(where)
            else:
                origins[key] = [where]  # a later layer replaces the value
            if key == "disable":
                disable |= value
                enable -= value
            elif key == "enable":
                enable |= value
                disable -= value
            elif key == "severity":
                severity.update(value)
            elif key == "exclude":
                exclude.extend(p for p in value if p not in exclude)
            else:
                values[key] = value
        for override, where in layer.overrides:
            overrides.append(override)
            override_origins.append(where)
    # A rule both disabled and enabled in the same layer: enable wins (it is the exception).
    disable -= enable

    root = path.parent.resolve() if path is not None else here
    kwargs: dict[str, Any] = {
        "profile": values.get("profile", "un"),
        "fail_on": values.get("fail-on", Severity.ERROR),
        "fail_on_undetermined": values.get("fail-on-undetermined", False),
        "disable": frozenset(disable),
        "enable": frozenset(enable),
        "severity": severity,
        "exclude": tuple(exclude),
        "default_excludes": values.get("default-excludes", True),
        "ocr": values.get("ocr", True),
        "overrides": tuple(overrides),
        "root": root,
    }
    if "max-bytes" in values:
        kwargs["max_bytes"] = values["max-bytes"]
    kwargs.update(extra or {})
    config = Config(**kwargs)
    shown = {key: " + ".join(where) for key, where in origins.items()}
    for key in KEYS:
        if key != "overrides":
            shown.setdefault(key, "default")
    return ResolvedConfig(config, shown, path, tuple(override_origins))


# --- showing -------------------------------------------------------------------------------------


def render(resolved: ResolvedConfig, cache: str, cache_origin: str) -> str:
    """The effective configuration as TOML-like text, each value with where it came from."""
    cfg = resolved.config
    rows: list[tuple[str, str]] = [
        ("profile", _toml(cfg.profile)),
        ("fail-on", _toml(cfg.fail_on.label)),
        ("fail-on-undetermined", _toml(cfg.fail_on_undetermined)),
        ("disable", _toml(sorted(cfg.disable))),
        ("enable", _toml(sorted(cfg.enable))),
        ("severity", _toml({k: v.label for k, v in sorted(cfg.severity.items())})),
        ("exclude", _toml(list(cfg.exclude))),
        ("default-excludes", _toml(cfg.default_excludes)),
        ("ocr", _toml(cfg.ocr)),
        ("max-bytes", _toml(cfg.max_bytes)),
    ]
    lines = [
        "# mapcheck: effective configuration (defaults < configuration file < command line)",
        f"# configuration file: {resolved.file if resolved.file else 'none found'}",
        f"# globs are relative to: {cfg.root}",
    ]
    width = max(len(f"{k} = {v}") for k, v in rows)
    for key, value in rows:
        text = f"{key} = {value}"
        lines.append(f"{text:<{width}}  # {resolved.origins.get(key, 'default')}")
    lines.append(f"{'# cache = ' + _toml(cache):<{width}}  # {cache_origin}")
    if cfg.default_excludes:
        lines.append("# default excludes: " + ", ".join(DEFAULT_EXCLUDES))
    for override, where in zip(cfg.overrides, resolved.override_origins, strict=True):
        lines.append("")
        lines.append(f"[[overrides]]  # {where}")
        lines.append(f"paths = {_toml(list(override.paths))}")
        if override.profile:
            lines.append(f"profile = {_toml(override.profile)}")
        if override.disable:
            lines.append(f"disable = {_toml(sorted(override.disable))}")
        if override.enable:
            lines.append(f"enable = {_toml(sorted(override.enable))}")
        if override.severity:
            table = {k: v.label for k, v in sorted(override.severity.items())}
            lines.append(f"severity = {_toml(table)}")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {_toml(v)}" for k, v in value.items())
        return "{" + (f" {inner} " if inner else "") + "}"
    return json.dumps(str(value))


def _display(path: Path, cwd: Path | None) -> str:
    """A path for messages: relative to the working directory when inside it."""
    base = (cwd or Path.cwd()).resolve()
    try:
        full = path.resolve()
        return os.path.relpath(full, base) if full.is_relative_to(base) else str(path)
    except (OSError, ValueError):
        return str(path)


# --- line numbers --------------------------------------------------------------------------------


class _TomlLines:
    """Best-effort line numbers of keys and tables (tomllib reports none)."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]#]+?)\s*\]\]?\s*(?:#.*)?$")
    _KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=""")

    def __init__(self, text: str) -> None:
        #: (table name, occurrence) -> {key: line}; the top level is ("", 0).
        self.keys: dict[tuple[str, int], dict[str, int]] = {("", 0): {}}
        self.headers: dict[tuple[str, int], int] = {}
        counts: dict[str, int] = {}
        current = ("", 0)
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                name = _norm_table(header.group(2))
                occurrence = counts.get(name, 0)
                counts[name] = occurrence + 1
                current = (name, occurrence)
                self.headers[current] = number
                self.keys.setdefault(current, {})
                continue
            key = self._KEY.match(line)
            if key:
                self.keys.setdefault(current, {}).setdefault(key.group(1).strip("\"'"), number)

    def key_line(self, table: str, key: str) -> int | None:
        line = self.keys.get((table, 0), {}).get(key)
        if line is None:
            line = self.headers.get((f"{table}.{key}" if table else key, 0))
        return line

    def table_line(self, table: str, occurrence: int) -> int | None:
        return self.headers.get((table, occurrence))


def _norm_table(name: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in name.split("."))


class _CfgLines:
    _SECTION = re.compile(r"^\[([^\]]+)\]")
    _KEY = re.compile(r"^([^\s#;\[][^=:]*?)\s*[=:]")

    def __init__(self, text: str) -> None:
        self.sections: dict[str, int] = {}
        self.keys: dict[tuple[str, str], int] = {}
        current = ""
        for number, line in enumerate(text.splitlines(), start=1):
            section = self._SECTION.match(line)
            if section:
                current = section.group(1).strip()
                self.sections.setdefault(current, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.keys.setdefault((current, key.group(1).strip().lower()), number)

    def key_line(self, section: str, key: str) -> int | None:
        return self.keys.get((section, key))

    def section_line(self, section: str) -> int | None:
        return self.sections.get(section)
