"""Content-addressed file store: every uploaded original is kept under
<data>/files/ab/cdef…  (sha256), whether or not it could be parsed."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from intake.config import Limits, data_dir
from intake.errors import StorageFull

CHUNK = 1024 * 1024


class TooLarge(Exception):
    pass


def free_bytes(path: str | os.PathLike) -> int:
    """Free space on the disk holding `path` (for an unprivileged process)."""
    return shutil.disk_usage(path).free


class BlobStore:
    """`min_free`: writes are refused (StorageFull) while the disk has less than this free, so the
    database and the readers keep room to work; default INTAKE_MIN_FREE_MB."""

    def __init__(self, data: str | os.PathLike | None = None, min_free: int | None = None):
        self.root = Path(data_dir(data)) / "files"
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.min_free = Limits.from_env().min_free_bytes if min_free is None else min_free

    def check_space(self, incoming: int = 0) -> None:
        """Raise StorageFull when storing `incoming` more bytes would leave less than the floor."""
        if free_bytes(self.root) - incoming < self.min_free:
            raise StorageFull()

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put_bytes(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if not target.exists():
            self.check_space(len(data))
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")  # mode 600
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(tmp, target)
            except BaseException as e:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                _raise_full(e)
                raise
        return sha

    def put_stream(self, stream: BinaryIO, max_bytes: int | None = None) -> tuple[str, int]:
        """Stream to disk in chunks (never whole in memory); returns (sha256, size).

        Raises TooLarge (and keeps nothing) past `max_bytes`.
        """
        self.check_space()
        h = hashlib.sha256()
        size = 0
        fd, tmpname = tempfile.mkstemp(dir=self.root, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLarge(f"larger than {max_bytes // (1024 * 1024)} MB")
                    h.update(chunk)
                    out.write(chunk)
            sha = h.hexdigest()
            target = self.path(sha)
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if target.exists():
                os.unlink(tmpname)
            else:
                os.replace(tmpname, target)
            return sha, size
        except BaseException as e:
            if os.path.exists(tmpname):
                os.unlink(tmpname)
            _raise_full(e)
            raise

    def put_file(self, path: str | os.PathLike) -> str:
        with open(path, "rb") as f:
            return self.put_stream(f)[0]

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()


def _raise_full(e: BaseException) -> None:
    """A write that ran out of disk becomes StorageFull (a 507 with a sentence), not a bare 500."""
    if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
        raise StorageFull() from e
