"""The real format of a file, from its bytes; the file name is only used to warn
when its extension says something else ("扩展名为 .pdf，实际为 DOCX").

    >>> sniff(b"%PDF-1.7 ...", "a.docx").kind
    'pdf'
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# kind -> label shown to people
LABELS = {
    "pdf": "PDF",
    "docx": "DOCX",
    "doc": "DOC",
    "wps": "WPS",
    "odt": "ODT",
    "rtf": "RTF",
    "image": "图片",
    "text": "文本",
    "html": "HTML",
    "xlsx": "XLSX",
    "xls": "XLS",
    "pptx": "PPTX",
    "ppt": "PPT",
    "ods": "ODS",
    "odp": "ODP",
    "encrypted_office": "加密的 Office 文件",
    "zip": "ZIP",
    "empty": "空文件",
    "unknown": "未知格式",
}

# extension -> the kinds it may honestly carry
EXTENSIONS = {
    ".pdf": {"pdf"},
    ".docx": {"docx", "encrypted_office"},
    ".docm": {"docx"},
    ".dotx": {"docx"},
    ".doc": {"doc", "wps"},  # WPS Office writes genuine .doc files with its own markers
    ".wps": {"wps", "doc"},
    ".odt": {"odt"},
    ".rtf": {"rtf"},
    ".png": {"image"},
    ".jpg": {"image"},
    ".jpeg": {"image"},
    ".tif": {"image"},
    ".tiff": {"image"},
    ".bmp": {"image"},
    ".gif": {"image"},
    ".webp": {"image"},
    ".heic": {"image"},
    ".heif": {"image"},
    ".html": {"html"},
    ".htm": {"html"},
    ".mht": {"html"},
    ".mhtml": {"html"},
    ".xhtml": {"html"},
    ".txt": {"text"},
    ".md": {"text"},
    ".markdown": {"text"},
    ".csv": {"text"},
    ".xlsx": {"xlsx", "encrypted_office"},
    ".xls": {"xls"},
    ".pptx": {"pptx"},
    ".ppt": {"ppt"},
    ".ods": {"ods"},
    ".odp": {"odp"},
    ".zip": {"zip", "docx", "xlsx", "pptx", "odt"},
}

_IMAGE_EXT = {
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".bmp": "bmp",
    ".gif": "gif",
    ".webp": "webp",
    ".heic": "heic",
    ".heif": "heic",
}

_OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}


@dataclass(frozen=True)
class Sniffed:
    kind: str  # a key of LABELS
    subtype: str = ""  # image: png | jpeg | tiff | bmp | gif | webp | heic; text: utf-8 | gb18030 | utf-16
    warning: str | None = None  # the extension disagrees with the bytes

    @property
    def label(self) -> str:
        return self.subtype.upper() if self.kind == "image" and self.subtype else LABELS[self.kind]


def sniff(data: bytes, filename: str = "") -> Sniffed:
    kind, subtype = _kind(data)
    ext = os.path.splitext(filename or "")[1].lower()
    if kind == "zip" and ext in (".docx", ".docm", ".dotx", ".doc", ".wps"):
        kind = "docx"  # a damaged or foreign zip named as Word: let the DOCX reader say what is wrong
    return Sniffed(kind, subtype, _extension_warning(filename, kind, subtype))


def _extension_warning(filename: str, kind: str, subtype: str) -> str | None:
    ext = os.path.splitext(filename or "")[1].lower()
    if not ext or ext not in EXTENSIONS or kind in ("empty", "unknown"):
        return None
    if kind in EXTENSIONS[ext] and (kind != "image" or _IMAGE_EXT.get(ext, subtype) == subtype):
        return None
    label = subtype.upper() if kind == "image" and subtype else LABELS[kind]
    return f"扩展名为 {ext}，实际为 {label}"


def _kind(data: bytes) -> tuple[str, str]:
    if not data:
        return "empty", ""
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf", ""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data), ""
    if head.startswith(OLE2_MAGIC):
        return _ole_kind(data), ""
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{\\rtf"):
        return "rtf", ""
    image = _image_kind(head)
    if image:
        return "image", image
    if _is_html(head):
        return "html", ""
    encoding = _text_encoding(data)
    if encoding:
        return "text", encoding
    return "unknown", ""


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:  # reads the central directory only
            names = set(z.namelist())
            if "mimetype" in names:
                info = z.getinfo("mimetype")
                if info.file_size < 200:
                    mime = z.read("mimetype").strip()
                    if mime in _OPENDOCUMENT:
                        return _OPENDOCUMENT[mime]
    except Exception:  # BadZipFile, zlib.error, …: a damaged zip
        # a truncated DOCX has lost its central directory: judge by the first local header
        first = data[30 : 30 + int.from_bytes(data[26:28], "little")] if len(data) > 30 else b""
        if first.startswith((b"word/", b"[Content_Types].xml", b"_rels/", b"docProps/")):
            return "docx" if b"word/" in data[: 1 << 20] else "zip"
        return "zip"
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    return "zip"


def _ole_kind(data: bytes) -> str:
    """Compound File Binary: decide by the stream names in its directory (UTF-16LE)."""

    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptedPackage"):  # an OOXML file saved with a password
        return "encrypted_office"
    if has("WordDocument"):
        # WPS Office writes its own producer string into the summary information
        if b"WPS" in data[: 1 << 20] and (
            b"Kingsoft" in data or "WPS Office".encode("utf-16-le") in data or b"WPS Office" in data
        ):
            return "wps"
        return "doc"
    if has("Workbook") or has("Book"):
        return "xls"
    if has("PowerPoint Document"):
        return "ppt"
    if b"WPS" in data[:4096] or "WpsDocument".encode("utf-16-le") in data:
        return "wps"
    return "unknown"


_HTML_START = re.compile(
    rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.I | re.S
)


def _is_html(head: bytes) -> bool:
    """An HTML page, or an MHT web archive (what many systems save as "Word" .doc files)."""
    if _HTML_START.match(head):
        return True
    lower = head[:2048].lower()
    return lower.lstrip().startswith(b"mime-version:") and b"text/html" in lower


def _image_kind(head: bytes) -> str:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"BM") and len(head) > 26 and head[6:10] == b"\x00\x00\x00\x00":
        return "bmp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"heif"):
        return "heic"
    return ""


def _text_encoding(data: bytes) -> str:
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in sample:
        return ""
    for enc in ("utf-8", "gb18030"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError as e:
            if enc == "utf-8" and e.start >= len(sample) - 3 and len(data) > len(sample):
                text = sample[: e.start].decode(enc)  # a character cut by the sample window
            else:
                continue
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
        if controls <= len(text) * 0.01:
            return enc
    return ""
