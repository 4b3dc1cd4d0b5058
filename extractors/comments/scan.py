"""A comment sheet that came back as a scan or a phone photo: the table found by its ruled lines.

Printed, signed, stamped and scanned, a 征求意见表 is a grid of ruled cells. Reading its text by
position alone (extractors.ocr_layout) cuts a comment at its line breaks and runs it into the next
row or column; the ruled lines say exactly where each cell ends. So for each page that needs OCR:

1. straighten: the table's outline (found on the seal-free image) is warped back to a rectangle,
   which undoes both scanner skew and a phone's perspective;
2. the page is recognised once by the document pipeline's OCR (`extractors.ocr.read_image`);
3. horizontal and vertical rules give the grid; a rule missing between two grid cells merges them
   (merged header cells, a 修改意见 over 原文 | 修改为);
4. every text box goes into the cell under it (a box running over a rule is split there), lines
   of a cell in reading order; the cell keeps the lowest confidence of its boxes;
5. a cell with a red seal or with ink that is not recognised text (a handwritten signature) is
   marked `images`, as a picture in a DOCX signature cell is.

The page's straightened image is kept (doc.metadata["scan_pages"]) so the committee can see a
comment's cells beside what was read. Pages without a ruled table are laid out by position, from
the same recognition (no second OCR pass).
"""

from __future__ import annotations

import bisect
import io
import time
from dataclasses import dataclass, replace

from .. import ocr
from ..model import Cell, Document, Line, Page, Table
from ..ocr_layout import Layout, OcrBox
from ..readers.pdf import unwrap
from ..text import has_cjk, normalize

RULE = 0.8  # share of a grid cell's side a rule must cover to be a boundary there
MIN_TABLE = 0.03  # the table's outline covers at least this share of the page
LIGHT, COLOURED = 150, 40  # brightest channel at least, and that much above the darkest: seal ink


@dataclass
class Grid:
    xs: list[int]  # column boundaries, pixels
    ys: list[int]  # row boundaries
    cells: list[tuple[int, int, int, int]]  # (row, col, rowspan, colspan), one per real cell


def read_scanned(doc: Document, data: bytes, limits=None) -> None:
    """Read, in place, every page of `doc` that needs OCR; pages stay flagged when OCR is unavailable."""
    numbers = [p.number for p in doc.pages if p.needs_ocr and not p.ocr]
    if not numbers or not ocr.available():
        return
    settings = ocr.load_settings()
    pages = {p.number: p for p in doc.pages}
    kept = doc.metadata.setdefault("scan_pages", {})
    started = time.monotonic()
    budget = getattr(limits, "convert_seconds", None)
    for pi in ocr.page_images(doc, data, numbers, settings, getattr(limits, "max_pages", 300)):
        if budget and time.monotonic() - started > budget - 10:
            doc.warnings.append(f"第 {pi.number} 页起尚未识别（本次读取时间已用完），请人工核对")
            break
        try:
            kept[pi.number] = _read_page(pages[pi.number], pi, settings)
        except ocr.OcrTimeout:
            doc.warnings.append(f"第 {pi.number} 页 OCR 超过 {settings.page_seconds:g} 秒，已跳过，请人工核对")
    if any(pages[n].ocr for n in numbers):
        doc.metadata["ocr"] = {"pages": [n for n in numbers if pages[n].ocr], "review_below": settings.review_below}


def _read_page(page: Page, pi, settings) -> dict:
    import numpy as np
    from PIL import Image

    rgb, seen, ink = straighten(np.asarray(pi.image.convert("RGB")), settings)
    flattened = replace(settings, suppress_seals=False)  # `seen` has had it done
    boxes, turns = ocr.read_image(seen, flattened, deadline=time.monotonic() + settings.page_seconds)
    if turns:
        rgb, ink = np.ascontiguousarray(np.rot90(rgb, turns)), np.ascontiguousarray(np.rot90(ink, turns))
    grids = find_tables(ink)
    s = pi.scale
    page.width, page.height = rgb.shape[1] * s, rgb.shape[0] * s
    page.ocr = page.needs_ocr = True
    if not grids:
        page.lines, page.tables = Layout(settings.row_labels).page(
            [OcrBox([(x * s, y * s) for x, y in b.quad], b.text, b.score) for b in boxes], page.number
        )
    else:
        page.tables, outside = [], []
        for grid, mine in _by_table(grids, boxes):
            if grid is None:
                outside += [_Piece(b.text, b.score, *b.bbox) for b in mine]
                continue
            table, rest = _fill(grid, mine, page.number, s)
            _reread_empty(table, rgb, ink, s, settings)
            _mark_ink(table, grid, rgb, ink, boxes, s)
            page.tables.append(table)
            outside += rest
        page.lines = _lines(outside, page.number, s)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=75)
    return {"jpeg": buf.getvalue(), "scale": s}


# -- the image ------------------------------------------------------------------------------


def _print(rgb, settings, seen=None):
    """(the page as the OCR reads it, its print as 255 on 0).

    The OCR's own seal suppression (brightest channel, paper flattened: a shadow evened out) is done
    here once and handed to the OCR (`seen`, when given, is that already done), and the print is
    thresholded locally on the same flattened paper, so a shadow across a thin grey rule neither
    swallows the rule nor turns into ink. A seal's soft edges are still a little darker than the
    paper around them: a pixel that is both light and clearly coloured is seal, never print (print
    under a seal is dark; navy print is not light)."""
    import cv2
    import numpy as np

    if seen is None:
        seen = ocr.suppress_seals(rgb, settings.seal_white_point, settings.suppress_stamps)
    flat = np.ascontiguousarray(seen[..., 0])
    ink = cv2.adaptiveThreshold(flat, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 21, 12)
    if settings.suppress_seals:
        r, g, b = cv2.split(np.ascontiguousarray(rgb))
        bright, dark = cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b)
        ink[(bright >= LIGHT) & (cv2.subtract(bright, dark) >= COLOURED)] = 0
    return seen, ink


def _rules(ink, horizontal: bool, length: int):
    """Rules at least `length` long. The ink is first thickened across the rule by a pixel either
    side, so a rule a little off straight (a residual skew, a photo's bend) stays one run."""
    import cv2

    across = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3) if horizontal else (3, 1)))
    size = (length, 1) if horizontal else (1, length)
    return cv2.morphologyEx(across, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))


def straighten(rgb, settings=None):
    """(page, as the OCR reads it, its print) warped so the table's outline is an upright rectangle
    (skew and perspective undone); unchanged when no table outline is found. The paper is flattened
    once and warped with the page; the print is thresholded again on the warped page (a warped mask
    breaks thin rules into dashes)."""
    import cv2

    settings = settings or ocr.load_settings()
    seen, ink = _print(rgb, settings)
    m = _outline_transform(ink)
    if m is None:
        return rgb, seen, ink
    h, w = ink.shape
    rgb, seen = (
        cv2.warpPerspective(a, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255)) for a in (rgb, seen)
    )
    return (rgb, *_print(rgb, settings, seen))


def _outline_transform(ink):
    """The perspective transform that makes the table's outline an upright rectangle; None when
    there is no outline or it is already straight."""
    import cv2
    import numpy as np

    h, w = ink.shape
    lines = _rules(ink, True, max(15, w // 60)) | _rules(ink, False, max(15, h // 80))
    lines = cv2.dilate(lines, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = max(contours, key=cv2.contourArea)
    if cv2.contourArea(outline) < MIN_TABLE * h * w:
        return None
    quad = cv2.approxPolyDP(outline, 0.02 * cv2.arcLength(outline, True), True).reshape(-1, 2)
    if len(quad) != 4:
        quad = cv2.boxPoints(cv2.minAreaRect(outline))
    tl, tr, br, bl = _corners(np.asarray(quad, dtype=np.float32))
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    x0, y0 = float(min(tl[0], bl[0])), float(min(tl[1], tr[1]))
    dst = np.array([[x0, y0], [x0 + width, y0], [x0 + width, y0 + height], [x0, y0 + height]], np.float32)
    if np.abs(dst - np.array([tl, tr, br, bl])).max() < 1.5:
        return None  # already straight
    return cv2.getPerspectiveTransform(np.array([tl, tr, br, bl], np.float32), dst)


def _corners(pts):
    s, d = pts.sum(axis=1), pts[:, 0] - pts[:, 1]
    return pts[s.argmin()], pts[d.argmax()], pts[s.argmax()], pts[d.argmin()]


# -- the grid -------------------------------------------------------------------------------


def _positions(profile, least: float) -> list[int]:
    """Where the runs of a projection profile at or above `least` peak. Runs closer than 8 pixels are
    one line: the stronger one is kept (averaging them would move a rule onto the text beside it)."""
    peaks: list[tuple[int, float]] = []
    start = None
    values = list(profile) + [0]
    for i, v in enumerate(values):
        if v >= least and start is None:
            start = i
        elif v < least and start is not None:
            best = max(values[start:i])
            top = [k for k in range(start, i) if values[k] == best]
            peaks.append((top[len(top) // 2], best))
            start = None
    merged: list[tuple[int, float]] = []
    for p, v in peaks:
        if merged and p - merged[-1][0] <= 8:
            if v > merged[-1][1]:
                merged[-1] = (p, v)
        else:
            merged.append((p, v))
    return [p for p, _ in merged]


def find_tables(ink) -> list[Grid]:
    """Every ruled table on the page, top to bottom: each set of connected rules is read as its own
    grid (a signature table under the comment table keeps its own columns)."""
    import cv2
    import numpy as np

    h, w = ink.shape
    rules = cv2.dilate(
        _rules(ink, True, max(20, w // 20)) | _rules(ink, False, max(12, h // 100)), np.ones((3, 3), np.uint8)
    )
    n, _, stats, _ = cv2.connectedComponentsWithStats(rules)
    grids = []
    for x, y, bw, bh, _ in stats[1:n]:
        if bw < 0.2 * w or bh < 15:
            continue
        x0, y0 = max(0, x - 4), max(0, y - 4)
        g = find_grid(ink[y0 : y + bh + 5, x0 : x + bw + 5])
        if g is not None:
            grids.append(Grid([v + x0 for v in g.xs], [v + y0 for v in g.ys], g.cells))
    return sorted(grids, key=lambda g: g.ys[0])


def _by_table(grids: list[Grid], boxes: list[OcrBox]) -> list[tuple[Grid | None, list[OcrBox]]]:
    """The boxes of each table (by where their middle is), and (None, the rest)."""
    mine: dict[int, list[OcrBox]] = {i: [] for i in range(len(grids))}
    rest: list[OcrBox] = []
    for b in boxes:
        x0, y0, x1, y1 = b.bbox
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        i = next((i for i, g in enumerate(grids) if g.xs[0] <= cx <= g.xs[-1] and g.ys[0] <= cy <= g.ys[-1]), None)
        (rest if i is None else mine[i]).append(b)
    return [(g, mine[i]) for i, g in enumerate(grids)] + [(None, rest)]


def find_grid(ink) -> Grid | None:
    """The ruled grid of the page's table, with merged cells; None when the page has no ruled table."""
    h, w = ink.shape
    hor = _rules(ink, True, max(20, w // 20))
    ver = _rules(ink, False, max(12, h // 100))
    ys = _positions((hor > 0).sum(axis=1), w * 0.08)
    xs = _positions((ver > 0).sum(axis=0), h * 0.015)
    if len(ys) < 2 or len(xs) < 2:
        return None
    left, right, top, bottom = xs[0], xs[-1], ys[0], ys[-1]
    if (right - left) * (bottom - top) < MIN_TABLE * h * w:
        return None

    def vertical_at(c: int, r: int) -> bool:  # a rule at xs[c] between ys[r] and ys[r+1]
        band = ver[ys[r] + 3 : ys[r + 1] - 2, max(0, xs[c] - 4) : xs[c] + 5]
        return band.size > 0 and (band.max(axis=1) > 0).mean() >= RULE

    def horizontal_at(r: int, c: int) -> bool:
        band = hor[max(0, ys[r] - 4) : ys[r] + 5, xs[c] + 3 : xs[c + 1] - 2]
        return band.size > 0 and (band.max(axis=0) > 0).mean() >= RULE

    xs = [x for c, x in enumerate(xs) if c in (0, len(xs) - 1) or any(vertical_at(c, r) for r in range(len(ys) - 1))]
    ys = [y for r, y in enumerate(ys) if r in (0, len(ys) - 1) or any(horizontal_at(r, c) for c in range(len(xs) - 1))]
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    cells: list[tuple[int, int, int, int]] = []
    open_: dict[tuple[int, int], int] = {}  # (first col, last col) → index in cells of the cell still open
    for r in range(n_rows):
        cuts = [c for c in range(1, n_cols) if vertical_at(c, r)]
        segments = list(zip([0] + cuts, [c - 1 for c in cuts] + [n_cols - 1]))
        still: dict[tuple[int, int], int] = {}
        for c0, c1 in segments:
            i = open_.get((c0, c1))
            if i is not None and not any(horizontal_at(r, c) for c in range(c0, c1 + 1)):
                r0, _, rs, cs = cells[i]
                cells[i] = (r0, c0, rs + 1, cs)  # no rule under it: the cell goes on down
            else:
                cells.append((r, c0, 1, c1 - c0 + 1))
                i = len(cells) - 1
            still[(c0, c1)] = i
        open_ = still
    return Grid(xs, ys, cells)


# -- text into cells ------------------------------------------------------------------------


@dataclass
class _Piece:
    text: str
    score: float
    x0: float
    y0: float
    x1: float
    y1: float


def _owners(grid: Grid) -> list[list[tuple[int, int, int, int]]]:
    """For each grid position, the real cell covering it."""
    owner = [[(0, 0, 1, 1)] * (len(grid.xs) - 1) for _ in range(len(grid.ys) - 1)]
    for cell in grid.cells:
        r, c, rs, cs = cell
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                owner[rr][cc] = cell
    return owner


def _cell_at(grid: Grid, owner, x: float, y: float) -> tuple[int, int, int, int] | None:
    if not (grid.xs[0] <= x < grid.xs[-1] and grid.ys[0] <= y < grid.ys[-1]):
        return None
    return owner[bisect.bisect_right(grid.ys, y) - 1][bisect.bisect_right(grid.xs, x) - 1]


def _fill(grid: Grid, boxes: list[OcrBox], page: int, scale: float) -> tuple[Table, list[_Piece]]:
    """The table of the grid with each box's text in its cell (split where it runs over a rule);
    what lies outside the grid is returned as pieces for the page's lines."""
    inside: dict[tuple, list[_Piece]] = {}
    outside: list[_Piece] = []
    owner = _owners(grid)
    for b in boxes:
        x0, y0, x1, y1 = b.bbox
        cy = (y0 + y1) / 2
        step = (x1 - x0) / max(1, len(b.text))
        runs: list[tuple[tuple | None, str, float]] = []
        for i, ch in enumerate(b.text):
            cell = _cell_at(grid, owner, x0 + (i + 0.5) * step, cy)
            if runs and runs[-1][0] == cell:
                runs[-1] = (cell, runs[-1][1] + ch, runs[-1][2])
            else:
                runs.append((cell, ch, x0 + i * step))
        for cell, text, start in runs:
            piece = _Piece(text, b.score, start, y0, start + len(text) * step, y1)
            if cell is None:
                outside.append(piece)
            elif text.strip():
                inside.setdefault(cell, []).append(piece)
    rows: list[list[Cell]] = [[] for _ in range(len(grid.ys) - 1)]
    for cell in grid.cells:
        r, c, rs, cs = cell
        pieces = inside.get(cell, [])
        raw = _quotes("\n".join(_join(line) for line in _reading_lines(pieces)))
        bbox = (grid.xs[c] * scale, grid.ys[r] * scale, grid.xs[c + cs] * scale, grid.ys[r + rs] * scale)
        conf = min((p.score for p in pieces), default=1.0)
        rows[r].append(Cell(_normal_wrapped(raw), raw, r, c, rowspan=rs, colspan=cs, bbox=bbox, confidence=conf))
    return Table(
        page=page, rows=rows, bbox=(grid.xs[0] * scale, grid.ys[0] * scale, grid.xs[-1] * scale, grid.ys[-1] * scale)
    ), outside


def _quotes(raw: str) -> str:
    """Straight double quotes in Chinese text as the writer typed them: the recogniser often reads
    “ ” as ", so each " becomes the opening or closing mark the quote before it calls for."""
    if '"' not in raw or not has_cjk(raw):
        return raw
    out, open_ = [], False
    for ch in raw:
        if ch in '“”"':
            ch = "”" if open_ else "“"
            open_ = not open_
        out.append(ch)
    return "".join(out)


def _normal_wrapped(raw: str) -> str:
    return normalize(unwrap(raw))


def _reading_lines(pieces: list[_Piece]) -> list[list[_Piece]]:
    lines: list[list[_Piece]] = []
    for p in sorted(pieces, key=lambda p: (p.y0 + p.y1) / 2):
        cy, h = (p.y0 + p.y1) / 2, p.y1 - p.y0
        if lines:
            last = lines[-1]
            ly = sum((q.y0 + q.y1) / 2 for q in last) / len(last)
            if abs(cy - ly) < 0.5 * max(h, min(q.y1 - q.y0 for q in last)):
                last.append(p)
                continue
        lines.append([p])
    return [sorted(line, key=lambda p: p.x0) for line in lines]


def _join(line: list[_Piece]) -> str:
    out = ""
    for p in line:
        latin = out[-1:].isascii() and out[-1:].isalnum() and p.text[:1].isascii() and p.text[:1].isalnum()
        out += (" " if latin else "") + p.text.strip()
    return out


def _lines(pieces: list[_Piece], page: int, scale: float) -> list[Line]:
    out = []
    for line in _reading_lines(pieces):
        bbox = (
            min(p.x0 for p in line) * scale,
            min(p.y0 for p in line) * scale,
            max(p.x1 for p in line) * scale,
            max(p.y1 for p in line) * scale,
        )
        out.append(Line.of(_join(line), page, bbox, confidence=min(p.score for p in line)))
    return out


def _inner(cell: Cell, scale: float, margin: int = 6) -> tuple[slice, slice]:
    x0, y0, x1, y1 = (int(v / scale) for v in cell.bbox or (0, 0, 0, 0))
    return slice(y0 + margin, y1 - margin + 1), slice(x0 + margin, x1 - margin + 1)


def _reread_empty(table: Table, rgb, ink, scale: float, settings) -> None:
    """A cell with print in it but no text read (the page's detector passes over a lone 序号 "3" or a
    short 第4条) is recognised again on its own, enlarged."""
    import numpy as np
    from PIL import Image

    for row in table.rows:
        for cell in row:
            if cell.raw or cell.rowspan * cell.colspan > 2:
                continue
            ys, xs = _inner(cell, scale)
            if (ink[ys, xs] > 0).sum() < 30:
                continue
            crop = Image.fromarray(np.ascontiguousarray(rgb[ys, xs]))
            big = Image.new("RGB", (crop.width * 2 + 40, crop.height * 2 + 40), "white")
            big.paste(crop.resize((crop.width * 2, crop.height * 2)), (20, 20))
            found, _ = ocr.read_image(big, settings, deadline=time.monotonic() + 10)
            pieces = [_Piece(b.text, b.score, *b.bbox) for b in found if b.text.strip()]
            if pieces:
                cell.raw = _quotes("\n".join(_join(line) for line in _reading_lines(pieces)))
                cell.text = _normal_wrapped(cell.raw)
                cell.confidence = min(p.score for p in pieces)


# -- seals and signatures -------------------------------------------------------------------


def _mark_ink(table: Table, grid: Grid, rgb, ink, boxes: list[OcrBox], scale: float) -> None:
    """`images` on a cell holding a red seal or ink that is not recognised text (a handwritten name)."""
    import numpy as np

    text_mask = np.zeros(ink.shape, bool)
    for b in boxes:
        x0, y0, x1, y1 = (int(v) for v in b.bbox)
        text_mask[max(0, y0 - 2) : y1 + 3, max(0, x0 - 2) : x1 + 3] = True
    r = rgb[..., 0].astype(int)
    red = (r > 120) & (r - rgb[..., 1] > 60) & (r - rgb[..., 2] > 60)
    for row in table.rows:
        for cell in row:
            x0, y0, x1, y1 = (int(v / scale) for v in cell.bbox or (0, 0, 0, 0))
            inner = (slice(y0 + 6, y1 - 5), slice(x0 + 6, x1 - 5))
            area = max(1, (y1 - y0 - 11) * (x1 - x0 - 11))
            strokes = (ink[inner] > 0) & ~text_mask[inner]
            if red[inner].sum() > 0.01 * area or strokes.sum() > 0.004 * area:
                cell.images = True  # type: ignore[attr-defined]


def region_image(doc: Document, region: dict | None, margin: int = 6) -> bytes | None:
    """The straightened page cut to a comment's rows (JPEG), for the committee to read beside the text."""
    from PIL import Image

    kept = (doc.metadata.get("scan_pages") or {}).get(region["page"]) if region else None
    if not kept:
        return None
    scale = kept["scale"]
    x0, y0, x1, y1 = (v / scale for v in region["bbox"])
    with Image.open(io.BytesIO(kept["jpeg"])) as im:
        box = (
            max(0, int(x0) - margin),
            max(0, int(y0) - margin),
            min(im.width, int(x1) + margin),
            min(im.height, int(y1) + margin),
        )
        buf = io.BytesIO()
        im.crop(box).save(buf, "JPEG", quality=80)
    return buf.getvalue()
