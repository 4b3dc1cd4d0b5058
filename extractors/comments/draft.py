"""The draft standard's clause tree (章、条、列项、附录、前言、表、图) read from a Document.

Works on any reader's output (DOCX paragraphs, PDF lines, Markdown or plain
text), because it only looks at lines. Numbering is accepted only where it
continues the tree (chapter n+1 after n, a sub-clause under an existing parent,
siblings increasing), so dates, phone numbers and wrapped sentences starting
with a digit do not become clauses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..model import Document
from ..text import normalize
from .clauses import sort_key
from .rules import load_rules

_MD = re.compile(r"^\s*(?:#{1,6}\s*|[-*+]\s+|>\s*)+")
_BOLD = re.compile(r"\*\*|__|`")
_CLAUSE = re.compile(r"^(\d{1,2}(?:\.\d{1,3})*)(?![\d.]*\d)(?:\s+|(?=[\u4e00-\u9fff“\"「《(（])|$)(.*)$")
_APPX_CLAUSE = re.compile(r"^([A-Z])\.(\d{1,3}(?:\.\d{1,3})*)(?:\s+|(?=[\u4e00-\u9fff“\"「《(（])|$)(.*)$")
_APPX = re.compile(r"^附\s*录\s*([A-Z])(?![A-Za-z])\s*(.*)$")
_ITEM = re.compile(r"^([a-z])\s*[)）]\s*(.*)$")
_CAPTION = re.compile(r"^([表图])\s*((?:[A-Z]\.?)?\d{1,3}(?:\.\d{1,3})*)(?![\d.]*\d)\s*(.{0,60})$")
_FRONT = {"前言": "前言", "引言": "引言", "目次": "目次"}
_DATE_CN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_STOP = re.compile(r"^附\s*件\s*\d")


@dataclass
class Clause:
    id: str  # "4", "7.2.5", "7.2.5a", "附录A", "A.1", "表1", "图1", "前言"
    title: str  # heading text (for numbered clauses without a heading: the start of the text)
    kind: str  # front | chapter | clause | item | appendix | table | figure
    parent: str | None = None
    page: int | None = None
    text: str = ""  # the clause's own text (up to a few hundred characters)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "parent": self.parent,
            "page": self.page,
            "text": self.text,
        }


@dataclass
class RefCheck:
    ref: str
    valid: bool
    suggestion: str | None = None  # nearest real clause when not valid
    resolved: str | None = None  # the clause id a title-only reference resolved to


@dataclass
class DraftStandard:
    title: str
    clauses: dict[str, Clause] = field(default_factory=dict)
    code: str | None = None  # T/CAQI **—2025
    deadline: str | None = None  # ISO date named in the notice (…于2026年1月8日前反馈)
    drafting_unit: str | None = None
    warnings: list[str] = field(default_factory=list)

    # -- queries -------------------------------------------------------------
    def ids(self) -> list[str]:
        return sorted(self.clauses, key=sort_key)

    def __contains__(self, ref: str) -> bool:
        return self.check(ref).valid

    def check(self, ref: str) -> RefCheck:
        """Is `ref` (a normalised id from parse_refs) a real place in this draft?"""
        if not ref:
            return RefCheck(ref, False, None)
        if ref in self.clauses or ref in ("全文", "整体", "总体", "标准名称", "名称", "题目", "标题", "封面"):
            return RefCheck(ref, True)
        if ref == "范围" and "1" in self.clauses:
            return RefCheck(ref, True, resolved="1")
        for word in ("规范性引用文件", "术语和定义"):
            if ref == word:
                hit = next((c.id for c in self.clauses.values() if c.kind == "chapter" and word in c.title), None)
                if hit:
                    return RefCheck(ref, True, resolved=hit)
        m = re.fullmatch(r"(.+?\d)([a-z])", ref)
        if m and m.group(1) in self.clauses:
            has_items = any(c.kind == "item" and c.parent == m.group(1) for c in self.clauses.values())
            if not has_items:  # the reader saw no list items there: trust the base clause
                return RefCheck(ref, True, resolved=m.group(1))
        return RefCheck(ref, False, self.nearest(ref))

    def nearest(self, ref: str) -> str | None:
        """The real clause closest to an invalid reference: same parent and nearest number, else the
        deepest existing ancestor, else the closest by sort order."""
        if not self.clauses:
            return None
        m = re.fullmatch(r"(.+?\d)([a-z])", ref)
        if m:
            if m.group(1) in self.clauses:
                items = sorted(c.id for c in self.clauses.values() if c.kind == "item" and c.parent == m.group(1))
                return items[-1] if items and ref > items[-1] else m.group(1)
            ref = m.group(1)
        parts = ref.split(".")
        if re.fullmatch(r"[A-Z]?\d*(?:\.\d+)*", ref) and parts:
            parent = ".".join(parts[:-1]) or None
            siblings = [
                c
                for c in self.clauses.values()
                if c.kind in ("chapter", "clause", "appendix")
                and c.parent == parent
                and re.fullmatch(r"[A-Z]?[\d.]+", c.id)
            ]
            if not parent:
                siblings = [c for c in self.clauses.values() if c.kind == "chapter"]
            try:
                last = int(parts[-1])
                if siblings:
                    return min(siblings, key=lambda c: (abs(int(c.id.split(".")[-1]) - last), c.id)).id
            except ValueError:
                pass
            while len(parts) > 1:
                parts = parts[:-1]
                if ".".join(parts) in self.clauses:
                    return ".".join(parts)
        kind = ref[:1] if ref[:1] in "表图" else ("附录" if ref.startswith("附录") else None)
        if kind:
            same = [c for c in self.ids() if c.startswith(kind)]
            if not same:
                return None  # the draft has no table / figure / appendix at all
            return min(same, key=lambda c: abs(ord(c[-1]) - ord(ref[-1])))
        hit = self.find_by_title(ref, cutoff=60)
        if hit:
            return hit
        key = sort_key(ref)
        ids = self.ids()
        before = [i for i in ids if sort_key(i) <= key]
        return before[-1] if before else ids[0]

    def find_by_title(self, text: str, cutoff: float | None = None) -> str | None:
        """A clause named by its heading (`证书管理` → 8)."""
        if cutoff is None:
            cutoff = load_rules()["thresholds"]["clause_title_match"] * 100
        titled = {
            c.id: normalize(c.title)
            for c in self.clauses.values()
            if c.kind in ("chapter", "clause", "appendix") and c.title
        }
        if not titled or not text:
            return None
        hit = process.extractOne(normalize(text), titled, scorer=fuzz.ratio, score_cutoff=cutoff)
        return hit[2] if hit else None

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "code": self.code,
            "deadline": self.deadline,
            "drafting_unit": self.drafting_unit,
            "clauses": [self.clauses[i].to_json() for i in self.ids()],
            "warnings": self.warnings,
        }

    @classmethod
    def from_json(cls, d: dict) -> DraftStandard:
        clauses = {c["id"]: Clause(**c) for c in d.get("clauses", [])}
        return cls(
            title=d.get("title") or "",
            clauses=clauses,
            code=d.get("code"),
            deadline=d.get("deadline"),
            drafting_unit=d.get("drafting_unit"),
            warnings=list(d.get("warnings", [])),
        )


def _clean(text: str) -> str:
    if re.fullmatch(r"\s*[-*_=]{3,}\s*", text or ""):
        return ""  # Markdown rule
    return normalize(_BOLD.sub("", _MD.sub("", text or "")))


def markdown_document(text: str, file: str = "draft.md") -> Document:
    """A Markdown or plain-text draft as a Document (headings and list markers stripped; the
    headings' text kept in metadata["headings"])."""
    lines = [_unmarked(s) if _clean(s) else "" for s in text.splitlines()]  # as written, markers off
    doc = Document.from_text("\n".join(s for s in lines if s), file=file)
    doc.metadata["headings"] = [_clean(s) for s in text.splitlines() if re.match(r"^\s*#{1,6}\s", s) and _clean(s)]
    return doc


def _iso(m: re.Match) -> str:
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


class _TreeBuilder:
    def __init__(self):
        self.clauses: dict[str, Clause] = {}
        self.last_chapter = 0
        self.current: Clause | None = None  # last numbered clause (list items attach here)
        self.appendix: str | None = None
        self.last_child: dict[str | None, int] = {}

    def add(self, c: Clause) -> None:
        self.clauses[c.id] = c
        self.current = c if c.kind != "item" else self.current
        self._last = c

    def numbered(self, number: str, rest: str, page: int) -> bool:
        parts = number.split(".")
        if len(parts) == 1:
            n = int(parts[0])
            if (
                self.appendix
                or not (self.last_chapter < n <= self.last_chapter + 2)
                or len(rest) > 40
                or re.search(r"[。；;，,]$", rest)
                or not rest
            ):
                return False
            self.last_chapter = n
            self.add(Clause(number, rest, "chapter", None, page))
            return True
        parent = ".".join(parts[:-1])
        if parent not in self.clauses or self.appendix:
            return False
        n = int(parts[-1])
        if n <= self.last_child.get(parent, 0) or n > self.last_child.get(parent, 0) + 5:
            return False
        self.last_child[parent] = n
        title = rest if len(rest) <= 30 and not re.search(r"[。；;，,]", rest) else ""
        c = Clause(number, title, "clause", parent, page, rest[:300] if not title else "")
        self.add(c)
        return True

    def appendix_clause(self, letter: str, number: str, rest: str, page: int) -> bool:
        parts = number.split(".")
        parent = f"附录{letter}" if len(parts) == 1 else f"{letter}." + ".".join(parts[:-1])
        if parent not in self.clauses:
            return False
        cid = f"{letter}.{number}"
        if cid in self.clauses:
            return False
        title = rest if len(rest) <= 30 and not re.search(r"[。；;，,]", rest) else ""
        self.add(Clause(cid, title, "clause", parent, page, rest[:300] if not title else ""))
        return True


def read_draft(doc: Document) -> DraftStandard:
    """The clause tree, title, deadline and drafting unit of a draft standard.

    A DOCX whose numbers come from Word's automatic numbering carries the rendered
    paragraphs in `doc.metadata["numbered_lines"]` (see numbering.py); whichever
    reading gives the larger tree is used.
    """
    lines = [(l.page, _clean(l.text)) for l in doc.lines(include_cells=False)]
    best = _read_lines([(p, t) for p, t in lines if t])
    numbered = doc.metadata.get("numbered_lines")
    if numbered:
        other = _read_lines([(None, t) for t in (_clean(x) for x in numbered) if t])
        if len(other.clauses) > len(best.clauses):
            best = other
    best.title = draft_title(doc, [(p, t) for p, t in lines if t])
    _as_written_in_draft(best, doc)
    best.warnings = [w for w in best.warnings if w != "no standard title found"]
    if not best.title:
        best.warnings.append("未找到标准名称")
    return best


def _as_written_in_draft(d: DraftStandard, doc: Document) -> None:
    """The title and each clause's heading and text as the draft writes them (full-width ：，～ and
    the space in 型材 第1部分 kept): they were read from normalised lines, for matching."""
    pairs = [(_clean(l.text), _unmarked(l.raw or l.text)) for l in doc.lines(include_cells=False)]
    pairs = [(n, r) for n, r in pairs if n]
    d.title = _written(d.title, pairs)
    d.drafting_unit = _written(d.drafting_unit or "", pairs) or d.drafting_unit
    for c in d.clauses.values():
        c.title, c.text = _written(c.title, pairs), _written(c.text, pairs)


def _unmarked(raw: str) -> str:
    return _BOLD.sub("", _MD.sub("", raw)).strip()


def _align(raw: str, norm: str) -> list[int] | None:
    """For each character of `norm` (the normalised `raw`), the index in `raw` it came from."""
    out: list[int] = []
    for i, ch in enumerate(raw):
        c = unicodedata.normalize("NFKC", ch)
        if c.isspace() or not c:
            if len(out) < len(norm) and norm[len(out)] == " " and out and raw[out[-1]] != ch:
                out.append(i)
            continue
        if not norm.startswith(c, len(out)):
            return None
        out.extend([i] * len(c))
    return out if len(out) == len(norm) else None


def _span(raw: str, norm: str, a: int, b: int) -> str | None:
    m = _align(raw, norm)
    return raw[m[a] : m[b - 1] + 1] if m and b > a else None


def _written(value: str, pairs: list[tuple[str, str]]) -> str:
    """`value` (a piece of one line, or of consecutive lines joined) as the lines write it."""
    if not value:
        return value
    for i, (norm, _) in enumerate(pairs):
        k = norm.find(value[:12])
        if k < 0:
            continue
        pieces, rest, pos = [], value, k
        for n, r in pairs[i:]:
            seg = n[pos:]
            take = seg if rest.startswith(seg) else (rest if seg.startswith(rest) else None)
            piece = _span(r, n, pos, pos + len(take)) if take else None
            if piece is None:
                break
            pieces.append(piece)
            rest, pos = rest[len(take) :], 0
            if not rest:
                return "".join(pieces)
    return value


def draft_title(doc: Document, lines: list[tuple[int, str]]) -> str:
    """The draft's own name, surest first: the Title-styled paragraph, the heading GB/T 1.1 repeats
    before chapter 1, the line above (征求意见稿), the cover's biggest line, the first heading, and
    last a notice's 《…》 about the draft (never a standard cited in the 前言)."""
    from .title import cover_title, first_heading, plausible

    styled = [t for t in doc.metadata.get("title_styled", []) if plausible(t)]
    if styled:
        return _strip_title(styled[0])
    return (
        _title(lines)
        or _strip_title(cover_title(doc))
        or _strip_title(first_heading(doc.metadata.get("headings", [])))
        or _notice_title(lines)
    )


def _read_lines(lines: list[tuple[int | None, str]]) -> DraftStandard:
    b = _TreeBuilder()
    title = _title(lines)
    deadline = drafting = code = None
    last: Clause | None = None
    for page, t in lines:
        if _STOP.match(t) and b.last_chapter:
            break
        if code is None:
            m = re.match(r"^((?:GB|GB/T|T/[A-Z]+|DB\d*/T|[A-Z]{2}/T)\s*[\w*＊.]+\s*[—\-–]+\s*[\dXx]{4})", t)
            if m:
                code = m.group(1)
        if deadline is None and re.search(r"前|截止|之前", t) and re.search(r"反馈|意见|返回|提交|报送", t):
            m = _DATE_CN.search(t)
            if m:
                deadline = _iso(m)
        m = re.match(r"^(?:本(?:文件|标准))?(?:主要|负责)?起草单位[:：]\s*(.+?)[。.]?$", t)
        if m and m.group(1).strip("。. "):
            drafting = m.group(1).strip("。. ")
        m = re.match(r"^本(?:文件|标准)由(.+?)提出", t)
        if m and not drafting:
            drafting = m.group(1)
        key = re.sub(r"\s+", "", t)
        if key in _FRONT and key not in b.clauses:
            b.add(Clause(key, key, "front", None, page))
            last = b.clauses[key]
            continue
        m = _APPX.match(t)
        if m and f"附录{m.group(1)}" not in b.clauses and len(t) < 60:
            b.appendix = m.group(1)
            b.add(Clause(f"附录{m.group(1)}", m.group(2).strip(), "appendix", None, page))
            last = b.clauses[f"附录{m.group(1)}"]
            continue
        m = _CAPTION.match(t)
        if m and not re.search(r"[。；]$", t):
            cid = m.group(1) + m.group(2).replace("A", "A")
            if cid not in b.clauses:
                b.clauses[cid] = Clause(
                    cid,
                    m.group(3).strip(),
                    "table" if m.group(1) == "表" else "figure",
                    b.current.id if b.current else None,
                    page,
                )
            continue
        m = _APPX_CLAUSE.match(t)
        if m and b.appendix == m.group(1) and b.appendix_clause(m.group(1), m.group(2), m.group(3).strip(), page):
            last = b._last
            continue
        m = _CLAUSE.match(t)
        if m and b.numbered(m.group(1), m.group(2).strip(), page):
            last = b._last
            continue
        m = _ITEM.match(t)
        if m and b.current is not None and b.current.kind in ("chapter", "clause"):
            cid = b.current.id + m.group(1)
            if cid not in b.clauses:
                b.clauses[cid] = Clause(cid, "", "item", b.current.id, page, m.group(2)[:300])
            continue
        if last is not None and len(last.text) < 300:
            last.text = (last.text + t)[:300]
    d = DraftStandard(title=title, clauses=b.clauses, code=code, deadline=deadline, drafting_unit=drafting)
    if not b.last_chapter:
        d.warnings.append("未找到编号的章条：这是标准征求意见稿吗？")
    if not title:
        d.warnings.append("未找到标准名称")
    return d


def _strip_title(t: str) -> str:
    t = re.sub(r"[（(]\s*征求意见稿\s*[)）]", "", t)
    m = re.search(r"《(.+?)》", t)
    if m:
        t = m.group(1)
    return t.strip(" 《》“”") if t.count("“") != t.count("”") else t.strip(" 《》")


def _title(lines: list[tuple[int, str]]) -> str:
    from .title import plausible

    # 1. the heading right before chapter 1 (GB/T 1.1 repeats the title there)
    for i, (_, t) in enumerate(lines):
        if re.match(r"^1\s*(?:范围|总则)", t) and i:
            prev = lines[i - 1][1]
            if plausible(prev) and not re.match(r"^[\d.]+\s", prev):
                return _strip_title(prev)
            break
    # 2. the line before "(征求意见稿)", skipping the English title
    for i, (_, t) in enumerate(lines):
        if re.fullmatch(r"[（(]?\s*征求意见稿\s*[)）]?", t):
            for _, prev in reversed(lines[max(0, i - 3) : i]):
                if re.search(r"[\u4e00-\u9fff]", prev) and plausible(prev):
                    return _strip_title(prev)
    return ""


def _notice_title(lines: list[tuple[int, str]]) -> str:
    """《…》 in a notice about the draft (关于《…》征求意见的通知), not a standard a sentence cites."""
    from .title import is_citation

    for _, t in lines:
        if "征求意见" not in t and "标准" not in t:
            continue
        for m in re.finditer(r"《(.+?)》", t):
            if not is_citation(t, m.start()):
                return _strip_title(m.group(1))
    return ""
