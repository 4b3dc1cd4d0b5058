"""Content-addressed file store: every uploaded original is kept under
<data>/files/ab/cdef…  (sha256), whether or not it could be parsed.

A stored file is its sha256: before an original is served or read again, `checked_path` hashes it;
one whose content no longer matches its name is refused (Damaged, a sentence for the person) and
noted under <data>/damaged/ (shown on /healthz, listed by `intake verify`), until a good copy is
put back (`verify` clears the note)."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from intake.config import Limits, data_dir
from intake.errors import NotFound, StorageFull, Unavailable

CHUNK = 1024 * 1024


class TooLarge(Exception):
    pass


class Damaged(Unavailable):
    """A stored original whose content no longer matches its sha256."""

    def __init__(self, name: str = ""):
        what = f"文件“{name}”" if name else "该文件"
        super().__init__(f"{what}的存储副本已损坏（内容与登记的校验值不符），无法提供或读取；请联系管理员从备份恢复")


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
        return self.checked_path(sha256).read_bytes()

    # --- integrity ------------------------------------------------------------------------

    @property
    def damaged_dir(self) -> Path:
        return self.root.parent / "damaged"

    def verify(self, sha256: str) -> bool:
        """Does the stored file still hash to its name? A mismatch is noted (damaged()); a match clears
        an earlier note (a good copy was put back). A missing file is not damage: False, nothing noted."""
        path = self.path(sha256)
        if not path.is_file():
            return False
        ok = sha256_of(path) == sha256
        note = self.damaged_dir / sha256
        if not ok:
            self.damaged_dir.mkdir(mode=0o700, exist_ok=True)
            note.touch()
        elif note.exists():
            note.unlink()
        return ok

    def checked_path(self, sha256: str, name: str = "") -> Path:
        """The file's path once its content is verified; NotFound when it is gone, Damaged when changed."""
        if not self.has(sha256):
            raise NotFound(f"文件“{name}”的存储副本不存在" if name else "没有这个文件")
        if not self.verify(sha256):
            raise Damaged(name)
        return self.path(sha256)

    def damaged(self) -> list[str]:
        """The sha256 of every file found damaged and not yet put right."""
        if not self.damaged_dir.is_dir():
            return []
        return sorted(p.name for p in self.damaged_dir.iterdir() if len(p.name) == 64)


def sha256_of(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _raise_full(e: BaseException) -> None:
    """A write that ran out of disk becomes StorageFull (a 507 with a sentence), not a bare 500."""
    if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
        raise StorageFull() from e
