"""Sign-in sessions kept on the server, so that ending one ends it everywhere a copy of its cookie
went: logout, a password change or reset, a disabled or deleted account, "sign out everywhere".

The browser holds a random session key (inside the signed session cookie); the database keeps only
its sha256, the account and the times. A key whose row is gone, expired, or whose account is
disabled signs nobody in."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlite_utils

from intake.clock import current, stamp

LIFETIME = timedelta(days=14)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(db: sqlite_utils.Database, user_id: int, address: str = "") -> str:
    """A new session for the account; returns the key for the cookie (never stored as such)."""
    key = secrets.token_urlsafe(32)
    now = current()
    db.execute("delete from sessions where expires <= ?", [stamp(now)])  # keep it small
    db.table("sessions").insert(
        {
            "id": _digest(key),
            "user_id": user_id,
            "created": stamp(now),
            "expires": stamp(now + LIFETIME),
            "address": address[:64],
        }
    )
    return key


def session_user_id(db: sqlite_utils.Database, key: str | None) -> int | None:
    """The account signed in with this key, or None (unknown, ended, expired)."""
    if not key or not isinstance(key, str):
        return None
    row = next(db["sessions"].rows_where("id = ?", [_digest(key)], limit=1), None)
    if row is None:
        return None
    if row["expires"] <= stamp(current()):
        db.table("sessions").delete(row["id"])
        return None
    return row["user_id"]


def end_session(db: sqlite_utils.Database, key: str | None) -> None:
    if key and isinstance(key, str):
        db.execute("delete from sessions where id = ?", [_digest(key)])
        db.conn.commit()


def end_all_sessions(db: sqlite_utils.Database, user_id: int) -> int:
    """Sign the account out everywhere; returns how many sessions ended."""
    n = db.execute("delete from sessions where user_id = ?", [user_id]).rowcount
    db.execute("delete from sessions where expires <= ?", [stamp(current())])
    db.conn.commit()
    return n


def session_count(db: sqlite_utils.Database, user_id: int) -> int:
    return db["sessions"].count_where("user_id = ?", [user_id])
