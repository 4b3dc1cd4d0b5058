"""The web service's JSON API and pages through FastAPI's TestClient: an applicant's case from
upload to submission, the secretariat's queue, override and worksheet, the procedure states."""

from __future__ import annotations

import pytest
from docgen import pdf_bytes
from web_helpers import csrf, login, make_client, open_case, page_csrf, untimed, upload, wait_report

LICENCE = [
    [
        "营业执照",
        "统一社会信用代码：91120116MA05JXQ72G",
        "名称：天津津品示范精密机械有限公司",
        "住所：天津市滨海新区海泰发展六道6号",
        "法定代表人：李明",
        "成立日期：2015年03月18日",
    ]
]


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


def test_schemes_list_has_the_five_schemes_with_levels(client):
    schemes = {s["id"]: s for s in client.get("/api/schemes").json()}
    assert set(schemes) == {"jinzhi", "credit", "nonferrous", "jiangsu", "trace"}
    assert schemes["nonferrous"]["levels"] == ["培育品牌", "优质品牌", "卓越品牌"]
    assert schemes["nonferrous"]["deadline"] == "2024-08-31"
    assert "公示及异议处理" in schemes["nonferrous"]["states"]


def test_upload_is_read_and_the_report_fills_in(client, tmp_path):
    case = open_case(client)
    r = upload(client, case["id"], [("licence.pdf", pdf_bytes(LICENCE)), ("notes.exe", b"MZ\x90\x00" + b"\0" * 100)])
    assert r.status_code == 200
    files = {f["file"]: f for f in r.json()["files"]}
    assert files["licence.pdf"]["error"] is None
    assert "不支持的文件类型" in files["notes.exe"]["error"]
    report = wait_report(client, case["id"])
    docs = {d["file"]: d for d in report["documents"]}
    assert docs["licence.pdf"]["state"] == "read"
    assert docs["licence.pdf"]["type"] == "business_license"
    assert docs["licence.pdf"]["fields"]["org_name"]["value"] == "天津津品示范精密机械有限公司"
    assert docs["notes.exe"]["state"] == "failed"
    # the unsupported original is kept, content-addressed
    stored = tmp_path / "var" / "files" / docs["notes.exe"]["sha256"][:2] / docs["notes.exe"]["sha256"][2:]
    assert stored.exists()
    items = {i["id"]: i for i in report["items"]}
    assert items["jinzhi.3.1.reg"]["status"] in ("met", "review")
    assert report["outcome"]["status"] in ("incomplete", "not_eligible", "needs_review", "eligible")
    # the page shows the groups and the recognised licence with a link to its page
    assert "缺少材料" in client.get(f"/cases/{case['id']}?step=result").text
    html = client.get(f"/cases/{case['id']}?step=upload").text
    assert "营业执照" in html and f"/cases/{case['id']}/documents/" in html
    png = client.get(f"/cases/{case['id']}/documents/{docs['licence.pdf']['document_id']}/pages/1.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    # the assistant said what it recognised, in the case's chat
    import time

    for _ in range(50):  # written just after the document's state (a moment later)
        said = " ".join(m["text"] for m in client.get(f"/api/cases/{case['id']}/chat").json())
        if "licence.pdf" in said:
            break
        time.sleep(0.2)
    assert "licence.pdf" in said and "天津津品示范精密机械有限公司" in said
    assert (
        client.get(f"/cases/{case['id']}/documents/{docs['licence.pdf']['document_id']}/pages/9.png").status_code == 404
    )
    one = client.get(f"/api/cases/{case['id']}/documents/{docs['licence.pdf']['document_id']}").json()
    assert one["state"] == "read" and one["facts"]["fields"]["org_name"]["page"] == 1


def test_upload_over_the_size_limit_is_refused_and_not_stored(tmp_path):
    from intake.config import Limits

    with make_client(tmp_path, Limits(max_bytes=1024 * 1024)) as client:
        case = open_case(client)
        r = upload(client, case["id"], [("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))])
        assert "超过 1 MB" in r.json()["files"][0]["error"]
        assert client.get(f"/api/cases/{case['id']}/documents").json() == []
        assert not [p for p in (tmp_path / "var" / "files").rglob("*") if p.is_file()]
        # a body larger than 20 files at the cap is refused before it is read
        from web_helpers import csrf as _csrf

        r = client.post(
            f"/api/cases/{case['id']}/documents",
            content=b"\0" * (23 * 1024 * 1024),
            headers={"X-CSRF-Token": _csrf(client), "Content-Type": "multipart/form-data; boundary=b"},
        )
        assert r.status_code == 413


def test_a_file_the_worker_gives_up_on_is_marked_failed_with_why(tmp_path, monkeypatch):

    import intake.reading.readers as reading

    def slow(path, name, sha, limits):  # stands in for a hostile file: the worker's time limit answers
        return {"file": name, "sha256": sha, "error": f"{name}: 读取超过 {limits.file_seconds} 秒，已中止"}

    monkeypatch.setattr(reading, "read_file_timed", untimed(slow))
    with make_client(tmp_path) as client:
        case = open_case(client)
        upload(client, case["id"], [("hang.pdf", pdf_bytes(LICENCE))])
        report = wait_report(client, case["id"])
        assert report["documents"][0]["state"] == "failed", report["documents"]
        assert "已中止" in report["documents"][0]["error"]
        assert client.get("/api/schemes").status_code == 200


def test_facts_submit_and_read_only_after(client):
    case = open_case(client, "nonferrous")
    token = csrf(client)
    r = client.put(
        f"/api/cases/{case['id']}/facts",
        headers={"X-CSRF-Token": token},
        json={"association_member": True, "target_level": "优质品牌"},
    )
    assert r.status_code == 200 and r.json()["association_member"] is True
    report = client.get(f"/api/cases/{case['id']}/report").json()
    assert {i["id"]: i for i in report["items"]}["nonferrous.art4"]["status"] == "met"
    assert (
        client.post(f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": token}).json()["status"] == "submitted"
    )
    # now read-only: no uploads, no facts, no second submission
    assert upload(client, case["id"], [("x.pdf", pdf_bytes(LICENCE))]).status_code == 409
    assert (
        client.put(
            f"/api/cases/{case['id']}/facts", headers={"X-CSRF-Token": token}, json={"association_member": False}
        ).status_code
        == 409
    )
    html = client.get(f"/cases/{case['id']}").text
    assert "已提交" in html and 'id="upload-form"' not in html


def test_facts_form_on_the_page(client):
    case = open_case(client, "jinzhi")
    html = client.get(f"/cases/{case['id']}").text
    r = client.post(
        f"/cases/{case['id']}/facts",
        data={"csrf": page_csrf(html), "sector": "manufacturing", "decl.jinzhi.4.4": "yes"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    report = client.get(f"/api/cases/{case['id']}/report").json()
    item = {i["id"]: i for i in report["items"]}["jinzhi.4.4"]
    assert item["status"] == "review"  # a declaration alone is never `met`


def submitted_case(client, scheme="nonferrous"):
    case = open_case(client, scheme)
    client.post(f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": csrf(client)})
    client.cookies.clear()
    return case


def test_secretariat_queue_override_with_note_and_audit(client):
    case = submitted_case(client)
    token = login(client, "sec")
    queue = client.get("/api/queue").json()
    assert [r["id"] for r in queue] == [case["id"]]
    assert queue[0]["days_waiting"] == 0 and queue[0]["outcome"]["status"]
    assert client.get("/api/queue?scheme=jiangsu").json() == []
    assert "全国有色金属产品质量品牌培育（1）" in client.get("/queue").text
    # an override without a note is refused
    r = client.post(
        f"/api/cases/{case['id']}/overrides",
        headers={"X-CSRF-Token": token},
        json={"item_id": "nonferrous.art4", "status": "met", "note": ""},
    )
    assert r.status_code == 422
    r = client.post(
        f"/api/cases/{case['id']}/overrides",
        headers={"X-CSRF-Token": token},
        json={"item_id": "nonferrous.art4", "status": "met", "note": "会员证书已核验"},
    )
    assert r.status_code == 200
    item = {i["id"]: i for i in client.get(f"/api/cases/{case['id']}/report").json()["items"]}["nonferrous.art4"]
    assert item["status"] == "met" and item["override"]["note"] == "会员证书已核验"
    assert item["override"]["user"] == "sec"
    audit = client.get(f"/api/cases/{case['id']}/audit").json()
    assert any(a["action"] == "override" and a["user"] == "sec" and "会员证书已核验" in a["detail"] for a in audit)


def test_procedure_states_and_publicity_period(client):
    case = submitted_case(client)
    token = login(client, "sec")
    h = {"X-CSRF-Token": token}
    # cannot skip from 申报 to 公布
    assert client.post(f"/api/cases/{case['id']}/procedure", headers=h, json={"state": "published"}).status_code == 400
    for state in ("document_review", "onsite", "satisfaction", "defence", "approval"):
        assert client.post(f"/api/cases/{case['id']}/procedure", headers=h, json={"state": state}).status_code == 200
    view = client.post(
        f"/api/cases/{case['id']}/procedure", headers=h, json={"state": "publicity", "on": "2024-10-01"}
    ).json()
    assert view["current_name"] == "公示及异议处理" and view["publicity_ends"] == "2024-10-08"
    assert view["publicity_over"] is True  # today is after 2024-10-08
    view = client.post(
        f"/api/cases/{case['id']}/procedure", headers=h, json={"state": "published", "on": "2024-10-09"}
    ).json()
    assert view["certificate"]["valid_until"] == "2028-10-08"  # 4 years


def test_jinzhi_certificate_renewal_window(client):
    from datetime import date

    from intake.cases.case import get_case
    from intake.store.db import open_db

    case = submitted_case(client, "jinzhi")
    token = login(client, "sec")
    h = {"X-CSRF-Token": token}
    for state in ("accepted", "audit", "conclusion", "publicity"):
        client.post(f"/api/cases/{case['id']}/procedure", headers=h, json={"state": state})
    nxt = client.get(f"/api/cases/{case['id']}/procedure").json()["next"]
    assert [n["name"] for n in nxt] == ["异议复核", "出具评价证书"]  # 7.2.5 a) / b)
    client.post(f"/api/cases/{case['id']}/procedure", headers=h, json={"state": "review"})
    client.post(f"/api/cases/{case['id']}/procedure", headers=h, json={"state": "certified", "on": "2024-01-15"})
    c = get_case(open_db(client.app.state.data), case["id"])
    cert = c.procedure_view(today=date(2026, 11, 1))["certificate"]
    assert cert["valid_until"] == "2027-01-14" and cert["renew_by"] == "2026-10-14"  # 8.2, 10.2
    assert cert["renewal_overdue"] is True
    assert c.procedure_view(today=date(2026, 8, 1))["certificate"]["renewal_due"] is True


def test_credit_worksheet_total_and_grade(client):
    case = submitted_case(client, "credit")
    token = login(client, "sec")
    ws = client.get(f"/api/cases/{case['id']}/worksheet").json()
    assert ws["total"]["max"] == 100 and ws["total"]["grade"] is None
    scores = {r["id"]: 0.9 for r in ws["rows"]}
    ws = client.put(
        f"/api/cases/{case['id']}/worksheet", headers={"X-CSRF-Token": token}, json={"scores": scores}
    ).json()
    assert ws["total"]["score"] == 90 and ws["total"]["grade"] == "四星级"
    report = client.get(f"/api/cases/{case['id']}/report").json()
    # the basic requirements of chapter 4 (declarations 4 b, 4 c) are still open: the score stands, no grade yet
    assert report["outcome"]["score"] == 90 and report["outcome"]["grade"] is None
    assert "4 b" in report["outcome"]["grade_withheld"]
    for item in ("credit.4.a", "credit.4.b", "credit.4.c"):
        r = client.post(
            f"/api/cases/{case['id']}/overrides",
            headers={"X-CSRF-Token": token},
            json={"item_id": item, "status": "met", "note": "现场审查确认"},
        )
        assert r.status_code == 200, r.text
    report = client.get(f"/api/cases/{case['id']}/report").json()
    assert report["outcome"]["score"] == 90 and report["outcome"]["grade"] == "四星级"  # the engine agrees
    # the page form: bands → midpoint (80–100 % → 90 %), an exact percentage overrides
    html = client.get(f"/cases/{case['id']}").text
    assert 'id="worksheet-form"' in html
    form = {"csrf": page_csrf(html), **{f"band.{i}": "4" for i in scores}, "pct.credit.5.2.a": "50"}
    assert client.post(f"/cases/{case['id']}/scores", data=form, follow_redirects=False).status_code == 303
    total = client.get(f"/api/cases/{case['id']}/worksheet").json()["total"]
    assert total["score"] == 89.2 and total["grade"] == "三星级"


def test_downloads(client):
    case = open_case(client)
    upload(client, case["id"], [("licence.pdf", pdf_bytes(LICENCE))])
    wait_report(client, case["id"])
    html = client.get(f"/cases/{case['id']}/gap-report.html")
    assert html.status_code == 200 and "天津津品示范精密机械有限公司" in html.text
    for path in ("gap-report.docx", "application.docx"):
        r = client.get(f"/cases/{case['id']}/{path}")
        assert r.status_code == 200, r.text
        assert r.content[:2] == b"PK"


def test_openapi_docs(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/cases/{case_id}/report" in paths and "/api/queue" in paths
    assert client.get("/docs").status_code == 200


def test_chat_panel_answers_and_turns_answers_into_case_facts(client):
    case = open_case(client, "nonferrous")
    token = csrf(client)
    r = client.post(
        f"/api/cases/{case['id']}/chat",
        headers={"X-CSRF-Token": token},
        json={"message": "卓越品牌的满意度测评要达到多少分？"},
    )
    assert r.status_code == 200, r.text
    assert "85" in r.json()["reply"]
    r = client.post(f"/api/cases/{case['id']}/chat", headers={"X-CSRF-Token": token}, json={"message": "你好"})
    assert r.json()["question"]["key"] == "target_level"
    r = client.post(f"/api/cases/{case['id']}/chat", headers={"X-CSRF-Token": token}, json={"message": "优质品牌"})
    assert r.json()["changed"] is True
    report = client.get(f"/api/cases/{case['id']}/report").json()
    assert (
        report["facts"]["target_level"]["value"] == "优质品牌"
        if isinstance(report["facts"].get("target_level"), dict)
        else report["facts"]["target_level"] == "优质品牌"
    )
    assert client.get(f"/api/cases/{case['id']}/chat").json()[0]["text"] == "卓越品牌的满意度测评要达到多少分？"
    html = client.get(f"/cases/{case['id']}?step=assistant").text
    assert 'id="chat"' in html and "卓越品牌的满意度测评要达到多少分？" in html


def test_a_value_corrected_in_the_chat_counts_and_the_secretariat_sees_it(client):
    case = open_case(client, "jinzhi")
    token = csrf(client)
    licence = [["营业执照", "名称：天津某某科技有限公司", "住所：天津市西青区某路1号", "成立日期：2015年03月18日"]]
    upload(client, case["id"], [("licence.pdf", pdf_bytes(licence))])
    wait_report(client, case["id"])
    from intake.store.db import open_db

    db = open_db(client.app.state.data)
    # a correction as the assistant records it after the applicant answers its confirmation question
    state_doc = client.get(f"/api/cases/{case['id']}/documents/1").json()["facts"]
    from intake.assistant import Assistant

    bot = Assistant("jinzhi")
    bot.sync(documents=[state_doc])
    bot.state["corrections"].append(
        {
            "sha256": state_doc["sha256"],
            "file": "licence.pdf",
            "field": "org_name",
            "original": "天津某某科技有限公司",
            "value": "天津某某精密科技有限公司",
            "source": "申请人声明",
            "at": "2026-01-01T00:00:00",
        }
    )
    import json as _json

    db["case_chat"].upsert(
        {"case_id": case["id"], "state": _json.dumps(bot.state, ensure_ascii=False), "transcript": "[]", "updated": ""},
        pk="case_id",
    )
    from intake.cases.case import touch

    touch(db, case["id"])  # what chat() does when a turn records a correction
    report = client.get(f"/api/cases/{case['id']}/report").json()
    assert report["corrections"][0]["value"] == "天津某某精密科技有限公司"
    client.post(f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": token})
    client.cookies.clear()
    login(client, "sec")
    html = client.get(f"/cases/{case['id']}").text
    assert "申请人更正的识别值" in html and "天津某某精密科技有限公司" in html
