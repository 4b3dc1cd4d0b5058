"""The SQLite database (through sqlite-utils) under the data directory.

Opening a store brings its schema up to date (intake.store.schema: every table and migration in one
place), so no request path creates a table.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from intake.config import data_dir, private
from intake.store.schema import migrate

DB_NAME = "intake.db"


def open_db(data: str | os.PathLike | None = None, shared_across_threads: bool = False) -> sqlite_utils.Database:
    """The database under `data`. `shared_across_threads`: one connection that the threads of one web
    request use in turn (FastAPI runs a request's dependencies and endpoint on different threads);
    never shared between requests."""
    path = Path(data_dir(data)) / DB_NAME
    if not path.exists():  # private to its owner; SQLite gives the -wal and -shm files the same mode
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    private(path)
    db = sqlite_utils.Database(sqlite3.connect(path, check_same_thread=not shared_across_threads))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")
    migrate(db.conn)
    return db
