"""The SQLite database (through sqlite-utils) under the data directory.

Each area creates its own tables through `ensure_*` functions in its module;
this module only opens the file.
"""
from __future__ import annotations

import os
from pathlib import Path

import sqlite_utils

from intake.config import data_dir

DB_NAME = "intake.db"


def open_db(data: str | os.PathLike | None = None) -> sqlite_utils.Database:
    path = Path(data_dir(data)) / DB_NAME
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")
    return db
