"""Backups of a data directory, consistent while the service runs, and restoring one.

    verify_store(data)      every stored original re-hashed: damaged (content no longer its sha256) and
                            missing ones (named by the database, not there) reported and noted for /healthz
    backup(data, dest)      the live store verified as above, then dest/intake.db (SQLite's online backup API: a snapshot of one moment,
                            taken page by page without stopping writers), then dest/files/… (the
                            content-addressed originals; only those not already there are copied,
                            so a nightly backup into the same folder is quick), dest/session.key
    restore(src, data)      the same into an empty data directory, every stored file checked
                            against its sha256 and every file the database names present

Originals are written before the database names them and never changed or deleted, so copying the
files after the database snapshot leaves no row without its file. Caches (OCR, previews) are not
backed up: they are rebuilt on demand."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from intake.clock import now
from intake.config import data_dir
from intake.errors import BadInput
from intake.store.blobs import BlobStore, sha256_of
from intake.store.db import DB_NAME

KEPT = ("session.key",)
MANIFEST = "backup.json"


@dataclass
class Summary:
    folder: str
    files_copied: int = 0
    files_present: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "folder": self.folder,
            "files_copied": self.files_copied,
            "files_present": self.files_present,
            "tables": self.tables,
            "problems": self.problems,
        }


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _snapshot(src_db: Path, target: Path) -> None:
    """`src_db` copied into `target` with the online backup API, then renamed into place."""
    tmp = target.with_name(target.name + ".part")
    if tmp.exists():
        tmp.unlink()
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT, 0o600))
    src = sqlite3.connect(src_db, timeout=30)  # not mode=ro: a WAL database may need its -shm made
    dst = sqlite3.connect(tmp)
    try:
        with dst:
            src.backup(dst, pages=256)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()
    os.replace(tmp, target)


def _copy_blobs(src: Path, dst: Path, summary: Summary, verify: bool = False) -> None:
    if not src.is_dir():
        return
    _private_dir(dst)
    for d in sorted(p for p in src.iterdir() if p.is_dir() and len(p.name) == 2):
        for f in sorted(d.iterdir()):
            if not f.is_file() or f.suffix in (".part", ".tmp"):
                continue
            target = dst / d.name / f.name
            if (src.parent / "damaged" / (d.name + f.name)).exists():  # reported by the verification: not copied
                continue
            if target.exists():
                summary.files_present += 1
                continue
            _private_dir(target.parent)
            tmp = target.with_name(target.name + ".part")
            shutil.copyfile(f, tmp)
            os.chmod(tmp, 0o600)
            if verify and sha256_of(tmp) != d.name + f.name:
                tmp.unlink()
                summary.problems.append(f"{f}: 内容与其 sha256 不符，未复制")
                continue
            os.replace(tmp, target)
            summary.files_copied += 1


def _tables(db_path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type='table' and name not like 'sqlite_%' order by name"
            )
        ]
        return {n: conn.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


# The rows that name a stored original (an online comment's sha256 is of its text, not a file).
BLOB_QUERIES = {
    "documents": "select sha256 from documents",
    "comment_drafts": "select sha256 from comment_drafts",
    "comment_sheets": "select sha256 from comment_sheets where source != 'online'",
}


def referenced_blobs(db_path: Path) -> set[str]:
    """Every stored original the database names."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        return {sha for table, sql in BLOB_QUERIES.items() if table in tables for (sha,) in conn.execute(sql) if sha}
    finally:
        conn.close()


def _check(folder: Path, summary: Summary) -> None:
    """The database is sound and every file it names is there with the right content."""
    db_path = folder / DB_NAME
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        summary.problems.append(f"{db_path}: 数据库完整性检查未通过（{result}）")
    for sha in sorted(referenced_blobs(db_path)):
        path = folder / "files" / sha[:2] / sha[2:]
        if not path.is_file():
            summary.problems.append(f"缺少文件 {sha}")
        elif sha256_of(path) != sha:
            summary.problems.append(f"文件 {sha} 内容已损坏")


@dataclass
class Verification:
    folder: str
    files_checked: int = 0
    damaged: list[str] = field(default_factory=list)  # sha256 of files whose content changed
    missing: list[str] = field(default_factory=list)  # sha256 the database names, with no file

    @property
    def problems(self) -> list[str]:
        return [f"文件 {sha} 内容已损坏（与其 sha256 不符）" for sha in self.damaged] + [
            f"缺少文件 {sha}（数据库中有记录）" for sha in self.missing
        ]

    def to_json(self) -> dict:
        return {
            "folder": self.folder,
            "files_checked": self.files_checked,
            "damaged": self.damaged,
            "missing": self.missing,
            "problems": self.problems,
        }


def verify_store(data: str | os.PathLike | None) -> Verification:
    """Re-hash every original in the data directory's store (not a backup's: the live one). Damaged
    files are noted for /healthz and refused when asked for; a note is cleared once the file is good
    again (restored from a backup)."""
    source = data_dir(data)
    store = BlobStore(source, min_free=0)
    result = Verification(str(source))
    for path in _stored_files(store.root):
        sha = path.parent.name + path.name
        result.files_checked += 1
        if not store.verify(sha):
            result.damaged.append(sha)
    if (source / DB_NAME).exists():
        result.missing = sorted(sha for sha in referenced_blobs(source / DB_NAME) if not store.has(sha))
    for sha in store.damaged():  # a note about a file no longer there at all
        if not store.has(sha):
            (store.damaged_dir / sha).unlink()
    return result


def _stored_files(root: Path):
    if not root.is_dir():
        return
    for d in sorted(p for p in root.iterdir() if p.is_dir() and len(p.name) == 2):
        for f in sorted(d.iterdir()):
            if f.is_file() and f.suffix not in (".part", ".tmp"):
                yield f


def backup(data: str | os.PathLike | None, dest: str | os.PathLike, check: bool = True) -> Summary:
    source = data_dir(data)
    if not (source / DB_NAME).exists():
        raise BadInput(f"{source}: 没有数据库（{DB_NAME}），无可备份")
    dest = Path(dest)
    if dest.resolve() == source.resolve():
        raise BadInput("备份目录不能是数据目录本身")
    _private_dir(dest)
    summary = Summary(str(dest))
    if check:  # files backed up earlier are not copied again: a damaged live original is found here
        summary.problems += [f"{source}: {p}" for p in verify_store(source).problems]
    _snapshot(source / DB_NAME, dest / DB_NAME)  # first the database, then the files it names
    _copy_blobs(source / "files", dest / "files", summary)
    for name in KEPT:
        if (source / name).exists():
            shutil.copyfile(source / name, dest / name)
            os.chmod(dest / name, 0o600)
    summary.tables = _tables(dest / DB_NAME)
    if check:
        _check(dest, summary)
    (dest / MANIFEST).write_text(
        json.dumps(
            {
                "taken": now(),
                "source": str(source.resolve()),
                **summary.to_json(),
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    return summary


def restore(src: str | os.PathLike, data: str | os.PathLike | None, force: bool = False) -> Summary:
    src = Path(src)
    if not (src / DB_NAME).is_file():
        raise BadInput(f"{src}: 不是 intake 备份（缺少 {DB_NAME}）")
    target = data_dir(data)
    if (target / DB_NAME).exists() and not force:
        raise BadInput(f"{target}: 已有数据库；恢复到空目录，或加 --force 覆盖（先停止服务）")
    summary = Summary(str(target))
    _check(src, summary)
    if summary.problems:
        return summary  # a damaged backup is not restored over anything
    for suffix in ("-wal", "-shm"):
        stale = target / (DB_NAME + suffix)
        if stale.exists():
            stale.unlink()
    _snapshot(src / DB_NAME, target / DB_NAME)
    _copy_blobs(src / "files", target / "files", summary, verify=True)
    for name in KEPT:
        if (src / name).exists():
            shutil.copyfile(src / name, target / name)
            os.chmod(target / name, 0o600)
    summary.tables = _tables(target / DB_NAME)
    return summary
