"""The committee's desk and the public draft page through TestClient."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from docgen import Grid, docx_bytes
from web_helpers import login, make_client, page_csrf

DRAFT = (Path(__file__).parent.parent / "intake" / "demo" / "jinzhi_draft_000.md").read_bytes()
XSS = '<script>alert("x")</script>'


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


def publish(client, deadline="2026-01-08") -> int:
    login(client, "com")
    html = client.get("/committee").text
    r = client.post("/committee/drafts", data={"csrf": page_csrf(html), "title": "津质精品通则", "deadline": deadline,
                                               "drafting_unit": "编制组"},
                    files={"file": ("draft.md", DRAFT, "text/markdown")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    client.cookies.clear()
    return int(r.headers["location"].rsplit("/", 1)[1])


def comment(client, draft_id, submitter, clause, text, reason="理由"):
    html = client.get(f"/drafts/{draft_id}").text
    return client.post(f"/drafts/{draft_id}/comments", data={
        "csrf": page_csrf(html), "submitter": submitter, "submitter_kind": "organisation",
        "clause_1": clause, "comment_1": text, "reason_1": reason})


def test_publish_then_public_page_with_clauses_and_blank_sheet(client):
    draft_id = publish(client)
    html = client.get(f"/drafts/{draft_id}").text
    assert "津质精品通则" in html and 'value="8.2"' in html and "10.2" in html  # clause picker from the draft
    assert "已过截止日期" not in html or "逾期" in html
    sheet = client.get(f"/drafts/{draft_id}/comment-sheet.docx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    assert any(d["id"] == draft_id for d in client.get("/api/drafts").json())


def test_online_comment_gets_a_receipt_and_late_marking(client):
    on_time = publish(client, deadline="2999-12-31")
    r = comment(client, on_time, "天津某检测公司", "8.2", "有效期建议改为5年")
    no = re.search(r'class="receipt-no">([^<]+)<', r.text).group(1)
    assert no.startswith("YJ") and "逾期" not in r.text
    late = publish(client, deadline="2020-01-01")
    r = comment(client, late, "北京某公司", "7.2.5", "公示期应明确天数")
    assert r.status_code == 200 and "已标记为逾期" in r.text


def test_uploaded_sheet_is_parsed_and_kept(client):
    draft_id = publish(client)
    sheet = docx_bytes(["团体标准制定征求意见表", Grid([
        ["单位名称或专家姓名", "上海某某公司", "单位盖章或专家签名", "（盖章）"],
        ["联系人", "张三", "联系方式", "13800000000"],
        ["标准名称", "“津质精品”产品质量等级评价通则", "", ""],
        ["序号", "章节", "修改意见", "具体理由"],
        ["1", "第 8.2 条", "证书有效期改为4年", "与其他评价一致"],
        ["2", "第13章", "增加附录", "便于操作"]], merges=[(2, 1, 2, 3)])])
    html = client.get(f"/drafts/{draft_id}").text
    r = client.post(f"/drafts/{draft_id}/sheets", data={"csrf": page_csrf(html)},
                    files=[("files", ("上海某某公司.docx", sheet, "application/octet-stream")),
                           ("files", ("broken.docx", b"PK\x03\x04broken", "application/octet-stream"))])
    assert r.status_code == 200
    assert r.text.count('class="receipt-no"') == 2 and "原件已保存" in r.text
    login(client, "com")
    reg = client.get(f"/api/drafts/{draft_id}/register").json()
    assert reg["summary"]["comments"] == 2
    assert [c["clause_raw"] for c in reg["summary"]["comments_without_valid_clause"]] == ["第13章"]
    assert len(reg["summary"]["unreadable"]) == 1


def test_register_by_clause_dispositions_groups_and_exports(client):
    draft_id = publish(client)
    text = "建议将证书有效期由3年延长为5年，减轻企业负担"
    for unit in ("甲协会", "乙公司", "丙公司"):
        comment(client, draft_id, unit, "8.2", text)
    comment(client, draft_id, "丁公司", "7.2.5", "公示期应明确为7个工作日")
    token = login(client, "com")
    html = client.get(f"/committee/drafts/{draft_id}").text
    assert "批量意见" in html and "8.2" in html and "7.2.5" in html
    reg = client.get(f"/api/drafts/{draft_id}/register").json()
    campaign = [c for c in reg["comments"] if c["clause"] == "8.2"]
    # 未采纳 needs a reason
    r = client.post(f"/committee/drafts/{draft_id}/dispositions",
                    data={"csrf": token, "item_id": campaign[0]["id"], "decision": "未采纳", "reason": ""})
    assert r.status_code == 400
    r = client.post(f"/committee/drafts/{draft_id}/dispositions",
                    data={"csrf": token, "item_id": campaign[0]["id"], "decision": "未采纳",
                          "reason": "有效期与8.2保持一致", "whole_group": "1"}, follow_redirects=False)
    assert r.status_code == 303
    reg = client.get(f"/api/drafts/{draft_id}/register").json()
    assert reg["summary"]["decisions"]["未采纳"] == 3 and reg["summary"]["decisions"]["待处理"] == 1
    docx = client.get(f"/committee/drafts/{draft_id}/register.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    csv = client.get(f"/committee/drafts/{draft_id}/register.csv").content.decode("utf-8-sig")
    assert "有效期与8.2保持一致" in csv and "丁公司" in csv


def test_register_is_for_the_committee_only(client):
    draft_id = publish(client)
    assert client.get(f"/committee/drafts/{draft_id}").status_code == 401
    assert client.get(f"/api/drafts/{draft_id}/register").status_code == 401
    login(client, "sec")
    assert client.get(f"/committee/drafts/{draft_id}").status_code == 403
    assert client.get(f"/committee/drafts/{draft_id}/register.csv").status_code == 403
    html = client.get(f"/drafts/{draft_id}").text  # the public page is public
    r = client.post(f"/drafts/{draft_id}/comments", data={"submitter": "x", "comment_1": "y"})
    assert r.status_code == 403  # but a forged form (no CSRF token) is refused
    assert "csrf" in html


def test_comment_with_script_shows_as_text_everywhere(client):
    draft_id = publish(client)
    r = comment(client, draft_id, XSS, "8.2", XSS, reason=XSS)
    pages = [r.text]
    login(client, "com")
    pages.append(client.get(f"/committee/drafts/{draft_id}").text)
    for html in pages:
        assert XSS not in html and "&lt;script&gt;" in html
