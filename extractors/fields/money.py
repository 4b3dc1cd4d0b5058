"""营业收入 / 净利润 by year, in yuan: from tables with year columns or year rows, income
statements (本期金额 / 上期金额), and prose such as `2023年营业收入1.35亿元`."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..model import Document, Table
from ..text import normalize
from .labels import lines_at, load_spec, page_streams

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年度|年)?")
_NUM = re.compile(r"^[(（]?\s*([-−–]?\s*\d[\d,，]*(?:\.\d+)?)\s*[)）]?\s*(亿元|百万元|万元|千元|元|亿|万)?$")
_UNIT_NOTE = re.compile(r"(?:金额)?单位\s*[:：]?\s*(?:人民币)?\s*(亿元|百万元|万元|千元|元)")
_HEADER_UNIT = re.compile(r"[(（]\s*(亿元|百万元|万元|千元|元)\s*[)）]")


@dataclass
class Amount:
    year: str
    value: float
    page: int
    text: str
    confidence: float
    line_confidence: float = 1.0  # the weakest line it was read from alone (OCR's value on a scanned page)


def _row_confidence(t: Table, row: int) -> float:
    """The weakest cell of a table row (OCR's value; 1.0 from a text layer)."""
    return min((c.confidence for c in t.rows[row]), default=1.0) if row < len(t.rows) else 1.0


def _spec() -> dict:
    return load_spec()["money"]


def _unit_factor(unit: str | None) -> int:
    units = _spec()["units"]
    if not unit:
        return 1
    unit = {"亿": "亿元", "万": "万元"}.get(unit, unit)
    return units.get(unit, 1)


def parse_amount(cell: str, default_unit: str | None = None) -> float | None:
    s = normalize(cell).replace(" ", "")
    if not s or s in {"-", "—", "--", "/"}:
        return None
    m = _NUM.match(s)
    if not m:
        return None
    num = m.group(1).replace(",", "").replace("，", "").replace("−", "-").replace("–", "-")
    try:
        v = float(num)
    except ValueError:
        return None
    if s.startswith(("(", "（")) and s.endswith((")", "）")):
        v = -v  # accountants' brackets for a loss
    return v * _unit_factor(m.group(2) or default_unit)


def _yuan(v: float) -> int | float:
    r = round(v, 2)
    return int(r) if r == int(r) else r


def _which(label_cell: str) -> tuple[str, float] | None:
    s = normalize(label_cell).replace(" ", "")
    s = _HEADER_UNIT.sub("", s)
    s = re.sub(r"^[一二三四五六七八九十]+、|^\d+[.、]", "", s)
    for field in ("revenue", "net_profit"):
        for lab, w in _spec()[field]["labels"].items():
            lab = re.sub(r"^[一二三四五六七八九十]+、", "", normalize(lab))
            if s == lab or (s.startswith(lab) and len(s) <= len(lab) + 6 and not s.startswith("营业收入增长")):
                return field, float(w)
    return None


def _page_unit(doc: Document, page: int, t: Table) -> str | None:
    for c in (c for r in t.rows for c in r):
        m = _UNIT_NOTE.search(c.text)
        if m:
            return m.group(1)
    for p in doc.pages:
        if p.number == page:
            for l in p.lines:
                m = _UNIT_NOTE.search(l.text)
                if m:
                    return m.group(1)
    return None


def _report_year(doc: Document) -> int | None:
    years: Counter[int] = Counter()
    for l in doc.lines(include_cells=False):
        for m in re.finditer(r"((?:19|20)\d{2})\s*年(?:度|12月31日)", l.text):
            years[int(m.group(1))] += 1
    return years.most_common(1)[0][0] if years else None


def _from_table(doc: Document, t: Table, out: dict[str, list[Amount]]) -> None:
    g = t.grid(fill_merged=True)
    if not g or len(g[0]) < 2:
        return
    unit = _page_unit(doc, t.page, t)
    # header: the first row (of the first three) naming years or periods
    spec = _spec()
    report_year = None
    for hi, row in enumerate(g[:3]):
        cols: dict[int, str] = {}
        for j, cell in enumerate(row):
            m = _YEAR.search(cell)
            if m and j > 0:
                cols[j] = m.group(1)
            elif j > 0 and any(cell.replace(" ", "").startswith(k) for k in spec["current_period"]):
                report_year = report_year or _report_year(doc)
                if report_year:
                    cols[j] = str(report_year)
            elif j > 0 and any(cell.replace(" ", "").startswith(k) for k in spec["previous_period"]):
                report_year = report_year or _report_year(doc)
                if report_year:
                    cols[j] = str(report_year - 1)
        if cols:
            for ri, row2 in enumerate(g[hi + 1 :], hi + 1):
                which = None
                for cell in row2[:2]:
                    which = _which(cell)
                    if which:
                        col_unit = _HEADER_UNIT.search(cell)
                        break
                if not which:
                    continue
                field, w = which
                row_unit = col_unit.group(1) if col_unit else unit
                for j, year in cols.items():
                    if j < len(row2):
                        v = parse_amount(row2[j], row_unit)
                        if v is not None:
                            out[field].append(
                                Amount(
                                    year, v, t.page, " | ".join(x for x in row2 if x), 0.95 * w, _row_confidence(t, ri)
                                )
                            )
            break
    # years as rows: a header naming 营业收入 / 净利润 columns
    for hi, row in enumerate(g[:3]):
        cols2 = {j: _which(c) for j, c in enumerate(row) if j > 0 and _which(c)}
        if not cols2:
            continue
        for ri, row2 in enumerate(g[hi + 1 :], hi + 1):
            m = _YEAR.search(row2[0]) if row2 else None
            if not m:
                continue
            for j, (field, w) in cols2.items():
                hu = _HEADER_UNIT.search(row[j])
                v = parse_amount(row2[j], hu.group(1) if hu else unit) if j < len(row2) else None
                if v is not None:
                    out[field].append(
                        Amount(
                            m.group(1), v, t.page, " | ".join(x for x in row2 if x), 0.95 * w, _row_confidence(t, ri)
                        )
                    )
        break


_PROSE_ITEM = None


def _prose_regex() -> re.Pattern:
    global _PROSE_ITEM
    if _PROSE_ITEM is None:
        labels = sorted(
            {
                normalize(l)
                for f in ("revenue", "net_profit")
                for l in _spec()[f]["labels"]
                if not re.match(r"^[一二三四五六七八九十]+、", l) and "(" not in l
            },
            key=len,
            reverse=True,
        )
        _PROSE_ITEM = re.compile(
            r"(?P<year>(?<!\d)(?:19|20)\d{2})\s*(?:年度|年)|"
            r"(?P<label>" + "|".join(map(re.escape, labels)) + r")\s*(?:总额|合计)?\s*"
            r"(?:[(（]\s*(?P<unit0>亿元|百万元|万元|千元|元)\s*[)）])?\s*(?:为|达|达到|实现|是|:|：)?\s*(?:人民币)?\s*"
            r"(?P<num>[-−]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>亿元|百万元|万元|千元|元|亿|万)?"
        )
    return _PROSE_ITEM


_PAIR = re.compile(
    r"((?:19|20)\d{2})\s*年(?:度)?\s*[:：]?\s*([-−]?\d[\d,]*(?:\.\d+)?)\s*(亿元|百万元|万元|千元|元|亿|万)"
)


def _from_label_year_pairs(doc: Document, out: dict[str, list[Amount]]) -> None:
    """`营业收入：2023年 13,500.00 万元，2024年 1.62 亿元` — one label, several years."""
    for p in doc.pages:
        for l in p.lines:
            for field in ("revenue", "net_profit"):
                for lab in _spec()[field]["labels"]:
                    i = l.text.find(normalize(lab))
                    if i < 0:
                        continue
                    rest = l.text[i + len(normalize(lab)) :]
                    m = re.match(r"\s*[:：]?\s*(?=(?:19|20)\d{2}\s*年)", rest)
                    if not m or not _which(lab):
                        continue
                    pos = m.end()
                    while True:
                        pm = _PAIR.match(rest, pos)
                        if not pm:
                            break
                        v = parse_amount(pm.group(2) + pm.group(3))
                        if v is not None:
                            out[field].append(
                                Amount(pm.group(1), v, p.number, l.text, 0.85 * l.confidence, l.confidence)
                            )
                        pos = pm.end()
                        sep = re.match(r"\s*[,，;；、]?\s*", rest[pos:])
                        pos += sep.end() if sep else 0
                    break


def _from_prose(doc: Document, out: dict[str, list[Amount]]) -> None:
    """`2023年营业收入1.35亿元，净利润1,200万元`: the year must be in the same sentence, shortly before;
    `营业收入（万元）：13,562` at the start of a line takes the report's year (`2023年度`) instead."""
    rx = _prose_regex()
    report_year: int | None | bool = False
    for page, text, spans in page_streams(doc):
        year, year_end = None, -1
        for m in rx.finditer(text):
            if m.group("year"):
                year, year_end = m.group("year"), m.end()
                continue
            unit = m.group("unit") or m.group("unit0")
            which = _which(m.group("label"))
            if not which or not unit:
                continue
            field, w = which
            gap = text[year_end : m.start()] if year else ""
            this_year, factor = None, 0.85
            if year and len(gap) <= 60 and not re.search(r"[。\n]", gap):
                this_year = year
            else:
                line_start = text.rfind("\n", 0, m.start()) + 1
                if not re.sub(r"^[\s一二三四五六七八九十\d、.()（）]*", "", text[line_start : m.start()]):
                    if report_year is False:
                        report_year = _report_year(doc)
                    if report_year:
                        this_year, factor = str(report_year), 0.7
            if this_year is None:
                continue
            v = parse_amount(m.group("num") + unit)
            lines = lines_at(spans, m.start(), m.end())
            if v is not None:
                out[field].append(
                    Amount(
                        this_year,
                        v,
                        page,
                        " ".join(l.text for l in lines),
                        factor * w * min(l.confidence for l in lines),
                        min(l.confidence for l in lines),
                    )
                )


_AMOUNT_TOKEN = re.compile(r"[(（]?-?\d{1,3}(?:,\d{3})+(?:\.\d+)?[)）]?|[(（]?-?\d+\.\d{2}[)）]?|[(（]?-?\d{4,}[)）]?")
_LABEL_THEN_NUMBERS = re.compile(r"^(?P<label>\D.{1,60}?)\s+(?P<nums>(?:[(（]?-?[\d,]+(?:\.\d+)?[)）]?\s*){1,4})$")


def _period_columns(text: str, report_year: int | None) -> list[str]:
    """The years of a statement's column header line, in order: `项目 本期金额 上期金额` or `2023年度 2022年度`."""
    s = text.replace(" ", "")
    spec = _spec()
    found: list[tuple[int, str]] = []
    for m in re.finditer(r"((?:19|20)\d{2})\s*(?:年度|年)?(?:金额|数)?", s):
        found.append((m.start(), m.group(1)))
    if not found and report_year:
        for words, year in ((spec["current_period"], report_year), (spec["previous_period"], report_year - 1)):
            for w in sorted(words, key=len, reverse=True):
                i = s.find(w)
                if i >= 0:
                    found.append((i, str(year)))
                    break
    return [y for _, y in sorted(found)]


def _from_text_statement(doc: Document, out: dict[str, list[Amount]]) -> None:
    """An income statement without ruled lines: a header line naming the periods, then
    `一、营业收入 135,620,418.25 118,034,527.60` lines."""
    report_year = None
    for p in doc.pages:
        columns: list[str] = []
        unit = None
        for l in p.lines:
            m = _UNIT_NOTE.search(l.text)
            if m:
                unit = m.group(1)
            if re.search(r"项目|本期|上期|本年|上年|期末|期初", l.text):
                report_year = report_year or _report_year(doc)
                cols = _period_columns(l.text, report_year)
                if cols:
                    columns = cols
                    continue
            if not columns:
                continue
            m = _LABEL_THEN_NUMBERS.match(l.text)
            if not m:
                continue
            which = _which(m.group("label"))
            if not which:
                continue
            field, w = which
            nums = _AMOUNT_TOKEN.findall(m.group("nums"))
            for year, num in zip(columns, nums):
                v = parse_amount(num, unit)
                if v is not None:
                    out[field].append(Amount(year, v, p.number, l.text, 0.9 * w * l.confidence, l.confidence))


def find(doc: Document) -> dict[str, dict]:
    """{"revenue": {"value": {"2023": 135000000}, "page", "text", "confidence"}, "net_profit": …}"""
    out: dict[str, list[Amount]] = {"revenue": [], "net_profit": []}
    for t in doc.tables():
        _from_table(doc, t, out)
    _from_text_statement(doc, out)
    _from_label_year_pairs(doc, out)
    _from_prose(doc, out)
    result = {}
    for field, amounts in out.items():
        if not amounts:
            continue
        by_year: dict[str, Amount] = {}
        for a in amounts:  # tables were read first and win over prose; the first table wins
            if a.year not in by_year or a.confidence > by_year[a.year].confidence + 0.05:
                by_year[a.year] = a
        first = max(by_year.values(), key=lambda a: a.confidence)
        result[field] = {
            "value": {y: _yuan(by_year[y].value) for y in sorted(by_year)},
            "page": min(a.page for a in by_year.values()),
            "text": first.text,
            "confidence": min(a.confidence for a in by_year.values()),
            "line_confidence": min(a.line_confidence for a in by_year.values()),
        }
    return result
