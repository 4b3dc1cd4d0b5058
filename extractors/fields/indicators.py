"""Test-report indicator tables: 检验项目 / 标准要求 / 实测值 / 单项判定, the requirement parsed
(`≥350`, `≤0.05%`, `不小于`, `不超过`, `350~450`, `10±0.5`) and the margin by which the
measured value beats it (0.12 = 12 % better; None where it cannot be computed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..model import Document, Table
from ..text import normalize
from .labels import load_spec

_NUM = r"[-+]?\d+(?:\.\d+)?"
_OPS = [
    (r"≥|>=|不小于|不低于|不少于|大于或等于|大于等于|至少|最小|min\.?", ">="),
    (r"≤|<=|不大于|不超过|不高于|不多于|小于或等于|小于等于|至多|最大|max\.?", "<="),
    (r">|大于|高于|超过", ">"),
    (r"<|小于|低于", "<"),
]
_RANGE = re.compile(rf"^({_NUM})\s*(%|[^\d\s~～\-—–至]*)\s*(?:~|～|-|—|–|至|到)\s*({_NUM})\s*(.*)$")
_PLUSMINUS = re.compile(rf"^({_NUM})\s*±\s*({_NUM})\s*(.*)$")


@dataclass
class Requirement:
    op: str  # >= <= > < range
    low: float | None = None
    high: float | None = None
    unit: str = ""


_OP_RES = [(re.compile(rf"^(?:{pat})\s*({_NUM})\s*(.*)$", re.I), op) for pat, op in _OPS]
_AT_LEAST = re.compile(rf"^({_NUM})\s*(\S*?)\s*(?:及以上|以上)$")
_AT_MOST = re.compile(rf"^({_NUM})\s*(\S*?)\s*(?:及以下|以下)$")


@lru_cache(maxsize=4096)
def parse_requirement(text: str) -> Requirement | None:
    s = normalize(text).replace(" ", "").replace("～", "~")
    for rx, op in _OP_RES:
        m = rx.match(s)
        if m:
            v = float(m.group(1))
            if re.fullmatch(r"[-~]\d+(?:\.\d+)?", m.group(2)):
                # a grade between two (`≥3-4`): the lower grade, as a measured `3-4` reads — equal is no margin
                return Requirement(
                    op, low=v if op in (">=", ">") else None, high=float(m.group(2)[1:]) if op in ("<=", "<") else None
                )
            return Requirement(
                op, low=v if op in (">=", ">") else None, high=v if op in ("<=", "<") else None, unit=m.group(2).strip()
            )
    m = _AT_LEAST.match(s)
    if m:
        return Requirement(">=", low=float(m.group(1)), unit=m.group(2))
    m = _AT_MOST.match(s)
    if m:
        return Requirement("<=", high=float(m.group(1)), unit=m.group(2))
    m = _PLUSMINUS.match(s)
    if m:
        c, d = float(m.group(1)), float(m.group(2))
        return Requirement("range", low=c - d, high=c + d, unit=m.group(3))
    m = _RANGE.match(s)
    if m:
        a, b = float(m.group(1)), float(m.group(3))
        unit = m.group(4) or m.group(2)
        if a <= b:
            return Requirement("range", low=a, high=b, unit=unit.strip())
    return None


def parse_measured(text: str) -> list[float]:
    """Every number in a measured value; `4-5` (a grade between two, or two readings) is 4 and 5, never -5."""
    s = normalize(text).replace(",", "")
    return [float(x) for x in re.findall(rf"(?<![\d.]){_NUM}", s)]


def margin(req: Requirement | None, measured: list[float]) -> float | None:
    """How far the worst measured value is better than the requirement, as a fraction of the limit."""
    if req is None or not measured:
        return None

    def one(m: float) -> float | None:
        if req.op in (">=", ">"):
            return (m - req.low) / abs(req.low) if req.low else None
        if req.op in ("<=", "<"):
            return (req.high - m) / abs(req.high) if req.high else None
        if req.op == "range":
            lo = (m - req.low) / abs(req.low) if req.low else None
            hi = (req.high - m) / abs(req.high) if req.high else None
            vals = [v for v in (lo, hi) if v is not None]
            return min(vals) if vals else None
        return None

    vals = [one(m) for m in measured]
    if any(v is None for v in vals):
        return None
    return round(min(vals), 4)


@lru_cache(maxsize=1)
def _spec() -> dict[str, tuple[str, ...]]:
    return {k: tuple(normalize(w).replace(" ", "") for w in v) for k, v in load_spec()["indicators"].items()}


@lru_cache(maxsize=8192)
def _header_match(cell: str, words: tuple[str, ...]) -> bool:
    c = re.sub(r"[(（][^)）]*[)）]", "", cell.replace(" ", ""))
    return c.startswith(words) if c else False


def _columns(row: list[str], spec: dict[str, tuple[str, ...]]) -> dict | None:
    """Column of each header word; `measured_all` every measured column (检验结果 merged over 样品1/样品2/样品3)."""
    cols: dict = {"measured_all": [], "name_all": []}
    for j, cell in enumerate(row):
        if not cell:
            continue
        if _header_match(cell, spec["measured"]):
            cols["measured_all"].append(j)
        if cols["name_all"] and cell == row[cols["name_all"][-1]] and j == cols["name_all"][-1] + 1:
            cols["name_all"].append(j)  # 检验项目 merged over a category and an item column
            continue
        if not cols["name_all"] and _header_match(cell, spec["name"]) and not _header_match(cell, spec["not_name"]):
            cols["name_all"].append(j)
        for key in ("measured", "verdict", "requirement", "unit", "name"):
            if key in cols:
                continue
            if key == "name" and _header_match(cell, spec["not_name"]):
                break
            if _header_match(cell, spec[key]):
                cols[key] = j
                break
    if "name" in cols and "measured" in cols:
        return cols
    return None


_UNIT_IN_NAME = re.compile(r"\s*(?:/?\s*[(（]\s*([^()（）]{1,12})\s*[)）]|/\s*([A-Za-zμ%°℃‰·/]{1,8}|级|次|倍|个))\s*$")


def _unit_from(name: str) -> str:
    """`硬度(HB)` → HB, `抗拉强度 Rm/MPa` → MPa."""
    m = _UNIT_IN_NAME.search(name or "")
    return (m.group(1) or m.group(2)) if m else ""


_VERDICT = {
    "合格": "合格",
    "符合": "合格",
    "通过": "合格",
    "pass": "合格",
    "√": "合格",
    "不合格": "不合格",
    "不符合": "不合格",
    "fail": "不合格",
    "×": "不合格",
}


def _verdict(text: str) -> str | None:
    t = normalize(text).replace(" ", "")
    if not t:
        return None
    for k in sorted(_VERDICT, key=len, reverse=True):
        if t.lower().startswith(k):
            return _VERDICT[k]
    return t


def _measured_text(row: list[str], cols: dict) -> str:
    cells: list[str] = []
    for j in cols.get("measured_all") or [cols["measured"]]:
        if j < len(row) and row[j] and (not cells or cells[-1] != row[j]):
            cells.append(row[j])
    return "; ".join(cells)


def _is_item(cell: str) -> bool:
    """An item of its own (抗拉强度, 断后伸长率, Mn), not a condition of the one before (常温, 干摩, 鞋头)."""
    c = (_UNIT_IN_NAME.sub("", cell) or cell).replace(" ", "")
    return c.endswith(_spec()["item_endings"]) or bool(re.fullmatch(r"[A-Z][a-z]?", c))


def _item_name(row: list[str], cols: dict) -> tuple[str, str]:
    """(name, unit written in it). Under an item header spread over two columns, the second holds either the
    item under a category (力学性能 | 抗拉强度 → 抗拉强度) or a condition of the item (摩擦色牢度 | 干摩 →
    摩擦色牢度 干摩)."""
    parts: list[str] = []
    for j in cols.get("name_all") or [cols["name"]]:
        if j < len(row) and row[j] and (not parts or parts[-1] != row[j]):
            parts.append(row[j])
    if not parts:
        return "", ""
    if len(parts) > 1 and parts[0].replace(" ", "").endswith(_spec()["category"]) and _is_item(parts[1]):
        parts = parts[1:]  # a category column (力学性能 | 抗拉强度): the item is the second
    names, unit = [], ""
    for p in parts[:2] if len(parts) > 1 else parts:
        unit = unit or _unit_from(p)
        names.append(_UNIT_IN_NAME.sub("", p) or p)
    return " ".join(names), unit


def _table_rows(t: Table, cols: dict, start: int) -> list[dict]:
    g = t.grid(fill_merged=True)
    out = []
    header_unit = ""
    for row in g[start:]:

        def col(k: str) -> str:
            j = cols.get(k)
            return row[j] if j is not None and j < len(row) else ""  # noqa: B023 (used in this iteration)

        name, name_unit = _item_name(row, cols)
        if not name or _header_match(name, _spec()["name"]):
            continue
        if "以下空白" in name or "以下空白" in "".join(row):
            break
        req_text, meas_text = col("requirement"), _measured_text(row, cols)
        if not meas_text:
            continue
        req = parse_requirement(req_text) if req_text else None
        measured = parse_measured(meas_text)
        unit = col("unit").strip("/—-– ") or (req.unit if req else "") or name_unit or header_unit
        m_value: float | str | None
        if len(measured) == 1 and re.fullmatch(rf"\s*{_NUM}\s*\S{{0,8}}\s*", normalize(meas_text).replace(",", "")):
            m_value = measured[0]
        else:
            m_value = meas_text
        out.append(
            {
                "name": name,
                "requirement": req_text,
                "measured": m_value,
                "unit": unit,
                "verdict": _verdict(col("verdict")),
                "margin": margin(req, measured),
            }
        )
    return out


def find(doc: Document, tables_out: list[Table] | None = None) -> tuple[list[dict], int | None, str]:
    """(indicators, first page, the header row's text); the tables read are appended to `tables_out`."""
    spec = _spec()
    found: list[dict] = []
    page, header_text = None, ""
    last_cols: dict[str, int] | None = None
    last_ncols = -1
    for t in doc.tables():
        g = t.grid(fill_merged=True)
        cols, start = None, 0
        for i, row in enumerate(g[:3]):
            cols = _columns(row, spec)
            if cols:
                start = i + 1
                break
        if cols is None and last_cols is not None and t.n_cols == last_ncols:
            cols, start = last_cols, 0  # a continuation of the table on the next page
        if cols is None:
            last_cols = None
            continue
        rows = _table_rows(t, cols, start)
        if rows and page is None:
            page = t.page
            header_text = " | ".join(x for x in g[max(start - 1, 0)] if x)
        found.extend(rows)
        if rows and tables_out is not None:
            tables_out.append(t)
        last_cols, last_ncols = cols, t.n_cols
    return found, page, header_text
