"""Writing output files (section 5): whole or not at all, beside the destination, never through a planted link."""

from __future__ import annotations

import os
import secrets
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from icws_state._files import escape_surrogates, name_problem, shown, write_atomic


@pytest.fixture
def umask_027() -> Iterator[int]:
    old = os.umask(0o027)
    try:
        yield 0o027
    finally:
        os.umask(old)


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_writes_the_file_with_the_mode_a_plain_open_gives(tmp_path: Path, umask_027: int) -> None:
    dest = tmp_path / "out.json"
    write_atomic(dest, b"one\n")
    assert dest.read_bytes() == b"one\n"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o666 & ~umask_027
    dest.chmod(0o600)
    write_atomic(dest, b"two\n")  # a new file: the mode of a new file, not the old one's
    assert dest.read_bytes() == b"two\n"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o666 & ~umask_027
    assert _leftovers(tmp_path) == []


def test_a_failed_write_leaves_the_earlier_file_and_no_temporary(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "out.json"
    dest.write_bytes(b"earlier\n")

    def no_rename(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(OSError, match="No space"):
        write_atomic(dest, b"later\n")
    assert dest.read_bytes() == b"earlier\n"
    assert _leftovers(tmp_path) == []


def test_never_writes_through_a_link_planted_at_the_temporary_name(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim"
    victim.write_bytes(b"precious\n")
    out = tmp_path / "out"
    out.mkdir()
    names = iter(["planted", "fresh"])
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(names))  # as if the name had been guessed
    planted = out / ".s.json.planted.tmp"
    planted.symlink_to(victim)
    write_atomic(out / "s.json", b"snapshot\n")
    assert victim.read_bytes() == b"precious\n"
    assert planted.is_symlink()
    assert (out / "s.json").read_bytes() == b"snapshot\n"


def test_temporary_names_are_unpredictable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real_open = os.open

    def spy(path: str, flags: int, mode: int = 0o777) -> int:
        made.append(os.path.basename(path))
        assert flags & os.O_EXCL and flags & os.O_CREAT
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", spy)
    write_atomic(tmp_path / "a.json", b"1")
    write_atomic(tmp_path / "a.json", b"2")
    assert len(made) == 2 and made[0] != made[1]
    assert str(os.getpid()) not in made[0]


@pytest.mark.parametrize("target", ["regular", "dangling"])
def test_a_link_at_the_destination_is_replaced_not_followed(tmp_path: Path, target: str) -> None:
    pointed = tmp_path / "pointed.json"
    if target == "regular":
        pointed.write_bytes(b"kept\n")
    dest = tmp_path / "dest.json"
    dest.symlink_to(pointed)
    write_atomic(dest, b"new\n")
    assert not dest.is_symlink()
    assert dest.read_bytes() == b"new\n"
    if target == "regular":
        assert pointed.read_bytes() == b"kept\n"
    else:
        assert not pointed.exists()


def test_a_fifo_destination_is_written_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "stdout-like"
    link.symlink_to(fifo)  # as /dev/stdout is a link to what it writes to
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_atomic(link, b"streamed\n")
    reader.join(timeout=10)
    assert got == [b"streamed\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode) and link.is_symlink()
    assert _leftovers(tmp_path) == []


def test_a_directory_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    with pytest.raises(OSError) as info:
        write_atomic(tmp_path / "missing" / "s.json", b"x")
    assert info.value.filename == str(tmp_path / "missing")
    assert f"directory {tmp_path / 'missing'}" in str(info.value.strerror)
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError, match="directory"):
        write_atomic(tmp_path / "file" / "s.json", b"x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to any directory")
def test_a_read_only_directory_is_named(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(OSError, match="Permission denied") as info:
            write_atomic(ro / "s.json", b"x")
        assert info.value.filename == str(ro)
    finally:
        ro.chmod(0o700)


def test_a_name_that_is_not_utf8_is_written_and_shown(tmp_path: Path) -> None:
    name = os.fsdecode(os.fsencode(str(tmp_path)) + b"/log\xff.json")
    write_atomic(name, b"x")
    assert (os.fsencode(str(tmp_path)) + b"/log\xff.json") in [os.fsencode(str(p)) for p in tmp_path.iterdir()]
    assert shown(name).endswith("log\\xff.json")
    assert name_problem(name) is None


def test_names_that_are_no_file_name() -> None:
    assert name_problem("a\0b") is not None
    assert name_problem("a\ud800b") is not None
    assert shown("a\ud800b") == "a\\ud800b"
    with pytest.raises(OSError, match="NUL"):
        write_atomic("a\0b", b"x")


def test_escape_surrogates_only_touches_surrogates() -> None:
    assert escape_surrogates("é \U0001f600 \ud800 \udcff") == "é \U0001f600 \\ud800 \\udcff"
