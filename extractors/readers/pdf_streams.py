"""Before a PDF is handed to pdfium: how large does each compressed stream become once inflated?

A 1.5 MB PDF whose page content is one Flate stream of zeros inflates to 1.5 GB, and pdfium holds
it whole (and more) while it renders or reads the page. Each stream is inflated here in small
pieces and counted, never kept, and the file refused past the limit. Streams that are not Flate
(JPEG images, plain text) are skipped at the first byte."""

from __future__ import annotations

import re
import zlib

from ..limits import UnreadableDocument

TOO_LARGE = "文件解压后过大"
_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
PIECE = 1 << 20


def inflated_size(data: bytes, start: int, limit: int) -> int:
    """Bytes the zlib stream at `start` inflates to, counting stops just past `limit`; 0 when the
    bytes there are not zlib data."""
    d = zlib.decompressobj()
    total, pos, end = 0, start, len(data)
    try:
        pending = d.decompress(data[pos : pos + 65536], PIECE)
        pos += 65536
        while True:
            total += len(pending)
            if total > limit or d.eof:
                return total
            if d.unconsumed_tail:
                pending = d.decompress(d.unconsumed_tail, PIECE)
            elif pos < end:
                pending = d.decompress(data[pos : pos + 65536], PIECE)
                pos += 65536
            else:
                return total + len(d.flush())
    except zlib.error:
        return total


def check_inflated(data: bytes, max_bytes: int, file_name: str = "") -> None:
    """Raise UnreadableDocument("文件解压后过大 …") when any stream inflates past `max_bytes`."""
    for m in _STREAM.finditer(data):
        size = inflated_size(data, m.end(), max_bytes)
        if size > max_bytes:
            raise UnreadableDocument(
                f"{TOO_LARGE}：其中一段压缩内容解压后超过 {max_bytes // 1048576} MB，可能是恶意构造的文件，未读取"
            )
