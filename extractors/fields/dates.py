"""Dates as written on Chinese certificates, and ranges giving issue and expiry.

>>> parse_date("二〇二七年五月三十一日")
datetime.date(2027, 5, 31)
>>> find_range("有效期:2024.06.01-2027.05.31")
(datetime.date(2024, 6, 1), datetime.date(2027, 5, 31))
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_day(moment: datetime | None = None) -> date:
    """The day as people here count it: Beijing's (the machine's own day is UTC's on most hosts, which is
    yesterday until 08:00 in Beijing). Every default "today" of the schemes, forms and application."""
    return (moment or datetime.now(UTC)).astimezone(BEIJING).date()


def chinese_day(value) -> str:
    """2026-12-06 → 2026年12月6日, as people write a date (anything that is not a date, as it is)."""
    try:
        d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value or "")
    return f"{d.year}年{d.month}月{d.day}日"


_ISO_DAY = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-]|T)")  # a day, not a timestamp or a code


def chinese_days(text) -> str:
    """Every ISO day in a text as people write it (评价日 2026-12-06 → 评价日 2026年12月6日); timestamps,
    codes and standards' years (GB/T 19001-2016) left as they are."""
    return _ISO_DAY.sub(lambda m: chinese_day(m.group(0)), str(text if text is not None else ""))


_CN_DIGIT = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "О": 0,
    "O": 0,
    "o": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN = "〇零○ОOoＯ一二三四五六七八九"

_NUMERIC = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年|\.|-|/|—)\s*(\d{1,2})\s*(?:月|\.|-|/|—)\s*(\d{1,2})(?!\d)\s*日?"
)
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
_CHINESE = re.compile(rf"([{_CN}]{{4}})\s*年\s*([{_CN}十]{{1,3}})\s*月\s*([{_CN}十]{{1,3}})\s*日")
_RANGE_SEP = re.compile(r"^\s*(?:至|到|起至|~|-|—|–|－|―|~|止|to|until|till|through)\s*(?:至)?\s*$", re.I)
# English certificates: 22-03-2019 (day first), Aug. 20, 2013, 20th August 2013
_DAY_FIRST = re.compile(r"(?<![\d./-])(\d{1,2})\s?([-./])\s?(\d{1,2})\s?\2\s?((?:19|20)\d{2})(?!\d)")
_MONTHS = {
    m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
}
_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_MONTH_FIRST = re.compile(rf"(?<![A-Za-z]){_MONTH}\s*(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*((?:19|20)\d{{2}})(?!\d)", re.I)
_DAY_MONTH = re.compile(
    rf"(?<![\d.])(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?{_MONTH}\s*,?\s*((?:19|20)\d{{2}})(?!\d)", re.I
)
_MIDDLE_DOT = re.compile(r"(?<=\d)[·•・](?=\d)")
LONG_TERM = re.compile(r"长期|永久|无固定期限|不约定期限|[*＊]{3,}")  # `至******`: a term with no end printed


@dataclass
class DateMatch:
    value: date
    start: int
    end: int


def _cn_small(s: str) -> int | None:
    """一..三十一 → int."""
    if "十" in s:
        head, _, tail = s.partition("十")
        tens = _CN_DIGIT.get(head, None) if head else 1
        ones = _CN_DIGIT.get(tail, None) if tail else 0
        if tens is None or ones is None:
            return None
        return tens * 10 + ones
    if len(s) == 1:
        return _CN_DIGIT.get(s)
    if len(s) == 2 and all(c in _CN_DIGIT for c in s):  # 〇五
        return _CN_DIGIT[s[0]] * 10 + _CN_DIGIT[s[1]]
    return None


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, compact: bool = False) -> list[DateMatch]:
    """Every date in `text`, left to right (positions refer to the NFKC form of `text`)."""
    # a dot read as a middle dot between digits (`22·03-2019`); one character for one: positions hold
    s = _MIDDLE_DOT.sub("-", unicodedata.normalize("NFKC", text or ""))
    out: list[DateMatch] = []
    for m in _NUMERIC.finditer(s):
        d = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            out.append(DateMatch(d, m.start(), m.end()))
    for m in _CHINESE.finditer(s):
        y = "".join(str(_CN_DIGIT[c]) for c in m.group(1))
        mo, da = _cn_small(m.group(2)), _cn_small(m.group(3))
        if mo and da:
            d = _make(int(y), mo, da)
            if d:
                out.append(DateMatch(d, m.start(), m.end()))

    def free(m: re.Match) -> bool:
        return not any(o.start < m.end() and m.start() < o.end for o in out)

    for m in _DAY_FIRST.finditer(s):
        a, b = int(m.group(1)), int(m.group(3))
        day, month = (b, a) if b > 12 >= a else (a, b)  # 03/22/2019 is month first; else day first
        d = _make(int(m.group(4)), month, day)
        if d and free(m):
            out.append(DateMatch(d, m.start(), m.end()))
    for rx, mi, di, yi in ((_MONTH_FIRST, 1, 2, 3), (_DAY_MONTH, 2, 1, 3)):
        for m in rx.finditer(s):
            d = _make(int(m.group(yi)), _MONTHS[m.group(mi)[:3].lower()], int(m.group(di)))
            if d and free(m):
                out.append(DateMatch(d, m.start(), m.end()))
    if compact:
        for m in _COMPACT.finditer(s):
            if not any(o.start <= m.start() < o.end for o in out):
                d = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                if d:
                    out.append(DateMatch(d, m.start(), m.end()))
    out.sort(key=lambda x: x.start)
    return out


def parse_date(text: str) -> date | None:
    found = find_dates(text)
    return found[0].value if found else None


_OPEN_END = re.compile(r"^\s*(?:起?至|到|~|-|—|–|－|―|止|to|until|till|through)(?![A-Za-z])", re.I)


def open_range(text: str) -> date | None:
    """The start of `date SEP <unreadable>`: a range whose end cannot be read (`1999年11月04日至 日`), or
    was misread before its start (`2019-03-22 至 2012-03-21`).

    Its start is not its end: a caller wanting the expiry must leave it empty and say so.
    """
    s = unicodedata.normalize("NFKC", text or "")
    if find_range(s) or LONG_TERM.search(s):
        return None
    found = find_dates(s)
    if not found or not _OPEN_END.match(s[found[0].end :]):
        return None
    if len(found) == 1 or found[1].value < found[0].value:
        return found[0].value
    return None


def find_range(text: str) -> tuple[date, date | None] | None:
    """(start, end) where `text` holds `date SEP date` or `date 至长期` (end None)."""
    s = unicodedata.normalize("NFKC", text or "")
    found = find_dates(s)
    for a, b in zip(found, found[1:]):
        if _RANGE_SEP.match(s[a.end : b.start]) and a.value <= b.value:
            return a.value, b.value
    for a in found:
        rest = s[a.end : a.end + 10]
        if re.match(r"^\s*(?:至|到|-|~|—)\s*(?:" + LONG_TERM.pattern + ")", rest):
            return a.value, None
    return None
