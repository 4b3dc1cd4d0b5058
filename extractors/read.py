"""bytes → Document, whatever the format: `read_document(data, filename, limits)`.

The format is sniffed from the bytes; the file name only produces a warning when its
extension disagrees. Anything that cannot be read raises `UnreadableDocument` with
one line saying why (the caller adds the file name).
"""

from __future__ import annotations

import hashlib
import logging

from . import ocr
from .limits import ReadLimits, UnreadableDocument
from .model import Document
from .readers import READERS
from .sniff import Sniffed, sniff

__all__ = ["read_document", "ReadLimits", "UnreadableDocument", "sniff", "Sniffed"]

log = logging.getLogger(__name__)

_UNSUPPORTED = {
    "xlsx": "Excel 表格（XLSX）暂不支持，请导出为 PDF 后上传",
    "xls": "Excel 表格（XLS）暂不支持，请导出为 PDF 后上传",
    "ods": "电子表格（ODS）暂不支持，请导出为 PDF 后上传",
    "pptx": "演示文稿（PPTX）暂不支持，请导出为 PDF 后上传",
    "ppt": "演示文稿（PPT）暂不支持，请导出为 PDF 后上传",
    "odp": "演示文稿（ODP）暂不支持，请导出为 PDF 后上传",
    "zip": "ZIP 压缩包不是可读取的文档，请解压后分别上传",
    "encrypted_office": "Word 文档有密码保护（加密），无法读取；请取消密码后重新上传",
    "unknown": "无法识别的文件格式（不是 PDF、Word、图片或文本）",
}


def read_document(data: bytes, filename: str, limits: ReadLimits | None = None) -> Document:
    limits = limits or ReadLimits()
    if not data:
        raise UnreadableDocument("空文件（0 字节）")
    sniffed = sniff(data, filename)
    if sniffed.kind in _UNSUPPORTED:
        raise UnreadableDocument(_UNSUPPORTED[sniffed.kind])
    doc = Document(file=filename, sha256=hashlib.sha256(data).hexdigest(), format=sniffed.kind)
    if sniffed.warning:
        doc.warnings.append(f"{sniffed.warning}，已按 {sniffed.label} 读取")
    _read(data, doc, sniffed, limits)
    if any(p.needs_ocr for p in doc.pages):
        _ocr_pass(doc, data, limits)
    return doc


def _read(data: bytes, doc: Document, sniffed: Sniffed, limits: ReadLimits) -> None:
    reader = READERS.get(sniffed.kind)
    if reader is None:  # pragma: no cover - every kind of sniff() is read or refused above
        raise UnreadableDocument(f"不支持的格式：{sniffed.kind}")
    reader(data, doc, sniffed, limits)


def _ocr_pass(doc: Document, data: bytes, limits: ReadLimits) -> None:
    """THE single place OCR joins reading: `ocr.ocr_document` fills the pages with `needs_ocr` in
    place (lines with confidence, `page.ocr = True`); without its engine they stay flagged with
    the install hint."""
    try:
        ocr.ocr_document(doc, data, limits)
    except Exception as e:  # OCR trouble must not cost the text that was read
        log.exception("OCR failed on %s", doc.file)
        doc.warnings.append(f"OCR 失败（{type(e).__name__}），扫描页未识别")


def _dump(doc: Document) -> str:
    out = [f"{doc.file}: {doc.format}, {len(doc.pages)} page(s)"]
    out += [f"  ! {w}" for w in doc.warnings]
    for p in doc.pages:
        out.append(f"-- page {p.number}" + (" (needs OCR)" if p.needs_ocr else "") + (" (OCR)" if p.ocr else ""))
        for line in p.lines:
            pos = "" if line.bbox is None else f" @{line.bbox[0]:.0f},{line.bbox[1]:.0f}"
            out.append(f"  [{line.role}{pos}] {line.text}")
        for i, t in enumerate(p.tables, 1):
            out.append(f"  table {i}: {len(t.rows)} rows × {t.n_cols} cols")
            for row in t.rows:
                out.append(
                    "    | "
                    + " | ".join(
                        c.text.replace("\n", " ")
                        + (f" ⟨{c.rowspan}×{c.colspan}⟩" if c.rowspan > 1 or c.colspan > 1 else "")
                        for c in row
                    )
                )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """`python -m extractors.read FILE...`: what the readers see — pages, lines with role and
    position, tables with merged cells marked ⟨rows×cols⟩. Exit 3 when a file cannot be read."""
    import sys

    rc = 0
    for path in argv if argv is not None else sys.argv[1:]:
        try:
            with open(path, "rb") as f:
                print(_dump(read_document(f.read(), path)))
        except (OSError, UnreadableDocument) as e:
            print(f"{path}: {e}", file=sys.stderr)
            rc = 3
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
