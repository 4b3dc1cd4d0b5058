"""Issue 17, a full disk and anonymous allowances: uploads are refused with 507 "存储空间不足"
under the free-space floor, the reader threads survive a disk that fails every write and resume by
themselves once it is freed; a visitor without an account may open so many cases a day from one
address and store so many bytes per case."""

from __future__ import annotations

import sqlite3
import time

from web_helpers import csrf, make_client, open_case, upload

from intake.config import Limits
from intake.reading import readers
from intake.store import blobs

LICENCE = "营业执照\n名称：天津某某科技有限公司\n统一社会信用代码：91120116MA05T3K21X\n".encode()


class Disk:
    """A disk that can fill up: the free-space check and every document-state write see it."""

    def __init__(self, monkeypatch):
        self.full = False
        real_free, real_state = blobs.free_bytes, readers.set_document_state

        def free(path):
            return 1024 if self.full else real_free(path)

        def state(db, *a, **kw):
            if self.full:
                raise sqlite3.OperationalError("database or disk is full")
            return real_state(db, *a, **kw)

        monkeypatch.setattr(blobs, "free_bytes", free)
        monkeypatch.setattr(readers, "set_document_state", state)
        monkeypatch.setattr(readers, "RETRY_FIRST", 0.2)


def test_reading_survives_a_full_disk_and_resumes_by_itself(tmp_path, monkeypatch):
    disk = Disk(monkeypatch)
    client = make_client(tmp_path)
    with client:  # runs the lifespan: the reader threads start
        reader = client.app.state.reader
        case = open_case(client)
        disk.full = True
        refused = upload(client, case["id"], [("b.txt", LICENCE)])
        assert refused.status_code == 507 and refused.json()["detail"].startswith("存储空间不足")
        page = client.post(
            f"/cases/{case['id']}/documents",
            headers={"X-CSRF-Token": csrf(client), "Accept": "text/html"},
            files=[("files", ("b.txt", LICENCE, "text/plain"))],
        )
        assert page.status_code == 507 and "存储空间不足" in page.text
        disk.full = False
        doc = upload(client, case["id"], [("licence.txt", LICENCE)]).json()["files"][0]
        disk.full = True  # the disk fills before the reader records anything
        reader.submit(doc["document_id"])  # and again: both readers hit the full disk
        time.sleep(1.5)
        assert reader.alive() == len(reader.threads)  # no reader died of the full disk
        state = client.get(f"/api/cases/{case['id']}/documents/{doc['document_id']}").json()["state"]
        assert state in ("queued", "reading")
        disk.full = False  # space is freed: nobody restarts anything
        deadline = time.time() + 60
        while time.time() < deadline:
            got = client.get(f"/api/cases/{case['id']}/documents/{doc['document_id']}").json()
            if got["state"] in ("read", "failed"):
                break
            time.sleep(0.2)
        assert got["state"] == "read", got
        assert reader.alive() == len(reader.threads)  # no reader died of the full disk


def test_a_write_that_hits_enospc_is_507_not_500(tmp_path, monkeypatch):
    """The floor was not reached but the disk fills during the write itself."""
    import builtins

    client = make_client(tmp_path)
    case = open_case(client)
    monkeypatch.setattr(blobs.BlobStore, "check_space", lambda self, incoming=0: None)
    monkeypatch.setattr(blobs.os, "fdopen", lambda fd, mode="r", **kw: _Full(builtins.open(fd, mode, **kw)))
    r = upload(client, case["id"], [("a.txt", LICENCE)])
    assert r.status_code == 507 and "存储空间不足" in r.json()["detail"]
    assert not [p for p in (tmp_path / "var" / "files").rglob("*.part")]  # nothing half-written kept


class _Full:
    def __init__(self, f):
        self.f = f

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()

    def write(self, data):
        import errno

        raise OSError(errno.ENOSPC, "No space left on device")


def test_anonymous_visitors_open_so_many_cases_a_day(tmp_path):
    client = make_client(tmp_path, Limits(max_bytes=1024 * 1024, cases_per_address_day=3))
    token = csrf(client)
    codes = [
        client.post(
            "/api/cases",
            json={"scheme": "jinzhi", "applicant": f"公司{i}", "product": "齿轮"},
            headers={"X-CSRF-Token": token},
        ).status_code
        for i in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    r = client.post(
        "/api/cases", json={"scheme": "jinzhi", "applicant": "x", "product": "y"}, headers={"X-CSRF-Token": token}
    )
    assert "上限" in r.json()["detail"]


def test_a_case_holds_so_many_bytes(tmp_path):
    client = make_client(tmp_path, Limits(max_bytes=1024 * 1024, case_max_bytes=1536 * 1024))
    case = open_case(client)
    first = upload(client, case["id"], [("a.pdf", b"%PDF-1.4\n" + b"0" * 1000_000)]).json()["files"][0]
    assert first["error"] is None or "上限" not in first["error"]
    second = upload(client, case["id"], [("b.pdf", b"%PDF-1.4\n" + b"1" * 1000_000)]).json()["files"][0]
    assert second["document_id"] is None and "文件总量已达上限" in second["error"]
    small = upload(client, case["id"], [("c.txt", LICENCE)]).json()["files"][0]
    assert small["document_id"] is not None  # what still fits is accepted
