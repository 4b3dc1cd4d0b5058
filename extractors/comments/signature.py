"""Is there a stamp or signature image where the sheet asks for one (单位盖章或专家签名)?

The document model keeps text only, so for DOCX this looks at the XML once more: a
drawing (w:drawing / w:pict, inline or floating) in the signature label's cell, the
cell to its right, or the paragraph holding a `单位盖章：` label. Runs inside the
reader's time-limited worker (see intake.comments.store) on bytes the reader has already
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
            if _has_picture(p) or (i + 1 < len(paragraphs) and _has_picture(paragraphs[i + 1]) and not _text(paragraphs[i + 1])):
                return True
    return False
