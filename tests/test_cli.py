"""The command line: rules, explain, version, exit codes, stdin, atomic output, fix guards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import __version__
from checker.cli import cli
from checker.rules.registry import all_rules

WORLD_110M = Path(__file__).parent / "fixtures" / "world-atlas" / "countries-110m.json"

US_LIKE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Texas", "iso_a2": "US"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[-106, 26], [-94, 26], [-94, 36], [-106, 36], [-106, 26]]],
            },
        }
    ],
}


SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def run(*args: str, input: bytes | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.output


def test_version() -> None:
    code, out = run("--version")
    assert code == 0 and __version__ in out


def test_rules_lists_every_code() -> None:
    code, out = run("rules")
    assert code == 0
    for rule_code in all_rules():
        assert rule_code in out
    assert "geometry.crimea-in-russia" in out


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_explain_every_rule(code: str) -> None:
    exit_code, out = run("explain", code)
    assert exit_code == 0
    assert out.startswith(code)
    assert "Severity:" in out


def test_explain_by_name_and_case_insensitive() -> None:
    assert run("explain", "geometry.crimea-in-russia")[1].startswith("MG101")
    assert run("explain", "mg101")[1].startswith("MG101")


def test_explain_shows_bad_and_good_examples() -> None:
    for code, rule in all_rules().items():
        if code.startswith("MG"):
            assert "Bad:" in rule.doc and "Good:" in rule.doc, code


def test_explain_unknown_is_usage_error() -> None:
    code, out = run("explain", "XX999")
    assert code == 2 and "no rule" in out


def test_unknown_disable_code_is_usage_error(tmp_path: Path) -> None:
    f = tmp_path / "us.geojson"
    f.write_text(json.dumps(US_LIKE))
    code, out = run("check", str(f), "--disable", "ZZ1")
    assert code == 2 and "ZZ1" in out


def test_clean_file_exits_0(tmp_path: Path) -> None:
    f = tmp_path / "us.geojson"
    f.write_text(json.dumps(US_LIKE))
    code, out = run("check", str(f))
    assert code == 0, out
    assert "CLEAN" in out


def test_stdin(tmp_path: Path) -> None:
    code, out = run("check", "-", "--format", "json", input=json.dumps(US_LIKE).encode())
    assert code == 0, out
    doc = json.loads(out)
    assert doc["files"][0]["path"] == "-"
    assert doc["files"][0]["verdict"] == "clean"


def test_error_verdict_exits_2(tmp_path: Path) -> None:
    f = tmp_path / "broken.geojson"
    f.write_text('{"type": "FeatureCollection", "features": [')
    code, out = run("check", str(f), "--format", "json")
    assert code == 2
    doc = json.loads(out)
    assert doc["files"][0]["verdict"] == "error"
    assert doc["files"][0]["error"].startswith("ME901")


@pytest.mark.parametrize(
    ("name", "content", "skipped"),
    [
        ("__init__.py", "", True),  # a package marker: nothing to check
        ("py.typed", "", True),
        ("notes.md", " \n\t\n", True),
        ("regions.csv", "", True),
        ("map.geojson", "", False),  # an empty map is a broken map
        ("map.png", "", False),
    ],
)
def test_empty_files(tmp_path: Path, name: str, content: str, skipped: bool) -> None:
    """Named alone, an empty file is ME906; walked, or under --skip-unsupported (the pre-commit
    hook's), an empty text file is skipped like an unsupported format, and an empty map is
    still an error."""
    f = tmp_path / name
    f.write_text(content)
    code, out = run("check", str(f), "--format", "json")
    assert (code, json.loads(out)["files"][0]["error"][:5]) == (2, "ME906"), out
    for args in ([str(tmp_path)], [str(f), "--skip-unsupported"]):
        code, out = run("check", *args, "--format", "json")
        files = json.loads(out)["files"]
        assert (code, len(files)) == ((0, 0) if skipped else (2, 1)), (args, out)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        # A package's METADATA whose README shows a GeoJSON sample in prose.
        (
            "METADATA",
            "Name: geo\n\nReturns a GeoJSON `FeatureCollection`:\n"
            "    # {'type': 'FeatureCollection', 'features': [...]}\n"
            "Shipped from Simferopol, Russia.\n",
            "document",
        ),
        (
            "README",
            'Example: {"type": "FeatureCollection", "features": [ ... ]}\n'
            "Our office is in Simferopol, Russia.\n",
            "document",
        ),
    ],
)
def test_a_file_that_only_mentions_a_map_is_read_as_text(
    tmp_path: Path, name: str, content: str, kind: str
) -> None:
    f = tmp_path / name
    f.write_text(content)
    code, out = run("check", str(f), "--format", "json")
    doc = json.loads(out)
    assert doc["files"][0]["kind"] == kind, out
    assert [x["code"] for x in doc["files"][0]["findings"]] == ["MT301"]
    assert code == 1


def test_own_reports_in_the_checked_folder_are_not_checked_again(tmp_path: Path) -> None:
    """A report saved in the folder it checks quotes every finding: checking the folder again
    must not report them a second time (nor a JUnit or SARIF file flag the build)."""
    (tmp_path / "a.md").write_text("Photo: Simferopol, Russia.\n")
    formats = {"json": "r.json", "sarif": "r.sarif", "jsonl": "r.jsonl", "rdjsonl": "r.rdjsonl"}
    formats |= {"junit": "junit.xml", "html": "r.html", "github": "r.txt"}
    for fmt, name in formats.items():
        code, _ = run("check", str(tmp_path / "a.md"), "--format", fmt, "-o", str(tmp_path / name))
        assert code == 1, fmt
    code, out = run("check", str(tmp_path), "--format", "json")
    assert [Path(f["path"]).name for f in json.loads(out)["files"]] == ["a.md"], out
    for name in formats.values():  # named, each is undetermined and says why
        code, out = run("check", str(tmp_path / name), "--format", "json")
        entry = json.loads(out)["files"][0]
        assert (code, entry["kind"], entry["verdict"]) == (0, "report", "undetermined"), name
        assert "mapcheck report" in entry["notes"][0]
    other = tmp_path / "other.json"  # another tool's report is data like any JSON
    other.write_text('{"tool": {"name": "othercheck"}, "files": ["Simferopol, Russia"]}')
    code, out = run("check", str(other), "--format", "json")
    assert json.loads(out)["files"][0]["verdict"] == "flag"


def test_compressed_files_are_checked_as_what_they_hold(tmp_path: Path) -> None:
    import bz2
    import gzip
    import io
    import lzma
    import tarfile

    files = {
        "regions.csv.gz": gzip.compress(b"city,country\nSimferopol,Russia\n"),
        "note.md.bz2": bz2.compress(b"Flights to Yalta, Russia.\n"),
        "world.geojson.xz": lzma.compress((SAMPLES / "bad" / "europe-50m.geojson").read_bytes()),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code, out = run("check", str(tmp_path), "--format", "json")
    got = {
        Path(f["path"]).name: sorted({x["code"] for x in f["findings"]})
        for f in json.loads(out)["files"]
    }
    assert got["regions.csv.gz"] == ["MD402"]
    assert got["note.md.bz2"] == ["MT301"]
    assert "MG101" in got["world.geojson.xz"]
    assert code == 1
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b"\0" * (64 << 20)))
    broken = tmp_path / "cut.csv.gz"
    broken.write_bytes(files["regions.csv.gz"][:-12])
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("a.csv")
        info.size = 3
        tf.addfile(info, io.BytesIO(b"a,b"))
    archive = tmp_path / "data.tar.gz"
    archive.write_bytes(buf.getvalue())
    for path, code in ((bomb, "ME903"), (broken, "ME901"), (archive, "ME902")):
        _, out = run("check", str(path), "--format", "json")
        assert json.loads(out)["files"][0]["error"].startswith(code), out


def test_missing_file_is_error_not_traceback(tmp_path: Path) -> None:
    code, out = run("check", str(tmp_path / "nope.geojson"))
    assert code == 2
    assert "Traceback" not in out


def test_working_directory_removed_under_a_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch whose working directory is deleted while it runs still reports every file
    (paths are then taken as given); before, each file raised FileNotFoundError."""
    from checker.config import Config
    from checker.engine import check_paths

    data = tmp_path / "data"
    data.mkdir()
    good = data / "note.txt"
    good.write_text("Simferopol, Russia is a city.\n")
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    reports = list(check_paths([str(good), str(data / "missing.txt")], Config(use_cache=False)))
    assert [r.path for r in reports] == [str(good), str(data / "missing.txt")]
    assert any(f.code.startswith("MT3") for f in reports[0].findings)
    assert reports[1].error is not None and reports[1].error.startswith("ME901")


@pytest.mark.skipif(not WORLD_110M.exists(), reason="world-atlas fixture missing")
def test_world_atlas_exit_1_and_fail_on(tmp_path: Path) -> None:
    code, out = run("check", str(WORLD_110M))
    assert code == 1
    assert "MG101" in out and "id 643" in out
    code, _ = run("check", str(WORLD_110M), "--disable", "MG101", "--disable", "MG108")
    assert code == 0


def test_output_is_written_atomically(tmp_path: Path) -> None:
    f = tmp_path / "us.geojson"
    f.write_text(json.dumps(US_LIKE))
    report = tmp_path / "report.json"
    code, out = run("check", str(f), "--format", "json", "--output", str(report))
    assert code == 0
    assert out == ""
    assert json.loads(report.read_text())["summary"]["files"] == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_fix_refuses_to_overwrite_input(tmp_path: Path) -> None:
    f = tmp_path / "us.geojson"
    f.write_text(json.dumps(US_LIKE))
    before = f.read_bytes()
    code, out = run("fix", str(f), "-o", str(f))
    assert code == 2 and "never modifies" in out
    code, out = run("fix", str(f), "-o", str(f), "--force")
    assert code == 2
    assert f.read_bytes() == before


def test_python_dash_m_and_console_script() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "checker", "--version"], capture_output=True, text=True, check=True
    )
    assert __version__ in out.stdout
