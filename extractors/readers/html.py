"""HTML (and MHT web archives) → Document. Many systems export "Word" files that are really
HTML saved as .doc; they are read here with the standard library's tolerant parser
(no network, no entity expansion beyond HTML's own), tables with colspan/rowspan resolved."""

from __future__ import annotations

import email
import email.policy
import re
from html.parser import HTMLParser

from ..model import Cell, Document, Line, Page, Table
from ..text import normalize

_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "title",
    "section",
    "article",
    "blockquote",
    "pre",
    "dt",
    "dd",
    "hr",
    "header",
    "footer",
    "caption",
}
_SKIP = {"script", "style", "head", "noscript", "template", "xml"}


def decode_html(data: bytes) -> str:
    if data.lstrip()[:20].lower().startswith(b"mime-version") or b"\nMIME-Version:" in data[:2048]:
        data = _mht_html(data) or data
    head = data[:4096].decode("ascii", "replace").lower()
    m = re.search(r"charset=[\"']?([a-z0-9_\-]+)", head)
    encodings = [m.group(1)] if m else []
    for enc in encodings + ["utf-8", "gb18030"]:
        try:
            return data.decode("gb18030" if enc in ("gb2312", "gbk") else enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", "replace")


def _mht_html(data: bytes) -> bytes | None:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                continue
            charset = part.get_content_charset()
            if charset:
                meta = f'<meta charset="{charset}">'.encode()
                return meta + payload
            return payload
    return None


def read_html(data: bytes, doc: Document) -> Document:
    parser = _Parser()
    parser.feed(decode_html(data))
    parser.close()
    parser.flush()
    page = Page(number=1, lines=[Line.of(t, page=1) for t in parser.lines], tables=parser.tables)
    doc.pages = [page]
    return doc


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.tables: list[Table] = []
        self.buf: list[str] = []
        self.skip = 0
        self.stack: list[dict] = []  # open tables: {"rows": [[(text, colspan, rowspan)]], "cell": [..] | None}

    def flush(self) -> None:
        text = "".join(self.buf).strip()
        self.buf = []
        if not text:
            return
        if self.stack and self.stack[-1]["cell"] is not None:
            self.stack[-1]["cell"]["text"].append(text)
        else:
            self.lines.extend(s.strip() for s in text.splitlines() if s.strip())

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
            return
        if tag == "table":
            self.flush()
            self.stack.append({"rows": [], "cell": None, "nested": []})
        elif self.stack and tag == "tr":
            self.flush()
            self.stack[-1]["rows"].append([])
        elif self.stack and tag in ("td", "th"):
            self.flush()
            a = dict(attrs)
            t = self.stack[-1]
            if not t["rows"]:
                t["rows"].append([])
            t["cell"] = {"text": [], "colspan": _int(a.get("colspan")), "rowspan": _int(a.get("rowspan")), "tables": []}
            t["rows"][-1].append(t["cell"])
        elif tag in _BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "table" and self.stack:
            self.flush()
            table = _table(self.stack.pop()["rows"])
            if self.stack and self.stack[-1]["cell"] is not None:
                self.stack[-1]["cell"]["tables"].append(table)
            else:
                self.tables.append(table)
        elif self.stack and tag in ("td", "th"):
            self.flush()
            self.stack[-1]["cell"] = None
        elif tag in _BLOCKS:
            self.flush()

    def handle_data(self, data):
        if not self.skip:
            self.buf.append(data)


def _int(v) -> int:
    try:
        return max(1, min(1000, int(v)))
    except (TypeError, ValueError):
        return 1


def _table(rows: list[list[dict]]) -> Table:
    """HTML rows → model.Table, placing each cell in the first grid column not covered by a rowspan above."""
    covered: set[tuple[int, int]] = set()
    out: list[list[Cell]] = []
    for r, row in enumerate(rows):
        col = 0
        cells = []
        for c in row:
            while (r, col) in covered:
                col += 1
            raw = "\n".join(c["text"])
            cell = Cell(
                text="\n".join(normalize(s) for s in raw.split("\n") if s.strip()),
                raw=raw,
                row=r,
                col=col,
                rowspan=min(c["rowspan"], len(rows) - r),
                colspan=c["colspan"],
                tables=c["tables"],
            )
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered.add((r + dr, col + dc))
            cells.append(cell)
            col += cell.colspan
        out.append(cells)
    return Table(page=1, rows=out)
