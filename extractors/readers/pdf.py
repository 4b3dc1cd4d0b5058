"""PDF → Document.

Text comes from pypdfium2 for every page (about 1,400 pages/s). pdfplumber, which
spends its time building a Python object per character (about 18 pages/s for
`find_tables`), is opened only for pages whose vector graphics look like a ruled
table, each such page is parsed once and closed straight away.
"""
from __future__ import annotations

import io
import re
from collections import Counter

from ..limits import ReadLimits, UnreadableDocument
from ..model import Cell, Document, Line, Page, Table
from ..text import normalize

_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def read_pdf(data: bytes, doc: Document, limits: ReadLimits) -> Document:
    import pypdfium2 as pdfium

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
            doc.warnings.append(f"共 {n_pages} 页，超过上限 {limits.max_pages} 页：只读取前 {n_read} 页，"
                                f"跳过 {n_pages - n_read} 页")
        if not data.rstrip()[-1024:].__contains__(b"%%EOF"):
            doc.warnings.append("PDF 文件可能不完整（结尾缺少 %%EOF），已读取能读到的内容")
        doc.metadata["page_count"] = n_pages
        ruled: list[int] = []
        for i in range(n_read):
            page = pdf[i]
            try:
                p, has_rules = _read_page(page, i + 1)
            finally:
                page.close()
            doc.pages.append(p)
            if has_rules:
                ruled.append(i)
    finally:
        pdf.close()
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

def _read_page(page, number: int) -> tuple[Page, bool]:
    import pypdfium2.raw as raw

    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        n_chars = textpage.count_chars()
        lines = _lines(text, textpage if len(text) == n_chars else None, number, height)
    finally:
        textpage.close()
    n_images, has_rules = _graphics(page, raw)
    p = Page(number=number, lines=lines, width=width, height=height)
    body = "".join(l.text for l in lines)
    if _garbage(body) or (not body.strip() and n_images):
        p.needs_ocr = True
        if body.strip():
            p.lines = []  # a broken text layer is worse than none: let OCR replace it
    return p, has_rules


def _lines(text: str, textpage, number: int, page_height: float) -> list[Line]:
    out = []
    pos = 0
    for raw_line in re.split(r"\r\n|\r|\n", text):
        start, pos = pos, pos + len(raw_line) + 2  # pdfium separates lines with \r\n
        if not raw_line.strip():
            continue
        bbox = None
        if textpage is not None:
            first = start + (len(raw_line) - len(raw_line.lstrip()))
            last = start + len(raw_line.rstrip()) - 1
            try:
                l0, b0, r0, t0 = textpage.get_charbox(first)
                l1, b1, r1, t1 = textpage.get_charbox(last)
                bbox = (round(min(l0, l1), 1), round(page_height - max(t0, t1), 1),
                        round(max(r0, r1), 1), round(page_height - min(b0, b1), 1))
            except Exception:  # an index pdfium does not know: keep the text, drop the position
                bbox = None
        out.append(Line.of(raw_line.strip(), page=number, bbox=bbox))
    return out


def _graphics(page, raw) -> tuple[int, bool]:
    """(image objects, looks like a ruled table) from the page's objects, without parsing text."""
    images = h_lines = v_lines = boxes = 0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
            continue
        try:
            left, bottom, right, top = obj.get_bounds()
        except Exception:
            continue
        w, h = right - left, top - bottom
        if w >= 15 and h <= 3:
            h_lines += 1
        elif h >= 8 and w <= 3:
            v_lines += 1
        elif w >= 15 and h >= 8:
            boxes += 1
    has_rules = (h_lines >= 2 and v_lines >= 2) or boxes >= 2 or (boxes >= 1 and h_lines + v_lines >= 2)
    return images, has_rules


_JUNK = re.compile(r"\(cid:\d+\)|\ufffd|[\ue000-\uf8ff]")
_GOOD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef0-9A-Za-z"
                   r"\s.,:;!?()\[\]<>%/+\-=≥≤×·、，。：；（）《》“”‘’\"'#&*_@~|]")


def _garbage(text: str) -> bool:
    """A text layer that is really an undecodable font: (cid:…), U+FFFD, private-use or symbol soup."""
    text = text.strip()
    if not text:
        return False
    junk = sum(len(m.group()) for m in _JUNK.finditer(text))
    if junk / len(text) > 0.3:
        return True
    good = len(_GOOD.findall(text))
    return len(text) >= 10 and good / len(text) < 0.5


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
            tables = [t for t in tables if t.rows]
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
        return any(t.bbox and t.bbox[0] - 1 <= cx <= t.bbox[2] + 1 and t.bbox[1] - 1 <= cy <= t.bbox[3] + 1
                   for t in tables)

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
    """pdfplumber's table → model.Table; a merged cell is one Cell with its spans.

    pdfplumber lists each real cell once, in the row where it starts, with None where a
    position is covered by a merged cell; the grid lines come from all cells' edges.
    """
    texts = found.extract()
    cells = [(bbox, texts[r][c] if r < len(texts) and c < len(texts[r]) else None)
             for r, row in enumerate(found.rows) for c, bbox in enumerate(row.cells) if bbox is not None]
    xs = _cluster([b[0] for b, _ in cells] + [b[2] for b, _ in cells])
    ys = _cluster([b[1] for b, _ in cells] + [b[3] for b, _ in cells])
    grid: dict[int, list[Cell]] = {}
    for (x0, top, x1, bottom), raw_text in cells:
        r, c = _index(ys, top), _index(xs, x0)
        rowspan = max(1, _index(ys, bottom) - r)
        colspan = max(1, _index(xs, x1) - c)
        raw_text = raw_text or ""
        grid.setdefault(r, []).append(Cell(text=normalize(raw_text.replace("\n", " ")), raw=raw_text,
                                           row=r, col=c, rowspan=rowspan, colspan=colspan,
                                           bbox=(round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))))
    n_rows = max(len(ys) - 1, 0)
    rows = [sorted(grid.get(r, []), key=lambda cell: cell.col) for r in range(n_rows)]
    x0, top, x1, bottom = found.bbox
    return Table(page=page_number, rows=rows, bbox=(round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1)))


# ---- running headers and footers --------------------------------------------------

_DIGITS = re.compile(r"\d+|[一二三四五六七八九十〇零]+")


def mark_headers_footers(pages: list[Page], band: int = 2) -> None:
    """Lines repeated at the top (bottom) of most pages, page numbers aside, are headers (footers)."""
    if len(pages) < 2:
        return
    key = lambda line: _DIGITS.sub("#", line.text)  # noqa: E731 - "第 3 页" and "第 4 页" are the same footer
    tops, bottoms = Counter(), Counter()
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
