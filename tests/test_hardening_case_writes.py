"""Issue 24, items 4 and 6: a submitted case takes no more writes, whenever the request that makes
them started (the state is checked in the write's own transaction: intake.cases.case.draft_write),
and request bodies and declared facts are capped (a JSON body at 1 MB, a fact value, all facts
counted in the case's allowance)."""

from __future__ import annotations

import threading
import time

import pytest
from docgen import pdf_bytes
from web_helpers import csrf, make_client, open_case, upload

from intake.cases import case as cases
from intake.config import Limits
from intake.errors import Conflict
from intake.store.blobs import BlobStore
from intake.store.db import open_db

LICENCE = [["营业执照", "名称：天津某某科技有限公司", "统一社会信用代码：91120116MA05XXXX1A"]]


def test_twenty_files_in_flight_when_the_case_is_submitted_add_none_after(tmp_path, monkeypatch):
    """The upload is accepted file by file; the case is submitted (by another connection, as by
    another request) while the 4th file is being stored. Files 4 to 20 are refused with 409."""
    client = make_client(tmp_path, Limits(max_bytes=1024 * 1024, file_seconds=30))
    case = open_case(client)
    real_put = BlobStore.put_stream
    calls = []

    def put_then_submit(self, stream, max_bytes=None):
        calls.append(1)
        if len(calls) == 4:  # the applicant presses 提交 in another tab meanwhile
            db = open_db(tmp_path / "var")
            cases.submit(db, cases.get_case(db, case["id"]), "申请人")
            db.conn.close()
        return real_put(self, stream, max_bytes)

    monkeypatch.setattr(BlobStore, "put_stream", put_then_submit)
    files = [(f"f{i}.txt", f"营业执照 第{i}份\n".encode()) for i in range(20)]
    r = upload(client, case["id"], files)
    assert r.status_code == 409 and "申请已提交，不能再修改" in r.json()["detail"]
    docs = client.get(f"/api/cases/{case['id']}/documents").json()
    assert [d["file_name"] for d in docs] == ["f0.txt", "f1.txt", "f2.txt"]
    assert client.get(f"/api/cases/{case['id']}").json()["status"] == "submitted"


def test_writes_prepared_before_a_submit_are_refused_after_it(tmp_path):
    """Each write function is given the case as loaded before the submit (what a slow request holds)."""
    db = open_db(tmp_path)
    stale = cases.open_case(db, "jinzhi", "甲公司", "齿轮")
    cases.submit(db, stale, "申请人")
    for write in (
        lambda: cases.add_document(db, stale, "0" * 64, "late.pdf", 10, "pdf"),
        lambda: cases.set_facts(db, stale, {"sector": "manufacturing"}, "申请人"),
        lambda: cases.update_details(db, stale, "乙公司", "轴承", "申请人"),
        lambda: cases.submit(db, stale, "申请人"),
    ):
        with pytest.raises(Conflict, match="申请已提交，不能再修改"):
            write()
    fresh = cases.get_case(db, stale.id)
    assert fresh.applicant == "甲公司" and fresh.facts == {} and cases.documents(db, stale.id) == []
    assert [a["action"] for a in cases.audit_log(db, stale.id)] == ["open", "submit"]


def test_the_guard_rolls_back_what_its_body_wrote_when_it_fails(tmp_path):
    db = open_db(tmp_path)
    c = cases.open_case(db, "jinzhi", "甲公司")
    with pytest.raises(RuntimeError), cases.draft_write(db, c.id):
        cases._update_case(db, c.id, applicant="半途")
        raise RuntimeError("the disk went away")
    assert cases.get_case(db, c.id).applicant == "甲公司"


def test_concurrent_submit_and_fact_writes_never_change_a_submitted_case(tmp_path):
    db = open_db(tmp_path)
    c = cases.open_case(db, "jinzhi", "甲公司")
    db.conn.close()
    results: list[str] = []

    def writer(i: int):
        conn = open_db(tmp_path)
        try:
            for n in range(300):  # until refused (bounded)
                try:
                    cases.update_details(conn, c, f"甲公司{i}-{n}", "齿轮", "申请人")
                    results.append("written")
                    time.sleep(0.002)  # an applicant's next click: the others get their turn
                except Conflict:
                    results.append("refused")
                    break
        finally:
            conn.conn.close()

    def submitter():
        while len(results) < 5:  # the writers are at work
            threading.Event().wait(0.01)
        conn = open_db(tmp_path)
        cases.submit(conn, c, "申请人")
        conn.conn.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(3)] + [threading.Thread(target=submitter)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    db = open_db(tmp_path)
    log = cases.audit_log(db, c.id)
    submitted_at = next(i for i, a in enumerate(log) if a["action"] == "submit")
    assert all(a["action"] != "details" for a in log[submitted_at:])  # nothing after the submit
    assert results.count("written") == sum(a["action"] == "details" for a in log)
    assert "refused" in results


def test_a_huge_json_body_is_refused_before_it_is_read(tmp_path):
    client = make_client(tmp_path)
    r = client.post(
        "/api/login",
        content=b'{"name": "' + b"a" * (3 * 1024 * 1024) + b'", "password": "x"}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413 and "请求内容过大" in r.json()["detail"]

    def chunks():  # no Content-Length: counted as it streams
        yield b'{"name": "'
        for _ in range(40):
            yield b"a" * 65536
        yield b'", "password": "x"}'

    r = client.post("/api/login", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    # a multipart body on a route without a file field is held to the same small cap
    r = client.post("/login", files={"x": ("x.bin", b"\0" * (2 * 1024 * 1024))}, data={"name": "a", "password": "b"})
    assert r.status_code == 413
    case = open_case(client)  # uploads keep their own cap
    assert (
        upload(client, case["id"], [("licence.pdf", pdf_bytes(LICENCE) + b"\0" * (2 * 1024 * 1024))]).status_code == 200
    )


def test_fact_values_are_capped_and_count_in_the_case_allowance(tmp_path):
    client = make_client(tmp_path, Limits(max_bytes=1024 * 1024, case_max_bytes=1024 * 1024))
    case = open_case(client)
    headers = {"X-CSRF-Token": csrf(client)}
    r = client.put(f"/api/cases/{case['id']}/facts", json={"form": {"note": "齿" * 60_000}}, headers=headers)
    assert r.status_code == 400 and "内容过长" in r.json()["detail"], r.text
    r = client.put(f"/api/cases/{case['id']}/facts", json={"revenue": {"2024": 1.0, "2023": 2.0}}, headers=headers)
    assert r.status_code == 200, r.text
    db = open_db(tmp_path / "var")
    stored = cases.case_bytes(db, case["id"])
    assert stored >= len('{"revenue"')  # the facts count toward the case's allowance
    # files fill the allowance up to a few bytes: then even a short fact is refused, and nothing stored
    upload(client, case["id"], [("big.txt", b"x" * (1024 * 1024 - stored - 10))])
    before = cases.get_case(db, case["id"]).facts
    r = client.put(
        f"/api/cases/{case['id']}/facts", json={"revenue": {"2024": 1.0, "2023": 2.0, "2022": 3.0}}, headers=headers
    )
    assert r.status_code == 429 and "总量已达上限" in r.json()["detail"]
    assert cases.get_case(db, case["id"]).facts == before


def test_a_chat_turn_begun_before_the_submit_changes_nothing_after_it(tmp_path):
    from intake.cases import chat

    db = open_db(tmp_path)
    c = cases.open_case(db, "jinzhi", "甲公司", "齿轮")
    assert chat.chat(db, cases.get_case(db, c.id), "我们是制造业企业", "申请人", True)["changed"]  # a draft: recorded
    stale = cases.get_case(db, c.id)
    cases.submit(db, stale, "申请人")
    before = cases.get_case(db, c.id).facts
    with pytest.raises(Conflict):  # the turn was let in (may_edit) before the case was submitted
        chat.chat(db, stale, "是的", "申请人", True)
    assert cases.get_case(db, c.id).facts == before
