"""The database's one schema: every table, index and migration, applied once when a store is opened
(`intake.store.db.open_db`), never lazily from a request.

The version a file has reached is kept in SQLite's `PRAGMA user_version`; `MIGRATIONS[n - 1]` takes a
store from version n - 1 to n. A new table or column is a new function appended to `MIGRATIONS`:
never edit one that has shipped. The steps run inside one write transaction (`BEGIN IMMEDIATE`),
so two processes opening the same store at once migrate it once: the second waits, then finds it done.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# The tables as the release before numbered migrations left them (version 1 adopts such a store).
BASELINE: dict[str, dict[str, str]] = {
    "users": {
        "id": "INTEGER PRIMARY KEY",
        "name": "TEXT NOT NULL",
        "role": "TEXT NOT NULL",
        "display": "TEXT",
        "password_hash": "TEXT NOT NULL",
        "created": "TEXT",
        "disabled": "INTEGER",
    },
    "cases": {
        "id": "INTEGER PRIMARY KEY",
        "token": "TEXT NOT NULL",
        "scheme": "TEXT NOT NULL",
        "applicant": "TEXT",
        "product": "TEXT",
        "owner_id": "INTEGER",
        "status": "TEXT NOT NULL",
        "procedure_state": "TEXT",
        "state_since": "TEXT",
        "certificate_issued": "TEXT",
        "facts": "TEXT",
        "version": "INTEGER",
        "created": "TEXT",
        "submitted_at": "TEXT",
        "updated": "TEXT",
        # the stored outcome summary the secretariat's queue reads (intake.cases.queue)
        "outcome_status": "TEXT",
        "outcome_level": "TEXT",
        "outcome": "TEXT",
        "outcome_as_of": "TEXT",
        "outcome_version": "INTEGER",
    },
    "documents": {
        "id": "INTEGER PRIMARY KEY",
        "case_id": 'INTEGER REFERENCES "cases"("id")',
        "sha256": "TEXT",
        "file_name": "TEXT",
        "size": "INTEGER",
        "kind": "TEXT",
        "state": "TEXT",
        "error": "TEXT",
        "facts": "TEXT",
        "pages": "INTEGER",
        "created": "TEXT",
        "read_at": "TEXT",
    },
    "overrides": {
        "id": "INTEGER PRIMARY KEY",
        "case_id": 'INTEGER REFERENCES "cases"("id")',
        "item_id": "TEXT",
        "status": "TEXT",
        "note": "TEXT",
        "user": "TEXT",
        "created": "TEXT",
    },
    "audit": {
        "id": "INTEGER PRIMARY KEY",
        "case_id": "INTEGER",
        "user": "TEXT",
        "action": "TEXT",
        "detail": "TEXT",
        "created": "TEXT",
    },
    "case_chat": {"case_id": "INTEGER PRIMARY KEY", "state": "TEXT", "transcript": "TEXT", "updated": "TEXT"},
    "sessions": {
        "id": "TEXT PRIMARY KEY",
        "user_id": "INTEGER NOT NULL",
        "created": "TEXT",
        "expires": "TEXT NOT NULL",
        "address": "TEXT",
    },
    "case_openings": {"id": "INTEGER PRIMARY KEY", "address": "TEXT", "at": "TEXT"},
    "comment_drafts": {
        "id": "INTEGER PRIMARY KEY",
        "sha256": "TEXT",
        "file": "TEXT",
        "title": "TEXT",
        "code": "TEXT",
        "deadline": "TEXT",
        "drafting_unit": "TEXT",
        "handler": "TEXT",
        "tree": "TEXT",
        "created": "TEXT",
        "version": "TEXT",
    },
    "comment_sheets": {
        "id": "INTEGER PRIMARY KEY",
        "draft_id": 'INTEGER REFERENCES "comment_drafts"("id")',
        "receipt": "TEXT",
        "sha256": "TEXT",
        "file": "TEXT",
        "source": "TEXT",
        "received": "TEXT",
        "received_from": "TEXT",
        "late": "INTEGER",
        "version": "INTEGER",
        "superseded_by": "INTEGER",
        "submitter": "TEXT",
        "submitter_key": "TEXT",
        "submitter_kind": "TEXT",
        "contact_person": "TEXT",
        "contact": "TEXT",
        "signed": "INTEGER",
        "standard_title": "TEXT",
        "sheet_date": "TEXT",
        "error": "TEXT",
        "warnings": "TEXT",
        "created": "TEXT",
        "review": "TEXT",
        "submitter_raw": "TEXT",
    },
    "comment_items": {
        "id": "INTEGER PRIMARY KEY",
        "sheet_id": 'INTEGER REFERENCES "comment_sheets"("id")',
        "draft_id": 'INTEGER REFERENCES "comment_drafts"("id")',
        "seq": "INTEGER",
        "seq_raw": "TEXT",
        "clause": "TEXT",
        "clause_raw": "TEXT",
        "clauses": "TEXT",
        "comment": "TEXT",
        "reason": "TEXT",
        "original": "TEXT",
        "suggestion": "TEXT",
        "page": "INTEGER",
        "valid": "INTEGER",
        "nearest": "TEXT",
        "proposer": "TEXT",
        "comment_raw": "TEXT",
        "reason_raw": "TEXT",
        "original_raw": "TEXT",
        "suggestion_raw": "TEXT",
    },
    "comment_dispositions": {
        "id": "INTEGER PRIMARY KEY",
        "item_id": 'INTEGER REFERENCES "comment_items"("id")',
        "decision": "TEXT",
        "reason": "TEXT",
        "by": "TEXT",
        "at": "TEXT",
    },
}

# (table, columns, unique); named as sqlite-utils names them, so the previous release's indexes are these
BASELINE_INDEXES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("users", ("name",), True),
    ("cases", ("token",), True),
    ("cases", ("status", "scheme"), False),
    ("cases", ("submitted_at", "id", "status"), False),
    ("cases", ("scheme", "submitted_at"), False),
    ("cases", ("outcome_status", "submitted_at"), False),
    ("documents", ("case_id",), False),
    ("documents", ("state",), False),
    ("overrides", ("case_id",), False),
    ("audit", ("case_id",), False),
    ("sessions", ("user_id",), False),
    ("case_openings", ("address", "at"), False),
    ("comment_drafts", ("sha256",), False),
    ("comment_sheets", ("draft_id", "sha256"), True),
    ("comment_sheets", ("receipt",), True),
    ("comment_items", ("sheet_id",), False),
    ("comment_items", ("draft_id",), False),
    ("comment_dispositions", ("item_id",), False),
)


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}


def _adopt_baseline(conn: sqlite3.Connection) -> None:
    """Version 1: the baseline tables on a new store; on a store from before numbered migrations (whose
    areas made their tables lazily, some perhaps never), the missing tables, columns and indexes."""
    for table, columns in BASELINE.items():
        have = _columns(conn, table)
        if not have:
            body = ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
            conn.execute(f'CREATE TABLE "{table}" ({body})')
            continue
        for name, kind in columns.items():
            if name not in have:  # columns added over time are all nullable
                conn.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {kind}')
    for table, cols, unique in BASELINE_INDEXES:
        name = f"idx_{table}_{'_'.join(cols)}"
        listed = ", ".join(f'"{c}"' for c in cols)
        conn.execute(f'CREATE {"UNIQUE " if unique else ""}INDEX IF NOT EXISTS "{name}" ON "{table}" ({listed})')


def _account_name_keys(conn: sqlite3.Connection) -> None:
    """Version 2: `users.name_key`, the one form of a name (intake.store.accounts.account_name) that
    uniqueness and sign-in go by; the names already there get theirs."""
    from intake.store.accounts import account_name

    if "name_key" not in _columns(conn, "users"):
        conn.execute('ALTER TABLE "users" ADD COLUMN "name_key" TEXT')
    for uid, name in conn.execute('SELECT "id", "name" FROM "users"').fetchall():
        conn.execute('UPDATE "users" SET "name_key" = ? WHERE "id" = ?', [account_name(name), uid])
    conn.execute('CREATE INDEX IF NOT EXISTS "idx_users_name_key" ON "users" ("name_key")')


def _comment_sheet_submitters(conn: sqlite3.Connection) -> None:
    """Version 3: who put each comment sheet in (`submitted_by`: account:ID, committee, or NULL for an
    anonymous visitor; the committee's imports so far are its own) and the sheets of the same unit
    from someone else it was kept beside (`possible_duplicate_of`, receipts as JSON)."""
    have = _columns(conn, "comment_sheets")
    for column in ("submitted_by", "possible_duplicate_of"):
        if column not in have:
            conn.execute(f'ALTER TABLE "comment_sheets" ADD COLUMN "{column}" TEXT')
    conn.execute("UPDATE comment_sheets SET submitted_by = 'committee' WHERE source IN ('upload', 'given')")


def _library(conn: sqlite3.Connection) -> None:
    """Version 4: the company's document store (证照库, intake.library): one row per document a holder
    keeps (by content), the cases started from a store, and the facts about the company stated once."""
    conn.execute(
        'CREATE TABLE "library" ("id" INTEGER PRIMARY KEY, "holder" TEXT NOT NULL, "sha256" TEXT NOT NULL, '
        '"file_name" TEXT, "size" INTEGER, "kind" TEXT, "doc_type" TEXT, "error" TEXT, "facts" TEXT, '
        '"valid_until" TEXT, "added" TEXT, "replaced_by" INTEGER, "state" TEXT)'
    )
    conn.execute('CREATE UNIQUE INDEX "idx_library_holder_sha256" ON "library" ("holder", "sha256")')
    conn.execute(
        'CREATE TABLE "library_cases" ("holder" TEXT NOT NULL, "case_id" INTEGER NOT NULL, '
        'PRIMARY KEY ("holder", "case_id"))'
    )
    conn.execute('CREATE TABLE "library_facts" ("holder" TEXT PRIMARY KEY, "facts" TEXT, "updated" TEXT)')


def _comments_read_from_scans(conn: sqlite3.Connection) -> None:
    """Version 5: a comment read from a scan keeps its OCR confidence, the region of its rows and their
    picture (a blob's sha256); the committee's confirmations and corrections are kept in comment_checks."""
    have = _columns(conn, "comment_items")
    for name, kind in (("confidence", "REAL"), ("region", "TEXT"), ("image", "TEXT")):
        if name not in have:
            conn.execute(f'ALTER TABLE "comment_items" ADD COLUMN "{name}" {kind}')
    conn.execute(
        'CREATE TABLE IF NOT EXISTS "comment_checks" ("id" INTEGER PRIMARY KEY, '
        '"item_id" INTEGER REFERENCES "comment_items"("id"), "field" TEXT, "old" TEXT, "new" TEXT, "by" TEXT, "at" TEXT)'
    )
    conn.execute('CREATE INDEX IF NOT EXISTS "idx_comment_checks_item_id" ON "comment_checks" ("item_id")')


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _adopt_baseline,
    _account_name_keys,
    _comment_sheet_submitters,
    _library,
    _comments_read_from_scans,
)
VERSION = len(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Bring the store to `VERSION`; returns the numbers of the migrations this call applied (none when
    the store is current, or when another process migrated it while this one waited for the lock)."""
    if version(conn) >= VERSION:
        return []
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        start = version(conn)
        for number in range(start + 1, VERSION + 1):
            MIGRATIONS[number - 1](conn)
        conn.execute(f"PRAGMA user_version = {max(start, VERSION)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return list(range(start + 1, VERSION + 1))
