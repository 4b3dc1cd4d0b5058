"""Accepting an uploaded file into a case: streamed to the content-addressed store under a size
cap, its real type sniffed from the bytes, recorded, queued for reading. The stored original is
never deleted, whatever happens to it later."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from extractors.readers import READABLE
from extractors.sniff import LABELS, sniff
from intake.cases.case import Case, add_document, case_bytes
from intake.config import Limits
from intake.store.blobs import BlobStore, TooLarge

HEAD_BYTES = 64 * 1024


@dataclass
class Accepted:
    document_id: int | None
    file_name: str
    sha256: str | None
    size: int
    kind: str | None
    error: str | None

    def to_json(self) -> dict:
        return {
            "document_id": self.document_id,
            "file": self.file_name,
            "sha256": self.sha256,
            "size": self.size,
            "kind": self.kind,
            "error": self.error,
        }


def clean_name(name: str | None) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:200] or "未命名文件"


def sniff_kind(head: bytes, file_name: str) -> tuple[str, str | None]:
    """(kind, error) from the first bytes; error is a sentence for the applicant. A kind no reader
    declares (extractors.readers.READABLE) is kept but marked failed with the reason."""
    s = sniff(head, file_name)
    kind = s.kind
    if kind == "zip" and head.startswith(b"PK"):  # the head alone cannot tell a large DOCX: the reader will
        return "zip", None
    if kind == "empty":
        return kind, "文件为空（0字节）"
    if kind not in READABLE:
        return kind, f"不支持的文件类型（{LABELS.get(kind, kind)}），请上传 PDF、Word、图片或文本文件"
    return kind, None


def accept_upload(db, store: BlobStore, case: Case, stream: BinaryIO, file_name: str, limits: Limits) -> Accepted:
    """Store one file into the case. Refused with a sentence (nothing kept) past the per-file cap or
    the case's allowance (`limits.case_max_bytes`); StorageFull when the disk is nearly full."""
    name = clean_name(file_name)
    room = limits.case_max_bytes - case_bytes(db, case.id)
    if room <= 0:
        return Accepted(None, name, None, 0, None, _case_full(name, limits))
    try:
        sha, size = store.put_stream(stream, max_bytes=min(limits.max_bytes, room))
    except TooLarge:
        if room < limits.max_bytes:
            return Accepted(None, name, None, 0, None, _case_full(name, limits))
        mb = limits.max_bytes // (1024 * 1024)
        return Accepted(None, name, None, 0, None, f"{name}：文件超过 {mb} MB 的上限，未保存")
    with open(store.path(sha), "rb") as f:
        head = f.read(HEAD_BYTES)
    kind, error = sniff_kind(head, name)
    if error:
        error = f"{name}：{error}"
    doc_id = add_document(db, case, sha, name, size, kind, error)
    return Accepted(doc_id, name, sha, size, kind, error)


def _case_full(name: str, limits: Limits) -> str:
    return f"{name}：本案件的文件总量已达上限（{limits.case_max_bytes // (1024 * 1024)} MB），未保存"
