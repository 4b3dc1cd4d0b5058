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


def box_angle(b: OcrBox) -> float | None:
    """The angle of a box's top edge in radians, None for a box too short to tell."""
    (x0, y0), (x1, y1) = b.quad[0], b.quad[1]
    w = math.hypot(x1 - x0, y1 - y0)
    h = math.hypot(b.quad[3][0] - x0, b.quad[3][1] - y0)
    return math.atan2(y1 - y0, x1 - x0) if w >= 2 * h and w > 0 else None


def off_angle(boxes: list[OcrBox], angle: float, limit: float = math.radians(12)) -> list[OcrBox]:
    """Boxes running at a clearly different angle from the page's text: a diagonal watermark."""
    out = []
    for b in boxes:
        a = box_angle(b)
        if a is not None and abs(a - angle) > limit:
            out.append(b)
    return out


def rows(boxes: list[OcrBox], angle: float | None = None) -> list[list[_Placed]]:
    """Boxes grouped into rows (top to bottom), each row left to right."""
    placed = sorted(_place(boxes, skew_angle(boxes) if angle is None else angle), key=lambda p: p.cy)
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


_DATE_SEAM = re.compile(r"(?:\d[年月日号]|[年月]\d)$")


def _join(texts) -> tuple[str, bool]:
    """(box texts in reading order with a space between them, whether a cut date was rejoined):
    where a date was cut in two (`2024年06` + `月12日`, around a seal or a fold) the halves are put
    back together."""
    out, rejoined = "", False
    for t in texts:
        if out and _DATE_SEAM.search(out[-1] + t[:1]):
            rejoined = True
        elif out:
            out += " "
        out += t
    return out, rejoined


def _bare(text: str) -> str:
    return normalize(text).replace(" ", "").rstrip(":：")


def _raw_length(text: str, word: str) -> int:
    """How many characters of `text` as read make up `word` (the read text may space it out); 0: not there."""
    for k in range(len(word), len(text) + 1):
        got = normalize(text[:k]).replace(" ", "")
        if got == word:
            return k
        if len(got) > len(word):
            return 0
    return 0


def _split_box(p: _Placed, k: int) -> tuple[_Placed, _Placed]:
    """A box cut after its k-th character, widths shared out by character count."""
    text = p.box.text.lstrip()
    t = k / max(len(text), 1)
    x_cut = p.x0 + (p.x1 - p.x0) * t
    q0, q1, q2, q3 = p.box.quad  # cut along the box's own top and bottom edges: a turned box stays turned

    def at(a, b):
        return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)

    top, bottom = at(q0, q1), at(q3, q2)
    left = OcrBox([q0, top, bottom, q3], text[:k], p.box.score)
    right = OcrBox([top, q1, q2, bottom], text[k:].lstrip(), p.box.score)
    return _Placed(left, p.x0, p.y0, x_cut, p.y1), _Placed(right, x_cut, p.y0, p.x1, p.y1)


def _merged(parts: list[_Placed], text: str) -> _Placed:
    """One label box from its spaced-out fragments; its score is the weakest fragment's."""
    first, last = parts[0].box.quad, parts[-1].box.quad
    box = OcrBox([first[0], last[1], last[2], first[3]], text, min(q.box.score for q in parts))
    return _Placed(
        box, min(q.x0 for q in parts), min(q.y0 for q in parts), max(q.x1 for q in parts), max(q.y1 for q in parts)
    )


def _union(bboxes: list[BBox]) -> BBox:
    return (min(b[0] for b in bboxes), min(b[1] for b in bboxes), max(b[2] for b in bboxes), max(b[3] for b in bboxes))


class Layout:
    """Lays out one page's boxes. `labels`: words that start a label/value pair."""

    def __init__(self, labels: list[str] | tuple[str, ...] = (), rebuilt_confidence: float | None = None):
        # the confidence (at most) of a line whose value was rebuilt from pieces: below the review threshold
        self.rebuilt_confidence = rebuilt_confidence
        words = sorted({normalize(w) for w in labels if w}, key=len, reverse=True)
        self._words = {w.replace(" ", "") for w in words}
        self._prefixes = {w[:k] for w in self._words for k in range(1, len(w))}
        self._glued_order = sorted((w for w in self._words if len(w) >= 2), key=len, reverse=True)
        alts = "|".join(re.escape(w) for w in words)
        self._label = re.compile(rf"^(?:{alts})(?:[:：]|$)" if alts else r"(?!)")
        self._colon_label = re.compile(r"^[\u4e00-\u9fff]{2,8}[:：]")

    def is_label(self, text: str) -> bool:
        t = normalize(text)
        return bool(self._label.match(t) or self._colon_label.match(t))

    def page(self, boxes: list[OcrBox], page: int) -> tuple[list[Line], list[Table]]:
        angle = skew_angle(boxes)
        stray = off_angle(boxes, angle)
        if stray and len(stray) < len(boxes) / 3:  # a watermark across the page, not the page's own text
            boxes = [b for b in boxes if b not in stray]
        rs = [self._join_spaced_labels(r) for r in rows(boxes, angle)]
        tables, in_table = self._tables(rs, page)
        lines: list[Line] = []
        for stream in self._streams(rs, in_table, angle):
            lines.extend(self._lines(stream, page))
        return lines, tables

    def _lines(self, rs: list[list[_Placed]], page: int) -> list[Line]:
        """One column's rows (top to bottom) as lines: pairs split, wrapped values joined."""
        lines: list[Line] = []
        prev: tuple[Line, list[_Placed]] | None = None
        for row in rs:
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
        return lines

    # -- columns -----------------------------------------------------------------------

    def _streams(self, rs: list[list[_Placed]], in_table: set[int], angle: float) -> list[list[list[_Placed]]]:
        """The page's non-table rows as runs to read one after the other: where labels start a second
        column at the same x on several rows (a two-column licence), the band of rows beside each other
        is read left column first, then right, each column's rows rebuilt from its own boxes."""
        split = self._column_start(rs, in_table)
        out: list[list[list[_Placed]]] = [[]]
        band: list[list[_Placed]] = []

        def close_band() -> None:
            if not band:
                return
            if (
                split is None
                or not any(p.x0 >= split for row in band for p in row)
                or not any(p.x0 < split for row in band for p in row)
            ):
                out[-1].extend(band)
            else:
                for side in (
                    [p for row in band for p in row if p.x0 < split],
                    [p for row in band for p in row if p.x0 >= split],
                ):
                    out.append(rows([p.box for p in side], angle) if side else [])
                    out[-1] = [self._join_spaced_labels(r) for r in out[-1]]
                out.append([])
            band.clear()

        for i, row in enumerate(rs):
            if i in in_table:
                close_band()
                out.append([])
                continue
            h = statistics.median(p.h for p in row)
            straddles = split is not None and any(p.x0 < split - h and p.x1 > split + h for p in row)
            if straddles:
                close_band()
                out[-1].append(row)
            else:
                band.append(row)
        close_band()
        return [s for s in out if s]

    def _column_start(self, rs: list[list[_Placed]], in_table: set[int]) -> float | None:
        """x where a second column of label/value pairs starts, when two or more rows agree on it."""
        starts: list[tuple[float, float]] = []  # (x, height)
        for i, row in enumerate(rs):
            if i in in_table:
                continue
            for seg in self._segments(row)[1:]:
                p = seg[0]
                if self.is_label(p.box.text):
                    starts.append((p.x0, p.h))
        best: list[tuple[float, float]] = []
        for x, h in starts:
            near = [s for s in starts if abs(s[0] - x) < 1.5 * h]
            if len(near) > len(best):
                best = near
        if len(best) < 2:
            return None
        h = statistics.median(s[1] for s in best)
        return min(s[0] for s in best) - 0.5 * h

    # -- spaced labels -----------------------------------------------------------------

    def _join_spaced_labels(self, row: list[_Placed]) -> list[_Placed]:
        """`名　　称` read as two boxes (or `名` and `称天津某某公司`) becomes the one label box `名称`."""
        out: list[_Placed] = []
        i = 0
        while i < len(row):
            p = row[i]
            head = _bare(p.box.text)
            if head not in self._prefixes or i + 1 == len(row):
                out.append(p)
                i += 1
                continue
            j, text, parts = i + 1, head, [p]
            while j < len(row) and text in self._prefixes:
                nxt = _bare(row[j].box.text)
                whole = text + nxt
                if whole in self._words or whole in self._prefixes:
                    text, parts, j = whole, parts + [row[j]], j + 1
                    continue
                for k in range(len(nxt) - 1, 0, -1):  # the label's last characters glued to the value
                    if text + nxt[:k] in self._words:
                        label_part, value_part = _split_box(row[j], _raw_length(row[j].box.text.lstrip(), nxt[:k]))
                        parts.append(label_part)
                        text = text + nxt[:k]
                        row = row[:j] + [value_part] + row[j + 1 :]  # the value stays, without them
                        break
                break
            if text in self._words and len(parts) > 1:
                out.append(_merged(parts, text))
                i = j
            else:
                out.append(p)
                i += 1
        return self._unglue_labels(out)

    def _unglue_labels(self, row: list[_Placed]) -> list[_Placed]:
        """A box that starts a pair with its label glued to the value (`法定代表人李明华`) is cut in two,
        so the label is seen as a label: by the column finder, the table test and wrapped values."""
        out: list[_Placed] = []
        for p in row:
            starts_pair = not out or p.x0 - out[-1].x1 > p.h
            text = p.box.text.lstrip()
            bare = normalize(text)
            word = next((w for w in self._glued_order if bare.startswith(w)), None) if starts_pair else None
            k = _raw_length(text, word) if word and len(bare) > len(word) and bare[len(word)] not in ":：" else 0
            if k:
                out.extend(_split_box(p, k))
            else:
                out.append(p)
        return out

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

    def _line(self, placed: list[_Placed], page: int) -> Line:
        raw, rejoined = _join(p.box.text for p in placed)
        confidence = min(p.box.score for p in placed)
        if rejoined and self.rebuilt_confidence is not None:  # a value put together from pieces: a person checks it
            confidence = min(confidence, self.rebuilt_confidence)
        return Line.of(raw, page=page, bbox=_union([p.box.bbox for p in placed]), confidence=round(confidence, 4))

    # -- tables ------------------------------------------------------------------------

    def _tables(self, rs: list[list[_Placed]], page: int) -> tuple[list[Table], set[int]]:
        tables: list[Table] = []
        used: set[int] = set()
        i = 0
        while i < len(rs):
            if len(rs[i]) < 2 or self._kv_row(rs[i]) or _date_row(rs[i]):
                i += 1
                continue
            j = i
            while (
                j + 1 < len(rs)
                and (len(rs[j + 1]) >= 2 or self._wrapped_cell(rs, j + 1))
                and not self._kv_row(rs[j + 1])
                and not _date_row(rs[j + 1])
                and self._close(rs[j], rs[j + 1])
            ):
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
        return (
            len(row) <= 4
            and all(self.is_label(p.box.text) for p in row[::2])
            and any(re.search(r"[:：]", p.box.text) or self._label.match(normalize(p.box.text)) for p in row)
        )

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
                out_row.append(
                    Cell.of(
                        raw,
                        row=r,
                        col=c,
                        bbox=_union([p.box.bbox for p in ps]),
                        confidence=round(min(p.box.score for p in ps), 4),
                    )
                )
            out_rows.append(out_row)
        bbox = _union([p.box.bbox for row in trs for p in row])
        return Table(page=page, rows=out_rows, bbox=bbox)


def _date_row(row: list[_Placed]) -> bool:
    """A row that is one date in pieces (`2020 | 年 | 05 | 月 | 25 | 日`, spaced out under a seal): a line,
    never a table row — cut into cells, the licence's issue date would be lost."""
    from .fields.dates import find_dates

    text = "".join(p.box.text for p in row).replace(" ", "")
    found = find_dates(text)
    return len(found) == 1 and len(text) - (found[0].end - found[0].start) <= 2


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
