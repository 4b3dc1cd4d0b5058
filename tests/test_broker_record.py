"""The web side of the distributed readers, without processes: a worker's result is recorded once per
document whatever arrives twice or late; the signed links to originals cannot be forged, reused for
another file, or used after they expire."""

from __future__ import annotations

import hashlib
import time

import pytest
from web_helpers import make_client

from intake.cases import case as C
from intake.reading.broker import link_key, link_valid, record, sign_link
from intake.store.blobs import BlobStore
from intake.store.db import open_db


@pytest.fixture
def db(tmp_path):
    d = open_db(tmp_path / "var")
    yield d
    d.conn.close()


def a_document(db, tmp_path):
    case = C.open_case(db, "jinzhi", "某某有限公司")
    sha = BlobStore(tmp_path / "var").put_bytes(b"%PDF-1.4 not really")
    return case, C.add_document(db, case, sha, "licence.pdf", 19, "pdf")


def result(name: str) -> dict:
    return {
        "file": "licence.pdf",
        "type": "business_license",
        "fields": {"org_name": {"value": name}},
        "pages": 1,
        "error": None,
    }


def test_a_result_is_recorded_once_and_a_late_duplicate_changes_nothing(db, tmp_path):
    case, doc_id = a_document(db, tmp_path)
    assert record(db, {"document_id": doc_id, "state": "reading", "reader": "a:1"})
    assert C.get_document(db, case.id, doc_id)["state"] == "reading"
    assert record(db, {"document_id": doc_id, "state": "read", "result": result("第一次读的")})
    version = C.get_case(db, case.id).version
    # the same job read again by another worker after a redelivery, and its late "reading"
    assert not record(db, {"document_id": doc_id, "state": "read", "result": result("第二次读的")})
    assert not record(db, {"document_id": doc_id, "state": "reading", "reader": "b:2"})
    assert not record(db, {"document_id": doc_id, "state": "failed", "result": {"error": "超时"}})
    doc = C.get_document(db, case.id, doc_id)
    assert doc["state"] == "read" and doc["facts"]["fields"]["org_name"]["value"] == "第一次读的"
    assert C.get_case(db, case.id).version == version


def test_a_failed_read_is_recorded_with_its_reason_and_unknown_documents_are_ignored(db, tmp_path):
    case, doc_id = a_document(db, tmp_path)
    assert record(
        db,
        {
            "document_id": doc_id,
            "state": "failed",
            "result": {"file": "licence.pdf", "error": "licence.pdf：读取超时（超过 60 秒），已中止"},
        },
    )
    doc = C.get_document(db, case.id, doc_id)
    assert doc["state"] == "failed" and "读取超时" in doc["error"]
    assert not record(db, {"document_id": 99999, "state": "read", "result": result("x")})
    assert not record(db, {"document_id": doc_id, "state": "bogus"})


def test_signed_links_fetch_one_file_until_they_expire(tmp_path):
    client = make_client(tmp_path)
    data = tmp_path / "var"
    sha = BlobStore(data).put_bytes(b"the original bytes")
    other = BlobStore(data).put_bytes(b"someone else's file")
    key = link_key(data)
    good = sign_link(key, "http://testserver", sha)
    r = client.get(good.removeprefix("http://testserver"))
    assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == sha
    path, query = good.removeprefix("http://testserver").split("?")
    assert client.get(f"/blobs/{other}?{query}").status_code == 403  # the signature names one file
    assert client.get(path).status_code == 403  # no signature
    assert client.get(path + "?" + query[:-1] + ("0" if query[-1] != "0" else "1")).status_code == 403
    expired = sign_link(key, "", sha, seconds=-1).split("?")[1]
    assert client.get(f"/blobs/{sha}?{expired}").status_code == 403
    assert client.get("/blobs/..%2Fintake.db?expires=9999999999&sig=x").status_code in (403, 404)
    forged = sign_link(b"not the key", "", sha).split("?")[1]
    assert client.get(f"/blobs/{sha}?{forged}").status_code == 403
    assert not link_valid(key, sha.upper(), int(time.time()) + 60, "")


def test_an_upload_with_the_broker_down_is_kept_queued_and_sent_with_the_next(tmp_path, monkeypatch):
    from intake.config import Limits
    from intake.reading.broker import BrokerReader

    reader = BrokerReader(tmp_path / "var", Limits(), "redis://127.0.0.1:1/0", "http://127.0.0.1:9")
    sent = []
    db = open_db(tmp_path / "var")
    case, first = a_document(db, tmp_path)
    reader.submit(first)  # nothing listens on port 1: logged, not raised
    assert reader._unsent == [first]
    monkeypatch.setattr(reader._read, "send", lambda *args: sent.append(args))
    second = C.add_document(db, C.get_case(db, case.id), "0" * 64, "second.pdf", 10, "pdf")
    reader.submit(second)
    assert [a[0] for a in sent] == [first, second] and reader._unsent == []
    url = sent[0][3]
    assert url.startswith("http://127.0.0.1:9/blobs/") and link_valid(
        link_key(tmp_path / "var"), sent[0][1], int(url.split("expires=")[1].split("&")[0]), url.split("sig=")[1]
    )
    db.conn.close()
