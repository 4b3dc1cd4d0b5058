"""One document model for every input format.

Readers (PDF, DOCX, converted legacy formats, OCR) all produce a `Document`;
field recognisers and the classifier only ever see this model, never the
format the text came from.

Coordinates: `bbox` is (x0, top, x1, bottom) in points from the page's top-left
corner, or None where the format has no geometry (DOCX). Pages are 1-based; a
DOCX is one logical page per explicit page break (or one page).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .text import normalize

BBox = tuple[float, float, float, float]


@dataclass
class Line:
    """A line (or paragraph, for flowing formats) of text as read."""

    text: str  # normalised: NFKC, no spaces between CJK characters
    raw: str  # exactly as read
    page: int
    bbox: BBox | None = None
    confidence: float = 1.0  # 1.0 for text layers, the recogniser's value for OCR
    role: str = "body"  # body | header | footer | cell

    @classmethod
    def of(cls, raw: str, page: int, bbox: BBox | None = None, confidence: float = 1.0, role: str = "body") -> Line:
        return cls(text=normalize(raw), raw=raw, page=page, bbox=bbox, confidence=confidence, role=role)


@dataclass
class Cell:
    """One real cell of a table: a merged cell appears once, where it starts.

    `row`/`col` are grid positions; `rowspan`/`colspan` how many grid rows and
    columns it covers. `tables` holds tables nested inside the cell.
    """

    text: str
    raw: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    bbox: BBox | None = None
    confidence: float = 1.0
    tables: list[Table] = field(default_factory=list)

    @classmethod
    def of(cls, raw: str, row: int, col: int, **kw) -> Cell:
        return cls(text=normalize(raw), raw=raw, row=row, col=col, **kw)


@dataclass
class Table:
    page: int
    rows: list[list[Cell]]  # per grid row, the cells that start in that row, left to right
    bbox: BBox | None = None

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for r in self.rows for c in r), default=0)

    def grid(self, fill_merged: bool = False, raw: bool = False) -> list[list[str]]:
        """Rows × columns of normalised text (`raw`: the text as read).

        Positions covered by a merged cell hold "" unless `fill_merged`, in which
        case they repeat the merged cell's text (handy for header lookups, wrong
        for counting comments).
        """
        n_rows, n_cols = len(self.rows), self.n_cols
        out = [["" for _ in range(n_cols)] for _ in range(n_rows)]
        for r in self.rows:
            for c in r:
                for dr in range(c.rowspan):
                    for dc in range(c.colspan):
                        rr, cc = c.row + dr, c.col + dc
                        if rr < n_rows and cc < n_cols:
                            if (dr == 0 and dc == 0) or fill_merged:
                                out[rr][cc] = c.raw if raw else c.text
        return out


@dataclass
class Page:
    number: int
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    width: float | None = None
    height: float | None = None
    needs_ocr: bool = False  # no usable text layer
    ocr: bool = False  # lines came from OCR

    @property
    def text(self) -> str:
        return "\n".join(l.text for l in self.lines)


@dataclass
class Document:
    file: str  # the name the user gave it
    sha256: str
    format: str  # sniffed from the bytes: pdf | docx | doc | odt | rtf | wps | image | text
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)

    @property
    def ocr(self) -> bool:
        return any(p.ocr for p in self.pages)

    @property
    def needs_ocr(self) -> bool:
        return any(p.needs_ocr and not p.ocr for p in self.pages)

    def lines(self, include_cells: bool = True) -> Iterator[Line]:
        """Every line in reading order; table cells as lines of role 'cell'."""
        for p in self.pages:
            yield from p.lines
            if include_cells:
                for t in p.tables:
                    for r in t.rows:
                        for c in r:
                            if c.text:
                                yield Line(
                                    text=c.text,
                                    raw=c.raw,
                                    page=p.number,
                                    bbox=c.bbox,
                                    confidence=c.confidence,
                                    role="cell",
                                )

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)

    def tables(self) -> Iterator[Table]:
        for p in self.pages:
            yield from p.tables

    @classmethod
    def from_text(cls, text: str, file: str = "text.txt", sha256: str = "") -> Document:
        """A one-page document from plain text; "\\f" separates pages. For tests and .txt input."""
        pages = []
        for i, chunk in enumerate(text.split("\f"), start=1):
            lines = [Line.of(s, page=i) for s in chunk.splitlines() if s.strip()]
            pages.append(Page(number=i, lines=lines))
        return cls(file=file, sha256=sha256, format="text", pages=pages)
