"""``check --changed [--since REV]`` in a real temporary git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.vcs import VcsError, changed_files
from tests.ci._fixtures import SAMPLES

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BAD = (SAMPLES / "bad" / "russia-2022-claims.geojson").read_text(encoding="utf-8")
GOOD = (SAMPLES / "good" / "france-regions.geojson").read_text(encoding="utf-8")


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_SYSTEM": os.devnull,
    }
    out = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text("ignored.geojson\n")
    for name in ("same.geojson", "modified.geojson", "deleted.geojson", "staged-mod.geojson"):
        (root / name).write_text(GOOD)
    (root / "sub").mkdir()
    (root / "sub" / "deep.geojson").write_text(GOOD)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    # The working tree, each kind of change once:
    (root / "modified.geojson").write_text(BAD)  # unstaged
    (root / "staged-mod.geojson").write_text(BAD)
    git(root, "add", "staged-mod.geojson")  # staged
    (root / "new staged, odd: name.geojson").write_text(BAD)
    git(root, "add", "new staged, odd: name.geojson")  # staged, new
    (root / "untracked.geojson").write_text(BAD)  # untracked, not ignored
    (root / "ignored.geojson").write_text(BAD)  # ignored: never checked
    (root / "deleted.geojson").unlink()  # deleted: nothing to check
    (root / "notes.bin").write_bytes(b"\x00\x01\x02")  # untracked, not a format mapcheck reads
    return root


def run(cwd: Path, *args: str) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def checked(cwd: Path, *args: str) -> tuple[int, dict[str, str]]:
    code, out = run(cwd, "check", "--changed", *args, "--format", "json", "--no-cache")
    assert code in (0, 1), out
    return code, {f["path"]: f["verdict"] for f in json.loads(out)["files"]}


def test_changed_files_in_the_working_tree(repo: Path) -> None:
    names = {str(p) for p in changed_files(repo)}
    assert names == {
        "modified.geojson",
        "staged-mod.geojson",
        "new staged, odd: name.geojson",
        "untracked.geojson",
        "notes.bin",
    }
    code, found = checked(repo)
    assert code == 1
    assert found == {
        "modified.geojson": "flag",
        "staged-mod.geojson": "flag",
        "new staged, odd: name.geojson": "flag",
        "untracked.geojson": "flag",
    }  # notes.bin: skipped as unsupported, as when walking a folder


def test_since_adds_the_branch_commits(repo: Path) -> None:
    git(repo, "stash", "-q", "--include-untracked")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "sub" / "deep.geojson").write_text(BAD)
    (repo / "sub" / "added.geojson").write_text(BAD)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "feature work")
    _, found = checked(repo)
    assert found == {}  # a clean working tree: nothing changed
    _, found = checked(repo, "--since", "main")
    assert set(found) == {"sub/deep.geojson", "sub/added.geojson"}
    # --since implies --changed
    code, out = run(repo, "check", "--since", "main", "--format", "json", "--no-cache")
    assert code == 1 and len(json.loads(out)["files"]) == 2


def test_paths_limit_and_subfolder(repo: Path) -> None:
    (repo / "sub" / "deep.geojson").write_text(BAD)
    _, found = checked(repo, "sub")
    assert found == {"sub/deep.geojson": "flag"}
    _, found = checked(repo / "sub")
    assert "deep.geojson" in found and "../modified.geojson" not in found
    assert any(p.endswith("modified.geojson") for p in found)  # the whole repository


def test_excludes_apply_to_changed_files(repo: Path) -> None:
    (repo / ".mapcheck.toml").write_text('exclude = ["untracked.geojson"]\n')
    _, found = checked(repo)
    assert "untracked.geojson" not in found and "modified.geojson" in found


def test_outside_a_repository(tmp_path: Path) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    code, out = run(outside, "check", "--changed")
    assert code == 2 and "inside a git repository" in out
    with pytest.raises(VcsError):
        changed_files(outside)


@pytest.mark.parametrize(
    ("rev", "message"),
    [
        ("no-such-branch", "no such revision"),
        ("--output=x", "is not a revision"),
        ("-p", "is not a revision"),
    ],
)
def test_bad_revisions(repo: Path, rev: str, message: str) -> None:
    code, out = run(repo, "check", "--changed", f"--since={rev}")
    assert code == 2 and message in out, out


def test_check_needs_paths_or_changed(tmp_path: Path) -> None:
    code, out = run(tmp_path, "check")
    assert code == 2 and "--changed" in out
