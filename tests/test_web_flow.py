"""The applicant's guided flow through FastAPI's TestClient: the steps, plain Chinese (no item
ids, no fact keys, no JSON/API links), facts asked as questions, the cross-checks, submitting a
不符合条件 case only with the blockers acknowledged, 进度查询, Beijing time for staff."""

from __future__ import annotations

import io
import re

import docx
import pytest
from docgen import pdf_bytes
from web_helpers import csrf, login, make_client, open_case, page_csrf, upload, wait_report

STEPS = ["info", "upload", "result", "assistant", "submit"]
# what an applicant must never read: item ids, fact keys and their English values, JSON/API links
INTERNAL = re.compile(
    r"\b(?:jinzhi|jiangsu|nonferrous|credit|trace)\.[\w.]+|\b(?:sector|product_kind|org_kind|"
    r"org_name|target_level|association_member|agriculture|manufacturing|services|"
    r"not_applicable|not_met|JSON|API)\b"
)
LICENCE = [
    [
        "营业执照",
        "统一社会信用代码：91320500MA1X2Y3Z4W",
        "名称：苏州苏信精密机械有限公司",
        "住所：江苏省苏州市工业园区星湖街1号",
        "法定代表人：王强",
        "成立日期：2012年06月01日",
    ]
]


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


def visible(html: str) -> str:
    """The text a person reads: tags, attributes, scripts and styles removed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def new_case(client, scheme: str) -> int:
    r = client.post("/cases", data={"csrf": page_csrf(client.get("/").text), "scheme": scheme}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?step=info")
    return int(re.search(r"/cases/(\d+)", r.headers["location"]).group(1))


@pytest.mark.parametrize("scheme", ["jiangsu", "jinzhi", "nonferrous", "trace", "credit"])
def test_every_step_is_plain_chinese(client, scheme):
    cid = new_case(client, scheme)
    for step in STEPS:
        html = client.get(f"/cases/{cid}?step={step}").text
        assert 'aria-current="step"' in html
        leaked = INTERNAL.findall(visible(html))
        assert not leaked, (step, leaked)
        assert "/api/" not in html and "/docs" not in html


def test_unknown_sector_is_one_question_not_nine_missing_items(client):
    cid = new_case(client, "jiangsu")
    html = client.get(f"/cases/{cid}?step=result").text
    page = visible(html)
    assert html.count('name="key" value="sector"') == 1  # one 请回答 line, answerable where it is asked
    assert "无法判断本条是否适用" not in page  # the sector-branch items are not listed as 缺少材料
    line = re.search(r'<li class="todo-line answer"[^>]*>(?:(?!</li>).)*value="sector"(?:(?!</li>).)*</li>', html, re.S)
    assert line and "制造业" in line.group(0) and int(re.search(r"涉及 (\d+) 项要求", line.group(0)).group(1)) > 1
    # the 基本信息 step asks it once, as a question; jinzhi's items do not depend on it, so it asks nothing of it
    assert visible(client.get(f"/cases/{cid}?step=info").text).count("贵单位属于哪个行业？") == 1
    assert "贵单位属于哪个行业？" not in client.get(f"/cases/{new_case(client, 'jinzhi')}?step=info").text


def test_branches_that_do_not_apply_are_hidden(client):
    cid = new_case(client, "jiangsu")
    html = client.get(f"/cases/{cid}?step=info").text
    r = client.post(
        f"/cases/{cid}/info",
        data={
            "csrf": page_csrf(html),
            "applicant": "苏州苏信精密机械有限公司",
            "sector": "manufacturing",
            "go": "stay",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == f"/cases/{cid}?step=info&saved=1"  # 暂存: saved, same step
    page = visible(client.get(f"/cases/{cid}?step=result").text)
    assert "不适用" not in page and "所属行业" not in page
    report = client.get(f"/api/cases/{cid}/report").json()  # staff and the API still have every item
    assert any(i["status"] == "not_applicable" for i in report["items"])
    info = client.get(r.headers["location"]).text
    assert "已暂存" in info and 'value="manufacturing" checked' in info
    scale = re.search(r'<div class="fact-field"([^>]*)>\s*<fieldset><legend>生产规模有多大', info)
    assert scale and "hidden" in scale.group(1)  # the agricultural scale question is hidden for manufacturing


def test_next_goes_to_upload_and_the_private_link_resumes(client):
    cid = new_case(client, "jinzhi")
    html = client.get(f"/cases/{cid}?step=info").text
    r = client.post(
        f"/cases/{cid}/info",
        data={"csrf": page_csrf(html), "applicant": "甲公司", "product": "齿轮", "go": "next"},
        follow_redirects=False,
    )
    assert r.headers["location"] == f"/cases/{cid}?step=upload"
    link = re.search(r'id="case-link">([^<]+)<', html).group(1)
    client.cookies.clear()  # another device: only the link
    r = client.get(link.replace("http://testserver", ""), follow_redirects=True)
    assert r.status_code == 200 and 'aria-current="step">上传材料' in r.text  # picks up where it was left


def test_name_typed_and_licence_disagree_is_a_check_with_both_values(client):
    case = open_case(client, "jiangsu", applicant="江苏苏欣精密机械有限公司")
    upload(client, case["id"], [("营业执照.pdf", pdf_bytes(LICENCE))])
    assert [d["state"] for d in wait_report(client, case["id"], 180)["documents"]] == ["read"]
    for step in ("upload", "result", "submit"):
        page = visible(client.get(f"/cases/{case['id']}?step={step}").text)
        assert "请核对" in page and "江苏苏欣精密机械有限公司" in page and "苏州苏信精密机械有限公司" in page, step
    # the gap report and the pre-filled form print one and the same name
    gap = client.get(f"/cases/{case['id']}/gap-report.html").text
    form = docx.Document(io.BytesIO(client.get(f"/cases/{case['id']}/application.docx").content))
    cells = " ".join(c.text for t in form.tables for r in t.rows for c in r.cells)
    assert "苏州苏信精密机械有限公司" in gap and "苏州苏信精密机械有限公司" in cells
    assert "江苏苏欣精密机械有限公司" not in cells


def test_not_eligible_needs_the_blockers_acknowledged(client):
    cid = new_case(client, "nonferrous")
    html = client.get(f"/cases/{cid}?step=info").text
    client.post(
        f"/cases/{cid}/info",
        data={"csrf": page_csrf(html), "applicant": "某铜业有限公司", "association_member": "no", "go": "stay"},
    )
    report = client.get(f"/api/cases/{cid}/report").json()
    assert report["outcome"]["status"] == "not_eligible"
    blockers = [i for i in report["items"] if i["status"] == "not_met"]
    page = client.get(f"/cases/{cid}?step=submit").text
    assert f'name="acknowledge" value="{len(blockers)}"' in page and "不满足的要求" in page
    token = page_csrf(page)
    r = client.post(f"/cases/{cid}/submit", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 400 and "已知悉" in r.text
    assert client.get(f"/api/cases/{cid}").json()["status"] == "draft"
    r = client.post(
        f"/cases/{cid}/submit", data={"csrf": token, "acknowledge": str(len(blockers))}, follow_redirects=False
    )
    assert r.status_code == 303
    progress = visible(client.get(f"/cases/{cid}").text)  # 进度查询
    assert "进度查询" in progress and "已提交" in progress and "当前环节" in progress


def test_deadline_note_on_the_case_page(client):
    cid = new_case(client, "nonferrous")
    page = visible(client.get(f"/cases/{cid}?step=info").text)
    assert "申报截止日为 2024年8月31日" in page


def test_staff_audit_log_in_beijing_time_with_from_and_to(client, tmp_path):
    from datetime import datetime, timedelta

    from intake.store.db import open_db

    cid = new_case(client, "jiangsu")
    html = client.get(f"/cases/{cid}?step=info").text
    for sector in ("agriculture", "manufacturing"):
        client.post(
            f"/cases/{cid}/info", data={"csrf": page_csrf(html), "applicant": "甲公司", "sector": sector, "go": "stay"}
        )
    client.post(f"/cases/{cid}/submit", data={"csrf": page_csrf(html)})
    client.cookies.clear()
    login(client, "sec")
    page = client.get(f"/cases/{cid}").text
    audit = visible(page[page.index('id="audit"') :])
    assert "所属行业：农业 → 制造业" in audit and "申请单位：（空） → 甲公司" in audit
    db = open_db(tmp_path / "var")
    stored = [r["created"] for r in db["audit"].rows_where("case_id = ?", [cid])]
    db.conn.close()
    assert stored[0].endswith("+00:00")  # kept in UTC, shown at UTC+8
    at = datetime.fromisoformat(stored[-1]) + timedelta(hours=8)
    shown = f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"  # in Chinese, as people write it
    assert shown in audit and "+00:00" not in audit


TEST_REPORT = [
    [
        "检验检测报告",
        "报告编号：TJ2024-0815",
        "样品名称：精密齿轮箱",
        "委托单位：苏州苏信精密机械有限公司",
        "检验依据：GB/T 10095.1-2022",
        "签发日期：2024年06月01日",
    ]
]


@pytest.mark.parametrize("typed, flagged", [("铝合金门窗", True), ("精密齿轮箱", False), ("齿轮箱", False)])
def test_product_typed_against_the_test_reports_sample(client, typed, flagged):
    r = client.post(
        "/api/cases",
        json={"scheme": "jinzhi", "applicant": "苏州苏信精密机械有限公司", "product": typed},
        headers={"X-CSRF-Token": csrf(client)},
    )
    case = r.json()
    upload(client, case["id"], [("检验报告.pdf", pdf_bytes(TEST_REPORT))])
    assert [d["state"] for d in wait_report(client, case["id"], 180)["documents"]] == ["read"]
    page = re.sub(r"\s+", "", visible(client.get(f"/cases/{case['id']}?step=result").text))
    assert ("请核对" in page and "申报产品" in page and f"“{typed}”" in page and "“精密齿轮箱”" in page) == flagged


def test_service_name_operator_and_logo_are_configuration(tmp_path, monkeypatch):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    monkeypatch.setenv("INTAKE_SERVICE_NAME", "江苏精品认证申报预审")
    monkeypatch.setenv("INTAKE_OPERATOR", "江苏省某标准化协会")
    monkeypatch.setenv("INTAKE_LOGO", str(logo))
    with make_client(tmp_path) as client:
        page = client.get("/").text
        assert "<title>江苏精品认证申报预审</title>" in page and "运营单位：江苏省某标准化协会" in page
        assert "质量品牌申报预审服务" not in page
        r = client.get("/brand/logo")
        assert r.headers["content-type"] == "image/png" and r.content == logo.read_bytes()
    monkeypatch.setenv("INTAKE_LOGO", str(tmp_path / "missing.png"))  # a wrong path falls back to the default
    with make_client(tmp_path / "other") as client:
        assert client.get("/brand/logo").headers["content-type"].startswith("image/svg+xml")


def test_error_pages_speak_chinese(client):
    html = {"Accept": "text/html"}
    r = client.get("/no-such-page", headers=html)
    assert r.status_code == 404 and "找不到这个页面" in r.text and "Not Found" not in r.text
    cid = new_case(client, "jinzhi")
    r = client.get(f"/cases/{cid}/documents/1?page=abc", headers=html)
    assert r.status_code == 422 and "格式不对" in r.text and "int_parsing" not in r.text
    assert client.get("/api/cases/abc").json()["detail"][0]["type"] == "int_parsing"  # the API keeps its JSON


def test_document_page_shows_chinese_field_names_and_the_indicators_as_a_table(client, tmp_path):
    from docgen import Grid

    report = pdf_bytes(
        [
            [
                "检验检测报告",
                "报告编号：TJ2024-0815",
                "样品名称：精密齿轮箱",
                "委托单位：苏州苏信精密机械有限公司",
                Grid(
                    [
                        ["检验项目", "单位", "标准要求", "实测值", "单项判定"],
                        ["齿距累积总偏差", "μm", "≤40", "28", "合格"],
                        ["噪声", "dB(A)", "≤85", "79", "合格"],
                    ]
                ),
            ]
        ]
    )
    case = open_case(client, "jinzhi")
    upload(client, case["id"], [("检验报告.pdf", report)])
    doc = wait_report(client, case["id"], 180)["documents"][0]
    assert doc["fields"]["indicators"]["value"], doc["fields"]  # read by the extractor
    page = client.get(f"/cases/{case['id']}/documents/{doc['document_id']}")  # one page for applicant and staff
    html = page.text
    fields = visible(html[html.index('class="grid cards fields"') : html.index("</table>")])
    assert "证书/报告编号" in fields and "cert_number" not in fields and "indicators" not in fields
    table = visible(html[html.index('class="grid cards indicators"') :])
    assert all(w in table for w in ("检验项目", "实测值", "单项判定", "齿距累积总偏差", "28", "合格"))


def test_the_api_asks_the_same_acknowledgement(client):
    case = open_case(client, "nonferrous")
    token = csrf(client)
    client.put(f"/api/cases/{case['id']}/facts", headers={"X-CSRF-Token": token}, json={"association_member": False})
    report = client.get(f"/api/cases/{case['id']}/report").json()
    n = len([i for i in report["items"] if i["status"] == "not_met"])
    assert report["outcome"]["status"] == "not_eligible" and n
    r = client.post(f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": token})
    assert r.status_code == 400 and f"acknowledge_blockers = {n}" in r.json()["detail"]
    r = client.post(
        f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": token}, json={"acknowledge_blockers": n + 1}
    )
    assert r.status_code == 400
    r = client.post(
        f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": token}, json={"acknowledge_blockers": n}
    )
    assert r.status_code == 200 and r.json()["status"] == "submitted"
