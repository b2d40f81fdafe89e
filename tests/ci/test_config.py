"""Configuration: files found and merged (defaults < file < CLI, nearest file wins), per-path
overrides, excludes, precise errors for unknown keys and bad values, and ``config show``."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.config import Config, PathOverride, glob_regex
from checker.configfile import ConfigError, find_config_file, resolve
from checker.model import Severity
from tests.ci._fixtures import SAMPLES

BAD = SAMPLES / "bad" / "russia-2022-claims.geojson"  # MG101 + MG102
US = SAMPLES / "good" / "us-states.geojson"


def run(cwd: Path, *args: str) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(old)
    return result.exit_code, result.output


# --- globs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("node_modules", "node_modules/x/map.json", True),
        ("node_modules", "web/node_modules/map.json", True),
        ("node_modules", "my_node_modules/map.json", False),
        ("*.min.js", "static/js/map.min.js", True),
        ("*.min.js", "static/js/map.js", False),
        ("docs/*.md", "docs/a.md", True),
        ("docs/*.md", "docs/sub/a.md", False),  # '*' does not cross folders
        ("docs/**/*.md", "docs/sub/deep/a.md", True),
        ("docs/**/*.md", "docs/a.md", True),  # '**/' may match no folder
        ("docs/**/*.md", "other/docs/a.md", False),  # a glob with '/' is anchored
        ("/maps", "maps/a.json", True),
        ("legacy/", "legacy/old/world.json", True),  # a folder matches what is inside it
        ("data/20??/*.csv", "data/2014/regions.csv", True),
        ("data/20??/*.csv", "data/2014x/regions.csv", False),
        ("[ab].json", "x/a.json", True),
        ("[!ab].json", "x/a.json", False),
        ("*.egg-info", "pkg/thing.egg-info/PKG-INFO", True),
        ("build", "buildings/a.json", False),
    ],
)
def test_glob(pattern: str, path: str, matches: bool) -> None:
    assert bool(glob_regex(pattern).match(path)) is matches


@pytest.mark.parametrize("bad", ["", "  ", "a\\b", "[abc"])
def test_bad_glob(bad: str) -> None:
    with pytest.raises(ValueError):
        glob_regex(bad)


# --- discovery and precedence --------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_nearest_file_wins(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.mapcheck]\nprofile = "ua-strict"\n')
    write(tmp_path / "a" / "setup.cfg", "[mapcheck]\nprofile = un\nfail-on = info\n")
    # A pyproject.toml without [tool.mapcheck] is not a mapcheck configuration: keep walking.
    write(tmp_path / "a" / "b" / "pyproject.toml", '[project]\nname = "b"\n')
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert find_config_file(deep) == (tmp_path / "a" / "setup.cfg").resolve()
    resolved = resolve({}, cwd=deep)
    assert resolved.config.profile == "un" and resolved.config.fail_on is Severity.INFO
    assert resolved.config.root == (tmp_path / "a").resolve()  # globs are relative to the file
    # Files further up are not merged: ua-strict from the top pyproject.toml does not leak in.
    assert resolved.origins["profile"].endswith("setup.cfg:2")
    assert find_config_file(tmp_path) == (tmp_path / "pyproject.toml").resolve()


def test_same_folder_order(tmp_path: Path) -> None:
    write(tmp_path / "setup.cfg", "[mapcheck]\nprofile = un\n")
    write(tmp_path / "pyproject.toml", '[tool.mapcheck]\nprofile = "un"\n')
    assert find_config_file(tmp_path) == (tmp_path / "pyproject.toml").resolve()
    write(tmp_path / ".mapcheck.toml", 'profile = "ua-strict"\n')
    assert find_config_file(tmp_path) == (tmp_path / ".mapcheck.toml").resolve()


def test_unrelated_broken_pyproject_is_ignored(tmp_path: Path) -> None:
    broken = write(tmp_path / "pyproject.toml", "[project\nname = \n")
    assert find_config_file(tmp_path) != broken.resolve()
    write(broken, "[tool.mapcheck\nprofile = 'un'\n")  # ours, and broken: say so
    with pytest.raises(ConfigError, match=r"pyproject\.toml: invalid TOML"):
        find_config_file(tmp_path)


def test_precedence_defaults_file_cli(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        "[tool.mapcheck]\n"
        'profile = "ua-strict"\n'
        'fail-on = "warning"\n'
        'disable = ["MG108"]\n'
        'severity = { MG107 = "info" }\n'
        'exclude = ["drafts/**"]\n'
        "ocr = false\n",
    )
    file_only = resolve({}, cwd=tmp_path)
    cfg = file_only.config
    assert (cfg.profile, cfg.fail_on, cfg.ocr) == ("ua-strict", Severity.WARNING, False)
    assert cfg.disable == {"MG108"} and cfg.severity == {"MG107": Severity.INFO}
    assert cfg.fail_on_undetermined is False  # default
    assert file_only.origins["fail-on-undetermined"] == "default"
    assert file_only.origins["fail-on"] == "pyproject.toml:3"
    assert file_only.origins["severity"] == "pyproject.toml:5"

    both = resolve(
        {
            "profile": "un",
            "disable": ("MG101",),
            "enable": ("MG108",),
            "severity": ("MG107=error",),
            "exclude": ("tmp/**",),
            "ocr": True,
        },
        cwd=tmp_path,
    )
    cfg = both.config
    assert cfg.profile == "un" and both.origins["profile"] == "CLI"
    assert cfg.fail_on is Severity.WARNING  # not given on the command line: the file's
    assert cfg.disable == {"MG101"}  # CLI --enable MG108 undoes the file's disable
    assert cfg.severity == {"MG107": Severity.ERROR}
    assert cfg.exclude == ("drafts/**", "tmp/**")  # lists add up
    assert both.origins["disable"] == "pyproject.toml:4 + CLI"
    assert cfg.ocr is True


def test_explicit_config_file_beats_discovery(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.mapcheck]\nprofile = "ua-strict"\n')
    other = write(tmp_path / "ci" / "mapcheck.toml", 'profile = "un"\nfail-on = "info"\n')
    resolved = resolve({}, config_file=other, cwd=tmp_path)
    assert resolved.config.profile == "un" and resolved.file == other
    code, out = run(tmp_path, "config", "show", "--config", "ci/mapcheck.toml")
    assert code == 0 and 'fail-on = "info"' in out and "ci/mapcheck.toml:2" in out


def test_setup_cfg_syntax(tmp_path: Path) -> None:
    write(
        tmp_path / "setup.cfg",
        "[metadata]\nname = x\n\n"
        "[mapcheck]\n"
        "profile = ua-strict\n"
        "disable = MG108, MG104\n"
        "severity =\n    MG107: info\n    MG101: warning\n"
        "exclude =\n    drafts/**\n    *.min.js\n"
        "fail-on-undetermined = yes\n\n"
        "[mapcheck:legacy/**, old/*.json]\n"
        "disable = MG101\n"
        "profile = un\n",
    )
    resolved = resolve({}, cwd=tmp_path)
    cfg = resolved.config
    assert cfg.disable == {"MG104", "MG108"}
    assert cfg.severity == {"MG107": Severity.INFO, "MG101": Severity.WARNING}
    assert cfg.exclude == ("drafts/**", "*.min.js") and cfg.fail_on_undetermined is True
    (override,) = cfg.overrides
    assert override.paths == ("legacy/**", "old/*.json") and override.profile == "un"
    assert resolved.override_origins == ("setup.cfg:15",)


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (".mapcheck.toml", 'fial-on = "error"\n', ".mapcheck.toml:1: unknown key 'fial-on'"),
        (".mapcheck.toml", 'fail_on = "error"\n', "did you mean 'fail-on'?"),
        (".mapcheck.toml", 'profile = "eu"\n', "profile = 'eu': expected one of: un, ua-strict"),
        (".mapcheck.toml", 'fail-on = "fatal"\n', "expected one of: error, warning, info"),
        (".mapcheck.toml", "ocr = 3\n", "ocr = 3: expected true or false"),
        (".mapcheck.toml", "max-bytes = -1\n", "max-bytes = -1: expected a positive"),
        (".mapcheck.toml", 'disable = "MG999"\n', "unknown rule code 'MG999'"),
        (".mapcheck.toml", "disable = [1]\n", "expected a list of strings"),
        (".mapcheck.toml", 'severity = { MG101 = "loud" }\n', "severity.MG101 = 'loud'"),
        (".mapcheck.toml", "\n\nexclude = ['a\\\\b']\n", ".mapcheck.toml:3: exclude: glob"),
        (".mapcheck.toml", "[[overrides]]\ndisable = ['MG101']\n", "needs 'paths'"),
        (".mapcheck.toml", "[[overrides]]\npaths = ['a']\nsevirity = {}\n",
         ":3: unknown key 'sevirity'"),
        (".mapcheck.toml", "profile = \n", "invalid TOML"),
        ("pyproject.toml", "[tool.mapcheck]\nprofile = 'un'\ncolour = true\n", "pyproject.toml:3"),
        ("pyproject.toml", "[tool.mapcheck]\ndisable = ['geometry.crimea-in-rusia']\n",
         "did you mean 'geometry.crimea-in-russia'?"),
        ("setup.cfg", "[mapcheck]\nfail-on = worse\n", "setup.cfg:2: fail-on = 'worse'"),
        ("setup.cfg", "[mapcheck]\noverrides = x\n", "unknown key 'overrides' in [mapcheck]"),
        ("setup.cfg", "[mapcheck:docs/**]\npaths = x\n", "the globs go in the section name"),
        ("setup.cfg", "[mapcheck]\nseverity = MG101\n", "severity.MG101 = ''"),
    ],
)  # fmt: skip
def test_unknown_keys_and_bad_values(tmp_path: Path, name: str, text: str, message: str) -> None:
    write(tmp_path / name, text)
    with pytest.raises(ConfigError) as info:
        resolve({}, cwd=tmp_path)
    assert message in str(info.value), str(info.value)
    code, out = run(tmp_path, "check", str(US))
    assert code == 2 and message in out and "Traceback" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--disable", "ZZ1"), "--disable: unknown rule code 'ZZ1'"),
        (("--enable", "nope.nope"), "--enable: unknown rule code 'nope.nope'"),
        (("--severity", "MG101"), "expected CODE=LEVEL"),
        (("--severity", "MG101=loud"), "'loud': expected one of: error, warning, info"),
        (("--exclude", "a\\b"), "use '/' to separate folders"),
        (("--config", "missing.toml"), "missing.toml: no such configuration file"),
    ],
)
def test_bad_options(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code, out = run(tmp_path, "check", str(US), *args)
    assert code == 2 and message in out, out


def test_explicit_pyproject_without_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    code, out = run(tmp_path, "config", "show", "--config", "pyproject.toml")
    assert code == 2 and "has no [tool.mapcheck] table" in out


# --- per-path overrides and excludes, end to end -------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for folder in ("maps", "legacy", "warn", "node_modules/pkg", "drafts"):
        (tmp_path / folder).mkdir(parents=True)
        shutil.copyfile(BAD, tmp_path / folder / "claims.geojson")
    write(
        tmp_path / ".mapcheck.toml",
        'exclude = ["drafts"]\n'
        "[[overrides]]\n"
        'paths = ["legacy/**"]\n'
        'disable = ["MG101", "MG102"]\n'
        "[[overrides]]\n"
        'paths = ["warn/"]\n'
        'severity = { MG101 = "warning", MG102 = "warning" }\n',
    )
    return tmp_path


def verdicts(cwd: Path, *args: str) -> tuple[int, dict[str, str]]:
    code, out = run(cwd, "check", *args, "--format", "json", "--no-cache")
    doc = json.loads(out)
    return code, {f["path"]: f["verdict"] for f in doc["files"]}


def test_per_path_overrides_and_excludes(tree: Path) -> None:
    code, found = verdicts(tree, ".")
    assert found == {
        "maps/claims.geojson": "flag",
        "legacy/claims.geojson": "clean",  # both rules disabled for legacy/**
        "warn/claims.geojson": "warn",  # severities lowered for warn/
    }  # node_modules (default exclude) and drafts (configured) are not walked
    assert code == 1


def test_cli_overrides_file_and_default_excludes(tree: Path) -> None:
    _, found = verdicts(tree, ".", "--no-default-excludes", "--fail-on", "warning")
    assert "node_modules/pkg/claims.geojson" in found
    assert "drafts/claims.geojson" not in found
    code, found = verdicts(tree, "warn")
    assert code == 0 and found == {"warn/claims.geojson": "warn"}
    code, _ = verdicts(tree, "warn", "--fail-on", "warning")
    assert code == 1


def test_named_files_and_force_exclude(tree: Path) -> None:
    named = "node_modules/pkg/claims.geojson"
    _, found = verdicts(tree, named)
    assert found == {named: "flag"}  # named on the command line: checked
    _, found = verdicts(tree, named, "--force-exclude")
    assert found == {}  # as pre-commit passes it: excluded
    _, found = verdicts(tree, "./maps/claims.geojson")
    assert list(found) == ["maps/claims.geojson"]  # one spelling per file


def test_for_path_and_enable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from checker import profiles

    # Pretend the profile leaves MG108 out; enable brings it back at its category's severity.
    monkeypatch.setitem(profiles._CODE_OVERRIDES, "un", {"MG108": None})
    cfg = Config(
        root=tmp_path,
        disable=frozenset({"MG104"}),
        overrides=(
            PathOverride(paths=("a/**",), enable=frozenset({"MG108", "MG104"})),
            PathOverride(paths=("a/b/*",), disable=frozenset({"MG108"}), profile="ua-strict"),
        ),
    )
    plain = cfg.for_path(tmp_path / "x.json")
    assert plain.disable == {"MG104"} and "MG108" not in plain.severity
    in_a = cfg.for_path(tmp_path / "a" / "x.json")
    assert in_a.disable == frozenset() and in_a.severity["MG108"] is Severity.INFO
    in_ab = cfg.for_path(tmp_path / "a" / "b" / "x.json")
    assert in_ab.profile == "ua-strict" and "MG108" in in_ab.disable
    assert in_ab.for_path(tmp_path / "a" / "b" / "x.json") == in_ab  # idempotent
    outside = cfg.for_path("/elsewhere/a/x.json")
    assert outside.disable == {"MG104"}  # globs never reach outside the root


def test_key_covers_what_changes_findings(tmp_path: Path) -> None:
    base = Config()
    assert Config().key() == base.key()
    assert Config(fail_on=Severity.INFO).key() == base.key()  # exit status only
    changed = [
        Config(profile="ua-strict"),
        Config(disable=frozenset({"MG101"})),
        Config(enable=frozenset({"MG101"})),
        Config(severity={"MG101": Severity.INFO}),
        Config(ocr=False),
        Config(max_bytes=10),
        Config(evidence_dir=tmp_path),
        Config(overrides=(PathOverride(paths=("a",), disable=frozenset({"MG101"})),)),
    ]
    keys = {c.key() for c in changed}
    assert len(keys) == len(changed) and base.key() not in keys


def test_config_show_names_sources(tree: Path) -> None:
    code, out = run(tree, "config", "show", "--profile", "ua-strict")
    assert code == 0
    lines = {line.split(" = ")[0]: line for line in out.splitlines() if " = " in line}
    assert lines["profile"].endswith("# CLI")
    assert lines["exclude"].endswith("# .mapcheck.toml:1")
    assert lines["ocr"].endswith("# default")
    assert "[[overrides]]  # .mapcheck.toml:2" in out
    assert "[[overrides]]  # .mapcheck.toml:5" in out
    assert 'paths = ["warn/"]' in out
    code, out = run(tree, "config", "show", "--no-cache")
    assert '# cache = "off"' in out and "CLI (--no-cache)" in out


def test_excludes_apply_to_a_folder_outside_the_root(
    tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Run from an unrelated folder: the walked folder's own layout decides what is excluded.
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    _, found = verdicts(elsewhere, str(tree), "--exclude", "legacy")
    assert {Path(p).relative_to(tree).as_posix() for p in found} == {
        "maps/claims.geojson",
        "warn/claims.geojson",
        "drafts/claims.geojson",  # the tree's own .mapcheck.toml is not the one in force
    }  # node_modules (default exclude) and legacy (--exclude) are not entered


@pytest.mark.parametrize(
    ("root", "path", "walk_root", "excluded"),
    [
        ("/w", "/w/node_modules/a.js", None, True),
        ("/w", "/x/node_modules/a.js", None, False),  # outside the root, no walk root
        ("/w", "/x/node_modules/a.js", "/x", True),
        ("/w", "/x/src/a.js", "/x", False),
        ("/w", "/build/site/src/a.js", "/build/site", False),  # an ancestor named like a default
    ],
)
def test_is_excluded_relative_to_the_walk_root(
    root: str, path: str, walk_root: str | None, excluded: bool
) -> None:
    assert Config(root=Path(root)).is_excluded(path, walk_root) is excluded


@pytest.mark.parametrize("root", ["/w", "/w/site", "/x"])
@pytest.mark.parametrize("walk_root", ["/w", "/w/site", "/build/site"])
def test_walk_excluder_agrees_with_is_excluded(root: str, walk_root: str) -> None:
    """The walk's per-folder shortcut decides exactly as ``is_excluded`` on the full path."""
    config = Config(root=Path(root), exclude=("legacy", "site/drafts/", "*.min.js"))
    folders = [walk_root, f"{walk_root}/legacy", f"{walk_root}/drafts", f"{walk_root}/src/deep"]
    names = ["a.js", "a.min.js", "legacy", "drafts", "node_modules", "build", "site"]
    for folder in folders:
        excluded = config.walk_excluder(folder, walk_root)
        for name in names:
            path = f"{folder}/{name}"
            assert excluded(name) is config.is_excluded(path, walk_root), path
