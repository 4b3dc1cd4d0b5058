"""Fixture documents generated in code, so anyone can see and change what they contain.

    pdf_bytes([["营业执照", "名称：天津某某科技有限公司"], [...page 2...]])
    pdf_bytes([["检验报告", Grid([["检验项目", "标准要求"], ["抗拉强度", "≥350"]])]])
    docx_bytes(["征求意见表", Grid([[...], [...]], merges=[(1, 0, 2, 0)])])

A page is a list of blocks: a str is a line of text, a `Grid` a ruled table.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]


def cjk_font_path() -> str:
    for p in FONT_CANDIDATES:
        if Path(p).exists():
            return p
    raise RuntimeError("no CJK TrueType font: `make test` installs fonts-wqy-zenhei")


@dataclass
class Grid:
    rows: list[list[str]]
    # merges as (row0, col0, row1, col1), inclusive; the text of the top-left cell is kept
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    col_widths: list[float] | None = None


_font_registered = False


def _font() -> str:
    global _font_registered
    if not _font_registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("CJK", cjk_font_path(), subfontIndex=0))
        _font_registered = True
    return "CJK"


def pdf_bytes(
    pages: list[list],
    font_size: float = 11,
    password: str | None = None,
    header: str | None = None,
    footer: str | None = None,
) -> bytes:
    """A text PDF (embedded CJK font, real text layer) with one list of blocks per page.

    `password` encrypts it (user password); `header`/`footer` are drawn on every page
    ("{page}" becomes the page number)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    style = ParagraphStyle("cjk", fontName=font, fontSize=font_size, leading=font_size * 1.5, wordWrap="CJK")
    cell_style = ParagraphStyle("cell", parent=style, fontSize=font_size - 1, leading=(font_size - 1) * 1.3)
    story = []
    for i, page in enumerate(pages):
        if i:
            story.append(PageBreak())
        for block in page:
            if isinstance(block, Grid):
                data = [[Paragraph(_esc(c), cell_style) if c else "" for c in row] for row in block.rows]
                t = Table(data, colWidths=block.col_widths)
                cmds = [
                    ("GRID", (0, 0), (-1, -1), 0.8, colors.black),
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
                for r0, c0, r1, c1 in block.merges:
                    cmds.append(("SPAN", (c0, r0), (c1, r1)))
                t.setStyle(TableStyle(cmds))
                story.append(t)
                story.append(Spacer(1, 6))
            else:
                story.append(Paragraph(_esc(str(block)), style))

    def running(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 9)
        if header:
            canvas.drawString(72, A4[1] - 30, header.format(page=doc.page))
        if footer:
            canvas.drawString(72, 25, footer.format(page=doc.page))
        canvas.restoreState()

    kw = {}
    if password:
        from reportlab.lib import pdfencrypt

        kw["encrypt"] = pdfencrypt.StandardEncryption(password, ownerPassword=password + "-owner")
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, topMargin=50, bottomMargin=50, **kw).build(
        story, onFirstPage=running, onLaterPages=running
    )
    return buf.getvalue()


def many_pages_pdf(n: int, text: str = "第 {page} 页 正文") -> bytes:
    """An n-page text PDF drawn straight on the canvas (fast enough for thousands of pages)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    font = _font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    for i in range(1, n + 1):
        c.setFont(font, 11)
        c.drawString(72, A4[1] - 72, text.format(page=i))
        c.showPage()
    c.save()
    return buf.getvalue()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (200, 100)) -> bytes:
    """A small blank image (for sniffing and the needs-OCR flag, not for OCR itself)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, format=fmt)
    return buf.getvalue()


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def docx_bytes(blocks: list, page_breaks: bool = False, header: str | None = None, footer: str | None = None) -> bytes:
    """A DOCX with paragraphs (str), page breaks ("\\f") and tables (`Grid`, merges applied with
    python-docx's merge; a `Grid` as a cell value is a table nested in that cell)."""
    import docx

    d = docx.Document()
    if header:
        d.sections[0].header.paragraphs[0].text = header
    if footer:
        d.sections[0].footer.paragraphs[0].text = footer
    for block in blocks:
        if block == "\f":
            d.add_page_break()
        elif isinstance(block, Grid):
            _docx_table(d, block)
        else:
            d.add_paragraph(str(block))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _docx_table(container, block: Grid):
    n_cols = max(len(r) for r in block.rows)
    t = container.add_table(rows=len(block.rows), cols=n_cols)
    t.style = "Table Grid"
    covered = set()
    for r0, c0, r1, c1 in block.merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered.add((r, c))
    for r, row in enumerate(block.rows):
        for c, value in enumerate(row):
            if (r, c) in covered or not value:
                continue
            if isinstance(value, Grid):
                _docx_table(t.cell(r, c), value)
            else:
                t.cell(r, c).text = value
    for r0, c0, r1, c1 in block.merges:
        t.cell(r0, c0).merge(t.cell(r1, c1))
    return t


def encrypted_office_bytes(payload_size: int = 4096) -> bytes:
    """What Word writes for a password-protected DOCX: an OLE2 compound file holding
    `EncryptionInfo` and `EncryptedPackage` streams (contents random, as if encrypted)."""
    import os
    import struct

    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    n = -(-payload_size // 512)  # sectors per stream
    fat = [fatsect, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for _ in range(2):
        first = len(fat)
        starts.append(first)
        fat += [first + k + 1 for k in range(n - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le")
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(raw), kind, 1, left, right, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, free, free, 1, end, 0)
        + entry("EncryptionInfo", 2, free, 2, free, starts[0], payload_size)
        + entry("EncryptedPackage", 2, free, free, free, starts[1], payload_size)
        + b"\x00" * 128
    )
    body = struct.pack("<128I", *fat) + directory
    for _ in range(2):
        body += os.urandom(payload_size).ljust(n * 512, b"\x00")
    return header + body
