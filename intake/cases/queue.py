"""The secretariat's queue at scale: each case row carries its outcome summary (status, level,
counts per verdict, the as-of date and the case version it was computed for), so the queue is
read with SQL alone — filters, counts and pagination in the database, never the checklist engine.

A summary is recomputed when the case changes (`case.touch` calls `refresh_outcome` for a case
that is no longer a draft) and when its as-of date is stale: time rules change verdicts as days
pass, so the rows of a page are refreshed on read (at most one page's worth) and `refresh_stale`
(the daily pass: the web service runs it in the background, `intake queue refresh` from cron)
brings every row to today."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from intake.cases.case import STATUSES, _case
from intake.cases.procedures import procedure
from intake.clock import BEIJING, stamp
from intake.clock import today as beijing_today

PER_PAGE = 50
MAX_PER_PAGE = 500
OUTCOMES = ("eligible", "not_eligible", "incomplete", "needs_review")
_STALE = "(coalesce(outcome_version, -1) != version or coalesce(outcome_as_of, '') != ?)"


def beijing_midnight(day: date) -> str:
    """The stored (UTC) stamp at which `day` begins in Beijing: days are counted as people there count them."""
    return stamp(datetime.combine(day, time(), BEIJING).astimezone(UTC))


@dataclass
class QueueFilters:
    scheme: str | None = None
    status: str | None = None
    procedure_state: str | None = None
    outcome: str | None = None
    min_days: int | None = None  # waiting at least this many days since submission
    q: str | None = None

    def where(self, today: date) -> tuple[str, list]:
        where, args = ["status != 'draft'"], []
        for column, value in (
            ("scheme", self.scheme),
            ("status", self.status),
            ("procedure_state", self.procedure_state),
            ("outcome_status", self.outcome),
        ):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        if self.min_days is not None and self.min_days > 0:
            # days_waiting >= N  <=>  submitted on or before today - N  <=>  submitted_at < today - N + 1
            where.append("submitted_at < ?")
            args.append(beijing_midnight(today - timedelta(days=self.min_days - 1)))
        if self.q:
            where.append("(applicant like ? or product like ?)")
            args += [f"%{self.q}%", f"%{self.q}%"]
        return " and ".join(where), args


@dataclass
class QueuePage:
    rows: list[dict]
    total: int  # cases matching the filters
    page: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)  # submitted cases per scheme, unfiltered

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def summarise(report: dict) -> dict:
    """The part of a report the queue shows: the outcome and how many items have each verdict."""
    counts = Counter(item["status"] for item in report.get("items", []))
    docs = report.get("documents") or []
    return {
        **report.get("outcome", {}),
        "counts": dict(counts),
        "complete": all(d.get("state") in ("read", "failed") for d in docs),
    }


def refresh_outcome(db, case_id: int, as_of: date | None = None, cache: bool = False) -> None:
    """Compute the case's report and store its summary; a summary computed for an older version
    of the case never overwrites a newer one (two threads may refresh the same case). `cache`: keep
    the report for the case page (after a change it is usually looked at next)."""
    from intake.cases.report import case_report  # the engine: loaded only where summaries are made

    as_of = as_of or beijing_today()
    rows = list(db["cases"].rows_where("id = ?", [case_id], limit=1))
    if not rows:
        return
    case = _case(rows[0])
    summary = summarise(case_report(db, case, as_of, cache=cache))
    db.execute(
        "update cases set outcome_status = ?, outcome_level = ?, outcome = ?, outcome_as_of = ?, "
        "outcome_version = ? where id = ? and version = ?",
        [
            summary.get("status"),
            summary.get("level"),
            json.dumps(summary, ensure_ascii=False),
            as_of.isoformat(),
            case.version,
            case.id,
            case.version,
        ],
    )
    db.conn.commit()


def stale_ids(db, as_of: date | None = None, limit: int | None = None) -> list[int]:
    sql = f"select id from cases where status != 'draft' and {_STALE} order by id"
    args: list = [(as_of or beijing_today()).isoformat()]
    if limit:
        sql += " limit ?"
        args.append(limit)
    return [r[0] for r in db.execute(sql, args).fetchall()]


def refresh_stale(db, as_of: date | None = None, should_stop=lambda: False) -> int:
    """The daily pass: every submitted case whose summary is not for today (or not for its current
    version) is recomputed. Returns how many were."""
    n = 0
    for case_id in stale_ids(db, as_of):
        if should_stop():
            break
        refresh_outcome(db, case_id, as_of)
        n += 1
    return n


def queue_page(
    db, filters: QueueFilters | None = None, page: int = 1, per_page: int = PER_PAGE, today: date | None = None
) -> QueuePage:
    """One page of the queue, oldest submission first. The rows on the page are brought up to date
    first when stale, so what is shown is always today's outcome."""
    filters = filters or QueueFilters()
    today = today or beijing_today()
    page, per_page = max(1, page), max(1, min(per_page, MAX_PER_PAGE))
    where, args = filters.where(today)
    total = db.execute(f"select count(*) from cases where {where}", args).fetchone()[0]
    # ids first (from an index), then those rows: a deep page skips index entries, not whole rows
    select = (
        f"select * from cases where id in (select id from cases where {where} "
        "order by submitted_at, id limit ? offset ?) order by submitted_at, id"
    )
    page_args = [*args, per_page, (page - 1) * per_page]
    rows = [dict(r) for r in db.query(select, page_args)]
    stale = [
        r["id"] for r in rows if r.get("outcome_version") != r["version"] or r.get("outcome_as_of") != today.isoformat()
    ]
    if stale:
        for case_id in stale:
            refresh_outcome(db, case_id, today)
        rows = [dict(r) for r in db.query(select, page_args)]
    counts: dict[str, int] = {}
    for status, scheme, n in db.execute("select status, scheme, count(*) from cases group by status, scheme"):
        if status != "draft":  # grouped on the (status, scheme) index alone, drafts dropped here
            counts[scheme] = counts.get(scheme, 0) + n
    return QueuePage([queue_row(r, today) for r in rows], total, page, per_page, counts)


def queue_row(row: dict, today: date) -> dict:
    """A row as `Case.summary()` gives it, plus names and the stored outcome (the facts not parsed)."""
    case = _case({**row, "facts": None})
    proc = procedure(case.scheme)
    outcome = json.loads(row.get("outcome") or "{}")
    return {
        **case.summary(today),
        "scheme_name": proc.name,
        "procedure_name": proc.state(case.procedure_state).name,
        "outcome": outcome,
        "outcome_as_of": row.get("outcome_as_of"),
    }


def status_labels() -> dict[str, str]:
    return {k: v for k, v in STATUSES.items() if k != "draft"}


class DailyPass:
    """A background thread of the web service: `refresh_stale` at start, then every `every`
    seconds (a cheap query when nothing is stale; after midnight it brings every row to the new day)."""

    def __init__(self, data, every: float = 60):
        import threading

        self.data, self.every = data, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="queue-daily-pass", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        import logging

        from intake.store.db import open_db

        log = logging.getLogger("intake.cases.queue")
        db = open_db(self.data)
        try:
            while not self._stop.is_set():
                try:
                    n = refresh_stale(db, should_stop=self._stop.is_set)
                    if n:
                        log.info("queue: %d outcome summaries brought up to date", n)
                except Exception:  # a bad case must not stop the pass for the others tomorrow
                    log.exception("queue daily pass")
                self._stop.wait(self.every)
        finally:
            db.conn.close()
