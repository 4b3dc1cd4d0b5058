"""Dates as written on comment sheets → ISO (2026年1月5日, 2026-1-5, 2026.01.05, 2026/1/5)."""

from __future__ import annotations

import re
from datetime import date

from ..text import normalize

_DATE = re.compile(r"(20\d{2}|19\d{2})\s*(?:年|-|\.|/)\s*(\d{1,2})\s*(?:月|-|\.|/)\s*(\d{1,2})\s*日?")


def find_date(text: str) -> str | None:
    """The first valid calendar date in `text`, as YYYY-MM-DD."""
    for m in _DATE.finditer(normalize(text)):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            continue
    return None
