"""Allowances for visitors without an account: how many cases one address may open in a day.

Kept in the database (a restart does not reset them); rows older than a day are dropped as new
ones come."""

from __future__ import annotations

from datetime import timedelta

import sqlite_utils

from intake.clock import current, now, stamp
from intake.errors import OverQuota


def _since() -> str:
    return stamp(current() - timedelta(days=1))


def cases_today(db: sqlite_utils.Database, address: str) -> int:
    return db["case_openings"].count_where("address = ? and at > ?", [address, _since()])


def check_case_quota(db: sqlite_utils.Database, address: str, per_day: int, message: str | None = None) -> None:
    """OverQuota once `address` (an address, or `account:ID` for an account) opened `per_day` cases in a day."""
    if cases_today(db, address) >= per_day:
        raise OverQuota(message or f"今天从此地址开立的申请已达 {per_day} 个的上限，请明天再试，或注册账号后继续")


def record_case_opening(db: sqlite_utils.Database, address: str) -> None:
    db.table("case_openings").insert({"address": address, "at": now()})
    db.execute("delete from case_openings where at <= ?", [_since()])
    db.conn.commit()
