"""OCR boxes → lines, label/value pairs and tables, from positions alone.

A recogniser returns loose text boxes (a quadrilateral, the text, a score), in no
reliable order, on a page that may be rotated a few degrees. This module puts
them back into the shapes the rest of `extractors` expects from a text layer:

- rows: boxes grouped by vertical overlap after undoing the page's skew;
- lines: a row is one line, split where a new label starts ("注册资本 … 成立日期 …"
  becomes two lines), and a value that wraps onto the next row is joined to its label;
- tables: runs of rows whose boxes line up in three or more columns become a
  `model.Table` (indicator tables of test reports, certificate annexes); their rows are
  not repeated as lines, as with a text layer (`Document.lines()` yields the cells).

No image is needed: the same boxes from the OCR cache are laid out again for free.
"""
from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass

from .model import BBox, Cell, Line, Table
from .text import normalize


@dataclass
class OcrBox:
    quad: list[tuple[float, float]]  # 4 corners in page units, clockwise from top-left
    text: str
    score: float

    @property
    def bbox(self) -> BBox:
        xs = [p[0] for p in self.quad]
        ys = [p[1] for p in self.quad]
        return (round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1))


@dataclass
class _Placed:
    box: OcrBox
    x0: float  # deskewed frame
    y0: float
    x1: float
    y1: float

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def skew_angle(boxes: list[OcrBox]) -> float:
    """The page's rotation in radians, from the top edges of wide boxes (0 when unsure)."""
    angles = []
    for b in boxes:
        (x0, y0), (x1, y1) = b.quad[0], b.quad[1]
        w = math.hypot(x1 - x0, y1 - y0)
        h = math.hypot(b.quad[3][0] - x0, b.quad[3][1] - y0)
        if w >= 2 * h and w > 0:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    if len(angles) < 2:
        return 0.0
    a = statistics.median(angles)
    return a if abs(a) < math.radians(15) else 0.0


def _place(boxes: list[OcrBox], angle: float) -> list[_Placed]:
    c, s = math.cos(-angle), math.sin(-angle)
    out = []
    for b in boxes:
        pts = [(x * c - y * s, x * s + y * c) for x, y in b.quad]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        out.append(_Placed(b, min(xs), min(ys), max(xs), max(ys)))
    return out


def rows(boxes: list[OcrBox]) -> list[list[_Placed]]:
    """Boxes grouped into rows (top to bottom), each row left to right."""
    placed = sorted(_place(boxes, skew_angle(boxes)), key=lambda p: p.cy)
    out: list[list[_Placed]] = []
    for p in placed:
        if out:
            row = out[-1]
            top = statistics.mean(q.y0 for q in row)
            bottom = statistics.mean(q.y1 for q in row)
            overlap = min(bottom, p.y1) - max(top, p.y0)
            if overlap >= 0.5 * min(bottom - top, p.h):
                row.append(p)
                continue
        out.append([p])
    return [sorted(r, key=lambda q: q.x0) for r in out]


def _union(bboxes: list[BBox]) -> BBox:
    return (min(b[0] for b in bboxes), min(b[1] for b in bboxes),
            max(b[2] for b in bboxes), max(b[3] for b in bboxes))


class Layout:
    """Lays out one page's boxes. `labels`: words that start a label/value pair."""

    def __init__(self, labels: list[str] | tuple[str, ...] = ()):
        words = sorted({normalize(w) for w in labels if w}, key=len, reverse=True)
        alts = "|".join(re.escape(w) for w in words)
        self._label = re.compile(rf"^(?:{alts})(?:[:：]|$)" if alts else r"(?!)")
        self._colon_label = re.compile(r"^[\u4e00-\u9fff]{2,8}[:：]")

    def is_label(self, text: str) -> bool:
        t = normalize(text)
        return bool(self._label.match(t) or self._colon_label.match(t))

    def page(self, boxes: list[OcrBox], page: int) -> tuple[list[Line], list[Table]]:
        rs = rows(boxes)
        tables, in_table = self._tables(rs, page)
        lines: list[Line] = []
        prev: tuple[Line, list[_Placed]] | None = None
        for i, row in enumerate(rs):
            if i in in_table:  # the table's cells, as the text-layer reader does: not lines too
                prev = None
                continue
            for seg in self._segments(row):
                if prev is not None and self._continues(prev[1], seg):
                    merged = prev[1] + seg
                    lines[-1] = self._line(merged, page)
                    prev = (lines[-1], merged)
                    continue
                lines.append(self._line(seg, page))
                prev = (lines[-1], seg)
            if len(self._segments(row)) > 1:
                prev = None  # a two-pair row: a wrapped value would be ambiguous
        return lines, tables

    # -- lines -------------------------------------------------------------------------

    def _segments(self, row: list[_Placed]) -> list[list[_Placed]]:
        segs: list[list[_Placed]] = [[row[0]]]
        for p in row[1:]:
            gap = p.x0 - segs[-1][-1].x1
            if self.is_label(p.box.text) and gap > 0.5 * p.h:
                segs.append([p])
            else:
                segs[-1].append(p)
        return segs

    def _continues(self, prev: list[_Placed], seg: list[_Placed]) -> bool:
        """Is `seg` the wrapped tail of the value in `prev` (label at left, value indented)?"""
        first = seg[0]
        if self.is_label(first.box.text) or not self.is_label(prev[0].box.text):
            return False
        h = statistics.median(p.h for p in prev + seg)
        gap = first.y0 - max(p.y1 for p in prev)
        if gap > 0.8 * h:
            return False
        value_x = prev[1].x0 if len(prev) > 1 else None
        label_x = prev[0].x0
        if value_x is not None:
            return abs(first.x0 - value_x) < 1.5 * h
        return first.x0 - label_x > 2 * h and first.x0 < prev[-1].x1

    @staticmethod
    def _line(placed: list[_Placed], page: int) -> Line:
        raw = " ".join(p.box.text for p in placed)
        return Line.of(raw, page=page, bbox=_union([p.box.bbox for p in placed]),
                       confidence=round(min(p.box.score for p in placed), 4))

    # -- tables ------------------------------------------------------------------------

    def _tables(self, rs: list[list[_Placed]], page: int) -> tuple[list[Table], set[int]]:
        tables: list[Table] = []
        used: set[int] = set()
        i = 0
        while i < len(rs):
            if len(rs[i]) < 2 or self._kv_row(rs[i]):
                i += 1
                continue
            j = i
            while j + 1 < len(rs) and (len(rs[j + 1]) >= 2 or self._wrapped_cell(rs, j + 1)) \
                    and not self._kv_row(rs[j + 1]) and self._close(rs[j], rs[j + 1]):
                j += 1
            run = list(range(i, j + 1))
            if sum(1 for k in run if len(rs[k]) >= 3) >= 2:
                t = self._table([rs[k] for k in run], page)
                if t is not None:
                    tables.append(t)
                    used.update(run)
            i = j + 1
        return tables, used

    def _kv_row(self, row: list[_Placed]) -> bool:
        """A label/value row of a form, not a table row: "名称：xx" or "名称 xx 类型 yy"."""
        return len(row) <= 4 and all(self.is_label(p.box.text) for p in row[::2]) \
            and any(re.search(r"[:：]", p.box.text) or self._label.match(normalize(p.box.text)) for p in row)

    def _wrapped_cell(self, rs: list[list[_Placed]], k: int) -> bool:
        """A one-box row between table rows, indented: a cell's text running onto a second line."""
        if len(rs[k]) != 1 or k + 1 >= len(rs) or len(rs[k + 1]) < 2:
            return False
        return rs[k][0].x0 > min(p.x0 for p in rs[k - 1]) + 2 * rs[k][0].h

    @staticmethod
    def _close(a: list[_Placed], b: list[_Placed]) -> bool:
        h = statistics.median(p.h for p in a + b)
        return min(p.y0 for p in b) - max(p.y1 for p in a) < 2.5 * h

    def _table(self, trs: list[list[_Placed]], page: int) -> Table | None:
        cols = _columns(trs)
        if len(cols) < 3:
            return None
        grid: list[list[list[_Placed]]] = []
        for row in trs:
            cells: list[list[_Placed]] = [[] for _ in cols]
            for p in row:
                cells[_column_of(p, cols)].append(p)
            if len(row) == 1 and grid:  # wrapped cell text: join to the cell above
                c = _column_of(row[0], cols)
                grid[-1][c].extend(cells[c])
                continue
            grid.append(cells)
        out_rows = []
        for r, cells in enumerate(grid):
            out_row = []
            for c, ps in enumerate(cells):
                if not ps:
                    continue
                ps = sorted(ps, key=lambda p: (round(p.cy / max(p.h, 1)), p.x0))
                raw = " ".join(p.box.text for p in ps)
                out_row.append(Cell.of(raw, row=r, col=c, bbox=_union([p.box.bbox for p in ps]),
                                       confidence=round(min(p.box.score for p in ps), 4)))
            out_rows.append(out_row)
        bbox = _union([p.box.bbox for row in trs for p in row])
        return Table(page=page, rows=out_rows, bbox=bbox)


def _columns(trs: list[list[_Placed]]) -> list[tuple[float, float]]:
    """Column x-ranges: the horizontal extents of the boxes, overlapping ones merged."""
    spans = sorted((p.x0, p.x1) for row in trs for p in row)
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 < cols[-1][1] - 2:  # overlaps the column so far
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    widest = max(len(r) for r in trs)
    if len(cols) < widest:  # a box straddling two columns merged them: trust the fullest row
        full = max(trs, key=len)
        cols = [[p.x0, p.x1] for p in full]
    return [(a, b) for a, b in cols]


def _column_of(p: _Placed, cols: list[tuple[float, float]]) -> int:
    def score(c: tuple[float, float]) -> float:
        overlap = min(c[1], p.x1) - max(c[0], p.x0)
        return overlap if overlap > 0 else -abs((c[0] + c[1]) / 2 - (p.x0 + p.x1) / 2)
    return max(range(len(cols)), key=lambda k: score(cols[k]))
