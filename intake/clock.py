"""The one clock: every time the application stores is UTC, ISO 8601, to the second."""

from __future__ import annotations

from datetime import UTC, datetime


def current() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def now() -> str:
    return stamp(current())
