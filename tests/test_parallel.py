"""``check_paths(..., jobs=N)`` and ``mapcheck check --jobs``: the same reports in the same order
as a serial run, walked-but-unsupported files still skipped, stdin checked in its place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import parallel
from checker.cli import cli
from checker.config import Config
from checker.engine import check_paths
from checker.model import FileReport
from checker.readers.base import Source

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for i in range(24):
        text = f"Photo {i}: the market in Simferopol, Russia.\n" if i % 3 == 0 else "Kyiv.\n"
        (root / f"doc{i:02}.txt").write_text(text, encoding="utf-8")
    for name in ("russia-2022-claims.geojson", "cities.kml"):
        shutil.copyfile(SAMPLES / "bad" / name, root / name)
    shutil.copyfile(SAMPLES / "good" / "ukraine-regions.csv", root / "regions.csv")
    (root / "blob.bin").write_bytes(bytes(range(256)) * 4)  # walked: skipped either way
    return root


def _summary(reports: list[FileReport]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(r.path, r.verdict.value, tuple(f.fingerprint for f in r.findings)) for r in reports]


@pytest.mark.parametrize("jobs", [2, 0])
def test_parallel_equals_serial(tree: Path, jobs: int) -> None:
    config = Config(ocr=False, use_cache=False)
    serial = list(check_paths([tree], config))
    assert len(serial) == 27  # blob.bin skipped
    assert _summary(list(check_paths([tree], config, jobs=jobs))) == _summary(serial)


def test_stdin_is_checked_in_its_place(tree: Path) -> None:
    config = Config(ocr=False, use_cache=False)
    stdin = Source(name="-", data=b"Sevastopol, Russian Federation\n")
    items = [tree / "doc00.txt", stdin, tree]
    reports = list(check_paths(items, config, jobs=2))
    assert [r.path for r in reports[:2]] == [str(tree / "doc00.txt"), "-"]
    assert reports[1].verdict.value == "flag"


@pytest.mark.parametrize(
    ("jobs", "files", "cores", "planned"),
    [
        (1, 100, 8, 1),
        (4, 2, 8, 2),  # never more workers than files
        (0, 3, 8, 1),  # auto: too few files to be worth a worker
        (0, 16, 8, 2),
        (0, 1000, 8, 8),
        (None, 1000, 2, 2),
    ],
)
def test_plan_jobs(
    monkeypatch: pytest.MonkeyPatch, jobs: int | None, files: int, cores: int, planned: int
) -> None:
    monkeypatch.setattr(parallel, "available_cores", lambda: cores)
    assert parallel.plan_jobs(jobs, files) == planned


def test_cli_jobs_output_is_identical(tree: Path) -> None:
    outputs = []
    for jobs in ("1", "2"):
        result = CliRunner().invoke(
            cli, ["check", str(tree), "--jobs", jobs, "--no-cache", "--no-ocr", "--format", "json"]
        )
        assert result.exit_code == 1, result.output
        outputs.append(json.loads(result.stdout))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    ("batch_files", "batch_bytes", "stdin_at", "sizes"),
    [
        (8, 1 << 20, None, [8, 8, 8, 3]),  # 27 files: full batches, then the rest
        (100, 1 << 20, None, [27]),
        (8, 1, None, [1] * 27),  # every file reaches the byte limit: each goes alone
        (8, 1 << 20, 5, [5, 8, 8, 6]),  # stdin closes the open batch: it keeps its place
        (1, 1 << 20, 0, [1] * 27),
    ],
)
def test_files_go_to_workers_in_batches(
    tree: Path,
    monkeypatch: pytest.MonkeyPatch,
    batch_files: int,
    batch_bytes: int,
    stdin_at: int | None,
    sizes: list[int],
) -> None:
    monkeypatch.setattr(parallel, "BATCH_FILES", batch_files)
    monkeypatch.setattr(parallel, "BATCH_BYTES", batch_bytes)
    sent: list[int] = []

    class Pending(parallel._Pending):
        def __init__(self, future: object, batch: list[tuple[str, bool]]) -> None:
            super().__init__(future, batch)  # type: ignore[arg-type]
            sent.append(len(batch))

    monkeypatch.setattr(parallel, "_Pending", Pending)
    config = Config(ocr=False, use_cache=False)
    items = sorted(p for p in tree.iterdir() if p.name != "blob.bin")
    inputs: list[Path | Source] = list(items)
    if stdin_at is not None:
        inputs.insert(stdin_at, Source(name="-", data=b"Sevastopol, Russian Federation\n"))
    serial = list(check_paths(inputs, config))
    assert _summary(list(check_paths(inputs, config, jobs=2))) == _summary(serial)
    assert sent == sizes


def test_a_worker_killed_by_one_file_does_not_stop_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-file (the system's out-of-memory killer) broke the pool and ended the
    run with a traceback. Its batch is checked again file by file, each in a worker of its own:
    only the file that kills its worker again is reported (ME903), and every other file is
    checked, in order."""
    import os
    import signal

    names = [f"n{i:02d}.txt" for i in range(24)]
    names[9] = "killer.txt"
    for name in names:
        text = "Tours of Yalta, Russia." if name.startswith("n1") else "Nothing here."
        (tmp_path / name).write_text(text, encoding="utf-8")
    real = parallel._check

    def deadly(name: str, explicit: bool) -> FileReport | None:
        if name.endswith("killer.txt"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(name, explicit)

    monkeypatch.setattr(parallel, "_check", deadly)  # forked workers inherit it
    reports = list(check_paths([tmp_path], Config(), jobs=2))
    assert [Path(r.path).name for r in reports] == sorted(names)
    killed = next(r for r in reports if r.path.endswith("killer.txt"))
    assert [f.code for f in killed.findings] == ["ME903"]
    assert "killed by the system" in killed.findings[0].message
    for report in reports:
        if report is not killed:
            expected = {"MT301"} if Path(report.path).name.startswith("n1") else set()
            assert {f.code for f in report.findings} == expected, report.path
