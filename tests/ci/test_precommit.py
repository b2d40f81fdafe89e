"""The pre-commit hook, exercised for real: ``pre-commit try-repo`` installs mapcheck from a
commit of the working tree as it is on disk, into its own virtualenv, and runs the hook on a bad
and on a good file in a temporary git repository.

``try-repo`` clones the repository it is given at a commit, so the test first copies the files
that make the package (as they are now, committed or not) into a fresh repository and commits
them there. pre-commit then pip-installs that copy with its dependencies: this needs the package
registry (configured for pip as usual), hence the ``slow`` mark and the generous time limit.
``try-repo`` builds a fresh environment on every call, and the registry mirror here sends wheels
uncacheable, so the test keeps its own wheelhouse of the dependencies (downloaded once into
``~/.cache/mapcheck-tests/``) and installs from it alone (``PIP_NO_INDEX``): after the first run
the test needs no network.
"""

from __future__ import annotations

import configparser
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci._fixtures import ROOT, SAMPLES

#: What ``pip install`` of the hook repository needs (see setup.cfg): the package, its data and
#: the metadata files, plus the hook manifest.
PACKAGE_FILES = (
    "setup.cfg",
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
    ".pre-commit-hooks.yaml",
)
PACKAGE_DIRS = ("checker", "reference_boundaries")
TIMEOUT_S = 900

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]


def git_env() -> dict[str, str]:
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_SYSTEM": os.devnull,
    }


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=git_env(), check=True, capture_output=True)


def snapshot_of_working_tree(target: Path) -> Path:
    """A git repository holding the package files as they are on disk now."""
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".mypy_cache")
    for name in PACKAGE_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    for name in PACKAGE_FILES:
        if (ROOT / name).exists():
            shutil.copyfile(ROOT / name, target / name)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot of the working tree")
    return target


def requirements() -> list[str]:
    """mapcheck's install requirements (setup.cfg) and what building its wheel needs."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = parser.get("options", "install_requires").splitlines()
    return [line.strip() for line in lines if line.strip()] + ["setuptools>=68", "wheel"]


def wheelhouse() -> Path | None:
    """A local folder of the dependency wheels, filled once per set of requirements."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "mapcheck-tests" / "wheelhouse"
    reqs = requirements()
    stamp = folder / f"complete-{hashlib.sha256(chr(10).join(reqs).encode()).hexdigest()[:16]}"
    if stamp.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "-d", str(folder), *reqs],
        capture_output=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        return None  # pre-commit will then fetch everything itself
    stamp.write_text("\n".join(reqs) + "\n", encoding="utf-8")
    return folder


def pre_commit(
    cwd: Path, home: Path, hook_repo: Path, *files: str
) -> subprocess.CompletedProcess[str]:
    env = {**git_env(), "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("MAPCHECK_CACHE_DIR", None)
    wheels = wheelhouse()
    if wheels is not None:
        # Everything the install needs is in the wheelhouse: no registry traffic at all.
        env["PIP_FIND_LINKS"] = str(wheels)
        env["PIP_NO_INDEX"] = "1"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repo),
            "mapcheck",
            "--files",
            *files,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def test_pre_commit_try_repo(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    hook_repo = snapshot_of_working_tree(tmp_path / "hook-repo")
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    shutil.copyfile(SAMPLES / "bad" / "russia-2022-claims.geojson", project / "bad.geojson")
    shutil.copyfile(SAMPLES / "good" / "france-regions.geojson", project / "good.geojson")
    (project / "vendor").mkdir()
    shutil.copyfile(project / "bad.geojson", project / "vendor" / "bad.geojson")
    (project / "notes.bin").write_bytes(b"\x00\x01\x02 not a map")
    git(project, "add", "-A")
    home = tmp_path / "pre-commit-home"

    bad = pre_commit(project, home, hook_repo, "bad.geojson")
    output = bad.stdout + bad.stderr
    assert bad.returncode == 1, output
    assert "Failed" in output and "MG101" in output and "bad.geojson" in output

    good = pre_commit(project, home, hook_repo, "good.geojson", "vendor/bad.geojson", "notes.bin")
    output = good.stdout + good.stderr
    # vendor/ is excluded by default (--force-exclude) and notes.bin is not a format mapcheck
    # reads (--skip-unsupported): only good.geojson is checked, and it passes.
    assert good.returncode == 0, output
    assert "Passed" in output
