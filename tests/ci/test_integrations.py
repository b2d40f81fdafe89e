"""The integration files: the pre-commit manifest is valid for pre-commit, and the GitHub
Action's own script runs (locally, with bash) and passes inputs safely."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ci._fixtures import ROOT, SAMPLES

ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def action() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return doc


def test_pre_commit_manifest_is_valid() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    from identify.identify import ALL_TAGS

    (hook,) = clientlib.load_manifest(str(HOOKS))
    assert hook["id"] == "mapcheck" and hook["entry"] == "mapcheck check"
    assert hook["language"] == "python" and hook["require_serial"] is False
    assert set(hook["types_or"]) <= ALL_TAGS  # pre-commit refuses unknown tags
    for tag in ("json", "geojson", "javascript", "svg", "image", "pdf", "markdown", "html", "text"):
        assert tag in hook["types_or"]
    assert {"--force-exclude", "--skip-unsupported"} <= set(hook["args"])


def test_action_shape() -> None:
    doc = action()
    assert doc["runs"]["using"] == "composite"
    assert {"paths", "profile", "fail-on", "baseline"} <= set(doc["inputs"])
    steps = doc["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    apt = next(s["run"] for s in steps if "apt-get install" in s.get("run", ""))
    for package in ("tesseract-ocr-eng", "tesseract-ocr-ukr", "tesseract-ocr-rus"):
        assert package in apt
    install = next(s["run"] for s in steps if s.get("name") == "Install mapcheck")
    assert "GITHUB_ACTION_PATH" in install
    for step in steps:
        if "shell" in step:
            assert step["shell"] == "bash"  # composite run steps must name a shell
        # Inputs never pasted into a script (script injection): they go through env.
        assert "${{" not in step.get("run", ""), step.get("name")


def run_step(tmp_path: Path, env: dict[str, str]) -> tuple[int, str, dict[str, str]]:
    """Run the action's "Run mapcheck" script as the runner would (bash -e)."""
    step = next(s for s in action()["runs"]["steps"] if s.get("id") == "run")
    script = tmp_path / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    output = tmp_path / "github_output"
    output.write_text("")
    bindir = Path(sys.executable).parent
    full_env = {
        **os.environ,
        "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_OUTPUT": str(output),
        "MAPCHECK_CACHE_DIR": str(tmp_path / "cache"),
        "MAPCHECK_PROFILE": "un",
        "MAPCHECK_FAIL_ON": "error",
        "MAPCHECK_BASELINE": "",
        "MAPCHECK_SINCE": "",
        "MAPCHECK_SARIF": "mapcheck.sarif",
        **env,
    }
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=tmp_path / "ws",
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return proc.returncode, proc.stdout + proc.stderr, outputs


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_action_run_step(tmp_path: Path) -> None:
    if not (Path(sys.executable).parent / "mapcheck").exists():
        pytest.skip("the mapcheck console script is not installed next to this Python")
    ws = tmp_path / "ws"
    (ws / "maps").mkdir(parents=True)
    shutil.copyfile(SAMPLES / "bad" / "russia-2022-claims.geojson", ws / "maps" / "bad.geojson")
    shutil.copyfile(SAMPLES / "good" / "france-regions.geojson", ws / "maps" / "good.geojson")
    # A hostile input: must be a path, never run.
    code, log, outputs = run_step(tmp_path, {"MAPCHECK_PATHS": "maps $(touch pwned) ;touch pwned2"})
    assert code == 0, log  # the step itself succeeds; the exit code goes to the output
    assert outputs["exit-code"] == "2"  # "$(touch" etc. are missing files: input errors
    assert not (ws / "pwned").exists() and not (ws / "pwned2").exists()

    code, log, outputs = run_step(tmp_path, {"MAPCHECK_PATHS": "maps"})
    assert code == 0 and outputs["exit-code"] == "1", log
    sarif = json.loads((ws / "mapcheck.sarif").read_text(encoding="utf-8"))
    uris = {a["location"]["uri"] for a in sarif["runs"][0]["artifacts"]}
    assert uris == {"maps/bad.geojson", "maps/good.geojson"}
    assert re.search(r"^::error file=maps/bad\.geojson,title=MG101", log, re.MULTILINE)

    code, log, outputs = run_step(
        tmp_path, {"MAPCHECK_PATHS": "maps/good.geojson", "MAPCHECK_FAIL_ON": "warning"}
    )
    assert code == 0 and outputs["exit-code"] == "0", log
