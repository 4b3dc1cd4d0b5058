"""Validity watch: the store's documents that expire within 90 days or have expired, each with the
schemes whose items rest on that kind of document and the store's open cases holding it."""

from __future__ import annotations

from datetime import date, timedelta

from checklists.rules import parse_date
from checklists.scheme import list_schemes
from intake import clock

from .cases import OPEN, uses
from .store import held

WATCH_DAYS = 90


def schemes_resting_on(doc_type: str) -> list[dict]:
    """The schemes with an item that takes `doc_type` as evidence, and how many such items."""
    out = []
    for s in list_schemes():
        n = sum(1 for it in s.items if doc_type in it.evidence)
        if n:
            out.append({"scheme": s.id, "name": s.name, "item_count": n})
    return out


def watch(db, holder: str | None, today: date | None = None, days: int = WATCH_DAYS) -> list[dict]:
    """Expired or expiring documents, soonest first: {document, valid_until, days_left, expired,
    schemes, cases} — `cases` the open ones (draft, submitted, in review) holding the document."""
    today = today or clock.today()
    used = uses(db, holder)
    out = []
    for d in held(db, holder):
        until = parse_date(d["valid_until"])
        if until is None or until > today + timedelta(days=days):
            continue
        out.append(
            {
                "document": d,
                "valid_until": until.isoformat(),
                "days_left": (until - today).days,
                "expired": until < today,
                "schemes": schemes_resting_on(d["doc_type"]) if d["doc_type"] else [],
                "cases": [c for c in used.get(d["sha256"], []) if c.status in OPEN],
            }
        )
    return sorted(out, key=lambda w: w["valid_until"])
