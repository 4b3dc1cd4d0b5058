"""Find values by their labels, in the three layouts seen on Chinese documents:

- after the label on the same line: `名称：天津某某有限公司`, `名 称 天津某某有限公司`;
- in the next table cell (or the cell below, for a header row);
- on its own line under (or beside, by position) the label — and, failing that, above it.

Labels are data (extractors/data/fields.yaml). `LabelIndex` finds every label occurrence in a
document once; each field then picks its own labels from it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..model import Cell, Document, Line, Table
from ..text import normalize
from .values import CHECKERS, Checked

DATA = Path(__file__).resolve().parent.parent / "data" / "fields.yaml"

_PUNCT_BEFORE = set(":;,，。；|、)）]】>》\"'“”")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
# an English caption after the Chinese label: `证书编号 Certificate No.:`
_ENGLISH_CAPTION = re.compile(r"\s*[(/]?\s*[A-Za-z][A-Za-z .'&/-]{1,40}[)]?\s*[:：]")
# a label this file does not know, after a space: `冷轧钢板 规格:2mm` ends the value before 规格
_UNKNOWN_LABEL = re.compile(r"\s+[\u4e00-\u9fff()（）/]{2,8}\s*[:：]")
# `申报单位（盖章）`, `认证委托人名称、地址`, `核定使用商品（第6类）`
_ENGLISH_CAPTION_ALONE = re.compile(r"\s*[(/]?\s*[A-Za-z][A-Za-z .'&/-]{1,40}[)]?\s*$")
_LABEL_SUFFIX = re.compile(r"(?:\s?(?:名称|全称))?(?:、[\u4e00-\u9fff]{2,4})?\s?(?:[(（][^)）]{1,8}[)）])?")


@lru_cache(maxsize=4)
def load_spec(path: str = str(DATA)) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def spaced(raw: str) -> str:
    """NFKC with white space collapsed but kept: label boundaries survive."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", raw or "")).strip()


@dataclass
class LabelMatch:
    label: str
    start: int
    end: int  # where the value may start (after label, suffix, English caption, separator)
    sep: str  # "colon" | "space" | "none"
    strong: bool  # clearly a label (followed by a colon, or starting the line)
    lost_char: bool = False  # read with one character missing (`成日期` for 成立日期): weighs less


@dataclass
class Entry:
    """A line or a table cell, with the labels found in it."""

    line: Line
    s: str  # spaced text
    matches: list[LabelMatch]
    page: int
    index: int  # position among the page's lines (-1 for cells)
    table: Table | None = None
    cell: Cell | None = None


@dataclass
class Hit:
    field: str
    value: Any
    page: int
    text: str
    raw: str
    confidence: float
    ocr: bool = False
    label: str = ""
    how: str = ""
    order: int = 0
    extra: dict = dataclass_field(default_factory=dict)
    ocr_confidence: float | None = None  # the weakest OCR line read (None: no OCR line); see Field


def _label_regex(labels: list[str]) -> re.Pattern:
    """One alternation for every label, as a trie (shared prefixes once), spaces allowed between characters."""
    trie: dict = {}
    for lab in set(labels):
        node = trie
        for c in normalize(lab).lower():  # matched ignoring case: `Valid to` and `valid to the…` share a branch
            if not c.isspace():
                node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [
            re.escape(c) + (r"\s?" + emit(sub) if sub and set(sub) != {""} else emit(sub))
            for c, sub in sorted(node.items(), key=lambda kv: kv[0])
            if c
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return re.compile("(" + emit(trie) + ")", re.I)


@lru_cache(maxsize=8192)
def _canonical(matched: str) -> str:
    """A label's key: no spaces, Latin letters in lower case (`Certificate No.` = `CERTIFICATE NO.`)."""
    return normalize(matched).replace(" ", "").lower()


# a prose label's connector before its colon: `通过认证的范围为：`, `认证范围如下：`
_PROSE_SEP = re.compile(r"\s?(?:为|是|如下)(?=\s?[:：]|\s*$)")


def _latin_edges_ok(s: str, start: int, end: int) -> bool:
    """An English label is a whole word: `Date` is no label inside `Update`, `Product` none in `Production`."""
    if start > 0 and s[start].isascii() and s[start].isalpha() and s[start - 1].isascii() and s[start - 1].isalpha():
        return False
    last = s[end - 1]
    return not (end < len(s) and last.isascii() and last.isalpha() and s[end].isascii() and s[end].isalpha())


def _short_forms(labels: set[str]) -> dict[str, str]:
    """Chinese labels of 4–8 characters with one inner character dropped → the label; a form that is itself
    a label, or that two labels share, is left out (it would say nothing sure)."""
    seen: dict[str, set[str]] = {}
    for lab in labels:
        if 4 <= len(lab) <= 8 and all(_CJK_CHAR.match(c) for c in lab):
            for i in range(1, len(lab) - 1):
                seen.setdefault(lab[:i] + lab[i + 1 :], set()).add(lab)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and k not in labels}


_SENTENCE_WORD = re.compile(r"(?:^|\s)(?:[a-z][a-z'’-]*|The|This|These|Its|Our)\s*$")


def _inside_sentence(s: str, i: int) -> bool:
    """An English label preceded on its line by a lower-case word or an article is a word of a sentence."""
    return i > 0 and _SENTENCE_WORD.search(s[:i]) is not None


class LabelIndex:
    def __init__(self, spec: dict | None = None):
        self.spec = spec or load_spec()
        fields = self.spec["fields"]
        all_labels = set(self.spec.get("stop_labels", []))
        for f in fields.values():
            all_labels.update(f.get("labels", {}))
            for extra in (f.get("types") or {}).values():
                all_labels.update(extra)
        self.labels = {_canonical(l) for l in all_labels}
        self.regex = _label_regex(list(all_labels))
        self.short_forms = _short_forms(self.labels)

    # -- finding labels in a line -------------------------------------------------------
    def matches(self, s: str) -> list[LabelMatch]:
        out = self._lost_char_label(s)
        consumed = out[0].end if out else 0
        for m in self.regex.finditer(s):
            i = m.start()
            if i < consumed:
                continue  # inside the previous label's suffix: `名称、地址`
            label = _canonical(m.group(1))
            if not self._boundary_ok(s, i, label) or not _latin_edges_ok(s, i, m.end()):
                continue
            end = m.end()
            cjk = bool(_CJK_CHAR.search(label))
            suf = _LABEL_SUFFIX.match(s, end) if cjk else None
            if suf and suf.group(0).strip() and not re.search(r"[:：]", suf.group(0)):
                end = suf.end()
            prose = _PROSE_SEP.match(s, end) if cjk else None
            if prose:
                end = prose.end()
            eng = _ENGLISH_CAPTION.match(s, end) if cjk else None
            if eng:
                end = eng.end()
            elif cjk and _ENGLISH_CAPTION_ALONE.match(s, end):
                end = len(s)  # `证书编号 Certificate No.` in a cell: the value is in the next one
            sep = "none"
            rest = s[end:]
            stripped = rest.lstrip()
            if stripped[:1] in (":", "："):
                sep = "colon"
                end = end + (len(rest) - len(stripped)) + 1
            elif eng:
                sep = "colon"
            elif rest[:1] == " " or not rest:
                sep = "space"
            while end < len(s) and s[end] == " ":
                end += 1
            if not cjk and sep != "colon" and s[end:].strip() and _inside_sentence(s, i):
                continue  # `…the above mentioned products have met…`: a word of a sentence, not a caption
            # mid-line, an English word is a caption only before a colon (`…Road, No. 166…` is no label)
            strong = sep == "colon" or i == 0 or (cjk and sep == "space" and len(label) >= 2 and s[i - 1 : i] == " ")
            out.append(LabelMatch(label, i, end, sep, strong))
            consumed = end
        return out

    def _lost_char_label(self, s: str) -> list[LabelMatch]:
        """A line opening with a known label short of one inner character (OCR lost it) and then a value:
        `成日期2009年10月12日` is 成立日期. Only at the start of a line, and only when no label starts there."""
        m = self.regex.match(s)
        if m and m.group(1):
            return []
        head = s.replace(" ", "")
        for n in range(7, 2, -1):
            label = self.short_forms.get(head[:n])
            if label is None:
                continue
            end, seen = 0, 0
            while seen < n:  # position in `s` (spaces kept) after the n characters
                seen += s[end] != " "
                end += 1
            rest = s[end:].lstrip(" :：")
            if not rest or (rest[:1].isascii() and rest[:1].isalpha()):
                return []
            return [LabelMatch(label, 0, len(s) - len(rest), "none", True, lost_char=True)]
        return []

    @staticmethod
    def _boundary_ok(s: str, i: int, label: str) -> bool:
        if i == 0:
            return True
        prev = s[i - 1]
        if prev in _PUNCT_BEFORE or prev in "(（":
            return True
        if prev == " ":
            before = s[:i].split()
            tok = before[-1] if before else ""
            # `产 品 名 称`: a label's characters spaced out, not a separate word
            return not (len(tok) == 1 and _CJK_CHAR.match(tok))
        if prev.isdigit() or prev.isascii():
            return len(label) >= 2
        return len(label) >= 4

    # -- the document -----------------------------------------------------------------
    def entries(self, doc: Document) -> DocIndex:
        return DocIndex(self, doc)


class DocIndex:
    """Every line and cell of a document with its label matches (built once per document)."""

    def __init__(self, index: LabelIndex, doc: Document, window: tuple[int | None, int] = (None, 0)):
        """`window` = (first, last): index only the first and last pages of a long document
        (None: every page) — labels name a certificate's facts on its first pages or under its seal."""
        self.index = index
        first, last = window
        if first is not None and len(doc.pages) > first + last:
            doc = Document(
                doc.file,
                doc.sha256,
                doc.format,
                doc.pages[:first] + doc.pages[len(doc.pages) - last :],
                doc.warnings,
                doc.metadata,
            )
        self.doc = doc
        self.pages: dict[int, list[Entry]] = {}
        self.cells: list[Entry] = []
        self.ocr_pages = {p.number for p in doc.pages if p.ocr}
        self._by_label: dict[str, list[tuple[int, Entry, int]]] | None = None
        self._entries: list[Entry] | None = None
        self._streams: list | None = None
        self.by_cell: dict[int, Entry] = {}
        for p in doc.pages:
            entries = []
            for i, line in enumerate(p.lines):
                s = spaced(line.raw or line.text)
                entries.append(Entry(line, s, index.matches(s), p.number, i))
            self.pages[p.number] = entries
            for t in p.tables:
                self._add_table(t, p.number)

    def _add_table(self, t: Table, page: int) -> None:
        for r in t.rows:
            for c in r:
                if c.text:
                    s = spaced(c.raw or c.text)
                    line = Line(text=c.text, raw=c.raw, page=page, bbox=c.bbox, confidence=c.confidence, role="cell")
                    self.cells.append(Entry(line, s, self.index.matches(s), page, -1, t, c))
                    self.by_cell[id(c)] = self.cells[-1]
                for nested in c.tables:
                    self._add_table(nested, page)

    def all_entries(self) -> list[Entry]:
        if self._entries is None:
            self._entries = [e for n in sorted(self.pages) for e in self.pages[n]] + self.cells
        return self._entries

    def occurrences(self, label: str) -> list[tuple[int, Entry, int]]:
        """(document order, entry, match index) of every occurrence of `label`."""
        if self._by_label is None:
            self._by_label = {}
            for seq, e in enumerate(self.all_entries()):
                for k, m in enumerate(e.matches):
                    self._by_label.setdefault(m.label, []).append((seq, e, k))
        return self._by_label.get(label, [])

    def streams(self) -> list:
        if self._streams is None:
            self._streams = list(page_streams(self.doc))
        return self._streams

    def is_label_only(self, e: Entry) -> bool:
        return bool(e.matches) and e.matches[0].start == 0 and not e.s[e.matches[0].end :].strip(" :：")

    def starts_with_label(self, e: Entry) -> bool:
        return bool(e.matches) and e.matches[0].start == 0 and e.matches[0].strong


MAX_HITS = 40
_SEP_FACTOR = {"colon": 1.0, "space": 0.95, "none": 0.85}


class Finder:
    """Runs one field's labels over a DocIndex and checks each candidate value."""

    def __init__(self, dix: DocIndex):
        self.dix = dix
        self.spec = dix.index.spec["fields"]

    def labels_for(self, field_name: str, doctype: str | None) -> dict[str, float]:
        cache = self.dix.index.__dict__.setdefault("_labels_for", {})
        key = (field_name, doctype)
        if key not in cache:
            cache[key] = self._labels_for(field_name, doctype)
        return cache[key]

    def _labels_for(self, field_name: str, doctype: str | None) -> dict[str, float]:
        f = self.spec[field_name]
        labels = {_canonical(k): float(v) for k, v in (f.get("labels") or {}).items()}
        for k, v in ((f.get("types") or {}).get(doctype or "", {}) or {}).items():
            labels[_canonical(k)] = float(v)
        return {k: v for k, v in labels.items() if v > 0}

    def find(self, field_name: str, doctype: str | None = None) -> list[Hit]:
        f = self.spec[field_name]
        labels = self.labels_for(field_name, doctype)
        checker = CHECKERS[f.get("value", "text")]
        multiline = bool(f.get("multiline"))
        hits: list[Hit] = []
        occurrences = sorted((o for lab in labels for o in self.dix.occurrences(lab)), key=lambda o: (o[0], o[2]))
        order = 0
        for _, e, k in occurrences:
            if len(hits) >= MAX_HITS:
                break  # the first occurrences are enough; a 500-page report repeats its header
            m = e.matches[k]
            w = labels[m.label] * (0.9 if m.lost_char else 1.0)
            order += 1
            nxt = next((x for x in e.matches[k + 1 :] if x.strong and x.start >= m.end), None)
            value_text = e.s[m.end : nxt.start if nxt else len(e.s)].strip()
            value_text = _UNKNOWN_LABEL.split(value_text, maxsplit=1)[0]
            if value_text.strip(" :：;；,，/、"):
                more: list[Entry] = []
                if multiline and nxt is None and e.table is None:
                    value_text, more = self._continue(e, value_text)
                c = checker(value_text, field_name=field_name)
                if c is not None:
                    hits.append(self._hit(field_name, c, e, None, w * _SEP_FACTOR[m.sep], m, "same line", order, more))
                continue
            if k + 1 < len(e.matches) and e.matches[k + 1].start - m.end <= 2:
                # `统一社会信用代码/注册号：…`: two names for one value — the value belongs to both
                if e.s[m.end : e.matches[k + 1].start].strip() in ("/", "、", "或"):
                    nxt2 = next((x for x in e.matches[k + 2 :] if x.strong), None)
                    value_text = e.s[e.matches[k + 1].end : nxt2.start if nxt2 else len(e.s)].strip()
                    c = checker(value_text, field_name=field_name) if value_text else None
                    if c is not None:
                        hits.append(
                            self._hit(
                                field_name, c, e, None, w * _SEP_FACTOR[e.matches[k + 1].sep], m, "same line", order
                            )
                        )
                continue
            if e.s[: m.start].strip(" :：;；,，.、()（）0123456789") and not (
                m.end >= len(e.s) and (m.sep == "colon" or not _CJK_CHAR.search(m.label))
            ):
                # `天津华信会计师事务所`: a label word ending a name, not a caption — but a sentence ending
                # in its label (`…valid for the following scope:`, `…valid to the following product(s)/service`)
                # gives the value below
                continue
            for other, factor, how in self._neighbours(e):
                text, more = other.s, []
                if multiline and other.table is None and how != "line above":
                    text, more = self._continue(other, text)
                c = checker(text, field_name=field_name)
                if c is not None and (how != "line above" or c.factor >= 1.0):
                    hits.append(self._hit(field_name, c, e, other, w * factor, m, how, order, more))
                    break
        return hits

    def _neighbours(self, e: Entry) -> Iterator[tuple[Entry, float, str]]:
        if e.table is not None:
            yield from self._cell_neighbours(e)
            return
        lines = self.dix.pages[e.page]
        # beside, by position (a PDF may give the value as its own line)
        if e.line.bbox:
            x0, top, x1, bottom = e.line.bbox
            mid = (top + bottom) / 2
            beside = [
                o
                for o in lines
                if o is not e and o.line.bbox and o.line.bbox[0] >= x1 - 1 and o.line.bbox[1] <= mid <= o.line.bbox[3]
            ]
            beside.sort(key=lambda o: o.line.bbox[0])
            if beside and not self.dix.starts_with_label(beside[0]):
                yield beside[0], 0.95, "beside"
        if e.index + 1 < len(lines):
            below = lines[e.index + 1]
            if not self.dix.starts_with_label(below):
                yield below, 0.85, "line under"
        if e.index > 0:
            above = lines[e.index - 1]
            if not above.matches:
                yield above, 0.7, "line above"

    def _cell_neighbours(self, e: Entry) -> Iterator[tuple[Entry, float, str]]:
        t, c = e.table, e.cell
        by_cell = self.dix.by_cell
        row = t.rows[c.row] if c.row < len(t.rows) else []
        right = [x for x in row if x.col >= c.col + c.colspan]
        right.sort(key=lambda x: x.col)
        if right and right[0].text:
            other = by_cell.get(id(right[0]))
            if other is not None and not self.dix.is_label_only(other):
                yield other, 0.98, "next cell"
        below_row = c.row + c.rowspan
        if below_row < len(t.rows):
            for x in t.rows[below_row]:
                if x.col <= c.col < x.col + x.colspan and x.text:
                    other = by_cell.get(id(x))
                    if other is not None and not self.dix.is_label_only(other):
                        yield other, 0.85, "cell below"

    def _continue(self, e: Entry, text: str, max_lines: int = 8) -> tuple[str, list[Entry]]:
        """The value continued over the following unlabelled lines, and those lines."""
        lines = self.dix.pages.get(e.page, [])
        parts, used = [text], []
        prev = e
        for o in lines[e.index + 1 : e.index + 1 + max_lines]:
            if _far_below(prev, o) or _whole_org_name(o.s):
                break  # the body signing at the foot, past a blank space, is not more of the value
            prev = o
            if o.matches and any(m.strong for m in o.matches):
                break
            if re.match(r"^[\u4e00-\u9fff()（）/]{2,10}\s*[:：]", o.s):  # an unknown `label:` line
                break
            if len(o.s) < 4 or re.search(r"(兹证明|特发此证|发证|日期|有效期|\d{4}\s*年)", o.s):
                break
            if re.match(r"^\s*[(（].*[)）]\s*$", o.s):
                break  # a note in brackets under the value (`(请注意以上范围代表…)`) is not more of it
            if bool(_CJK_CHAR.search(text)) != bool(_CJK_CHAR.search(o.s)):
                break  # a bilingual certificate's translation line, not more of the value
            parts.append(o.s)
            used.append(o)
        return " ".join(parts), used

    def _hit(
        self,
        name: str,
        c: Checked,
        label_entry: Entry,
        value_entry: Entry | None,
        w: float,
        m: LabelMatch,
        how: str,
        order: int,
        more: tuple[Entry, ...] | list[Entry] = (),
    ) -> Hit:
        src = (
            [label_entry]
            if value_entry is None
            else ([value_entry, label_entry] if how == "line above" else [label_entry, value_entry])
        )
        src = src + list(more)
        text = " ".join(x.line.text for x in src)
        raw = " ".join(x.line.raw for x in src)
        line_conf = min(x.line.confidence for x in src)
        ocr_lines = [x.line.confidence for x in src if x.page in self.dix.ocr_pages]
        return Hit(
            name,
            c.value,
            label_entry.page,
            text,
            raw,
            max(0.0, min(1.0, w * c.factor * line_conf)),
            ocr=bool(ocr_lines),
            label=m.label,
            how=how,
            order=order,
            extra=c.extra,
            ocr_confidence=min(ocr_lines) if ocr_lines else None,
        )


def _far_below(a: Entry, b: Entry) -> bool:
    """`b` starts more than a line's height below `a` ends (a gap in the page, not a wrapped line)."""
    if not a.line.bbox or not b.line.bbox:
        return False
    height = a.line.bbox[3] - a.line.bbox[1]
    return height > 0 and b.line.bbox[1] - a.line.bbox[3] > height


_LIST_PUNCT = re.compile(r"[、,，;；]")


def _whole_org_name(s: str) -> bool:
    """A line that is nothing but an organisation's name (`中国质量认证中心`, `… Certification Co., Ltd.`)."""
    if _LIST_PUNCT.search(s.replace("Co., Ltd", "")):
        return False
    c = CHECKERS["org"](s)
    return c is not None and c.factor >= 1.0 and c.value == s.strip()


def best(hits: list[Hit]) -> Hit | None:
    """Highest confidence; the earliest among equals."""
    if not hits:
        return None
    return max(hits, key=lambda h: (round(h.confidence, 3), -h.order))


def page_streams(doc: Document) -> Iterator[tuple[int, str, list[tuple[int, int, Line]]]]:
    """Each page's body text as one string, a line that reaches the right margin joined to the next
    without a break (a wrapped sentence), other lines separated by "\n"; with (start, end, line) spans."""
    for p in doc.pages:
        rights = [l.bbox[2] for l in p.lines if l.bbox]
        margin = max(rights) if rights else None
        parts, spans, pos = [], [], 0
        for i, l in enumerate(p.lines):
            spans.append((pos, pos + len(l.text), l))
            parts.append(l.text)
            pos += len(l.text)
            if i + 1 < len(p.lines):
                wrapped = (
                    margin is not None
                    and l.bbox is not None
                    and l.bbox[2] >= margin - 15
                    and p.lines[i + 1].bbox is not None
                    and p.lines[i + 1].bbox[1] > l.bbox[1]
                )
                if not wrapped:
                    parts.append("\n")
                    pos += 1
        yield p.number, "".join(parts), spans


def lines_at(spans: list[tuple[int, int, Line]], start: int, end: int) -> list[Line]:
    return [l for a, b, l in spans if a < end and b > start] or [l for a, b, l in spans if a <= start <= b][:1]
