"""PDF → Document.

Text and line positions come from pypdfium2 for every page (thousands of pages/s).
Pages whose vector graphics look like ruled tables get their tables from the same
pdfium page: straight path segments become edges for pdfplumber's own edge →
intersection → cell algorithm, and cell text is read from pdfium's text layer.
pdfplumber's full page parse (a Python object per character, ~60 pages/s) is only
the fallback where pdfium's paths explain no edges, each such page parsed once and
closed straight away (`INTAKE_PDF_TABLES=pdfplumber` forces it, for comparison).
"""

from __future__ import annotations

import ctypes
import io
import os
import re
import unicodedata
from collections import Counter

import pypdfium2.raw as pdfium_c

from ..limits import ReadLimits, UnreadableDocument
from ..model import Cell, Document, Line, Page, Table
from ..text import has_cjk, normalize
from .pdf_streams import check_inflated

_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def read_pdf(data: bytes, doc: Document, limits: ReadLimits, table_engine: str | None = None) -> Document:
    """`table_engine`: "pdfium" (default) finds ruled tables from pdfium's vector paths with
    pdfplumber's cell algorithm and falls back to pdfplumber's full page parse only where that
    finds nothing; "pdfplumber" always uses pdfplumber on pages with rules."""
    table_engine = table_engine or os.environ.get("INTAKE_PDF_TABLES", "pdfium")
    import pypdfium2 as pdfium

    check_inflated(data, limits.max_inflated_bytes)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise UnreadableDocument(_pdfium_message(e, data)) from None
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise UnreadableDocument("PDF 文件已损坏或不完整：没有可读的页面")
        n_read = min(n_pages, limits.max_pages)
        if n_read < n_pages:
            doc.warnings.append(
                f"共 {n_pages} 页，超过上限 {limits.max_pages} 页：只读取前 {n_read} 页，跳过 {n_pages - n_read} 页"
            )
        if b"%%EOF" not in data[-2048:]:
            doc.warnings.append("PDF 文件可能不完整（结尾缺少 %%EOF），已读取能读到的内容")
        doc.metadata["page_count"] = n_pages
        try:  # a generated form saved as PDF keeps its form code in Subject/Keywords
            info = pdf.get_metadata_dict(skip_empty=True)
        except Exception:  # metadata is optional; a broken info dictionary must not stop the read
            info = {}
        code = " ".join(str(info.get(k) or "") for k in ("Subject", "Keywords")).strip()
        if code:
            doc.metadata["properties"] = code[:200]
        ruled: list[int] = []
        broken = []
        for i in range(n_read):
            try:
                page = pdf[i]
            except pdfium.PdfiumError:
                broken.append(i + 1)
                doc.pages.append(Page(number=i + 1))
                continue
            try:
                p, needs_plumber = _read_page(page, i + 1, table_engine)
            finally:
                page.close()
            doc.pages.append(p)
            if needs_plumber:
                ruled.append(i)
    finally:
        pdf.close()
    if broken:
        if len(broken) == n_read:
            raise UnreadableDocument("PDF 文件已损坏，没有一页能打开，无法读取")
        doc.warnings.append(
            f"第 {'、'.join(map(str, broken[:20]))}{' 等' if len(broken) > 20 else ''} 页已损坏，无法读取，已跳过"
        )
    if ruled:
        _add_tables(data, doc, ruled)
    mark_headers_footers(doc.pages)
    return doc


def _pdfium_message(e: Exception, data: bytes) -> str:
    text = str(e)
    if "password" in text.lower() or b"/Encrypt" in data[-8192:] or b"/Encrypt" in data[:8192]:
        return "PDF 已加密（需要密码才能打开），无法读取；请上传未加密的版本"
    m = re.search(r"PDFium: ([^)]*)", text)
    return f"PDF 文件已损坏或不完整，无法读取（{m.group(1) if m else text}）"


# ---- one page through pypdfium2 -------------------------------------------------


def _read_page(page, number: int, table_engine: str) -> tuple[Page, bool]:
    """(page, still needs pdfplumber): text and, where the page has rules, its tables."""
    # pdfium's coordinates are the unrotated page's, from its bottom-left: flip at the top edge
    left, bottom, right, top = page.get_mediabox()
    width, height = right - left, top - bottom
    image_area, has_rules = _graphics(page.raw)
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        exact = len(text) == textpage.count_chars()  # else text and char indices differ: no positions
        disordered = _disordered_marks(text, textpage.raw) if exact else set()
        lines = _lines(text, textpage.raw if exact else None, number, top, disordered)
        tables = None
        if has_rules and table_engine == "pdfium":
            tables = native_tables(page.raw, textpage, number, top, bool(disordered))
    finally:
        textpage.close()
    p = Page(number=number, lines=lines, width=width, height=height)
    try:
        rotation = page.get_rotation() % 360
    except Exception:
        rotation = 0
    if _garbage(text) or (not lines and image_area):
        p.needs_ocr = True
        p.lines = []  # a broken text layer is worse than none: let OCR replace it
        return p, False
    if image_area > 0.5 * width * height and sum(len(l.text) for l in lines) < 30:
        p.needs_ocr = True  # a scan with a stamped page number or file name: keep those lines, OCR the rest
    if tables:
        _attach(p, tables)
    if rotation in (90, 180, 270):
        _rotate(p, rotation)
    return p, has_rules and tables is None  # None: pdfium's paths did not explain the rules


def _rotate(page: Page, rotation: int) -> None:
    """Boxes into the page as displayed (/Rotate is clockwise), where a person looks for them."""
    w, h = page.width, page.height

    def point(x: float, y: float) -> tuple[float, float]:
        if rotation == 90:
            return h - y, x
        if rotation == 180:
            return w - x, h - y
        return y, w - x

    def box(b):
        if b is None:
            return None
        (x0, y0), (x1, y1) = point(b[0], b[1]), point(b[2], b[3])
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    for line in page.lines:
        line.bbox = box(line.bbox)
    for table in page.tables:
        table.bbox = box(table.bbox)
        for row in table.rows:
            for cell in row:
                cell.bbox = box(cell.bbox)
    if rotation in (90, 270):
        page.width, page.height = h, w


_RECT = pdfium_c.FS_RECTF()
_RECT_REF = ctypes.byref(_RECT)


def _charbox(raw_textpage, index: int) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a char's loose box (the font's full height: lines of one
    size get one height), in PDF units from the bottom-left."""
    if not pdfium_c.FPDFText_GetLooseCharBox(raw_textpage, index, _RECT_REF):
        raise IndexError(index)
    r = _RECT
    return r.left, r.bottom, r.right, r.top


def _lines(
    text: str, raw_textpage, number: int, page_height: float, disordered: set[int] | frozenset[int] = frozenset()
) -> list[Line]:
    out = []
    pos = 0
    for raw_line in text.split("\r\n"):
        start, pos = pos, pos + len(raw_line) + 2  # pdfium separates lines with \r\n
        stripped = raw_line.strip()
        if not stripped:
            continue
        bbox = None
        if raw_textpage is not None:
            first = start + (len(raw_line) - len(raw_line.lstrip()))
            last = start + len(raw_line.rstrip()) - 1
            try:
                l0, b0, r0, t0 = _charbox(raw_textpage, first)
                l1, b1, r1, t1 = _charbox(raw_textpage, last)
                bbox = (
                    l0 if l0 < l1 else l1,
                    page_height - (t0 if t0 > t1 else t1),
                    r0 if r0 > r1 else r1,
                    page_height - (b0 if b0 < b1 else b1),
                )
            except IndexError:  # a char pdfium cannot place: keep the text, drop the position
                bbox = None
        if disordered and raw_textpage is not None and any(start <= i < pos for i in disordered):
            stripped = _in_reading_order(raw_textpage, range(start, start + len(raw_line))) or stripped
        out.append(Line(text=_normalize(stripped), raw=stripped, page=number, bbox=bbox))
    return out


# Characters Word, WPS and LibreOffice draw with the *western* font inside Chinese text (East Asian
# width "ambiguous": “ ” ‘ ’ — … · × ± ℃ ≥ → ①). They are written to the PDF as separate runs, often after the
# Chinese run they sit in, so the text layer's order is not the reading order: where a line or cell
# holds one, its characters are put back in the order they appear on the page.
_MIXED_FONT = re.compile("[\u00a1-\u00ff\u2010-\u2027\u2030-\u206f\u2100-\u22ff\u2460-\u27bf]")
_DX, _DY = ctypes.c_double(), ctypes.c_double()


_DXR, _DYR = ctypes.byref(_DX), ctypes.byref(_DY)


def _origin(raw_textpage, i: int) -> tuple[float, float] | None:
    if not pdfium_c.FPDFText_GetCharOrigin(raw_textpage, i, _DXR, _DYR):
        return None
    return _DX.value, _DY.value


def _disordered_marks(text: str, raw_textpage) -> set[int]:
    """Indices of the western-font marks the text layer lists out of reading order: a neighbour on the
    same baseline that comes before it in the text but stands right of it on the page, or the reverse.
    A page's producer writes all its marks one way: after 12 marks in order the page is taken as in
    order, so pages written in order pay next to nothing."""
    bad: set[int] = set()
    for n, m in enumerate(_MIXED_FONT.finditer(text)):
        if n >= 12 and not bad:
            break
        i = m.start()
        here = _origin(raw_textpage, i)
        if here is None:
            continue
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(text) and text[j] in " \t" and abs(j - i) < 4:
                j += step  # past the spaces pdfium puts between runs
            if not 0 <= j < len(text) or text[j].isspace():
                continue
            after = step > 0
            other = _origin(raw_textpage, j)
            if other is None or abs(other[1] - here[1]) > 2.5:
                continue  # another line (one line's characters share a baseline)
            if (other[0] < here[0] - 0.5) if after else (other[0] > here[0] + 0.5):
                bad.add(i)
    return bad


def _in_reading_order(raw_textpage, indices) -> str:
    """The characters `indices` of a text page sorted into visual lines (by baseline) and, within a
    line, left to right; the spaces pdfium generates between runs are dropped unless they separate
    two Latin words. "" where pdfium cannot place a character."""
    chars = []
    for i in indices:
        code = pdfium_c.FPDFText_GetUnicode(raw_textpage, i)
        if code in (0, 0xFFFE, 0xFFFF):
            continue
        ch = chr(code)
        generated = pdfium_c.FPDFText_IsGenerated(raw_textpage, i) == 1
        if ch in "\r\n" or (generated and ch.isspace()):
            continue
        if not pdfium_c.FPDFText_GetCharOrigin(raw_textpage, i, ctypes.byref(_DX), ctypes.byref(_DY)):
            return ""
        size = pdfium_c.FPDFText_GetFontSize(raw_textpage, i) or 10.0
        chars.append((_DY.value, _DX.value, size, ch))
    if not chars:
        return ""
    lines: list[list] = []
    for c in sorted(chars, key=lambda c: -c[0]):  # top of the page first
        if lines and abs(lines[-1][0][0] - c[0]) <= 0.4 * max(c[2], lines[-1][0][2]):
            lines[-1].append(c)
        else:
            lines.append([c])
    out = []
    for line in lines:
        line.sort(key=lambda c: c[1])
        text = line[0][3]
        for prev, c in zip(line, line[1:]):
            latin = prev[3].isascii() and prev[3].isalnum() and c[3].isascii() and c[3].isalnum()
            if latin and c[1] - prev[1] > 0.9 * prev[2]:  # a word gap between Latin letters or digits
                text += " "
            text += c[3]
        out.append(text.strip())
    return "\n".join(x for x in out if x)


def _normalize(text: str) -> str:
    """text.normalize, in one NFKC pass and without its white-space regexes when NFKC leaves no
    white space (most lines)."""
    nfkc = unicodedata.normalize("NFKC", text)
    if " " in nfkc or "\t" in nfkc or "\r" in nfkc:
        return normalize(nfkc)  # NFKC is idempotent: the same result as normalize(text)
    return nfkc.strip()


_F = [ctypes.c_float() for _ in range(4)]
_FREFS = [ctypes.byref(v) for v in _F]


def _graphics(raw_page) -> tuple[float, bool]:
    """(area of the largest image, looks like a ruled table), from the raw page objects:
    no text parsed, no wrapper object per text run."""
    counts: list[float] = [0.0, 0, 0, 0]  # largest image area, horizontal rules, vertical rules, boxes
    _scan(raw_page, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, counts, depth=0)
    image_area, h_lines, v_lines, boxes = counts
    has_rules = (h_lines >= 2 and v_lines >= 2) or boxes >= 2 or (boxes >= 1 and h_lines + v_lines >= 2)
    return image_area, has_rules


def _scan(parent, count, get, counts: list[float], depth: int) -> None:
    for i in range(count(parent)):
        obj = get(parent, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            if not pdfium_c.FPDFPageObj_GetBounds(obj, *_FREFS):
                continue
            w, h = _F[2].value - _F[0].value, _F[3].value - _F[1].value
            if w >= 15 and h <= 3:
                counts[1] += 1
            elif h >= 8 and w <= 3:
                counts[2] += 1
            elif w >= 15 and h >= 8:
                counts[3] += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            area = 1.0
            if pdfium_c.FPDFPageObj_GetBounds(obj, *_FREFS):
                area = max(1.0, (_F[2].value - _F[0].value) * (_F[3].value - _F[1].value))
            counts[0] = max(counts[0], area)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 3:
            _scan(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, counts, depth + 1)


_JUNK = re.compile(r"\(cid:\d+\)|\ufffd|[\ue000-\uf8ff]")
# characters a Chinese document's text layer is made of; anything else in bulk is a broken font
_NOT_TEXT = re.compile(
    r"[^\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\u2150-\u22ff"
    r"\u2460-\u24ff\u25a0-\u25ff0-9A-Za-z\s.,:;!?()\[\]{}<>%/\\+\-=≥≤±×÷·°、，。：；（）《》“”‘’\"'#&*_@~|$^`]"
)


def _garbage(text: str) -> bool:
    """A text layer that is really an undecodable font: (cid:…), U+FFFD, private-use or symbol soup."""
    n = len(text) - text.count(" ") - text.count("\r") - text.count("\n")
    if n <= 0:
        return False
    if ("(cid:" in text or "\ufffd" in text or _PRIVATE.search(text)) and sum(
        len(m.group()) for m in _JUNK.finditer(text)
    ) / n > 0.3:
        return True
    return n >= 10 and len(_NOT_TEXT.findall(text)) / n > 0.5


_PRIVATE = re.compile(r"[\ue000-\uf8ff]")


# ---- ruled tables from pdfium's vector paths (no per-character parse) ------------------


def native_tables(raw_page, textpage, number: int, height: float, disordered: bool = False) -> list[Table] | None:
    """Tables from the page's ruling lines, found with pdfplumber's own edge → intersection →
    cell algorithm, cell text from pdfium's text layer. [] when the rules make no table; None
    when the page's top-level paths give no straight edges (rules drawn inside form XObjects
    or as curves): then pdfplumber's full parse decides."""
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
    from pdfplumber.utils import filter_edges

    edges: list[dict] = []
    _collect_edges(raw_page, height, edges)
    if len(edges) < 4:
        return None
    edges = filter_edges(merge_edges(edges, 3, 3, 3, 3), min_length=3)
    cells = intersections_to_cells(edges_to_intersections(edges, 3, 3))
    tables = []
    centres: list = []  # every character's centre, measured once where a cell needs its reading order
    for group in cells_to_tables(cells):
        if len(group) < 2:  # one box around some text is a frame, not a table
            continue
        found = []
        for x0, top, x1, bottom in group:
            raw_text = textpage.get_text_bounded(left=x0, bottom=height - bottom, right=x1, top=height - top)
            if disordered and _MIXED_FONT.search(raw_text):
                centres = centres or _char_centres(textpage.raw)
                raw_text = (
                    _in_reading_order(
                        textpage.raw,
                        [i for i, cx, cy in centres if x0 <= cx <= x1 and height - bottom <= cy <= height - top],
                    )
                    or raw_text
                )
            found.append(((x0, top, x1, bottom), raw_text.replace("\r\n", "\n").replace("\r", "\n").strip()))
        tables.append(_table_from_cells(found, number))
    return tables


def _char_centres(raw_textpage) -> list[tuple[int, float, float]]:
    """(index, x, y) of every character's box centre, in PDF units from the bottom-left."""
    out = []
    refs = [ctypes.byref(b) for b in _B]
    for i in range(pdfium_c.FPDFText_CountChars(raw_textpage)):
        if pdfium_c.FPDFText_GetCharBox(raw_textpage, i, *refs):  # left, right, bottom, top
            out.append((i, (_B[0].value + _B[1].value) / 2, (_B[2].value + _B[3].value) / 2))
    return out


_B = [ctypes.c_double() for _ in range(4)]
_M = pdfium_c.FS_MATRIX() if pdfium_c else None


def _collect_edges(raw_page, height: float, out: list) -> None:
    """Horizontal and vertical segments of the page's path objects, in top-left page coordinates."""
    for i in range(pdfium_c.FPDFPage_CountObjects(raw_page)):
        obj = pdfium_c.FPDFPage_GetObject(raw_page, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        n = pdfium_c.FPDFPath_CountSegments(obj)
        if n <= 0 or not pdfium_c.FPDFPageObj_GetMatrix(obj, _M):
            continue
        a, b, c, d, e, f = _M.a, _M.b, _M.c, _M.d, _M.e, _M.f
        x, y = ctypes.c_float(), ctypes.c_float()
        start = prev = None
        for k in range(n):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
            pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
            px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
            point = (px, height - py)
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = prev = point
                continue
            if kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
                _edge(prev, point, out)
            prev = point
            if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
                _edge(point, start, out)
                prev = start


def _edge(p, q, out: list) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) <= 1 and abs(x1 - x0) > 1:
        y = (y0 + y1) / 2
        out.append(_rule(min(x0, x1), max(x0, x1), y, y, "h"))
    elif abs(x0 - x1) <= 1 and abs(y1 - y0) > 1:
        x = (x0 + x1) / 2
        out.append(_rule(x, x, min(y0, y1), max(y0, y1), "v"))


def _rule(x0: float, x1: float, top: float, bottom: float, orientation: str) -> dict:
    """A ruled line as pdfplumber describes one."""
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
        "object_type": "line",
    }


# ---- ruled tables through pdfplumber, only on the pages that have rules -------------


def _add_tables(data: bytes, doc: Document, indices: list[int]) -> None:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # pdfium read the text; lose the tables, not the document
        doc.warnings.append(f"表格识别失败：{type(e).__name__}")
        return
    try:
        pages = pdf.pages
        for i in indices:
            if i >= len(pages):
                break
            page = pages[i]
            try:
                tables = [_table(t, i + 1) for t in page.find_tables(_TABLE_SETTINGS)]
            except Exception as e:
                doc.warnings.append(f"第 {i + 1} 页表格识别失败：{type(e).__name__}")
                tables = []
            finally:
                page.close()  # flush_cache: a parsed page otherwise keeps ~2 MB alive
            tables = [t for t in tables if sum(len(r) for r in t.rows) >= 2]
            if tables:
                _attach(doc.pages[i], tables)
    finally:
        pdf.close()


def _attach(page: Page, tables: list[Table]) -> None:
    """Add the tables; text lines that lie inside a table are the table's cells, so drop them."""
    page.tables.extend(tables)

    def inside(line: Line) -> bool:
        if line.bbox is None:
            return False
        cx, cy = (line.bbox[0] + line.bbox[2]) / 2, (line.bbox[1] + line.bbox[3]) / 2
        return any(
            t.bbox and t.bbox[0] - 1 <= cx <= t.bbox[2] + 1 and t.bbox[1] - 1 <= cy <= t.bbox[3] + 1 for t in tables
        )

    page.lines = [l for l in page.lines if not inside(l)]


def _cluster(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda k: abs(edges[k] - v))


def _table(found, page_number: int) -> Table:
    """pdfplumber's table → model.Table. pdfplumber lists each real cell once, in the row where
    it starts, with None where a position is covered by a merged cell."""
    texts = found.extract()
    cells = [
        (bbox, (texts[r][c] if r < len(texts) and c < len(texts[r]) else None) or "")
        for r, row in enumerate(found.rows)
        for c, bbox in enumerate(row.cells)
        if bbox is not None
    ]
    return _table_from_cells(cells, page_number)


_WRAP = re.compile(r"\s*\n\s*")


def unwrap(text: str) -> str:
    """Join the lines a cell was wrapped into. Chinese text wraps anywhere (even inside "MPa"),
    so lines join directly; a space only between Latin letters/digits in a line with no CJK."""
    lines = _WRAP.split(text)
    out = lines[0]
    for prev, line in zip(lines, lines[1:]):
        latin = out[-1:].isascii() and out[-1:].isalnum() and line[:1].isascii() and line[:1].isalnum()
        out += (" " if latin and not has_cjk(prev) else "") + line
    return out


def _table_from_cells(cells: list[tuple[tuple, str]], page_number: int) -> Table:
    """Cells as (bbox, text) → model.Table: the grid lines come from all cells' edges, so a
    merged cell is one Cell with its row and column spans."""
    xs = _cluster([b[0] for b, _ in cells] + [b[2] for b, _ in cells])
    ys = _cluster([b[1] for b, _ in cells] + [b[3] for b, _ in cells])
    grid: dict[int, list[Cell]] = {}
    for (x0, top, x1, bottom), raw_text in cells:
        r, c = _index(ys, top), _index(xs, x0)
        rowspan = max(1, _index(ys, bottom) - r)
        colspan = max(1, _index(xs, x1) - c)
        grid.setdefault(r, []).append(
            Cell(
                text=normalize(unwrap(raw_text)),
                raw=raw_text,
                row=r,
                col=c,
                rowspan=rowspan,
                colspan=colspan,
                bbox=(round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1)),
            )
        )
    rows = [sorted(grid.get(r, []), key=lambda cell: cell.col) for r in range(max(len(ys) - 1, 0))]
    bbox = (
        round(min(b[0] for b, _ in cells), 1),
        round(min(b[1] for b, _ in cells), 1),
        round(max(b[2] for b, _ in cells), 1),
        round(max(b[3] for b, _ in cells), 1),
    )
    return Table(page=page_number, rows=rows, bbox=bbox)


# ---- running headers and footers --------------------------------------------------

_DIGITS = re.compile(r"\d+|[一二三四五六七八九十〇零]+")


def mark_headers_footers(pages: list[Page], band: int = 2) -> None:
    """Lines repeated at the top (bottom) of most pages, page numbers aside, are headers (footers)."""
    if len(pages) < 2:
        return
    key = lambda line: _DIGITS.sub("#", line.text)  # noqa: E731 - "第 3 页" and "第 4 页" are the same footer
    tops: Counter[str] = Counter()
    bottoms: Counter[str] = Counter()
    bands = [_bands(p.lines, band) for p in pages]
    for first, last in bands:
        tops.update({key(l) for l in first})
        bottoms.update({key(l) for l in last})
    need = max(2, (len(pages) + 1) // 2)
    for p, (first, last) in zip(pages, bands):
        for l in first:
            if tops[key(l)] >= need and _in_band(l, p, top=True):
                l.role = "header"
        for l in last:
            if bottoms[key(l)] >= need and _in_band(l, p, top=False) and l.role == "body":
                l.role = "footer"
        # running heads are often drawn first or last whatever their place: put them where they show
        p.lines.sort(key=lambda l: {"header": 0, "footer": 2}.get(l.role, 1))


def _bands(lines: list[Line], band: int) -> tuple[list[Line], list[Line]]:
    """The first and last `band` lines on the page, by position where known."""
    if lines and all(l.bbox for l in lines):
        lines = sorted(lines, key=lambda l: l.bbox[1])
    return lines[:band], lines[-band:]


def _in_band(line: Line, page: Page, top: bool) -> bool:
    if line.bbox is None or not page.height:
        return True
    return line.bbox[1] < page.height * 0.2 if top else line.bbox[3] > page.height * 0.8
