"""The one clock: every time the application stores is UTC, ISO 8601, to the second."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from extractors.fields.dates import chinese_day  # noqa: F401 (the pages' and the documents' one way to write a day)


def current() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def now() -> str:
    return stamp(current())


BEIJING = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """The day as people here count it: Beijing's (the server's own day is UTC's on most hosts, which
    is yesterday until 08:00 in Beijing)."""
    return current().astimezone(BEIJING).date()


def day_of(stamp_utc: str) -> date:
    """The Beijing day of a stored UTC stamp (a bare date is taken as it is)."""
    if len(stamp_utc) <= 10:
        return date.fromisoformat(stamp_utc)
    moment = datetime.fromisoformat(stamp_utc)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(BEIJING).date()
