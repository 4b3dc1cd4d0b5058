"""A filled-in comment sheet (征求意见表) → CommentSheet.

Pure: works on an `extractors.model.Document` from any reader. The layout is
found, not assumed: header information is read from table rows or from
paragraphs (`单位名称：…`), the comment table from whichever header row names
clause and comment columns (label variants in rules.yaml), continued over
split tables, repeated header rows and rows with an empty 序号.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..model import Document, Table
from ..text import normalize
from .clauses import parse_refs, primary
from .dates import find_date
from .rules import label_key, load_rules, match_label


@dataclass
class Comment:
    seq: int  # position in the sheet, 1..n (unique within the sheet)
    clause: str  # normalised primary reference ("" where none)
    clause_raw: str  # as written
    comment: str
    reason: str = ""
    clauses: list[str] = field(default_factory=list)  # every reference (several, ranges expanded)
    seq_raw: str = ""  # the 序号 as written ("3", or "3(2)" for the 2nd comment numbered inside row 3)
    original: str = ""  # 原文 column where the sheet has one
    suggestion: str = ""  # 修改建议 / 修改后内容 column where the sheet has one
    page: int | None = None
    proposer: str = ""  # who made this comment, on a consolidated sheet with a 提出单位 column
    # the texts exactly as the commenter wrote them (comment/reason/… above are normalised, for matching)
    comment_raw: str = ""
    reason_raw: str = ""
    original_raw: str = ""
    suggestion_raw: str = ""
    # read from a scan: the lowest OCR confidence of its cells and where its row is on the page
    # ({"page": n, "bbox": [x0, top, x1, bottom]}); None for text read from a text layer or typed
    confidence: float | None = None
    region: dict | None = None
    image: str = ""  # sha256 of the region's picture in the blob store, once stored (not in the JSON)

    def __post_init__(self) -> None:
        for name in ("comment", "reason", "original", "suggestion"):
            if not getattr(self, name + "_raw"):
                setattr(self, name + "_raw", getattr(self, name))

    def to_json(self) -> dict:
        return {
            "seq": self.seq,
            "clause": self.clause,
            "clause_raw": self.clause_raw,
            "comment": self.comment,
            "reason": self.reason,
            "clauses": self.clauses,
            "seq_raw": self.seq_raw,
            "original": self.original,
            "suggestion": self.suggestion,
            "page": self.page,
            "proposer": self.proposer,
            "comment_raw": self.comment_raw,
            "reason_raw": self.reason_raw,
            "original_raw": self.original_raw,
            "suggestion_raw": self.suggestion_raw,
            "confidence": self.confidence,
            "region": self.region,
        }

    @classmethod
    def from_json(cls, d: dict) -> Comment:
        keys = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in keys})


@dataclass
class CommentSheet:
    file: str
    sha256: str
    error: str | None = None
    is_comment_sheet: bool = True
    standard_title: str = ""
    submitter: str = ""
    submitter_kind: str = "organisation"  # organisation | expert
    contact_person: str = ""
    contact: str = ""
    signed: bool = False
    date: str | None = None  # the date written on the sheet (日期 line)
    comments: list[Comment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    review: str | None = None  # 待人工核对: why a person must look at it and what to do (Chinese)
    submitter_raw: str = ""  # the unit's or expert's name as written (brackets, spaces kept)

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "error": self.error,
            "is_comment_sheet": self.is_comment_sheet,
            "standard_title": self.standard_title,
            "submitter": self.submitter,
            "submitter_kind": self.submitter_kind,
            "contact_person": self.contact_person,
            "contact": self.contact,
            "signed": self.signed,
            "date": self.date,
            "comments": [c.to_json() for c in self.comments],
            "warnings": list(self.warnings),
            "review": self.review,
            "submitter_raw": self.submitter_raw or self.submitter,
        }

    @classmethod
    def from_json(cls, d: dict) -> CommentSheet:
        keys = cls.__dataclass_fields__
        s = cls(**{k: v for k, v in d.items() if k in keys and k != "comments"})
        s.comments = [Comment.from_json(c) for c in d.get("comments", [])]
        return s


# ---------------------------------------------------------------------------
# the commenter's own text: kept as written; normalised only for matching


def as_written(raw: str, wrapped: bool = False) -> str:
    """A cell's text as the commenter wrote it: punctuation and inner spaces kept, blank lines and
    the white space around lines dropped; `wrapped` (a PDF cell) joins the lines the layout wrapped."""
    if wrapped:
        from ..readers.pdf import unwrap

        raw = unwrap(raw)
    return "\n".join(x.strip() for x in (raw or "").split("\n") if x.strip())


def normalised(raw: str) -> str:
    """The matching form of a text: each line NFKC-normalised, CJK spacing removed."""
    return "\n".join(t for t in (normalize(x) for x in (raw or "").split("\n")) if t)


# ---------------------------------------------------------------------------
# numbered items inside one cell / in attached text

# An item starts at the text's start, after white space or after 。；，. No leading `\s*`: white space
# before a number already satisfies (?<=\s), and a `\s*` there would be tried from every position of
# a run of spaces (quadratic on a cell of 10,000 line separators).
_ITEM_START = re.compile(
    r"(?:(?<=^)|(?<=\s)|(?<=[。；;，,]))(?:[(（]\s*(\d{1,2})\s*[)）]|(\d{1,2})\s*(?:[.、．](?!\d)|[)）])|([①-⑳]))"
)


def split_numbered(text: str) -> list[str]:
    """`1. … 2. …` (at line starts or after 。；) → the items; [text] when not a 1, 2, 3 … list."""
    if not text:
        return [text]
    hits = []
    expected = 1
    for m in _ITEM_START.finditer(text):
        n = m.group(1) or m.group(2)
        num = int(n) if n else ord(m.group(3)) - ord("①") + 1
        if num == expected:
            hits.append(m)
            expected += 1
    if len(hits) < 2:
        return [text]
    head = text[: hits[0].start()].strip()
    items = [text[a.end() : (b.start() if b else len(text))].strip(" \n；;") for a, b in zip(hits, hits[1:] + [None])]
    if head and len(head) > 20:  # real text before "1." – not a list
        return [text]
    return [i for i in items if i]


# ---------------------------------------------------------------------------
# header information


def _header_roles() -> dict[str, list[str]]:
    return load_rules()["header"]


def _split_label(text: str, loose: bool = True) -> tuple[str | None, str]:
    """ "单位名称：某公司" → ("submitter", "某公司"); a bare label → (role, "")."""
    roles = _header_roles()
    m = re.match(r"^\s*([^:：]{1,16})[:：]\s*(.*)$", text, re.S)
    if m:
        role = match_label(m.group(1), roles, exact_only=True)
        if role:
            return role, m.group(2).strip()
    key = label_key(text)
    # "单位名称或专家姓名（盖章）": a label with a note; values (names, numbers) are never this short and label-led
    exact = not loose or len(key) > 14 or bool(re.search(r"\d", key))
    return match_label(text, roles, exact_only=exact), ""


@dataclass
class _Header:
    values: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # role → label text as written
    signature_seen: bool = False
    signature_images: bool = False

    def put(self, role: str, label: str, value: str) -> None:
        value = value.strip()
        if role == "signature":
            self.signature_seen = True
        self.labels.setdefault(role, label)
        if not value:
            return
        if role == "contact" and self.values.get("contact") and value not in self.values["contact"]:
            self.values["contact"] += " / " + value
        else:
            self.values.setdefault(role, value)


def _header_from_table(t: Table, rows: range, h: _Header, loose: bool = True) -> None:
    """Label cells and the value to their right. `loose` (label notes such as 单位名称（盖章）) only
    above the comment table's header: below it, short comments must not pass for labels."""
    for r in rows:
        cells = t.rows[r]
        if len(cells) >= 2 and r + 1 < len(t.rows) and r + 1 in rows:
            roles = [_split_label(c.text, loose) for c in cells]
            below = t.rows[r + 1]
            if (
                all(role and not value for role, value in roles)
                and len(below) == len(cells)
                and not any(_split_label(c.text, loose)[0] for c in below)
            ):
                for (role, _), label_cell, value_cell in zip(roles, cells, below):
                    h.put(role, label_cell.text, value_cell.text)  # labels in one row, values under them
                continue
        i = 0
        while i < len(cells):
            role, inline = _split_label(cells[i].text, loose)
            if role:
                value = inline
                if not value and i + 1 < len(cells) and not _split_label(cells[i + 1].text, loose)[0]:
                    value = cells[i + 1].text
                    if role == "signature" and getattr(cells[i + 1], "images", False):
                        h.signature_images = True
                    i += 1
                h.put(role, cells[i - (1 if value and not inline else 0)].text, value)
            i += 1


@functools.lru_cache(maxsize=1)
def _label_regex() -> re.Pattern:
    words = sorted({w for ws in _header_roles().values() for w in ws}, key=len, reverse=True)
    return re.compile(r"(?:^|(?<=\s)|(?<=[，,；;]))(" + "|".join(re.escape(normalize(w)) for w in words) + r")\s*[:：]")


def _header_from_line(text: str, h: _Header) -> None:
    rx = _label_regex()
    hits = list(rx.finditer(text))
    for a, b in zip(hits, hits[1:] + [None]):
        role = match_label(a.group(1), _header_roles(), exact_only=True)
        if role:
            value = normalize(text[a.end() : (b.start() if b else len(text))]).strip(" ，,；;")
            h.put(role, a.group(1), value)


# ---------------------------------------------------------------------------
# comment tables


@dataclass
class _Columns:
    roles: dict[str, list[int]]  # role → grid columns
    n_cols: int
    header_keys: set[str]  # label keys of the header row (to spot repeated headers)


def _find_header(t: Table) -> tuple[int, _Columns] | None:
    cols_rules = load_rules()["columns"]
    filled = t.grid(fill_merged=True)
    for r, row in enumerate(filled):
        roles: dict[str, list[int]] = {}
        nonempty = [c for c in row if c]
        labelled = 0
        for c, text in enumerate(row):
            role = match_label(text, cols_rules) if text else None
            if role:
                labelled += 1
                if c not in roles.setdefault(role, []):
                    roles[role].append(c)
        has_place = "clause" in roles or "original" in roles
        has_text = "comment" in roles or "suggestion" in roles
        if (
            has_text
            and (has_place or "reason" in roles or "seq" in roles)
            and nonempty
            and labelled / len(nonempty) >= 0.6
        ):
            # a second header row (修改意见 over 原文 | 建议) refines the columns
            if r + 1 < len(filled):
                sub = {c: match_label(x, cols_rules) for c, x in enumerate(filled[r + 1]) if x}
                if sub and all(sub.values()) and len(sub) >= 2:
                    for c, role in sub.items():
                        for rl in list(roles):
                            if c in roles[rl]:
                                roles[rl].remove(c)
                        roles.setdefault(role, []).append(c)
                    r += 1
            roles = {k: v for k, v in roles.items() if v}
            keys = {label_key(x) for x in row if x}
            return r, _Columns(roles, t.n_cols, keys)
    return None


def _is_footer(text: str) -> bool:
    return any(text.startswith(p) for p in load_rules()["footer_prefixes"])


def _see_attachment(text: str) -> bool:
    key = label_key(text)
    return bool(key) and len(key) <= 12 and any(label_key(w) in key for w in load_rules()["see_attachment"])


@dataclass
class _Draft:
    """A comment being assembled from one or more rows."""

    seq_raw: str
    clause_raw: str
    parts: dict[str, list[str]]
    page: int
    cells: list = field(default_factory=list)  # the model.Cells it was read from (confidence, place)

    def add(self, role: str, text: str) -> None:
        if text:
            self.parts.setdefault(role, []).append(text)

    def text(self, role: str) -> str:
        return "\n".join(self.parts.get(role, []))

    def scanned(self) -> tuple[float | None, dict | None]:
        """(lowest confidence of its cells with text, the region of its rows on the page)."""
        boxes = [c.bbox for c in self.cells if c.bbox]
        if not boxes:
            return None, None
        conf = min((c.confidence for c in self.cells if c.text), default=1.0)
        bbox = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]
        return round(conf, 3), {"page": self.page, "bbox": [round(v, 1) for v in bbox]}


def _rows(t: Table, start: int, cols: _Columns, pending: list[_Draft], wrapped: bool = False) -> None:
    origin = t.grid()
    filled = t.grid(fill_merged=True)
    # each cell as written (its normalised text where a reader kept no original)
    written = [
        [(as_written(x, wrapped) or y) if y else "" for x, y in zip(rr, ro)] for rr, ro in zip(t.grid(raw=True), origin)
    ]

    def get(grid, r, role):
        return "\n".join(grid[r][c] for c in cols.roles.get(role, []) if c < len(grid[r]) and grid[r][c])

    # A 序号 column left empty in every row (Word's automatic numbering is not text): rows are told
    # apart by sentence ends instead of by numbers.
    numbered = any(
        re.fullmatch(r"[\d一二三四五六七八九十()（）.、 ]+", get(origin, r, "seq") or "-")
        for r in range(start, len(origin))
    )

    for r in range(start, len(origin)):
        row = origin[r]
        texts = [x for x in row if x]
        if not texts:
            continue
        if {label_key(x) for x in texts} <= cols.header_keys | {""} and len(texts) >= 2:
            continue  # header row repeated on a new page
        if _only_labels(texts):
            continue  # a sub-header row (原文为 | 修改为, 提出单位 | 提出人员), however its cells were split
        first = texts[0]
        if _is_footer(first) and len(texts) == 1:
            continue
        if _split_label(first, loose=False)[0]:
            continue  # header information inside the comment table (签名/日期 rows at the bottom)
        seq = get(origin, r, "seq")
        clause_own = get(origin, r, "clause")
        body = {role: get(written, r, role) for role in ("original", "comment", "suggestion", "reason", "remark")}
        proposer = get(filled, r, "proposer")
        has_body = any(body.values())
        if not has_body:
            if len(clause_own) <= 15:
                continue  # a blank template row, one with only a number or only a clause
            # the whole comment written into the clause column ("第4章：建议……")
            body["comment"], clause_own = get(written, r, "clause"), _leading_ref(clause_own) or " "
        if not seq and not clause_own and pending and (numbered or not _ends_sentence(pending[-1])):
            for role, text in body.items():
                pending[-1].add(role, text)  # the comment goes on in this row
            pending[-1].cells.extend(t.rows[r])
            continue
        d = _Draft(
            seq_raw=seq or get(filled, r, "seq"),
            clause_raw=(clause_own or get(filled, r, "clause")).strip(),
            parts={},
            page=t.page,
            cells=list(t.rows[r]),
        )
        for role, text in body.items():
            d.add(role, text)
        d.add("proposer", proposer)
        pending.append(d)


def _speck(row) -> bool:
    """A row read from a scan whose only text is a letter or two and that names no clause: dust or a pen
    stroke the OCR took for a character on an empty row, not a comment (a comment says something)."""
    _seq, clause_raw, parts, _page = row
    if "_scan" not in parts or clause_raw.strip():
        return False
    said = "".join(parts[k] or "" for k in ("comment", "suggestion", "reason", "original"))
    return sum(ch.isalnum() for ch in said) < 2


def _with_scan(parts: dict, d: _Draft, scanned: set[int]) -> dict:
    """A comment read from a scanned page carries its confidence and region (parts["_scan"])."""
    if d.page in scanned:
        parts["_scan"] = d.scanned()
    return parts


def _only_labels(texts: list[str]) -> bool:
    """Every word in the row is a column label exactly (a header row, not a comment)."""
    rules = load_rules()["columns"]
    words = [w for x in texts for w in re.split(r"[\s/／、]+", x) if w]
    return bool(words) and all(match_label(w, rules, exact_only=True) for w in words)


def _ends_sentence(d: _Draft) -> bool:
    text = normalize(d.text("comment") or d.text("suggestion"))
    return text.endswith(("。", "！", "？", "!", "?", ".", "；", ";"))


def _explode(d: _Draft) -> list[tuple[str, str, dict[str, str]]]:
    """One row → one or more comments (several numbered inside one cell)."""
    main_role = "comment" if d.parts.get("comment") else "suggestion"
    items = split_numbered(d.text(main_role))
    base = {role: d.text(role) for role in ("original", "comment", "suggestion", "reason", "proposer")}
    if len(items) < 2:
        return [(d.seq_raw, d.clause_raw, base)]
    clause_items = [x for x in re.split(r"[\n；;]+", d.clause_raw) if x.strip()]
    if len(clause_items) != len(items):
        clause_items = split_numbered(d.clause_raw)
    if len(clause_items) != len(items) and len(parse_refs(d.clause_raw)) == len(items):
        clause_items = parse_refs(d.clause_raw)  # "11.1 a) 11.1 b)" on one line (PDF): one reference per item
    reason_items = split_numbered(base["reason"])
    out = []
    for i, item in enumerate(items):
        parts = dict(base)
        parts[main_role] = item
        parts["reason"] = reason_items[i] if len(reason_items) == len(items) else base["reason"]
        clause = clause_items[i] if len(clause_items) == len(items) else d.clause_raw
        if not parse_refs(clause):
            # "1. 第4章：…" – the reference is written at the start of the item
            clause = _leading_ref(item) or clause
        out.append((f"{d.seq_raw}({i + 1})" if d.seq_raw else "", clause, parts))
    return out


_LEAD = re.compile(
    r"^\s*(?:关于|针对|对)?\s*((?:第\s*)?[\dA-Z][\d.]*\s*(?:[章条款节])?\s*(?:[a-z][)）])?|[表图]\s*\d+|附录\s*[A-Z]|前言|全文|范围)"
)


def _leading_ref(text: str) -> str:
    m = _LEAD.match(text or "")
    return m.group(1).strip() if m and parse_refs(m.group(1)) else ""


# ---------------------------------------------------------------------------
# comments written as text (attached pages, sheets without a usable table)

_REASON_SPLIT = re.compile(r"(?:理由|依据|原因|说明)\s*[:：]")


def _comments_from_lines(lines: list[tuple[int, str]]) -> list[tuple[str, str, dict[str, str], int]]:
    lines = [(p, t) for p, t in lines if not _split_label(t, loose=False)[0]]  # 日期：… / 联系人：… lines
    text = "\n".join(t for _, t in lines)
    items = split_numbered(text)
    if len(items) < 2 and not (items and _leading_ref(items[0])):
        return []
    out = []
    page = lines[0][0] if lines else None
    for i, item in enumerate(items, start=1):
        clause = ""
        m = re.match(r"^\s*(?:章条编号|条款号|章节|条款|章条)\s*[:：]\s*([^\n，,；;]+)[\n，,；;]?", item)
        if m:
            clause, item = m.group(1), item[m.end() :]
        else:
            clause = _leading_ref(item)
            if clause:
                item = item[len(_LEAD.match(item).group(0)) :].lstrip(" :：,，、")
        parts = _REASON_SPLIT.split(item, maxsplit=1)
        comment = re.sub(r"^(?:修改意见|意见|修改建议|建议)\s*[:：]", "", parts[0].strip()).strip()
        reason = parts[1].strip() if len(parts) > 1 else ""
        out.append((str(i), clause, {"comment": comment, "reason": reason, "original": "", "suggestion": ""}, page))
    return out


# ---------------------------------------------------------------------------


def _submitter_kind(h: _Header, name: str) -> str:
    rules = load_rules()
    label = label_key(h.labels.get("submitter", ""))
    if any(label == label_key(w) for w in rules["expert_labels"]):
        return "expert"
    if (
        re.match(r"^[\u4e00-\u9fff·]{2,4}\s*[(（]", name)
        or "专家" in name
        or re.search(r"(?:教授|研究员|工程师|博士|院士)$", name)
    ):
        return "expert"  # 张三（天津大学） – a person with an affiliation
    if any(name.endswith(s) for s in rules["organisation_suffixes"]) or any(
        s in name for s in rules["organisation_suffixes"] if len(s) >= 2
    ):
        return "organisation"
    if re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", name):
        return "expert"
    return "organisation"


def _signed(h: _Header, doc: Document) -> bool:
    if h.signature_images or doc.metadata.get("signature_image"):
        return True
    value = h.values.get("signature", "")
    if not value:
        return False
    placeholders = {label_key(p) for p in load_rules()["signature_placeholders"]}
    if label_key(value) in placeholders:
        return False
    # "（盖章）\n年 月 日" or a typed date alone: a template's blanks, not a name
    rest = _DATE_ANY.sub("", value)
    for p in sorted(placeholders, key=len, reverse=True):
        rest = label_key(rest).replace(p, "")
    return bool(re.sub(r"[年月日\d\s.。]", "", rest))


def parse_sheet(doc: Document, expected_title: str | None = None) -> CommentSheet:
    """Read the header and every comment of a comment sheet.

    A document with neither a comment table nor a sheet title is reported as
    not a comment sheet (no comments invented from its text).
    """
    rules = load_rules()
    sheet = CommentSheet(file=doc.file, sha256=doc.sha256, warnings=list(doc.warnings))
    h = _Header()
    pending: list[_Draft] = []
    wrapped = doc.format == "pdf" or doc.ocr  # a PDF or scanned cell's line breaks are the layout's
    cols: _Columns | None = None
    found_table = False
    tables_with_rows: list[int] = []
    for ti, t in enumerate(doc.tables()):
        before = len(pending)
        hdr = _find_header(t)
        if hdr is not None:
            r, cols = hdr
            found_table = True
            _header_from_table(t, range(0, r), h)
            _rows(t, r + 1, cols, pending, wrapped)
            _header_from_table(t, range(r + 1, len(t.rows)), h, loose=False)  # 签名/日期 rows under the comments
        elif cols is not None and t.n_cols == cols.n_cols:
            _rows(t, 0, cols, pending, wrapped)  # the comment table goes on (split across pages)
            _header_from_table(t, range(len(t.rows)), h, loose=False)
        else:
            _header_from_table(t, range(len(t.rows)), h)
        if len(pending) > before:
            tables_with_rows.append(ti)
    body_lines = [l for l in doc.lines(include_cells=False)]
    body = [(l.page, l.text) for l in body_lines]
    body_raw = [(l.page, (l.raw or l.text).strip()) for l in body_lines]  # comments are quoted from these
    for l in doc.lines(include_cells=False):
        # the raw line: normalising would glue "李四    联系电话" together
        _header_from_line(unicodedata.normalize("NFKC", l.raw or l.text), h)
    titled = any(any(w in text for w in rules["sheet_titles"]) for _, text in body[:15]) or any(
        any(w in c.text for w in rules["sheet_titles"]) for t in doc.tables() for row in t.rows[:2] for c in row
    )

    scanned = {p.number for p in doc.pages if p.ocr}
    exploded = [(s, c, _with_scan(parts, d, scanned), d.page) for d in pending for s, c, parts in _explode(d)]
    if not found_table:  # a table the converter flattened into paragraphs, cell after cell
        _labels_on_their_own_lines(body, body_raw, h)
        flat = _flattened_table(body, body_raw)
        if flat:
            exploded, found_table = flat, True
    attachment = _attachment_lines(body, body_raw)
    refers = [
        i for i, (_, _, parts, _) in enumerate(exploded) if _see_attachment(parts["comment"] or parts["suggestion"])
    ]
    if attachment and (refers or not found_table):
        extra = _comments_from_lines(attachment)
        if extra:
            if refers:
                at = refers[0]
                row_clause = exploded[at][1]  # an attached comment without its own reference takes the row's
                extra = [(sq, c or row_clause, p, pg) for sq, c, p, pg in extra]
                exploded = [e for i, e in enumerate(exploded) if i not in refers]
                exploded[at:at] = extra
            else:
                exploded.extend(extra)
    elif not found_table and titled:
        exploded.extend(
            _comments_from_lines(
                [(p, raw) for (p, t), (_, raw) in zip(body, body_raw) if not any(w in t for w in rules["sheet_titles"])]
            )
        )
    if refers and not attachment:
        if len(exploded) > refers[-1] + 1 and len(tables_with_rows) > 1:
            # the attached page is a further table (already read): the 见附页 rows only point to it
            exploded = [e for i, e in enumerate(exploded) if i not in refers]
        else:
            sheet.warnings.append("意见写有“见附页”，但文件中没有找到附页")

    if not found_table and not titled and not exploded:
        sheet.is_comment_sheet = False
        sheet.error = "不是征求意见表：没有含“章条”“意见”栏的表格，也没有“征求意见表”标题"
        return sheet
    if not found_table and _looks_like_a_draft(doc):
        sheet.is_comment_sheet = False
        sheet.error = "不是征求意见表：这份文件看来是征求意见稿本身（有编号的章条，没有意见表格）"
        return sheet

    nothing = {label_key(w) for w in rules.get("no_comment_texts", [])}
    before_filter = len(exploded)
    exploded = [
        e
        for e in exploded
        if label_key(e[2]["comment"] or e[2]["suggestion"]) not in nothing
        or (e[2]["reason"] and label_key(e[2]["reason"]) not in nothing)
    ]
    said_nothing = before_filter > len(exploded)  # 无意见 / 同意 rows: a reply without comments
    exploded = [e for e in exploded if not _speck(e)]
    has_text = sum(len(t) for _, t in body) + sum(len(c.text) for t in doc.tables() for r in t.rows for c in r) > 0
    for i, (seq_raw, clause_raw, parts, page) in enumerate(exploded, start=1):
        comment = parts["comment"] or parts["suggestion"]
        suggestion = parts["suggestion"] if parts["comment"] else ""
        refs = parse_refs(clause_raw)
        sheet.comments.append(
            Comment(
                seq=i,
                clause=primary(refs),
                clause_raw=normalize(clause_raw),
                comment=normalised(comment),
                reason=normalised(parts["reason"]),
                clauses=refs,
                seq_raw=seq_raw,
                original=normalised(parts["original"]),
                suggestion=normalised(suggestion),
                page=page,
                proposer=normalize(parts.get("proposer", "")),
                comment_raw=comment,
                reason_raw=parts["reason"],
                original_raw=parts["original"],
                suggestion_raw=suggestion,
                confidence=parts.get("_scan", (None, None))[0],
                region=parts.get("_scan", (None, None))[1],
            )
        )

    v = h.values
    sheet.standard_title = _strip_title(v.get("standard_title", "")) or _title_in_heading(body)
    sheet.submitter = v.get("submitter", "")
    sheet.submitter_raw = _as_written_in(doc, sheet.submitter)
    sheet.submitter_kind = _submitter_kind(h, sheet.submitter)
    sheet.contact_person = v.get("contact_person", "")
    sheet.contact = v.get("contact", "")
    sheet.signed = _signed(h, doc)
    sheet.date = find_date(v.get("date", "")) or find_date(v.get("signature", "")) or _dated_line(body)
    if not sheet.comments:
        sheet.warnings.append(
            "未读出意见：意见表是空白的，或写明无意见"
            if said_nothing or not has_text
            else "未读出意见：文件中有文字，但没有读出任何一条意见"
        )
    if not sheet.submitter:
        sheet.warnings.append("未找到单位名称或专家姓名")
    if not sheet.signed:
        sheet.warnings.append("未盖章或签名（“单位盖章或专家签名”一栏为空）")
    sheet.review = _needs_review(sheet, said_nothing, has_text, doc.format)
    if expected_title:
        check_title(sheet, expected_title)
    return sheet


def _labels_on_their_own_lines(body: list[tuple[int, str]], raw: list[tuple[int, str]], h: _Header) -> None:
    """`单位名称或专家姓名` on one line, the name on the next (a header table flattened into paragraphs)."""
    for i in range(len(body) - 1):
        role, value = _split_label(body[i][1], loose=True)
        if (
            role
            and not value
            and not _split_label(body[i + 1][1], loose=True)[0]
            and not match_label(body[i + 1][1], load_rules()["columns"])
        ):
            h.put(role, body[i][1], body[i + 1][1])


_SEQ_LINE = re.compile(r"^\s*[(（]?\s*(\d{1,3})\s*[)）.、．]?\s*$")


def _flattened_table(body: list[tuple[int, str]], raw: list[tuple[int, str]]) -> list:
    """Comments from a comment table whose cells became consecutive lines (序号 / 章条 / 意见 / 理由 …, then
    1 / 第4章 / 建议… / 理由…): the header labels' run gives the columns, a line holding only a number
    starts each comment, a short reference after it is the clause, the text lines fill the text columns in
    order (empty cells leave no line: the first columns are filled first, extra lines go to the comment)."""
    cols = load_rules()["columns"]
    for start in range(len(body)):
        roles = []
        for _, t in body[start : start + 8]:
            role = match_label(t, cols) if len(label_key(t)) <= 10 else None
            if not role:
                break
            roles.append(role)
        if len(roles) >= 3 and "seq" in roles and ({"comment", "suggestion"} & set(roles)):
            break
    else:
        return []
    text_roles = [r for r in roles if r in ("original", "comment", "suggestion", "reason")]
    records: list[list[tuple[int, str, str]]] = []
    for (page, t), (_, r) in zip(body[start + len(roles) :], raw[start + len(roles) :]):
        if _is_footer(t) or _split_label(t, loose=False)[0] or any(w in t for w in load_rules()["sheet_titles"]):
            if records:
                break
            continue
        if _SEQ_LINE.match(t):
            records.append([(page, t, r)])
        elif records:
            records[-1].append((page, t, r))
    out = []
    for rec in records:
        seq = _SEQ_LINE.match(rec[0][1]).group(1)
        lines = rec[1:]
        clause = ""
        if (
            lines
            and "clause" in roles
            and len(lines[0][1]) <= 20
            and (parse_refs(lines[0][1]) or _leading_ref(lines[0][1]))
        ):
            clause, lines = lines[0][1], lines[1:]
        texts = [r for _, _, r in lines]
        if not texts:
            continue
        parts = {"original": "", "comment": "", "suggestion": "", "reason": ""}
        if len(texts) > len(text_roles):  # more lines than columns: the comment ran over several paragraphs
            extra = len(texts) - len(text_roles) + 1
            texts = ["\n".join(texts[:extra])] + texts[extra:]
        for role, text in zip(text_roles, texts):
            parts[role] = text
        if not parts["comment"] and not parts["suggestion"]:
            continue
        out.append((seq, clause, parts, rec[0][0]))
    return out


def _as_written_in(doc: Document, value: str) -> str:
    """`value` (normalised, read from a cell or a line) as the document writes it; itself when not found."""
    if not value:
        return ""
    for t in doc.tables():
        for row in t.rows:
            for c in row:
                if c.text == value or normalize(c.raw) == value:
                    return as_written(c.raw, doc.format == "pdf")
    for line in doc.lines(include_cells=False):
        raw = line.raw or ""
        if value not in line.text:
            continue
        for start in range(len(raw)):  # the shortest stretch of the line that normalises to the value
            for end in range(start + 1, min(len(raw), start + 2 * len(value) + 8) + 1):
                if normalize(raw[start:end]) == value:
                    return raw[start:end].strip()
    return value


def _needs_review(sheet: CommentSheet, said_nothing: bool, has_text: bool, fmt: str) -> str | None:
    """Why a person must look at this sheet before it counts (待人工核对), with what to do; None when fine.
    A sheet that yields no comments without saying 无意见, or names nobody, is never a valid empty reply."""
    why = []
    if not sheet.comments and not said_nothing:
        why.append("文件中有文字，但没有读出任何一条意见" if has_text else "文件中没有可读的文字（可能是扫描件或图片）")
    if not sheet.submitter:
        why.append("没有读出单位名称或专家姓名")
    if not why:
        return None
    if not has_text:
        advice = "请上传含文字的 PDF 或 Word 文件，或清晰的扫描件"
    elif fmt in ("doc", "wps", "rtf", "odt"):
        advice = "可在 Word/WPS 中另存为 .docx 后重新上传，或由工作人员对照原件补录"
    else:
        advice = "请对照原件核对；如表格格式特殊，可另存为 .docx 后重新上传，或由工作人员补录"
    return "；".join(why) + "。建议：" + advice


def _looks_like_a_draft(doc: Document) -> bool:
    from .draft import read_draft

    d = read_draft(doc)
    return sum(1 for c in d.clauses.values() if c.kind == "chapter") >= 3


def _strip_title(t: str) -> str:
    t = re.sub(r"[（(]\s*征求意见稿\s*[)）]", "", t or "").strip()
    m = re.fullmatch(r"《(.+)》", t)
    return m.group(1) if m else t


def _title_in_heading(body: list[tuple[int, str]]) -> str:
    """《…》 in a heading such as 《某某通则》征求意见表, where the sheet has no 标准名称 field."""
    for _, t in body[:8]:
        m = re.search(r"《(.+?)》", t)
        if m and re.search(r"意见|反馈", t):
            return _strip_title(m.group(1))
    return ""


def title_similarity(a: str, b: str) -> float:
    strip = lambda s: re.sub(r"[\s《》“”\"'（）()]", "", normalize(s))
    return fuzz.ratio(strip(a), strip(b)) / 100


def check_title(sheet: CommentSheet, expected_title: str) -> None:
    """Warn when the sheet names another standard than the draft."""
    if not sheet.standard_title:
        return
    score = title_similarity(sheet.standard_title, expected_title)
    if score < load_rules()["thresholds"]["title_match"]:
        sheet.warnings.append(
            f"标准名称不符：意见表填写的是《{sheet.standard_title}》，征求意见稿是《{expected_title}》（相似度 {score:.2f}）"
        )


def _attachment_lines(body: list[tuple[int, str]], raw: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Lines (as written) after an 附页 / 续页 heading (the comments that did not fit the table)."""
    for i, (_, t) in enumerate(body):
        if re.match(r"^(?:附页|续页|附\s*[:：]|附件\s*\d*\s*[:：]?$|附页\s*\d*\s*[:：]?)", t) and len(t) < 30:
            return [(p, r) for (p, x), (_, r) in zip(body[i + 1 :], raw[i + 1 :]) if x and not _is_footer(x)]
    return []


_DATE_ANY = re.compile(r"(?:19|20)\d{2}\s*(?:年|-|\.|/)\s*\d{1,2}\s*(?:月|-|\.|/)\s*\d{1,2}\s*日?")


def _dated_line(body: list[tuple[int, str]]) -> str | None:
    """A 日期 line, or a line that is only a date (under the signature): not a deadline in a sentence."""
    for _, t in reversed(body):
        if len(t) > 40 or re.search(r"前|截止|之前|以前|发布|实施", t):
            continue
        rest = _DATE_ANY.sub("", t)
        if re.search(r"日期|时间", t) or len(re.sub(r"[\s(（)）:：盖章签名字]", "", rest)) <= 2:
            d = find_date(t)
            if d:
                return d
    return None
