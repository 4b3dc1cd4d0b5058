"""The one clock: every time the application stores is UTC, ISO 8601, to the second."""

from __future__ import annotations

from datetime import UTC, date, datetime

from extractors.fields.dates import (
    BEIJING,
    beijing_day,
    chinese_day,  # noqa: F401 (the pages' and the documents' one way to write a day)
)


def current() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def now() -> str:
    return stamp(current())


def today() -> date:
    """The day as people here count it: Beijing's (extractors.fields.dates.beijing_day, of this clock)."""
    return beijing_day(current())


def day_of(stamp_utc: str) -> date:
    """The Beijing day of a stored UTC stamp (a bare date is taken as it is)."""
    if len(stamp_utc) <= 10:
        return date.fromisoformat(stamp_utc)
    moment = datetime.fromisoformat(stamp_utc)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(BEIJING).date()
