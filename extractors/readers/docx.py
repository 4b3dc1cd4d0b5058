"""DOCX → Document, walking the body's XML in document order.

Paragraphs and tables come out in the order they appear; a table's cells are
read from each row's own <w:tc> elements (python-docx's `row.cells` repeats a
merged cell once per grid column): `gridSpan` gives the column span, a
`vMerge` continuation cell extends the row span of the cell above instead of
becoming a cell of its own. Explicit page breaks start a new logical page.

Before python-docx sees the file the zip is checked (entry count and declared
uncompressed size, from the central directory, before anything is inflated) and
every XML part is refused if it declares a DTD or entities.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from ..limits import ReadLimits, UnreadableDocument
from ..model import Cell, Document, Line, Page, Table
from ..text import normalize

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag", W + "ins", W + "moveTo"}
_BINARY_PARTS = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
    ".emf",
    ".wmf",
    ".bin",
    ".wdp",
    ".ttf",
    ".odttf",
    ".otf",
    ".mp4",
    ".wav",
    ".mp3",
    ".ole",
    ".xlsx",
    ".docx",
    ".pptx",
    ".pdf",
)
_DTD_MARKERS = [m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("ascii", "utf-16-le", "utf-16-be")]


def check_zip(data: bytes, limits: ReadLimits, what: str = "DOCX") -> None:
    """Refuse zip bombs and DTD-bearing XML before any parser inflates anything."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UnreadableDocument(f"{what} 文件已损坏或不完整（不是有效的 zip 包），无法读取") from None
    with z:
        infos = z.infolist()
        if len(infos) > limits.max_zip_entries:
            raise UnreadableDocument(
                f"{what} 包含 {len(infos)} 个压缩条目，超过上限 {limits.max_zip_entries}，疑似压缩炸弹，拒绝读取"
            )
        total = sum(i.file_size for i in infos)
        if total > limits.max_unzipped_bytes:
            raise UnreadableDocument(
                f"{what} 解压后共 {total // (1024 * 1024)} MB，超过上限 "
                f"{limits.max_unzipped_bytes // (1024 * 1024)} MB，疑似压缩炸弹，拒绝读取"
            )
        for info in infos:
            if info.compress_size and info.file_size / info.compress_size > 1000 and info.file_size > 10 << 20:
                raise UnreadableDocument(
                    f"{what} 中的 {info.filename} 压缩比异常（{info.file_size // info.compress_size}:1），"
                    "疑似压缩炸弹，拒绝读取"
                )
        for info in infos:
            # every part a parser might read, whatever its name: only known binary media are skipped
            if info.is_dir() or info.filename.lower().endswith(_BINARY_PARTS):
                continue
            try:
                part = _read_capped(z, info)
            except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError) as e:
                raise UnreadableDocument(
                    f"{what} 文件已损坏或不完整（{info.filename}：{str(e)[:80]}），无法读取"
                ) from None
            if any(m in part for m in _DTD_MARKERS):
                raise UnreadableDocument(
                    f"{what} 的 {info.filename} 含有 DTD/实体声明（XML 实体扩展攻击的特征），拒绝读取"
                )


def _read_capped(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Inflate one part, never past its declared size (a lying header cannot make it bigger)."""
    with z.open(info) as f:
        data = f.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise ValueError("解压后比声明的大小更大")
    return data


def read_docx(data: bytes, doc: Document, limits: ReadLimits, converted: bool = False) -> Document:
    check_zip(data, limits)
    try:
        d = _open(data)
    except UnreadableDocument as problem:
        if converted or not _has_word_part(data):
            raise
        # Strict OOXML and other dialects python-docx does not know: LibreOffice re-saves them
        from .office import convert_to_docx, soffice

        binary = soffice()
        if not binary:
            raise
        try:
            data = convert_to_docx(binary, data, "docx", limits.convert_seconds)
        except UnreadableDocument:
            raise problem from None  # python-docx's reason says more than LibreOffice's
        doc.metadata["converted_by"] = "libreoffice"
        return read_docx(data, doc, limits, converted=True)
    walker = _Walker()
    walker.blocks(d.element.body)
    pages = walker.finish()
    _add_headers_footers(d, pages)
    if len(pages) > limits.max_pages:
        doc.warnings.append(
            f"共 {len(pages)} 页，超过上限 {limits.max_pages} 页：只读取前 {limits.max_pages} 页，"
            f"跳过 {len(pages) - limits.max_pages} 页"
        )
        pages = pages[: limits.max_pages]
    doc.pages = pages
    doc.metadata["page_count"] = len(walker.pages)
    props = d.core_properties  # a generated form keeps its form code here, out of the applicant's sight
    code = " ".join(v for v in (props.subject, props.keywords) if v)
    if code:
        doc.metadata["properties"] = code[:200]
    return doc


def _open(data: bytes):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except ValueError as e:
        if "not a Word file" not in str(e):
            raise UnreadableDocument(f"DOCX 文件已损坏或不是 Word 文档（{str(e)[:120]}），无法读取") from None
        try:  # a macro-enabled document or a template (.docm/.dotx/.dotm): same body, other content type
            from docx.opc.part import PartFactory
            from docx.package import Package
            from docx.parts.document import DocumentPart

            m = re.search(r"content type is '([^']+)'", str(e))
            if m and "word" in m.group(1) and m.group(1).endswith(".main+xml"):
                PartFactory.part_type_for.setdefault(m.group(1), DocumentPart)
            return Package.open(io.BytesIO(data)).main_document_part.document
        except Exception as e2:
            raise UnreadableDocument(f"DOCX 文件已损坏或不是 Word 文档（{type(e2).__name__}），无法读取") from None
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile) as e:
        raise UnreadableDocument(
            f"DOCX 文件已损坏或不是 Word 文档（{type(e).__name__}: {str(e)[:120]}），无法读取"
        ) from None
    except Exception as e:  # lxml syntax errors and the like
        raise UnreadableDocument(f"DOCX 文件已损坏，无法解析（{type(e).__name__}: {str(e)[:120]}）") from None


def _has_word_part(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


class _Walker:
    """Collects lines and tables page by page while walking block-level XML."""

    def __init__(self) -> None:
        self.pages: list[Page] = [Page(number=1)]

    @property
    def page(self) -> Page:
        return self.pages[-1]

    @property
    def empty(self) -> bool:
        return not self.page.lines and not self.page.tables

    def new_page(self) -> None:
        self.pages.append(Page(number=len(self.pages) + 1))

    def finish(self) -> list[Page]:
        while len(self.pages) > 1 and not self.pages[-1].lines and not self.pages[-1].tables:
            self.pages.pop()  # a trailing page break makes no page
        return self.pages

    def blocks(self, parent) -> None:
        for el in parent:
            tag = el.tag
            if tag == W + "p":
                self.paragraph(el)
            elif tag == W + "tbl":
                self.page.tables.append(table(el, self.page.number))
            elif tag in _WRAPPERS:
                self.blocks(el)

    def paragraph(self, p) -> None:
        ppr = p.find(W + "pPr")
        if ppr is not None and _on(ppr.find(W + "pageBreakBefore")) and (self.page.lines or self.page.tables):
            self.new_page()
        kinds: list[bool] = []
        for i, text in enumerate(paragraph_segments(p, kinds)):
            if i and not (kinds[i - 1] and self.empty):  # Word marks the page it starts after a break too
                self.new_page()
            if text.strip():
                self.page.lines.append(Line.of(text.strip(), page=self.page.number))
        if ppr is not None:
            sect = ppr.find(W + "sectPr")
            if sect is not None:
                kind = sect.find(W + "type")
                if kind is None or kind.get(W + "val") not in ("continuous",):
                    self.new_page()


def _on(el) -> bool:
    return el is not None and el.get(W + "val", "true") not in ("0", "false", "off")


def paragraph_segments(p, rendered: list[bool] | None = None) -> list[str]:
    """The paragraph's text, split where it has an explicit page break. With `rendered`, also
    split where Word last laid out a new page (w:lastRenderedPageBreak), appending one bool per
    split to `rendered` (True: a rendered break, False: an explicit one)."""
    segments: list[list] = [[]]

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag == MC_FALLBACK:  # the VML copy of a drawing already read in mc:Choice
                continue
            if tag == W + "t":
                segments[-1].append(child.text or "")
            elif tag == W + "tab" and el.tag == W + "r":
                segments[-1].append("\t")
            elif tag == W + "br":
                if child.get(W + "type") == "page":
                    segments.append([])
                    if rendered is not None:
                        rendered.append(False)
                else:
                    segments[-1].append("\n")
            elif tag == W + "lastRenderedPageBreak":
                if rendered is not None:
                    segments.append([])
                    rendered.append(True)
            elif tag == W + "cr":
                segments[-1].append("\n")
            elif tag == W + "noBreakHyphen":
                segments[-1].append("-")
            elif tag in (W + "pPr", W + "rPr", W + "instrText", W + "delText"):
                continue
            elif tag == W + "p" and el.tag != W + "p":  # a text box's paragraph
                segments[-1].append("\n")
                walk(child)
            else:
                walk(child)

    walk(p)
    return ["".join(s) for s in segments]


def _children(el, tag: str):
    """Direct children with `tag`, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _val(parent, tag: str) -> str | None:
    if parent is None:
        return None
    el = parent.find(W + tag)
    if el is None:
        return None
    return el.get(W + "val", "")


def _int(value: str | None, default: int) -> int:
    try:
        return max(default, min(int(value), 1000))  # a damaged span must not build a huge grid
    except (TypeError, ValueError):
        return default


def table(tbl, page: int) -> Table:
    rows: list[list[Cell]] = []
    open_v: dict[int, Cell] = {}  # grid column -> the cell a vMerge continuation extends
    for r, tr in enumerate(_children(tbl, W + "tr")):
        trpr = tr.find(W + "trPr")
        col = _int(_val(trpr, "gridBefore"), 0)
        row: list[Cell] = []
        for tc in _children(tr, W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = _int(_val(tcpr, "gridSpan"), 1)
            vmerge = _val(tcpr, "vMerge")
            hmerge = _val(tcpr, "hMerge")
            raw, nested = _cell_content(tc, page)
            above = open_v.get(col)
            if vmerge is not None and vmerge != "restart" and above is not None:
                above.rowspan = r - above.row + 1
                _append(above, raw)
                above.tables.extend(nested)
            elif hmerge is not None and hmerge != "restart" and row:
                row[-1].colspan += span
                _append(row[-1], raw)
                row[-1].tables.extend(nested)
            else:
                cell = Cell(text=_norm_cell(raw), raw=raw, row=r, col=col, colspan=span, tables=nested)
                row.append(cell)
                for c in range(col, col + span):
                    open_v.pop(c, None)
                if vmerge == "restart":
                    open_v[col] = cell
            col += span
        rows.append(row)
    return Table(page=page, rows=rows)


def _norm_cell(raw: str) -> str:
    return "\n".join(t for t in (normalize(s) for s in raw.split("\n")) if t)


def _append(cell: Cell, raw: str) -> None:
    if raw.strip():
        cell.raw = f"{cell.raw}\n{raw}" if cell.raw.strip() else raw
        cell.text = _norm_cell(cell.raw)


def _cell_content(tc, page: int) -> tuple[str, list[Table]]:
    parts: list[str] = []
    nested: list[Table] = []

    def walk(parent) -> None:
        for el in parent:
            if el.tag == W + "p":
                parts.append("\n".join(paragraph_segments(el)))
            elif el.tag == W + "tbl":
                nested.append(table(el, page))
            elif el.tag in _WRAPPERS:
                walk(el)

    walk(tc)
    return "\n".join(parts).strip("\n"), nested


def _add_headers_footers(d, pages: list[Page]) -> None:
    """Section headers go at the top of page 1 and footers at the end of the last page, once each."""
    seen: set[tuple[str, str]] = set()
    headers: list[str] = []
    footers: list[str] = []
    for section in d.sections:
        for attr, out in (
            ("header", headers),
            ("first_page_header", headers),
            ("even_page_header", headers),
            ("footer", footers),
            ("first_page_footer", footers),
            ("even_page_footer", footers),
        ):
            try:
                part = getattr(section, attr)
                if part.is_linked_to_previous:
                    continue
                element = part._element
            except Exception:  # a section without that header part
                continue
            for text in _texts(element):
                key = normalize(text)
                if key and (attr[-6:], key) not in seen:
                    seen.add((attr[-6:], key))
                    out.append(text)
    first, last = pages[0], pages[-1]
    first.lines[:0] = [Line.of(t, page=first.number, role="header") for t in headers]
    last.lines.extend(Line.of(t, page=last.number, role="footer") for t in footers)


def _texts(element) -> list[str]:
    out = []
    for p in element.iter(W + "p"):
        text = "".join(paragraph_segments(p)).strip()
        if text:
            out.append(text)
    return out
