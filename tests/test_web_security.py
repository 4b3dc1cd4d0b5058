"""Each access rule of the web service, tested by trying to break it."""

from __future__ import annotations

import pytest
from docgen import pdf_bytes
from web_helpers import PASSWORD, csrf, login, make_client, open_case, page_csrf, upload, wait_report

XSS = '<script>alert("x")</script>'
XSS_FILE = "<img src=x onerror=alert(1)>.pdf"


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


def two_applicants(client):
    """Case A opened by applicant A's browser, then a fresh browser (B) with its own case."""
    a = open_case(client, applicant="甲公司")
    upload(client, a["id"], [("a.pdf", pdf_bytes([["营业执照", "名称：甲公司"]]))])
    wait_report(client, a["id"])
    client.cookies.clear()
    b = open_case(client, applicant="乙公司")
    return a, b


def test_another_applicants_case_id_in_the_url_is_not_found(client):
    a, b = two_applicants(client)
    doc = client.get(f"/api/cases/{b['id']}/documents")  # B's own: fine
    assert doc.status_code == 200
    for path in (
        f"/cases/{a['id']}",
        f"/api/cases/{a['id']}",
        f"/api/cases/{a['id']}/report",
        f"/cases/{a['id']}/report-fragment",
        f"/api/cases/{a['id']}/documents",
        f"/cases/{a['id']}/documents/1",
        f"/cases/{a['id']}/documents/1/file",
        f"/cases/{a['id']}/documents/1/pages/1.png",
        f"/cases/{a['id']}/gap-report.html",
        f"/cases/{a['id']}/application.docx",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "甲公司" not in r.text
    # nor can B write to it
    token = csrf(client)
    assert upload(client, a["id"], [("x.pdf", b"%PDF-1.4")], token=token).status_code == 404
    assert client.post(f"/api/cases/{a['id']}/submit", headers={"X-CSRF-Token": token}).status_code == 404
    assert [c["id"] for c in client.get("/api/cases").json()] == [b["id"]]
    # B's document ids do not reach A's documents through B's own case
    assert client.get(f"/cases/{b['id']}/documents/1/file").status_code == 404


def test_case_link_token_grants_that_case_only(client):
    a, b = two_applicants(client)
    client.cookies.clear()
    assert client.get(f"/api/cases/{a['id']}").status_code == 404
    assert client.get(f"/api/cases/{a['id']}", headers={"X-Case-Token": "wrong" + a["token"]}).status_code == 404
    assert client.get(f"/api/cases/{a['id']}", headers={"X-Case-Token": b["token"]}).status_code == 404
    assert client.get(f"/api/cases/{a['id']}", headers={"X-Case-Token": a["token"]}).status_code == 200
    assert client.get("/c/not-a-real-token", follow_redirects=False).status_code == 404
    r = client.get(f"/c/{a['token']}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/cases/{a['id']}"
    assert client.get(f"/cases/{a['id']}").status_code == 200
    assert client.get(f"/cases/{b['id']}").status_code == 404
    assert len(a["token"]) >= 32  # token_urlsafe(24): 192 bits


def test_registered_applicant_sees_only_own_cases_across_browsers(client):
    r = client.post(
        "/register",
        data={"csrf": page_csrf(client.get("/register").text), "name": "alice", "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 303
    mine = open_case(client, applicant="爱丽丝公司")
    client.cookies.clear()
    other = open_case(client, applicant="别人公司")  # anonymous, in another browser
    client.cookies.clear()
    login(client, "alice")
    assert [c["id"] for c in client.get("/api/cases").json()] == [mine["id"]]
    assert client.get(f"/cases/{mine['id']}").status_code == 200
    assert client.get(f"/cases/{other['id']}").status_code == 404


def test_forms_without_or_with_a_wrong_csrf_token_are_refused(client):
    case = open_case(client)
    html = client.get(f"/cases/{case['id']}").text
    good = page_csrf(html)
    for data in ({}, {"csrf": ""}, {"csrf": good[:-2] + "xx"}):
        assert client.post(f"/cases/{case['id']}/facts", data={**data, "sector": "services"}).status_code == 403
        assert client.post(f"/cases/{case['id']}/submit", data=data).status_code == 403
        r = client.post(
            f"/cases/{case['id']}/documents", data=data, files=[("files", ("a.pdf", b"%PDF-1.4", "application/pdf"))]
        )
        assert r.status_code == 403
        assert client.post("/cases", data={**data, "scheme": "jinzhi"}).status_code == 403
        assert client.post("/login", data={**data, "name": "sec", "password": PASSWORD}).status_code == 403
    assert client.put(f"/api/cases/{case['id']}/facts", json={"sector": "services"}).status_code == 403
    assert client.get(f"/api/cases/{case['id']}/documents").json() == []
    assert client.get(f"/api/cases/{case['id']}").json()["status"] == "draft"
    # the same form with the token goes through
    assert client.post(f"/cases/{case['id']}/submit", data={"csrf": good}, follow_redirects=False).status_code == 303


def test_a_token_from_another_session_does_not_work(client):
    case = open_case(client)
    other = client.__class__(client.app)
    stolen = csrf(other)
    assert client.post(f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": stolen}).status_code == 403


def submitted(client):
    case = open_case(client, "nonferrous", applicant="丙公司")
    client.post(f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": csrf(client)})
    client.cookies.clear()
    return case


def test_committee_member_sees_no_applications(client):
    case = submitted(client)
    token = login(client, "com")
    assert client.get(f"/cases/{case['id']}").status_code == 403
    assert client.get(f"/api/cases/{case['id']}/report").status_code == 403
    assert client.get("/queue").status_code == 403
    assert client.get("/api/queue").status_code == 403
    assert client.get(f"/cases/{case['id']}/gap-report.html").status_code == 403
    r = client.post(
        f"/api/cases/{case['id']}/overrides",
        headers={"X-CSRF-Token": token},
        json={"item_id": "nonferrous.art4", "status": "met", "note": "x"},
    )
    assert r.status_code == 403
    assert client.post("/api/cases", headers={"X-CSRF-Token": token}, json={"scheme": "jinzhi"}).status_code == 403


def test_a_committee_member_cannot_tell_which_case_ids_exist(client):
    case = submitted(client)
    login(client, "com")
    for path in ("/cases/{}", "/api/cases/{}/report", "/api/cases/{}"):
        there = client.get(path.format(case["id"]))
        absent = client.get(path.format(case["id"] + 1000))
        assert (
            (there.status_code, there.json())
            == (absent.status_code, absent.json())
            == (403, {"detail": "标准委员会成员不能查看申报材料"})
        )


def test_an_id_past_sqlites_integers_is_not_found(client):
    login(client, "sec")
    for cid in (2**63, 2**64 + 5):
        assert client.get(f"/api/cases/{cid}").status_code == 404
        assert client.get(f"/api/cases/{cid}/report").status_code == 404


def test_signing_in_through_the_api_keeps_the_case_links_held(client):
    """An applicant who opened a case anonymously and then signs in (pages or API) keeps that case."""
    from intake.store.accounts import add_user
    from intake.store.db import open_db

    db = open_db(client.app.state.data)
    add_user(db, "appl", "applicant", PASSWORD)
    db.conn.close()
    case = open_case(client, applicant="丁公司")
    login(client, "appl")
    assert client.get(f"/api/cases/{case['id']}").status_code == 200
    assert [c["id"] for c in client.get("/api/cases").json()] == [case["id"]]


def test_applicant_cannot_use_secretariat_tools(client):
    case = open_case(client, "nonferrous")
    token = csrf(client)
    h = {"X-CSRF-Token": token}
    assert client.get("/api/queue").status_code == 401
    assert (
        client.post(
            f"/api/cases/{case['id']}/overrides",
            headers=h,
            json={"item_id": "nonferrous.art4", "status": "met", "note": "我说满足"},
        ).status_code
        == 401
    )
    assert (
        client.post(f"/api/cases/{case['id']}/procedure", headers=h, json={"state": "document_review"}).status_code
        == 401
    )
    assert client.get(f"/api/cases/{case['id']}/audit").status_code == 401
    items = {i["id"]: i for i in client.get(f"/api/cases/{case['id']}/report").json()["items"]}
    assert "override" not in items["nonferrous.art4"]


def test_secretariat_cannot_edit_an_applicants_case(client):
    case = submitted(client)
    token = login(client, "sec")
    assert client.get(f"/cases/{case['id']}").status_code == 200
    assert upload(client, case["id"], [("x.pdf", b"%PDF-1.4")], token=token).status_code == 409
    assert (
        client.put(
            f"/api/cases/{case['id']}/facts", headers={"X-CSRF-Token": token}, json={"association_member": True}
        ).status_code
        == 409
    )


def test_login_wrong_password_and_tampered_session(client, tmp_path):
    html = client.get("/login").text
    r = client.post("/login", data={"csrf": page_csrf(html), "name": "sec", "password": "wrong-password"})
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    assert client.post("/api/login", json={"name": "nobody", "password": "x"}).status_code == 401
    login(client, "sec")
    assert client.get("/api/queue").status_code == 200
    cookie = client.cookies.get("intake_session")
    client.cookies.set("intake_session", cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB"))
    assert client.get("/api/queue").status_code == 401
    # passwords are stored as argon2 hashes only
    from intake.store.db import open_db

    rows = list(open_db(tmp_path / "var")["users"].rows)
    assert all(r["password_hash"].startswith("$argon2") for r in rows)
    assert not any(PASSWORD in str(r) for r in rows)


def test_logout_ends_the_session(client):
    token = login(client, "sec")
    assert client.get("/api/queue").status_code == 200
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/queue").status_code == 401


def test_company_and_file_names_with_script_show_as_text_everywhere(client):
    case = open_case(client, applicant=XSS)
    upload(client, case["id"], [(XSS_FILE, pdf_bytes([["营业执照", "名称：" + XSS]]))])
    wait_report(client, case["id"])
    client.post(f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": csrf(client)})
    pages = [
        client.get(f"/cases/{case['id']}").text,
        client.get(f"/cases/{case['id']}/report-fragment").text,
        client.get(f"/cases/{case['id']}/gap-report.html").text,
        client.get("/cases").text,
        client.get(f"/cases/{case['id']}/documents/1").text,
    ]
    client.cookies.clear()
    login(client, "sec")
    pages.append(client.get("/queue").text)
    pages.append(client.get(f"/cases/{case['id']}").text)
    assert "script-src 'self'" in client.get(f"/cases/{case['id']}").headers["content-security-policy"]
    for html in pages:
        assert XSS not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html or "&lt;img src=x" in html


def test_every_state_changing_route_checks_csrf(client):
    """A route added later without the CSRF dependency fails here."""
    from web.deps import check_csrf

    exempt = {"/api/login"}  # signs in with a password; returns the token
    missing = []
    for route in client.app.routes:
        methods = getattr(route, "methods", set()) or set()
        if not methods & {"POST", "PUT", "PATCH", "DELETE"} or route.path in exempt:
            continue
        deps = [d.call for d in route.dependant.dependencies]
        if check_csrf not in deps:
            missing.append(route.path)
    assert missing == []
