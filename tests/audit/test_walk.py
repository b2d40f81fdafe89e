"""The audit's folder walk: the same files as ``mapcheck check``, in a stable order, once each;
excludes honoured; special files and broken links reported; symlink loops end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.audit.walk import Entry, display_name, walk
from checker.config import Config


def _tree(root: Path) -> None:
    for rel in (
        "b.csv",
        "a.txt",
        "sub/z.json",
        "sub/deeper/y.md",
        ".hidden.csv",
        ".git/config.csv",
        "node_modules/pkg/x.csv",
        "skipme/in.csv",
        "other.skip",
    ):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("region,country\n", encoding="utf-8")


def _names(entries: list[Entry], root: Path) -> list[str]:
    return [os.path.relpath(e.name, root) for e in entries]


def test_order_and_skips_match_check(tmp_path: Path) -> None:
    from checker.engine import check_paths

    _tree(tmp_path)
    config = Config(exclude=("skipme", "*.skip"), root=tmp_path)
    entries = list(walk([str(tmp_path)], config))
    assert _names(entries, tmp_path) == ["a.txt", "b.csv", "sub/z.json", "sub/deeper/y.md"]
    assert all(e.problem is None and e.size > 0 for e in entries)
    checked = [r.path for r in check_paths([tmp_path], config)]
    assert [e.name for e in entries] == checked


def test_files_named_directly_and_missing_roots(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text("x\n", encoding="utf-8")
    entries = list(walk([str(tmp_path / "f.csv"), str(tmp_path / "nope")], Config()))
    assert [e.problem for e in entries] == [None, "no such file (it vanished, or was never there)"]
    assert entries[0].key == os.fsencode(str(tmp_path / "f.csv"))


def test_special_files_and_broken_links(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.geojson")
    os.symlink(tmp_path / "missing.csv", tmp_path / "dangling.csv")
    (tmp_path / "real.csv").write_text("x\n", encoding="utf-8")
    os.symlink(tmp_path / "real.csv", tmp_path / "link.csv")
    entries = {os.path.basename(e.name): e for e in walk([str(tmp_path)], Config())}
    assert entries["pipe.geojson"].problem == "not a regular file (a named pipe)"
    assert "broken symbolic link" in (entries["dangling.csv"].problem or "")
    assert entries["link.csv"].problem is None and entries["link.csv"].size == 2
    assert entries["real.csv"].problem is None


@pytest.mark.parametrize("follow", [False, True])
def test_symlink_loops_end(tmp_path: Path, follow: bool) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f.csv").write_text("x\n", encoding="utf-8")
    os.symlink("..", tmp_path / "d" / "up")  # d/up -> tmp_path: a loop
    os.symlink(tmp_path / "d", tmp_path / "alias")  # a second way into d
    entries = list(walk([str(tmp_path)], Config(), follow_symlinks=follow))
    # Each real folder once: followed, the link sorts first and d itself is not walked again.
    assert _names(entries, tmp_path) == (["alias/f.csv"] if follow else ["d/f.csv"])


def test_followed_symlinked_folder_outside_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.csv").write_text("x\n", encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside, root / "link")
    assert list(walk([str(root)], Config())) == []
    followed = list(walk([str(root)], Config(), follow_symlinks=True))
    assert _names(followed, root) == ["link/o.csv"]


def test_undecodable_names(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/map-\xff.csv"
    with open(raw, "wb") as fh:
        fh.write(b"x\n")
    (entry,) = walk([str(tmp_path)], Config())
    assert entry.name.endswith("map-\\xff.csv")
    entry.name.encode("utf-8")  # always writable
    assert entry.key == raw
    assert os.path.exists(entry.path)
    assert display_name("plain/ок.csv") == "plain/ок.csv"


def test_unlistable_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text("x\n", encoding="utf-8")
    entries = list(walk([str(tmp_path / "f.csv" / "below")], Config()))
    assert entries[0].problem is not None
