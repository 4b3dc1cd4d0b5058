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
    r = client.post(
        "/committee/drafts",
        data={"csrf": page_csrf(html), "title": "津质精品通则", "deadline": deadline, "drafting_unit": "编制组"},
        files={"file": ("draft.md", DRAFT, "text/markdown")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    client.cookies.clear()
    return int(r.headers["location"].rsplit("/", 1)[1])


def comment(client, draft_id, submitter, clause, text, reason="理由"):
    html = client.get(f"/drafts/{draft_id}").text
    return client.post(
        f"/drafts/{draft_id}/comments",
        data={
            "csrf": page_csrf(html),
            "submitter": submitter,
            "submitter_kind": "organisation",
            "clause_1": clause,
            "comment_1": text,
            "reason_1": reason,
        },
    )


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
    sheet = docx_bytes(
        [
            "团体标准制定征求意见表",
            Grid(
                [
                    ["单位名称或专家姓名", "上海某某公司", "单位盖章或专家签名", "（盖章）"],
                    ["联系人", "张三", "联系方式", "13800000000"],
                    ["标准名称", "“津质精品”产品质量等级评价通则", "", ""],
                    ["序号", "章节", "修改意见", "具体理由"],
                    ["1", "第 8.2 条", "证书有效期改为4年", "与其他评价一致"],
                    ["2", "第13章", "增加附录", "便于操作"],
                ],
                merges=[(2, 1, 2, 3)],
            ),
        ]
    )
    html = client.get(f"/drafts/{draft_id}").text
    r = client.post(
        f"/drafts/{draft_id}/sheets",
        data={"csrf": page_csrf(html)},
        files=[
            ("files", ("上海某某公司.docx", sheet, "application/octet-stream")),
            ("files", ("broken.docx", b"PK\x03\x04broken", "application/octet-stream")),
        ],
    )
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
    r = client.post(
        f"/committee/drafts/{draft_id}/dispositions",
        data={"csrf": token, "item_id": campaign[0]["id"], "decision": "未采纳", "reason": ""},
    )
    assert r.status_code == 400
    r = client.post(
        f"/committee/drafts/{draft_id}/dispositions",
        data={
            "csrf": token,
            "item_id": campaign[0]["id"],
            "decision": "未采纳",
            "reason": "有效期与8.2保持一致",
            "whole_group": "1",
        },
        follow_redirects=False,
    )
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


def _li(html: str, text: str) -> str:
    """The <li> of the comment whose text contains `text`."""
    for m in re.finditer(r'<li class="item comment.*?</li>', html, re.S):
        if text in m.group(0):
            return m.group(0)
    raise AssertionError(f"no comment {text!r} on the page")


def test_desk_uploads_received_sheets_dated_by_their_received_date(client):
    """Sheets received by e-mail are uploaded on the desk with 收到日期: undated ones are on time when
    received in time; a sheet's own written date still wins; results are shown inline, in Chinese."""
    from comment_sheets import seed_sheet

    draft_id = publish(client)
    token = login(client, "com")
    on_time = seed_sheet(
        [["1", "8.2", "有效期（3年）过长，建议改为“2年”。", ""]], unit="甲公司", stamp="甲公司", date=None
    )
    dated_late = seed_sheet([["1", "4", "建议增加信用要求。", ""]], unit="乙公司", stamp="乙公司", date="2026年1月12日")
    lost = docx_bytes(["团体标准制定征求意见表", "表格没有了，只剩一行字。"])
    r = client.post(
        f"/committee/drafts/{draft_id}/sheets",
        data={"csrf": token, "received": "2026-01-06"},
        files=[
            ("files", ("甲.docx", on_time, "application/octet-stream")),
            ("files", ("乙.docx", dated_late, "application/octet-stream")),
            ("files", ("丢表.docx", lost, "application/octet-stream")),
        ],
    )
    assert r.status_code == 200
    results = re.search(r'<ul class="items" id="upload-results">(.*?)</ul>', r.text, re.S).group(1)
    items = re.findall(r"<li.*?</li>", results, re.S)
    assert "收到 2026-01-06" in items[0] and "逾期" not in items[0] and "YJ" in items[0]
    assert "收到 2026-01-12" in items[1] and "逾期" in items[1]  # the date written on the sheet wins
    assert "待人工核对" in items[2] and "另存为 .docx" in items[2]
    assert not re.search(r"\b(?:not|no comment|sheet|signed|found)\b", results)
    html = client.get(f"/committee/drafts/{draft_id}").text
    assert "有效期（3年）过长，建议改为“2年”。" in html  # quoted as written
    sheets = re.search(r"<h2>收到的意见表</h2>(.*?)</table>", html, re.S).group(1)
    assert "待人工核对" in sheets
    bad = client.post(
        f"/committee/drafts/{draft_id}/sheets",
        data={"csrf": token, "received": "2999-01-01"},
        files=[("files", ("丙.docx", on_time + b" ", "application/octet-stream"))],
    )
    assert bad.status_code == 400 and "收到日期" in bad.text and 'id="desk-upload"' in bad.text
    client.cookies.clear()
    page = client.get(f"/drafts/{draft_id}").text  # the public page: no received date to choose
    assert 'name="received"' not in page


def test_decisions_start_pending_errors_inline_and_the_pending_filter(client):
    draft_id = publish(client)
    comment(client, draft_id, "甲公司", "8.2", "有效期建议改为2年")
    comment(client, draft_id, "乙公司", "4", "建议增加信用要求")
    token = login(client, "com")
    html = client.get(f"/committee/drafts/{draft_id}").text
    li = _li(html, "有效期建议改为2年")
    assert '<option value="" selected>待处理</option>' in li  # not 采纳 by default
    assert '<textarea name="reason"' in li and "desk-reason" in li  # a wide box, not a cut one-line input
    item = int(re.search(r'name="item_id" value="(\d+)"', li).group(1))
    r = client.post(f"/committee/drafts/{draft_id}/dispositions", data={"csrf": token, "item_id": item, "decision": ""})
    assert r.status_code == 400 and "请选择处理意见" in _li(r.text, "有效期建议改为2年")
    r = client.post(
        f"/committee/drafts/{draft_id}/dispositions",
        data={"csrf": token, "item_id": item, "decision": "未采纳", "reason": ""},
    )
    assert r.status_code == 400
    li = _li(r.text, "有效期建议改为2年")  # on the form that caused it, the choice kept
    assert "须说明理由" in li and "<option selected>未采纳</option>" in li and "出错了" not in r.text
    r = client.post(
        f"/committee/drafts/{draft_id}/dispositions",
        data={"csrf": token, "item_id": item, "decision": "未采纳", "reason": "与同类评价一致"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    pending = client.get(f"/committee/drafts/{draft_id}?pending=1").text
    assert "建议增加信用要求" in pending and "有效期建议改为2年" not in pending
    assert "有效期建议改为2年" in client.get(f"/committee/drafts/{draft_id}").text


def test_clause_picker_and_drafts_list_tell_things_apart(client):
    login(client, "com")
    html = client.get("/committee").text
    ids = []
    for version, deadline, extra in (("征求意见稿", "2026-01-08", b""), ("第二次征求意见稿", "2026-03-01", b"\n\n")):
        r = client.post(
            "/committee/drafts",
            data={"csrf": page_csrf(html), "title": "津质精品通则", "deadline": deadline, "version": version},
            files={"file": ("draft.md", DRAFT + extra, "text/markdown")},
            follow_redirects=False,
        )
        ids.append(int(r.headers["location"].rsplit("/", 1)[1]))
    client.cookies.clear()
    listing = client.get("/drafts").text
    sections = re.findall(r'<section class="scheme">.*?</section>', listing, re.S)
    assert len(sections) == 2 and sections[0] != sections[1]
    assert "征求意见稿" in sections[0] and "2026-01-08" in sections[0]
    assert "第二次征求意见稿" in sections[1] and "2026-03-01" in sections[1] and "发布日期" in sections[1]
    page = client.get(f"/drafts/{ids[0]}").text
    assert ">前言</option>" in page and "前言 前言" not in page


def test_published_without_a_title_shows_the_detected_one_editable(client):
    login(client, "com")
    html = client.get("/committee").text
    r = client.post(
        "/committee/drafts",
        data={"csrf": page_csrf(html), "title": ""},
        files={"file": ("draft.md", DRAFT + b"\n", "text/markdown")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?published=1")
    page = client.get(r.headers["location"]).text
    assert 'name="title" value="“津质精品”产品质量等级评价通则"' in page and "请核对" in page
    draft_id = int(r.headers["location"].split("?")[0].rsplit("/", 1)[1])
    token = page_csrf(page)
    r = client.post(
        f"/committee/drafts/{draft_id}/settings",
        data={"csrf": token, "title": "津质精品评价通则（修订）", "version": "第二稿", "deadline": "2026-02-01"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/committee/drafts/{draft_id}").text
    assert "<h1>津质精品评价通则（修订）</h1>" in page and "第二稿" in page and "2026-02-01" in page
    r = client.post(f"/committee/drafts/{draft_id}/settings", data={"csrf": token, "title": " "})
    assert r.status_code == 400 and "标准名称不能为空" in r.text


def test_online_form_errors_are_shown_on_the_form_with_what_was_typed(client):
    draft_id = publish(client)
    html = client.get(f"/drafts/{draft_id}").text
    r = client.post(
        f"/drafts/{draft_id}/comments",
        data={
            "csrf": page_csrf(html),
            "submitter": "甲公司",
            "submitter_kind": "organisation",
            "clause_1": "8.2",
            "comment_1": "",
            "reason_1": "理由写了，意见忘了写",
        },
    )
    assert r.status_code == 400
    form = re.search(r'<section id="comment-form">.*?</section>', r.text, re.S).group(0)
    assert "请至少填写一条修改意见" in form and 'value="甲公司"' in form and "理由写了，意见忘了写" in form


def test_desk_upload_and_draft_settings_are_the_committees_and_need_the_form_token(client):
    from comment_sheets import seed_sheet

    draft_id = publish(client)
    sheet = [("files", ("甲.docx", seed_sheet([["1", "8.2", "意见。", ""]]), "application/octet-stream"))]
    html = client.get(f"/drafts/{draft_id}").text
    token = page_csrf(html)  # a visitor's own valid token is not enough
    assert (
        client.post(
            f"/committee/drafts/{draft_id}/sheets", data={"csrf": token, "received": "2026-01-01"}, files=sheet
        ).status_code
        == 401
    )
    assert (
        client.post(f"/committee/drafts/{draft_id}/settings", data={"csrf": token, "title": "改名"}).status_code == 401
    )
    login(client, "sec")
    token = page_csrf(client.get(f"/drafts/{draft_id}").text)
    assert (
        client.post(f"/committee/drafts/{draft_id}/settings", data={"csrf": token, "title": "改名"}).status_code == 403
    )
    client.cookies.clear()
    login(client, "com")
    assert client.post(f"/committee/drafts/{draft_id}/settings", data={"title": "改名"}).status_code == 403  # no token
    assert (
        client.post(f"/committee/drafts/{draft_id}/sheets", data={"received": "2026-01-01"}, files=sheet).status_code
        == 403
    )
    assert "改名" not in client.get("/drafts").text


def test_publish_form_preview_reads_the_drafts_own_title(client):
    from comment_sheets import TITLED, titled_draft_docx

    login(client, "com")
    html = client.get("/committee").text
    assert 'src="/static/committee.js"' in html and 'data-preview="/committee/drafts/preview"' in html
    r = client.post(
        "/committee/drafts/preview",
        data={"csrf": page_csrf(html)},
        files={"file": ("draft.docx", titled_draft_docx(), "application/octet-stream")},
    )
    assert r.status_code == 200 and r.json()["title"] == TITLED
    assert client.get("/drafts").text.count('class="scheme"') == 0  # nothing published by a preview
    r = client.post(
        "/committee/drafts/preview",
        data={"csrf": page_csrf(html)},
        files={"file": ("draft.docx", b"PK\x03\x04broken", "application/octet-stream")},
    )
    assert r.status_code == 400 and "draft.docx" in r.json()["error"]
    assert client.get("/static/committee.js").status_code == 200
