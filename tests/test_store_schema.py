"""The store's one schema: a new store and one made by the previous release end up the same, the old
one keeps its data, and it is migrated once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from intake.cases.case import audit_log, documents, get_case, overrides
from intake.cases.chat import transcript
from intake.store.accounts import authenticate
from intake.store.db import DB_NAME, open_db
from intake.store.quotas import cases_today
from intake.store.schema import VERSION, migrate
from intake.store.sessions import session_count

PREVIOUS_RELEASE = Path(__file__).parent / "data" / "store_previous_release.sql"


def _old_store(tmp_path: Path) -> Path:
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.executescript(PREVIOUS_RELEASE.read_text(encoding="utf-8"))
    conn.close()
    return tmp_path


def _shape(db) -> dict:
    tables = {
        t: sorted((c[1], c[2], c[3]) for c in db.execute(f'PRAGMA table_info("{t}")'))
        for (t,) in db.execute("select name from sqlite_master where type = 'table'")
    }
    indexes = sorted(
        r[0] for r in db.execute("select name from sqlite_master where type = 'index' and sql is not null")
    )
    return {"tables": tables, "indexes": indexes}


def test_a_store_of_the_previous_release_keeps_its_data(tmp_path):
    db = open_db(_old_store(tmp_path))
    case = get_case(db, 1)
    assert (case.applicant, case.product, case.scheme) == ("天津某某科技有限公司", "智能水表", "jinzhi")
    assert [d["file_name"] for d in documents(db, 1)] == ["营业执照.pdf"]
    assert overrides(db, 1)["jinzhi.1.1"]["note"] == "已核"
    assert audit_log(db, 1)
    assert transcript(db, 1) == [{"role": "bot", "text": "您好"}]
    assert authenticate(db, "wang", "password123").display == "王伟"
    assert session_count(db, 1) == 1
    assert cases_today(db, "127.0.0.1") == 1
    assert db["comment_drafts"].get(1)["title"] == "智能水表"


def test_an_old_store_is_migrated_once_and_ends_like_a_new_one(tmp_path):
    (tmp_path / "old").mkdir()
    _old_store(tmp_path / "old")
    conn = sqlite3.connect(tmp_path / "old" / DB_NAME)
    assert migrate(conn) == list(range(1, VERSION + 1))
    assert migrate(conn) == []  # a second opening finds it current
    conn.close()
    (tmp_path / "new").mkdir()
    assert _shape(open_db(tmp_path / "old")) == _shape(open_db(tmp_path / "new"))


def test_a_store_from_before_later_columns_gets_them(tmp_path):
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute(
        "create table users (id integer primary key, name text not null, role text not null, "
        "display text, password_hash text not null, created text)"
    )
    conn.execute("insert into users (name, role, password_hash) values ('li', 'admin', 'x')")
    conn.commit()
    conn.close()
    db = open_db(tmp_path)
    assert "disabled" in db["users"].columns_dict
    assert db["users"].get(1)["name"] == "li"
    assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION


def test_requests_find_every_table_made_when_the_store_is_opened(tmp_path):
    db = open_db(tmp_path)
    names = set(db.table_names())
    assert {"users", "cases", "documents", "case_chat", "sessions", "case_openings", "comment_items"} <= names


def test_stores_opened_at_once_are_migrated_once(tmp_path):
    """The web service and its readers open a new store at the same moment: no table is made twice,
    nobody waits on a retry loop, everyone gets the whole schema."""
    import subprocess
    import sys

    code = "import sys; from intake.store.db import open_db; open_db(sys.argv[1]).conn.close()"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stderr=subprocess.PIPE) for _ in range(4)]
    errors = [p.communicate(timeout=60)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    db = open_db(tmp_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert "case_chat" in db.table_names()
