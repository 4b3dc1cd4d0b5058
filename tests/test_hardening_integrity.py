"""Issue 24, items 5 and 10. A stored original whose bytes changed on disk is never served or read
as the original: it is refused with a sentence, shown on /healthz, and found by `intake verify` (and
by `intake backup`) until a good copy is put back. Page previews come from one pool shared by every
request, and a page that does not exist is answered from the cache the second time."""

from __future__ import annotations

import threading
import time

from click.testing import CliRunner
from docgen import pdf_bytes
from web_helpers import make_client, open_case, upload, wait_report

from cli import cli
from intake.config import Limits
from intake.reading import worker
from intake.store.blobs import BlobStore

LICENCE = [["营业执照", "名称：天津某某科技有限公司", "统一社会信用代码：91120116MA05XXXX1A"]]


def corrupt(store: BlobStore, sha: str) -> bytes:
    path = store.path(sha)
    good = path.read_bytes()
    path.chmod(0o600)
    path.write_bytes(good[:-20] + b"\0" * 20)  # a disk's silent damage: same name, other bytes
    return good


def test_a_damaged_original_is_refused_reported_and_healed_by_a_good_copy(tmp_path):
    client = make_client(tmp_path)
    data = tmp_path / "var"
    with client:
        case = open_case(client)
        doc = upload(client, case["id"], [("licence.pdf", pdf_bytes(LICENCE))]).json()["files"][0]
        wait_report(client, case["id"], 300)
        url = f"/cases/{case['id']}/documents/{doc['document_id']}/file"
        assert client.get(url).status_code == 200
        assert client.get("/healthz").json()["files"] == {"damaged": 0, "examples": []}

        store = BlobStore(data)
        good = corrupt(store, doc["sha256"])
        r = client.get(url)
        assert r.status_code == 503 and "licence.pdf" in r.json()["detail"] and "已损坏" in r.json()["detail"]
        assert good[:8] not in r.content  # nothing of the file was sent
        health = client.get("/healthz")
        assert health.status_code == 503 and "files" in health.json()["problems"]
        assert health.json()["files"]["examples"] == [doc["sha256"]]

        runner = CliRunner()
        r = runner.invoke(cli, ["verify", "--data", str(data), "--json"])
        assert r.exit_code == 3 and doc["sha256"] in r.output and "内容已损坏" in r.stderr
        r = runner.invoke(cli, ["backup", str(tmp_path / "backup"), "--data", str(data)])
        assert r.exit_code == 3 and doc["sha256"] in r.stderr  # the nightly backup says so too
        assert not (tmp_path / "backup" / "files" / doc["sha256"][:2] / doc["sha256"][2:]).exists()

        store.path(doc["sha256"]).write_bytes(good)  # put back from a backup
        assert runner.invoke(cli, ["verify", "--data", str(data)]).exit_code == 0
        assert client.get("/healthz").status_code == 200 and client.get(url).content == good


def test_a_damaged_original_is_not_read_again_as_the_original(tmp_path):
    client = make_client(tmp_path)
    with client:
        case = open_case(client)
        doc = upload(client, case["id"], [("licence.pdf", pdf_bytes(LICENCE))]).json()["files"][0]
        assert wait_report(client, case["id"], 300)["case"]["complete"]  # the first reading is over
        corrupt(BlobStore(tmp_path / "var"), doc["sha256"])
        from intake.cases.case import set_document_state
        from intake.store.db import open_db

        db = open_db(tmp_path / "var")
        set_document_state(db, doc["document_id"], "queued")  # read it again (as after a restart)
        client.app.state.reader.submit(doc["document_id"])
        deadline = time.time() + 300
        while time.time() < deadline:
            got = client.get(f"/api/cases/{case['id']}/documents").json()[0]
            if got["state"] in ("read", "failed"):
                break
            time.sleep(0.3)
        assert got["state"] == "failed" and "已损坏" in got["error"], got
        report = wait_report(client, case["id"], 300)
        assert report["case"]["complete"]


def test_previews_share_a_fixed_pool_and_remember_pages_that_do_not_exist(tmp_path, monkeypatch):
    started, lock, peak, running = [], threading.Lock(), [0], [0]
    real = worker.run_each

    def counting(*a, **kw):  # every preview render goes through run_each: count those running at once
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            started.append(1)
        try:
            return real(*a, **kw)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(worker, "run_each", counting)
    client = make_client(tmp_path, Limits(max_bytes=5 * 1024 * 1024, file_seconds=30))
    with client:
        case = open_case(client)
        pages = [[f"第 {i} 页", "名称：天津某某科技有限公司"] for i in range(30)]
        doc = upload(client, case["id"], [("many.pdf", pdf_bytes(pages))]).json()["files"][0]
        wait_report(client, case["id"], 300)
        base = f"/cases/{case['id']}/documents/{doc['document_id']}/pages"
        statuses: list[int] = []
        retry: list[str] = []

        def ask(n):
            r = client.get(f"{base}/{n}.png")
            statuses.append(r.status_code)
            if r.status_code == 503:
                retry.append(r.headers.get("Retry-After", ""))

        before = len(started)
        threads = [threading.Thread(target=ask, args=(n,)) for n in range(1, 25)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert peak[0] <= 2  # 24 requests at once: never more than the pool's two workers
        assert set(statuses) <= {200, 503} and statuses.count(200) >= 2
        assert all(r.isdigit() and int(r) > 0 for r in retry)  # the refused are told when to come back
        assert len(started) - before == statuses.count(200)

        db_pages = client.get(f"/api/cases/{case['id']}/documents").json()[0]["pages"]
        assert client.get(f"{base}/{db_pages + 5}.png").status_code == 404  # known from the page count
        assert client.get(f"{base}/0.png").status_code == 404
        before = len(started)
        # a file whose page count is unknown: the missing page is rendered once, then remembered
        from intake.store.db import open_db

        db = open_db(tmp_path / "var")
        db.execute("update documents set pages = null where id = ?", [doc["document_id"]])
        db.conn.commit()
        first, second = client.get(f"{base}/99.png"), client.get(f"{base}/99.png")
        assert first.status_code == second.status_code == 404 and "没有第 99 页" in second.json()["detail"]
        assert len(started) - before == 1
