"""看看哪些方案适合我 and the 证照库 on the web (issue 26): documents uploaded once from the home page,
every scheme compared on them with the outcomes of each scheme's own pre-check, a case for any scheme
started from them without a second upload, the store's validity watch, a renewed document offered to
the open cases that use the old one — and nobody else's store reachable."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache

import pytest
from corpus.documents import render
from docgen import pdf_bytes
from web_helpers import csrf, make_client, page_csrf, wait_report

from checklists.factsfile import FactsError
from checklists.registry import scheme_ids
from checklists.vocabulary import plain
from intake.clock import today as beijing_today
from intake.comparison import compare
from intake.reading.pipeline import extract_files

FILES = ["license_beside", "qms_prose", "ems", "test_report_cells"]


@cache
def _files() -> tuple[tuple[str, bytes], ...]:  # generated once: a PDF's bytes carry the moment it was made
    return tuple((f"{n}.pdf", render(n, "pdf")) for n in FILES)


def files() -> list[tuple[str, bytes]]:
    return list(_files())


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


def upload_for_comparison(client, items) -> str:
    token = page_csrf(client.get("/compare").text)
    r = client.post(
        "/compare",
        data={"csrf": token},
        files=[("files", (n, b, "application/pdf")) for n, b in items],
    )
    assert r.status_code == 200, r.text  # followed the redirect to the comparison
    return r.text


def test_home_page_leads_to_the_comparison(client):
    html = client.get("/").text
    assert 'href="/compare"' in html and "看看哪些方案适合我" in html


def test_upload_compare_start_two_cases_without_uploading_again(client, tmp_path):
    html = upload_for_comparison(client, files())
    for sid in scheme_ids():
        assert f'id="scheme-{sid}"' in html
    # the page shows each scheme's own outcome: the same as its pre-check on the same files
    paths = []
    for n, b in files():
        p = tmp_path / n
        p.write_bytes(b)
        paths.append(str(p))
    expected = compare(extract_files(paths), {}, None)
    for s in expected.summaries():
        card = html.split(f'id="scheme-{s["scheme"]}"', 1)[1].split("</li>\n", 1)[0]
        assert f'class="outcome {s["status"]}">{s["status_zh"]}<' in card, s["scheme"]
        for note in s["notes"]:  # the check's own notes: a campaign deadline passed, a provisional mapping
            assert plain(note).split("（")[0] in card, (s["scheme"], note)
    best = expected.best()
    first = re.search(r'name="scheme" value="(\w+)"', html).group(1)
    assert first == best
    r = client.post("/compare/start", data={"csrf": page_csrf(html), "scheme": best})
    assert r.status_code == 200 and "/cases/" in str(r.url)
    case_id = int(re.search(r"/cases/(\d+)", str(r.url)).group(1))
    docs = client.get(f"/api/cases/{case_id}/documents").json()
    assert sorted(d["file_name"] for d in docs) == sorted(n for n, _ in files())
    assert all(d["state"] == "read" for d in docs)  # read once, when they entered the store
    report = wait_report(client, case_id, seconds=5)
    assert report["scheme"] == best
    assert report["outcome"]["status"] == expected.entry(best)["outcome"]["status"]
    other = next(s for s in scheme_ids() if s != best)
    r = client.post("/compare/start", data={"csrf": page_csrf(html), "scheme": other})
    second = int(re.search(r"/cases/(\d+)", str(r.url)).group(1))
    assert second != case_id
    assert len(client.get(f"/api/cases/{second}/documents").json()) == len(FILES)
    lib = client.get("/api/library").json()
    assert len(lib["documents"]) == len(FILES)
    assert all(sorted(d["cases"]) == sorted([case_id, second]) for d in lib["documents"])


def test_the_same_file_twice_is_one_document(client):
    upload_for_comparison(client, files()[:1])
    upload_for_comparison(client, files()[:1])
    assert len(client.get("/api/library").json()["documents"]) == 1


def test_bad_file_named_others_kept(client):
    html = upload_for_comparison(client, [("坏文件.pdf", b"%PDF-1.4 broken"), ("空.pdf", b"")] + files()[:1])
    assert "坏文件.pdf" in html and "空.pdf" in html
    assert "文件为空" in html
    assert 'id="scheme-jinzhi"' in html


def test_api_compare_equals_the_scheme_checks(client):
    r = client.post(
        "/api/compare",
        headers={"X-CSRF-Token": csrf(client)},
        files=[("files", (n, b, "application/pdf")) for n, b in files()[:2]],
        data={"facts": '{"association_member": true}', "as_of": "2024-08-01"},
    )
    assert r.status_code == 200, r.text
    data = r.json()
    assert list(data["schemes"]) == scheme_ids() and data["as_of"] == "2024-08-01"
    assert [f["error"] for f in data["files"]] == [None, None]
    nf = data["schemes"]["nonferrous"]
    assert nf["facts"]["association_member"]["value"] is True
    r = client.post("/api/compare", headers={"X-CSRF-Token": csrf(client)}, data={"facts": '{"colour": 1}'})
    assert r.status_code == 400 and "colour" in r.json()["detail"]
    r = client.post("/api/compare", data={"facts": "{}"})
    assert r.status_code == 403  # no CSRF token


def _cert(title: str, until: date) -> bytes:
    return pdf_bytes(
        [
            [
                title,
                "证书编号：00124E31234R2M",
                "兹证明 天津滨海精密机械有限公司",
                "环境管理体系符合 GB/T 24001-2016/ISO 14001:2015 标准",
                "发证日期：2022年04月01日",
                f"有效期至：{until.year}年{until.month:02d}月{until.day:02d}日",
                "中国质量认证中心",
            ]
        ]
    )


def test_validity_watch_and_a_renewed_document_offered_to_open_cases(client):
    soon = beijing_today() + timedelta(days=30)
    html = upload_for_comparison(client, [("ems-old.pdf", _cert("环境管理体系认证证书", soon))])
    r = client.post("/compare/start", data={"csrf": page_csrf(html), "scheme": "nonferrous"})
    case_id = int(re.search(r"/cases/(\d+)", str(r.url)).group(1))
    lib = client.get("/api/library").json()
    (watch,) = lib["watch"]
    assert not watch["expired"] and 28 <= watch["days_left"] <= 31
    assert watch["cases"] == [case_id]
    assert {"nonferrous", "credit"} <= {s["scheme"] for s in watch["schemes"]}
    page = client.get("/library").text
    assert "将于" in page and "有色金属" in page
    n = next(s["item_count"] for s in watch["schemes"] if s["scheme"] == "nonferrous")
    assert f"全国有色金属产品质量品牌培育活动（{n} 项）" in page
    old_id = lib["documents"][0]["id"]
    r = client.post(
        f"/library/{old_id}/replace",
        data={"csrf": page_csrf(page)},
        files={
            "file": ("ems-new.pdf", _cert("环境管理体系认证证书", soon + timedelta(days=3 * 365)), "application/pdf")
        },
    )
    assert r.status_code == 200
    lib = client.get("/api/library").json()
    assert lib["watch"] == [] and len(lib["documents"]) == 1
    (offer,) = lib["offers"]
    assert offer["case"] == case_id and offer["old"] == old_id
    r = client.post("/library/offers", data={"csrf": page_csrf(r.text), "case_id": case_id, "old_id": old_id})
    assert r.status_code == 200
    names = [d["file_name"] for d in client.get(f"/api/cases/{case_id}/documents").json()]
    assert names == ["ems-old.pdf", "ems-new.pdf"]
    assert client.get("/api/library").json()["offers"] == []


def test_another_visitors_store_is_out_of_reach(client, tmp_path):
    upload_for_comparison(client, files()[:1])
    doc_id = client.get("/api/library").json()["documents"][0]["id"]
    from fastapi.testclient import TestClient

    other = TestClient(client.app)
    assert other.get("/api/library").json()["documents"] == []
    token = page_csrf(other.get("/compare").text)
    r = other.post(f"/library/{doc_id}/replace", data={"csrf": token}, files={"file": ("x.txt", b"x", "text/plain")})
    assert r.status_code == 404
    assert "license_beside.pdf" not in other.get("/compare").text


def test_staff_have_no_store(client):
    from web_helpers import login

    login(client, "sec")
    assert client.get("/api/library").status_code == 403


def test_offers_and_starts_cannot_be_forced(client):
    """Another visitor's case, a case with nothing to offer, a scheme that does not exist: refused."""
    from fastapi.testclient import TestClient

    html = upload_for_comparison(client, files()[:1])
    r = client.post("/compare/start", data={"csrf": page_csrf(html), "scheme": "jinzhi"})
    mine = int(re.search(r"/cases/(\d+)", str(r.url)).group(1))
    doc_id = client.get("/api/library").json()["documents"][0]["id"]
    r = client.post("/library/offers", data={"csrf": page_csrf(html), "case_id": mine, "old_id": doc_id})
    assert r.status_code == 409 and "新版本" in r.text  # nothing replaced it
    other = TestClient(client.app)
    token = page_csrf(other.get("/compare").text)
    r = other.post("/library/offers", data={"csrf": token, "case_id": mine, "old_id": doc_id})
    assert r.status_code == 404
    r = client.post("/compare/start", data={"csrf": page_csrf(html), "scheme": "../etc"})
    assert r.status_code == 400 and "未知的评价项目" in r.text
    r = client.post("/compare/start", data={"scheme": "jinzhi"})
    assert r.status_code == 403  # no CSRF token


def test_company_facts_asked_once_carried_into_each_case(client):
    """Sector and membership stated once on the comparison page: the comparison uses them, and each
    case started from the store carries the ones its scheme asks (and no others)."""
    html = upload_for_comparison(client, files()[:1])
    assert "贵单位的基本情况" in html and "贵单位属于哪个行业？" in html
    r = client.post(
        "/compare/facts",
        data={"csrf": page_csrf(html), "sector": "manufacturing", "association_member": "yes", "target_level": "AA"},
    )
    assert r.status_code == 200
    data = client.post("/api/compare", headers={"X-CSRF-Token": csrf(client)}).json()
    assert data["schemes"]["nonferrous"]["facts"]["association_member"]["value"] is True
    assert data["schemes"]["jiangsu"]["facts"]["sector"]["value"] == "manufacturing"
    assert "target_level" not in data["schemes"]["trace"]["facts"]  # not a company fact: not taken
    ids = {}
    for scheme in ("nonferrous", "jiangsu"):
        r = client.post("/compare/start", data={"csrf": page_csrf(html), "scheme": scheme})
        ids[scheme] = int(re.search(r"/cases/(\d+)", str(r.url)).group(1))
    nf = client.get(f"/api/cases/{ids['nonferrous']}/report").json()["facts"]
    js = client.get(f"/api/cases/{ids['jiangsu']}/report").json()["facts"]
    assert nf["association_member"]["value"] is True and "sector" not in nf
    assert js["sector"]["value"] == "manufacturing" and "association_member" not in js
    info = client.get(f"/cases/{ids['jiangsu']}?step=info").text
    assert re.search(r'name="sector" value="manufacturing"\s+checked', info)  # already answered there


def test_only_company_facts_are_kept_for_the_company(tmp_path):
    from intake.library.store import company_facts, set_company_facts
    from intake.store.db import open_db

    db = open_db(tmp_path)
    with pytest.raises(FactsError, match="target_level"):
        set_company_facts(db, "user:1", {"target_level": "AA"})
    with pytest.raises(FactsError, match="sector"):
        set_company_facts(db, "user:1", {"sector": "mining"})
    set_company_facts(db, "user:1", {"sector": "services", "production_start": "2020-01-01"})
    set_company_facts(db, "user:1", {"sector": None})
    assert company_facts(db, "user:1") == {"production_start": "2020-01-01"}
    assert company_facts(db, "user:2") == {}


def test_a_visitor_who_registers_keeps_the_store_in_the_account(client):
    """Documents and answers given before registering follow the visitor into the account: the same
    file is held once, the cases started from the store stay listed, and a second browser signed in
    to the account sees the store."""
    from fastapi.testclient import TestClient
    from web_helpers import PASSWORD

    html = upload_for_comparison(client, files()[:2])
    client.post("/compare/facts", data={"csrf": page_csrf(html), "sector": "services"})
    r = client.post("/compare/start", data={"csrf": page_csrf(html), "scheme": "jinzhi"})
    case_id = int(re.search(r"/cases/(\d+)", str(r.url)).group(1))
    token = page_csrf(client.get("/register").text)
    r = client.post("/register", data={"csrf": token, "name": "bob", "password": PASSWORD})
    assert r.status_code == 200
    upload_for_comparison(client, files()[:1])  # the same licence again, now signed in
    lib = client.get("/api/library").json()
    assert len(lib["documents"]) == 2 and all(d["cases"] == [case_id] for d in lib["documents"])
    other = TestClient(client.app)
    r = other.post("/api/login", json={"name": "bob", "password": PASSWORD})
    assert r.status_code == 200
    assert len(other.get("/api/library").json()["documents"]) == 2
    assert 'value="services" checked' in other.get("/compare").text


def test_company_facts_in_the_api(client):
    h = {"X-CSRF-Token": csrf(client)}
    assert client.put("/api/library/facts", json={"association_member": True}, headers=h).status_code == 200
    assert client.get("/api/library/facts").json() == {"association_member": True}
    r = client.put("/api/library/facts", json={"declarations": {"jinzhi.4.3": True}}, headers=h)
    assert r.status_code == 400 and "declarations" in r.json()["detail"]
    assert client.put("/api/library/facts", json={"sector": "x"}).status_code == 403  # no CSRF token


def test_bytes_read_before_are_not_read_again_unless_unfinished(tmp_path):
    """Content-addressed: a finished reading of the same bytes (any case or store) is reused; a case
    document still mid-OCR (queued, partial facts) is not taken for a reading."""
    import io

    from intake.cases.case import add_document, open_case, set_document_state
    from intake.config import Limits
    from intake.library.store import add_file, held
    from intake.store.blobs import BlobStore
    from intake.store.db import open_db

    db, store, limits = open_db(tmp_path), BlobStore(tmp_path), Limits()
    name, data = files()[0]
    sha = store.put_bytes(data)
    case = open_case(db, "jinzhi")
    partial = add_document(db, case, sha, name, len(data), "pdf")
    set_document_state(db, partial, "queued", facts={"file": name, "type": "other", "fields": {}})
    add_file(db, store, "link:a", io.BytesIO(data), "a.pdf", limits)
    assert held(db, "link:a")[0]["doc_type"] == "business_license"  # read itself, not the partial facts
    set_document_state(db, partial, "read", facts={"file": name, "sha256": sha, "type": "ems_certificate"})
    db.execute("delete from library")
    db.conn.commit()
    add_file(db, store, "link:b", io.BytesIO(data), "b.pdf", limits)
    (b,) = held(db, "link:b")
    assert b["doc_type"] == "ems_certificate" and b["facts"]["file"] == "b.pdf"  # the finished reading, renamed


def kept_unread(client, file: tuple[str, bytes]) -> str:
    """Put `file` in this visitor's store as a page upload leaves it: kept, not read yet."""
    import io

    from intake.library.store import add_file
    from intake.store.blobs import BlobStore
    from intake.store.db import open_db

    data = client.app.state.data
    db = open_db(data)
    (holder,) = [r[0] for r in db.execute("select distinct holder from library").fetchall()]
    add_file(db, BlobStore(data), holder, io.BytesIO(file[1]), file[0], client.app.state.limits, read_now=False)
    db.conn.close()
    return file[0]


def test_documents_being_read_show_then_join_the_comparison(client, tmp_path):
    """A page upload answers before reading: the page says 读取中 and polls; a case started meanwhile
    takes the document queued and its own reader reads it."""
    upload_for_comparison(client, files()[:1])
    name = kept_unread(client, files()[1])
    lib = client.get("/api/library").json()
    assert len(lib["documents"]) == 2
    r = client.post("/api/compare", headers={"X-CSRF-Token": csrf(client)})
    assert r.json()["reading"] == [name]  # not compared until read
    assert [d["file"] for d in r.json()["schemes"]["jinzhi"]["documents"]] == [files()[0][0]]
    html = client.get("/compare").text  # rendered before its background task reads the document
    assert 'data-complete="0"' in html and "正在读取 1 份材料" in html
    frag = client.get("/compare/fragment")  # the task has run by now
    assert frag.headers["X-Report-Complete"] == "1" and "正在读取" not in frag.text
    r = client.post("/api/compare", headers={"X-CSRF-Token": csrf(client)})
    assert r.json()["reading"] == [] and len(r.json()["schemes"]["jinzhi"]["documents"]) == 2


def test_a_case_started_while_reading_reads_the_document_itself(client):
    html = upload_for_comparison(client, files()[:1])
    name = kept_unread(client, files()[2])
    r = client.post("/compare/start", data={"csrf": page_csrf(html), "scheme": "nonferrous"})
    case_id = int(re.search(r"/cases/(\d+)", str(r.url)).group(1))
    report = wait_report(client, case_id, seconds=60)
    assert report["case"]["complete"]
    docs = {d["file_name"]: d for d in client.get(f"/api/cases/{case_id}/documents").json()}
    assert docs[name]["state"] == "read" and docs[files()[0][0]]["state"] == "read"
