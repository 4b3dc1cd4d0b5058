"""Is there a stamp or signature image where the sheet asks for one (单位盖章或专家签名)? DOCX and PDF.

The document model keeps text only, so for DOCX this looks at the XML once more: a
drawing (w:drawing / w:pict, inline or floating) in the signature label's cell, the
cell to its right, or the paragraph holding a `单位盖章：` label. Runs inside the
reader's time-limited worker (see intake.comments.reading) on bytes the reader has already
accepted (zip size and entry limits checked), parsed with defusedxml.
"""

from __future__ import annotations

import io
import zipfile

from defusedxml import ElementTree as ET

from ..text import normalize
from .rules import load_rules, match_label

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PICTURES = (W + "drawing", W + "pict", W + "object")


def _text(el) -> str:
    return normalize("".join(t.text or "" for t in el.iter(W + "t")))


def _has_picture(el) -> bool:
    return any(True for tag in _PICTURES for _ in el.iter(tag))


def _is_signature_label(text: str) -> bool:
    roles = load_rules()["header"]
    head = text.split(":")[0].split("：")[0]
    return match_label(head, roles, exact_only=True) == "signature"


def docx_signature_image(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            root = ET.fromstring(z.read("word/document.xml"))
    except (KeyError, zipfile.BadZipFile, ET.ParseError, ValueError):
        return False
    for tr in root.iter(W + "tr"):
        cells = [tc for tc in tr if tc.tag == W + "tc"]
        for i, tc in enumerate(cells):
            if _is_signature_label(_text(tc)):
                if _has_picture(tc) or (i + 1 < len(cells) and _has_picture(cells[i + 1])):
                    return True
    body = root.find(W + "body")
    paragraphs = [p for p in (body if body is not None else []) if p.tag == W + "p"]
    for i, p in enumerate(paragraphs):
        if _is_signature_label(_text(p)):
            if _has_picture(p) or (
                i + 1 < len(paragraphs) and _has_picture(paragraphs[i + 1]) and not _text(paragraphs[i + 1])
            ):
                return True
    return False


# ---------------------------------------------------------------------------
# PDF: an image, or red seal ink, where the sheet asks for the stamp


def signature_regions(doc) -> dict[int, list[tuple[float, float, float, float]]]:
    """Per page, the boxes (x0, top, x1, bottom; top-left origin) where a stamp or signature belongs:
    the signature label's cell with the cell to its right, or the label line and the space right of
    and under it (a seal is pressed over the label and the blank beside it)."""
    out: dict[int, list] = {}
    for page in doc.pages:
        boxes = []
        for t in page.tables:
            for row in t.rows:
                for i, cell in enumerate(row):
                    if cell.bbox and _is_signature_label(cell.text):
                        x0, top, x1, bottom = cell.bbox
                        if i + 1 < len(row) and row[i + 1].bbox:
                            x1 = max(x1, row[i + 1].bbox[2])
                            bottom = max(bottom, row[i + 1].bbox[3])
                        boxes.append((x0, top, x1, bottom))
        for line in page.lines:
            if line.bbox and _is_signature_label(line.text):
                x0, top, x1, bottom = line.bbox
                boxes.append((x0 - 20, top - 40, page.width or x1 + 250, bottom + 80))
        if boxes:
            out[page.number] = boxes
    return out


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _images(parent, count, get, height: float, out: list, depth: int = 0) -> None:
    import ctypes

    import pypdfium2.raw as pdfium_c

    box = [ctypes.c_float() for _ in range(4)]
    for i in range(count(parent)):
        obj = get(parent, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            if pdfium_c.FPDFPageObj_GetBounds(obj, *[ctypes.byref(b) for b in box]):
                left, bottom, right, top = (b.value for b in box)
                out.append((left, height - top, right, height - bottom))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 3:
            _images(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, height, out, depth + 1)


def _red_share(page, box) -> float:
    """The share of seal-red pixels in `box`, the page rendered at 72 dpi."""
    bitmap = page.render(scale=1)
    try:
        img = bitmap.to_pil().convert("RGB")
    finally:
        bitmap.close()
    x0, top, x1, bottom = (int(max(0, v)) for v in box)
    crop = img.crop((x0, top, min(x1, img.width), min(bottom, img.height)))
    n = crop.width * crop.height
    if not n:
        return 0.0
    red = sum(1 for r, g, b in crop.getdata() if r >= 160 and g <= 110 and b <= 110 and r - max(g, b) >= 80)
    return red / n


def pdf_signature_image(data: bytes, doc) -> bool:
    """Is there a stamp (an image, or red seal ink drawn as paths) where the sheet asks for one?"""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    regions = signature_regions(doc)
    if not regions:
        return False
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return False
    try:
        for number, boxes in regions.items():
            if number > len(pdf):
                continue
            page = pdf[number - 1]
            try:
                height = page.get_height()
                images: list = []
                _images(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, height, images)
                for box in boxes:
                    if any(_overlap(box, im) >= 0.3 * max(1.0, (im[2] - im[0]) * (im[3] - im[1])) for im in images):
                        return True
                    if _red_share(page, box) >= 0.01:
                        return True
            finally:
                page.close()
    finally:
        pdf.close()
    return False
