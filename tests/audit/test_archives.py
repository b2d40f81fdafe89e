"""Archive expansion: members read within bounds; bombs, traversal and corruption refused."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import pytest

from checker.audit.archives import (
    ArchiveError,
    Budget,
    Member,
    MemberProblem,
    NotRegularFileError,
    archive_type,
    bytes_opener,
    expand,
    open_regular,
    safe_name,
)
from checker.audit.protocol import ArchiveLimits
from tests.audit.make_hostile import gzip_bomb, tar_gz_bomb, tar_of, zip_bomb, zip_of


def _expand(data: bytes, limits: ArchiveLimits | None = None, name: str = "a") -> list[object]:
    kind = archive_type(data[:512])
    assert kind is not None
    budget = Budget(limits or ArchiveLimits())
    return list(expand(kind, bytes_opener(data), len(data), name, budget))


def _names(items: list[object]) -> list[str]:
    return [i.name for i in items if isinstance(i, Member)]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (zip_of({"a.csv": b"x"}), "zip"),
        (tar_of({"a.csv": b"x"}), "tar"),
        (tar_of({"a.csv": b"x"}, compress=True), "gzip"),
        (gzip.compress(b"x"), "gzip"),
        (bz2.compress(b"x"), "bzip2"),
        (lzma.compress(b"x"), "xz"),
        (b"%PDF-1.4", None),
        (b"BZ no digit", None),
        (b"", None),
    ],
)
def test_archive_type(data: bytes, kind: str | None) -> None:
    assert archive_type(data[:512]) == kind


def test_zip_and_tar_members_in_order() -> None:
    members = {"a.csv": b"1", "dir/b.txt": b"2", ".hidden": b"3", "__MACOSX/._a.csv": b"4"}
    for data in (zip_of(members), tar_of(members), tar_of(members, compress=True)):
        items = _expand(data)
        assert _names(items) == ["a.csv", "dir/b.txt"]
        assert [i.data for i in items if isinstance(i, Member)] == [b"1", b"2"]


@pytest.mark.parametrize(
    ("compress", "name", "inner"),
    [
        (gzip.compress, "data.geojson.gz", "data.geojson"),
        (bz2.compress, "data.csv.bz2", "data.csv"),
        (lzma.compress, "data.csv.xz", "data.csv"),
        (gzip.compress, "noext", "noext.out"),
    ],
)
def test_single_compressed_file(compress: object, name: str, inner: str) -> None:
    items = _expand(compress(b"region,country\n"), name=name)  # type: ignore[operator]
    assert len(items) == 1 and isinstance(items[0], Member)
    assert items[0].name == inner and items[0].data == b"region,country\n"


def test_traversal_members_are_reported_not_read() -> None:
    data = zip_of({"../../evil.csv": b"x", "/abs/evil.csv": b"y", "ok.csv": b"z"})
    items = _expand(data)
    problems = [i for i in items if isinstance(i, MemberProblem)]
    assert sorted(p.name for p in problems) == ["../../evil.csv", "/abs/evil.csv"]
    assert all(p.code == "ME901" and "outside the archive" in p.message for p in problems)
    assert _names(items) == ["ok.csv"]
    tar_items = _expand(tar_of({"../up.csv": b"x", "fine.csv": b"y"}))
    assert [type(i).__name__ for i in tar_items] == ["MemberProblem", "Member"]


def test_zip_bomb_refused_from_the_directory() -> None:
    items = _expand(zip_bomb("big.geojson", 32 << 20))
    assert len(items) == 1 and isinstance(items[0], MemberProblem)
    assert items[0].code == "ME903" and "compression ratio" in items[0].message


def test_gzip_and_tar_bombs_stop_at_the_bound() -> None:
    items = _expand(gzip_bomb(64 << 20), name="bomb.geojson.gz")
    assert isinstance(items[0], MemberProblem) and "decompression bomb" in items[0].message
    with pytest.raises(ArchiveError, match="compression ratio"):
        _expand(tar_gz_bomb("big.csv", 64 << 20))


def test_member_count_and_total_bounds() -> None:
    limits = ArchiveLimits(max_members=3, max_total_bytes=10, ratio_exempt_bytes=1 << 20)
    with pytest.raises(ArchiveError, match="members"):
        _expand(zip_of({f"{i}.csv": b"x" for i in range(4)}), limits)
    with pytest.raises(ArchiveError, match="expands to"):
        _expand(zip_of({"a.csv": b"x" * 11}), limits)
    with pytest.raises(ArchiveError, match="more than 3 members"):
        _expand(tar_of({f"{i}.csv": b"x" for i in range(4)}), limits)
    big = ArchiveLimits(max_member_bytes=4)
    items = _expand(tar_of({"a.csv": b"12345", "b.csv": b"1"}), big)
    assert isinstance(items[0], MemberProblem) and "limit 4" in items[0].message
    assert _names(items) == ["b.csv"]


def test_budget_is_shared_by_nested_archives() -> None:
    budget = Budget(ArchiveLimits(max_members=2))
    budget.take_member()
    budget.take_member()
    with pytest.raises(ArchiveError):
        budget.take_member()


@pytest.mark.parametrize(
    "data",
    [
        zip_of({"a.csv": b"x" * 1000})[:60],
        tar_of({"a.csv": bytes(range(256)) * 40}, compress=True)[:200],
        b"PK\x03\x04garbage",
    ],
)
def test_corrupt_archives(data: bytes) -> None:
    kind = archive_type(data)
    assert kind is not None
    with pytest.raises(ArchiveError) as info:
        list(expand(kind, bytes_opener(data), len(data), "x", Budget(ArchiveLimits())))
    assert info.value.code == "ME901"


def test_truncated_tar_keeps_members_before_the_cut() -> None:
    data = tar_of({"a.csv": b"1" * 600, "b.csv": b"2" * 6000})
    seen: list[object] = []
    with pytest.raises(ArchiveError, match="after 1 members"):
        for item in expand("tar", bytes_opener(data[:2200]), 2200, "x", Budget(ArchiveLimits())):
            seen.append(item)
    assert _names(seen) == ["a.csv"]


def test_safe_name() -> None:
    assert safe_name("a\\b\x00c\x1b.csv") == "a/b\\x00c\\x1b.csv"
    assert safe_name("\udcff.csv") == "\\udcff.csv"


def test_open_regular_refuses_fifos_without_blocking(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFileError, match="named pipe"):
        open_regular(str(fifo))
    with pytest.raises(IsADirectoryError):
        open_regular(str(tmp_path))
    (tmp_path / "f").write_bytes(b"abc")
    with open_regular(str(tmp_path / "f")) as fh:
        assert fh.read() == b"abc"
