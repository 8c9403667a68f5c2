"""Cache files are written whole or not at all, private to the user."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from backcare.cachefile import write_private


def test_a_cache_file_is_private_and_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "x.bin"
    assert write_private(path, lambda fh: fh.write(b"one"))
    assert write_private(path, lambda fh: fh.write(b"two"))
    assert path.read_bytes() == b"two"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["x.bin"]  # no temporary left


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
def test_an_unwritable_cache_costs_nothing_but_time(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        assert not write_private(tmp_path / "x.bin", lambda fh: fh.write(b"x"))
        assert list(tmp_path.iterdir()) == []
    finally:
        tmp_path.chmod(0o700)


def test_a_failing_writer_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    write_private(path, lambda fh: fh.write(b"old"))

    def broken(fh: object) -> None:
        raise OSError("disk full")

    assert not write_private(path, broken)
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["x.bin"]
