"""Issue 17, nothing lost: `intake backup` taken while cases, documents and comments keep coming in
restores (`intake restore`) into a fresh folder as a consistent service — every case, document hash
and comment there is the original's, every stored file present and intact; a backup taken at rest
restores to an identical database."""

from __future__ import annotations

import hashlib
import sqlite3
import threading

from click.testing import CliRunner
from comment_sheets import draft_markdown
from web_helpers import csrf, make_client, open_case, upload

from cli import cli
from intake.comments import imports as comments
from intake.store.blobs import BlobStore
from intake.store.db import open_db


def rows(path, table, cols):
    conn = sqlite3.connect(path)
    try:
        return {r[0]: r[1:] for r in conn.execute(f"select id, {', '.join(cols)} from {table} order by id")}
    finally:
        conn.close()


CASES = ("scheme", "applicant", "product", "token", "owner_id")
DOCS = ("case_id", "sha256", "file_name", "size")
COMMENTS = ("sheet_id", "comment", "clause_raw")


def test_a_backup_under_load_restores_every_case_document_and_comment(tmp_path):
    client = make_client(tmp_path)
    data = tmp_path / "var"
    db = open_db(data)
    draft = comments.publish_draft(db, BlobStore(data), draft_markdown(), "draft.md")
    db.conn.close()
    stop, errors, done = threading.Event(), [], [0, 0]

    def load(n):  # applicants keep uploading and commenting while the backups run
        from fastapi.testclient import TestClient

        browser = TestClient(client.app)  # a browser of its own (its own session)
        i = 0
        try:
            while not stop.is_set() and i < 400:
                i += 1
                case = open_case(browser, applicant=f"公司{n}-{i}")
                r = upload(browser, case["id"], [(f"f{n}-{i}.txt", f"营业执照 {n}-{i} 名称：某公司".encode() * 50)])
                assert r.status_code == 200
                r = browser.post(
                    f"/api/drafts/{draft.id}/comments",
                    headers={"X-CSRF-Token": csrf(browser)},
                    json={"submitter": f"单位{n}-{i}", "comments": [{"clause": "4", "comment": f"意见{i}"}]},
                )
                assert r.status_code == 200, r.text
                done[n] = i
        except Exception as e:  # reported by the test below
            import traceback

            errors.append("".join(traceback.format_exception(e)))

    with client:
        workers = [threading.Thread(target=load, args=(n,)) for n in range(2)]
        for w in workers:
            w.start()
        run = CliRunner().invoke
        import time

        while min(done) < 5 and not errors:  # the load is under way
            time.sleep(0.1)
        backups = []
        for _ in range(3):  # the same folder each time: the later ones copy only new files
            r = run(cli, ["backup", str(tmp_path / "backup"), "--data", str(data), "--json"])
            assert r.exit_code == 0, r.output
            backups.append(r.output)
        snapshot = tmp_path / "under-load"
        r = run(cli, ["backup", str(snapshot), "--data", str(data)])
        assert r.exit_code == 0, r.output
        assert all(w.is_alive() for w in workers)  # the load was still running when the snapshot ended
        stop.set()
        for w in workers:
            w.join()
    assert not errors, errors
    for t in client.app.state.reader.threads:  # at rest: the readers finish what they were reading
        t.join(60)

    restored = tmp_path / "restored"
    r = CliRunner().invoke(cli, ["restore", str(snapshot), "--data", str(restored)])
    assert r.exit_code == 0, r.output
    src, dst = data / "intake.db", restored / "intake.db"
    cases, docs, notes = rows(dst, "cases", CASES), rows(dst, "documents", DOCS), rows(dst, "comment_items", COMMENTS)
    assert cases and docs and notes  # the load had written something before the snapshot
    for table, cols, got in (("cases", CASES, cases), ("documents", DOCS, docs), ("comment_items", COMMENTS, notes)):
        original = rows(src, table, cols)
        assert all(original[i] == v for i, v in got.items()), table  # each restored row is the original's
    for _, sha, _, _ in docs.values():  # and every file is there, intact
        path = restored / "files" / sha[:2] / sha[2:]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    assert all(doc[0] in cases for doc in docs.values())  # no document without its case

    # the restored folder is a working service: a case link opens its case with its documents
    from fastapi.testclient import TestClient

    from web.app import create_app

    some = max(cases)
    with TestClient(create_app(restored)) as c:
        token = cases[some][3]
        assert c.get(f"/c/{token}", follow_redirects=False).status_code == 303
        listed = c.get(f"/api/cases/{some}/documents").json()
        assert [d["sha256"] for d in listed] == [d[1] for d in docs.values() if d[0] == some]

    # at rest, a backup restores to an identical database
    at_rest = tmp_path / "at-rest"
    assert CliRunner().invoke(cli, ["backup", str(at_rest), "--data", str(data)]).exit_code == 0
    again = tmp_path / "restored-2"
    assert CliRunner().invoke(cli, ["restore", str(at_rest), "--data", str(again)]).exit_code == 0
    for table, cols in (("cases", CASES), ("documents", DOCS + ("state",)), ("comment_items", COMMENTS)):
        assert rows(again / "intake.db", table, cols) == rows(src, table, cols), table


def test_restore_refuses_a_folder_in_use_and_a_damaged_backup(tmp_path):
    client = make_client(tmp_path)
    case = open_case(client)
    upload(client, case["id"], [("a.txt", "营业执照 名称：某公司".encode())])
    run = CliRunner().invoke
    assert run(cli, ["backup", str(tmp_path / "b"), "--data", str(tmp_path / "var")]).exit_code == 0
    r = run(cli, ["restore", str(tmp_path / "b"), "--data", str(tmp_path / "var")])
    assert r.exit_code == 2 and "已有数据库" in r.output
    blob = next(p for p in (tmp_path / "b" / "files").rglob("*") if p.is_file())
    blob.write_bytes(b"tampered")
    r = run(cli, ["restore", str(tmp_path / "b"), "--data", str(tmp_path / "fresh")])
    assert r.exit_code == 3 and "损坏" in r.output
    assert not (tmp_path / "fresh" / "intake.db").exists()
