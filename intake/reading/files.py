"""Reading a file named on the command line (or by a path anywhere): only a regular file is read.

A FIFO blocks a plain read forever and /dev/zero never ends, so the path is opened without
blocking and checked with fstat on the open descriptor (no race between the check and the read)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

KINDS = [
    (stat.S_ISFIFO, "命名管道（FIFO）"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISSOCK, "套接字"),
    (stat.S_ISDIR, "目录"),
]


class NotRegularFile(OSError):
    """`str(e)` is one sentence for a person, naming the file."""


def special_kind(mode: int) -> str | None:
    return next((label for test, label in KINDS if test(mode)), None if stat.S_ISREG(mode) else "特殊文件")


def check_regular(path: str | os.PathLike) -> None:
    """Raise NotRegularFile for anything but a regular file (symlinks followed); missing files are
    left to the caller's FileNotFoundError."""
    mode = os.stat(path).st_mode
    kind = special_kind(mode)
    if kind:
        raise NotRegularFile(f"{path}: 不是普通文件（{kind}），未读取")


def read_regular(path: str | os.PathLike, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file; NotRegularFile otherwise (never blocks on a FIFO, never reads a
    device without end). Past `max_bytes` (when given) only the first max_bytes + 1 bytes are read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        kind = special_kind(mode)
        if kind:
            raise NotRegularFile(f"{Path(path)}: 不是普通文件（{kind}），未读取")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read() if max_bytes is None else f.read(max_bytes + 1)
    finally:
        os.close(fd)
