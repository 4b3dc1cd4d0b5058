"""Draw a page the way real certificates and licences are laid out: a centred title, fields in
two columns on one baseline, a block at the top left, the issuer and date at the foot on the right.

A page is a list of blocks:
- `str`: a line at the left margin;
- `Title(text, size)`: centred, large;
- `Row(left, right)`: two columns on one baseline (the right one at mid-page);
- `At(text, x, size)`: a line at x points from the left;
- `Foot(text)`: right-aligned, as the issuer and date beside a seal;
- `Gap(points)`: vertical space;
- `Grid` (tests/docgen.py): a ruled table — a page with a Grid is drawn by docgen.pdf_bytes.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from docgen import Grid, _font, pdf_bytes  # noqa: E402


@dataclass
class Title:
    text: str
    size: float = 20


@dataclass
class Row:
    left: str
    right: str


@dataclass
class At:
    text: str
    x: float
    size: float = 11


@dataclass
class Foot:
    text: str


@dataclass
class Gap:
    points: float = 12


def _plain(block) -> list[str]:
    if isinstance(block, str):
        return [block]
    if isinstance(block, Row):
        return [f"{block.left}    {block.right}"]
    if isinstance(block, Gap):
        return []
    if isinstance(block, Grid):
        return [" | ".join(r) for r in block.rows]
    return [block.text]


def text(pages: list[list]) -> str:
    """The document as plain text, one block a line, pages separated by a form feed."""
    return "\f".join("\n".join(x for b in page for x in _plain(b)) for page in pages)


def pdf(pages: list[list]) -> bytes:
    """A text-layer PDF of the pages (positioned; a page holding a Grid goes through docgen)."""
    if any(isinstance(b, Grid) for page in pages for b in page):
        flat = [
            [b if isinstance(b, (str, Grid)) else " ".join(_plain(b)) for b in page if not isinstance(b, Gap)]
            for page in pages
        ]
        return pdf_bytes(flat)
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    font = _font()
    width, height = A4
    left, right = 60, width - 60
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    for page in pages:
        y = height - 70
        for b in page:
            if isinstance(b, Gap):
                y -= b.points
                continue
            size = getattr(b, "size", 11)
            y -= size * 1.6
            c.setFont(font, size)
            if isinstance(b, Title):
                c.drawCentredString(width / 2, y, b.text)
            elif isinstance(b, Row):
                c.drawString(left, y, b.left)
                c.drawString(width / 2 + 10, y, b.right)
            elif isinstance(b, At):
                c.drawString(b.x, y, b.text)
            elif isinstance(b, Foot):
                c.drawString(right - stringWidth(b.text, font, size), y, b.text)
            else:
                c.drawString(left, y, str(b))
        c.showPage()
    c.save()
    return buf.getvalue()
