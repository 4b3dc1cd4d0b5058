"""The loop closes (issue 25): a 受理编号 and the private link after submitting, a 受理回执 to download,
the secretariat's 补正通知 seen on 进度查询, only its items changeable, the resubmission and what changed
shown to the secretariat; downloads named in Chinese; the queue's filter as a browser submits it;
no default verdict; staff named by role; the day is Beijing's."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote

import pytest
from docx import Document
from test_applicant_todo import CO, LICENCE, QMS_NEW, QMS_OLD, USELESS, lines
from test_web_flow import visible
from web_helpers import csrf, login, make_client, open_case, page_csrf, upload, wait_report

from intake.clock import today as beijing_today


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


def submitted_case(client) -> tuple[int, str]:
    case = open_case(client, "jinzhi", CO)
    upload(client, case["id"], [("营业执照.txt", LICENCE.encode()), ("质量管理体系认证证书.txt", QMS_OLD)])
    wait_report(client, case["id"])
    r = client.post(f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": csrf(client)}, json={})
    assert r.status_code == 200, r.text
    return case["id"], case["link"]


def test_submission_shows_the_receipt_number_and_link_and_a_receipt_to_download(client):
    cid, link = submitted_case(client)
    html = client.get(f"/cases/{cid}").text
    number = re.search(r'id="receipt-no">(\d+)<', html).group(1)
    beijing_day = datetime.now(UTC).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).date()
    assert number == f"{beijing_day:%Y%m%d}{cid:05d}" and link.split("/c/")[1] in html
    r = client.get(f"/cases/{cid}/receipt.docx")
    assert r.status_code == 200
    assert "filename*=UTF-8''" + "受理回执-" in unquote(r.headers["content-disposition"])
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    cells = " ".join(c.text for t in Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells)
    assert number in cells and CO in cells and "营业执照.txt" in text and link.split("/c/")[1] in text


def test_downloads_are_named_in_chinese_with_rfc5987(client):
    cid = open_case(client, "jinzhi", CO)["id"]
    for path, what in (("application.docx", "申报书"), ("gap-report.docx", "预审报告")):
        header = client.get(f"/cases/{cid}/{path}").headers["content-disposition"]
        assert header.startswith('attachment; filename="') and "filename*=UTF-8''" in header
        assert unquote(header.split("filename*=UTF-8''")[1]) == f"{what}-{CO}.docx"
        header.encode("latin-1")  # a header must stay latin-1: the Chinese name is percent-encoded


def test_a_correction_round_trip(client):
    cid, _ = submitted_case(client)
    applicant = dict(client.cookies)
    client.cookies.clear()
    login(client, "sec")
    page = client.get(f"/cases/{cid}").text
    assert 'id="correction-form"' in page
    token = page_csrf(page)
    due = (beijing_today() + timedelta(days=10)).isoformat()
    r = client.post(
        f"/cases/{cid}/correction",
        data={"csrf": token, "item": ["jinzhi.4.2"], "deadline": due, "note": "请企业补交有效证书"},
    )
    assert r.status_code == 200 and "补正记录" in r.text
    assert client.post(f"/cases/{cid}/correction", data={"csrf": token, "deadline": due}).status_code == 400

    client.cookies.clear()
    client.cookies.update(applicant)
    progress = client.get(f"/cases/{cid}").text
    assert (
        'id="correction-notice"' in progress and "请企业补交有效证书" in progress and "完善的质量管理体系" in progress
    )
    assert "人工复核（sec）" not in progress and "（sec）" not in progress
    result = client.get(f"/cases/{cid}?step=result").text
    todo = lines(result)
    assert todo and all("秘书处要求补正" in t for t in todo) and any("已过期" in t for t in todo)
    # only the notice's items: the 基本信息 form and an unrelated answer are refused
    r = client.post(f"/cases/{cid}/info", data={"csrf": page_csrf(result), "applicant": "别的公司"})
    assert r.status_code == 400 and "只能修改补正通知列出的事项" in r.text
    r = client.post(
        f"/cases/{cid}/answer", data={"csrf": page_csrf(result), "key": "declarations.jinzhi.4.3", "value": "yes"}
    )
    assert r.status_code == 400
    old = {d["file"]: d["document_id"] for d in wait_report(client, cid)["documents"]}["质量管理体系认证证书.txt"]
    r = client.post(
        f"/cases/{cid}/documents",
        data={"csrf": page_csrf(result), "back": "result", "replace": str(old)},
        files=[("files", ("质量管理体系认证证书-2024.txt", QMS_NEW, "text/plain"))],
    )
    assert r.status_code == 200
    wait_report(client, cid)
    todo = lines(client.get(f"/cases/{cid}?step=result").text)
    assert todo and not any("已过期" in t for t in todo)  # still listed: the secretariat judges it, not the check
    r = client.post(f"/cases/{cid}/submit", data={"csrf": page_csrf(result)})
    assert r.status_code == 200 and "已提交" in r.text and 'id="correction-notice"' not in r.text

    client.cookies.clear()
    login(client, "sec")
    page = client.get(f"/cases/{cid}").text
    corrections = page[page.index('id="correction-rounds"') :]
    assert "企业重新提交" in corrections and "质量管理体系认证证书-2024.txt" in corrections
    assert "替换为" in corrections
    audit = [a["action"] for a in client.get(f"/api/cases/{cid}/audit").json()]
    assert audit[-4:] == ["correction", "upload", "delete", "resubmit"]


def audit_rows(page: str) -> list[tuple[str, str]]:
    """The staff page's 操作记录 as (操作, 内容), tags dropped."""
    table = page[page.index('id="audit"') : page.index("</table>", page.index('id="audit"'))]
    cells = re.findall(r'data-label="操作">(.*?)</td>\s*<td data-label="内容">(.*?)</td>', table, re.S)
    return [tuple(re.sub(r"<[^>]+>", "", c).strip() for c in row) for row in cells]


def test_the_log_names_each_action_once(client):
    case = open_case(client, "jinzhi", CO)
    files = [("营业执照.txt", LICENCE.encode()), ("质量管理体系认证证书.txt", QMS_OLD), ("会议照片说明.txt", USELESS)]
    upload(client, case["id"], files)
    ids = {d["file"]: d["document_id"] for d in wait_report(client, case["id"])["documents"]}
    client.post(f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": csrf(client)}, json={})
    applicant = dict(client.cookies)
    client.cookies.clear()
    login(client, "sec")
    due = (beijing_today() + timedelta(days=10)).isoformat()
    page = client.get(f"/cases/{case['id']}").text
    client.post(
        f"/cases/{case['id']}/correction",
        data={"csrf": page_csrf(page), "item": ["jinzhi.4.2", "jinzhi.4.3"], "deadline": due},
    )
    staff = dict(client.cookies)
    client.cookies.clear()
    client.cookies.update(applicant)
    token = page_csrf(client.get(f"/cases/{case['id']}?step=result").text)
    r = client.post(f"/cases/{case['id']}/documents/{ids['会议照片说明.txt']}/delete", data={"csrf": token})
    assert r.status_code == 200
    answer = {"csrf": token, "key": "declarations.jinzhi.4.3", "value": "yes"}
    assert client.post(f"/cases/{case['id']}/answer", data=answer).status_code == 200
    assert client.post(f"/cases/{case['id']}/submit", data={"csrf": token}).status_code == 200
    client.cookies.clear()
    client.cookies.update(staff)
    page = client.get(f"/cases/{case['id']}").text
    rows = audit_rows(page)
    assert ("删除材料", "会议照片说明.txt") in rows and ("补正后重新提交", "") in rows
    assert not [(what, said) for what, said in rows if said.startswith(what)]
    rounds = page[page.index('id="correction-rounds"') :].split("</section>")[0]
    assert "删除材料：会议照片说明.txt" in rounds and "删除材料：删除材料" not in rounds
    assert "填写补充信息：" in rounds and "质量违法违规" in rounds and "{" not in visible(rounds)


def test_queue_filter_as_a_browser_submits_it(client):
    submitted_case(client)
    client.cookies.clear()
    login(client, "sec")
    r = client.get("/queue?scheme=&status=&state=&q=&outcome=&min_days=")
    assert r.status_code == 200 and CO in r.text
    assert client.get("/queue?min_days=0").status_code == 200
    r = client.get("/queue?min_days=abc")
    assert r.status_code == 400 and "已等待" in r.text


def test_no_default_verdict_for_overrides_or_decisions(client):
    cid, _ = submitted_case(client)
    client.cookies.clear()
    login(client, "sec")
    page = client.get(f"/cases/{cid}").text
    for form in re.findall(r'<select name="status"[^>]*>.*?</select>', page, re.S):
        assert re.search(r'<option value="" selected disabled>', form) and "required" in form
    token = page_csrf(page)
    r = client.post(f"/cases/{cid}/overrides", data={"csrf": token, "item_id": "jinzhi.4.2", "status": "", "note": "x"})
    assert r.status_code == 400 and "请选择改判结论" in r.text
    r = client.post(f"/cases/{cid}/decision", data={"csrf": token, "status": "", "note": "x"})
    assert r.status_code == 400 and "请选择审核结论" in r.text
    client.post(
        f"/cases/{cid}/overrides",
        data={"csrf": token, "item_id": "jinzhi.4.2", "status": "met", "note": "已核验新证书"},
    )
    page = client.get(f"/cases/{cid}").text
    item = page[page.index('id="item-jinzhi.4.2"') :].split("</li>")[0]
    assert item.count("已核验新证书") == 1  # the note once


def test_the_applicants_report_names_an_override_once_by_role_with_days_in_chinese(client):
    """The 预审报告 an applicant downloads after the secretariat overrode an item: the note once, 秘书处 and
    not the account, no UTC timestamp, no scheme code, the days as people write them."""
    cid, _ = submitted_case(client)
    applicant = dict(client.cookies)
    client.cookies.clear()
    login(client, "sec")
    token = page_csrf(client.get(f"/cases/{cid}").text)
    data = {"csrf": token, "item_id": "jinzhi.4.2", "status": "met", "note": "已核验质量手册"}
    assert client.post(f"/cases/{cid}/overrides", data=data).status_code == 200
    client.cookies.clear()
    client.cookies.update(applicant)
    html = re.sub(r"<[^>]+>", " ", client.get(f"/cases/{cid}/gap-report.html").text)
    doc = Document(io.BytesIO(client.get(f"/cases/{cid}/gap-report.docx").content))
    docx = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    today = beijing_today()
    for text in (html, docx):
        assert text.count("已核验质量手册") == 1 and "人工复核（秘书处）" in text
        assert "sec" not in text and not re.search(r"\d{4}-\d\d-\d\dT", text) and "jinzhi" not in text
        assert f"生成于 {today.year}年{today.month}月{today.day}日" in text


def test_waiting_days_count_beijing_days(monkeypatch):
    from intake.cases import case as case_mod
    from intake.cases.queue import beijing_midnight

    late = case_mod.Case(
        1, "t", "jinzhi", "", "", None, "submitted", "s", None, None, {}, 1, "", "2026-12-05T17:00:00+00:00", ""
    )
    # 17:00 UTC on the 5th is 01:00 on the 6th in Beijing: submitted today, not yesterday
    assert late.days_waiting(date(2026, 12, 6)) == 0
    assert beijing_midnight(date(2026, 12, 6)) == "2026-12-05T16:00:00+00:00"


def test_a_bad_value_on_the_info_form_stays_beside_its_field_with_the_rest_kept(client):
    cid = open_case(client, "jiangsu", CO)["id"]
    html = client.get(f"/cases/{cid}?step=info").text
    form = {"csrf": page_csrf(html), "applicant": CO, "product": "大米", "sector": "agriculture"}
    r = client.post(
        f"/cases/{cid}/info", data={**form, "scale_category": "常规稻麦", "scale_value": "一千多", "go": "next"}
    )
    assert r.status_code == 400 and "错误代码" not in r.text
    assert 'value="一千多"' in r.text and "“一千多”不是数字" in r.text and 'aria-invalid="true"' in r.text
    assert 'value="常规稻麦"' in r.text and 'value="agriculture" checked' in r.text and 'id="facts-form"' in r.text


def test_a_stale_tab_and_a_bad_link_say_what_to_do_next(client):
    cid, _ = submitted_case(client)
    html = client.post(
        f"/cases/{cid}/info", data={"csrf": csrf(client), "applicant": "x"}, headers={"Accept": "text/html"}
    ).text
    assert "另一个窗口" in html and f'href="/cases/{cid}"' in html and "错误代码" not in html
    html = client.get("/c/not-a-real-token", headers={"Accept": "text/html"}).text
    assert "重新复制完整地址" in html and 'href="/cases"' in html
    client.cookies.clear()  # the case's address (not its link) opened in another browser
    r = client.get(f"/cases/{cid}", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "专用链接" in r.text and 'href="/cases"' in r.text
    missing = client.get("/cases/99999", headers={"Accept": "text/html"}).text
    assert re.findall(r'<p class="error">.*?</p>', missing) == re.findall(r'<p class="error">.*?</p>', r.text)


def test_the_evaluation_uses_the_valid_certificate_and_says_so(client):
    case = open_case(client, "jinzhi", CO)
    files = [("营业执照.txt", LICENCE.encode()), ("旧证书.txt", QMS_OLD), ("新证书.txt", QMS_NEW)]
    upload(client, case["id"], files)
    report = wait_report(client, case["id"])
    item = next(i for i in report["items"] if i["id"] == "jinzhi.4.2")
    assert {e["file"] for e in item["evidence"]} == {"新证书.txt"} and "过期" not in item["reason"]
    choice = {d["file"]: d.get("choice") for d in report["documents"]}
    assert choice["新证书.txt"]["used"] and not choice["旧证书.txt"]["used"]
    assert choice["旧证书.txt"]["instead"] == "新证书.txt"
    page = client.get(f"/cases/{case['id']}?step=upload").text
    assert "预审未采用：这一份已过期，采用的是“新证书.txt”" in page


def test_the_same_licence_uploaded_twice_is_used_once_and_set_aside_once(client):
    case = open_case(client, "jinzhi", CO)
    upload(client, case["id"], [("营业执照.txt", LICENCE.encode()), ("营业执照(1).txt", LICENCE.encode())])
    report = wait_report(client, case["id"])
    choice = {d["file"]: d.get("choice") for d in report["documents"]}
    assert choice["营业执照.txt"]["used"] and not choice["营业执照(1).txt"]["used"]
    assert choice["营业执照(1).txt"]["instead"] == "营业执照.txt"
    page = client.get(f"/cases/{case['id']}?step=upload").text
    rows = {re.search(r">([^<>]+\.txt)<", r).group(1): r for r in page.split('<tr class="doc')[1:]}
    assert "预审采用这一份" in rows["营业执照.txt"] and "预审未采用" not in rows["营业执照.txt"]
    assert "预审未采用：与“营业执照.txt”是同一个文件，采用的是先上传的那一份" in rows["营业执照(1).txt"]


def upload_rows(client, files: list[tuple[str, bytes]]) -> dict[str, str]:
    """The upload step's rows of a new case holding `files`, by file name."""
    case = open_case(client, "jinzhi", CO)
    upload(client, case["id"], files)
    wait_report(client, case["id"])
    page = client.get(f"/cases/{case['id']}?step=upload").text
    return {re.search(r">([^<>]+\.txt)<", r).group(1): r for r in page.split('<tr class="doc')[1:]}


LESS_READ = LICENCE.replace("成立日期：2012年06月01日\n", "").encode()
ELSEWHERE = LICENCE.replace("黄海路8号", "黄海路9号").encode()
FOREIGN_QMS = QMS_NEW.replace(CO.encode(), "四川千文科技有限公司".encode())


@pytest.mark.parametrize(
    ("first", "second", "set_aside", "says"),
    [
        # the reason is what the comparison found, in the applicant's words, even for the first uploaded
        (LESS_READ, LICENCE.encode(), "甲.txt", "这一份读出的信息较少，采用的是“乙.txt”"),
        (FOREIGN_QMS, QMS_NEW, "甲.txt", "这一份持有人不是贵单位，采用的是“乙.txt”"),
        (QMS_OLD, QMS_NEW, "甲.txt", "这一份已过期，采用的是“乙.txt”"),
        (LICENCE.encode(), ELSEWHERE, "乙.txt", "与“甲.txt”读出的信息一样多，采用的是先上传的那一份"),
    ],
    ids=["fewer fields read", "another holder", "expired", "equally read"],
)
def test_a_document_set_aside_for_another_of_its_type_says_why(client, first, second, set_aside, says):
    rows = upload_rows(client, [("甲.txt", first), ("乙.txt", second)])
    used = ({"甲.txt", "乙.txt"} - {set_aside}).pop()
    assert "预审采用这一份" in rows[used] and "预审未采用" not in rows[used]
    assert f"预审未采用：{says}" in rows[set_aside]


def test_the_secretariat_sees_expired_and_foreign_documents_flagged(client):
    case = open_case(client, "jinzhi", CO)
    foreign = QMS_NEW.replace(CO.encode(), "四川千文科技有限公司".encode())
    files = [("营业执照.txt", LICENCE.encode()), ("旧证书.txt", QMS_OLD), ("别家证书.txt", foreign)]
    upload(client, case["id"], files)
    wait_report(client, case["id"])
    client.post(f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": csrf(client)}, json={})
    client.cookies.clear()
    login(client, "sec")
    page = client.get(f"/cases/{case['id']}").text
    docs = page[page.index('id="documents"') : page.index("</table>")]
    rows = {re.search(r">([^<]+\.txt)</a>", r).group(1): r for r in docs.split('<tr class="doc')[1:]}
    assert (
        'class="expired"' in rows["旧证书.txt"]
        and "2017年2月28日" in rows["旧证书.txt"]
        and "已过期" in rows["旧证书.txt"]
    )
    assert "不是贵单位的" in rows["别家证书.txt"] and "四川千文科技有限公司" in rows["别家证书.txt"]
    assert "预审未采用：这一份持有人不是贵单位，采用的是“旧证书.txt”" in rows["别家证书.txt"]
    assert "已过期" not in rows["营业执照.txt"]


def test_contacts_asked_once_fill_the_application_form(client):
    cid = open_case(client, "jinzhi", CO)["id"]
    html = client.get(f"/cases/{cid}?step=info").text
    assert html.count('name="contact.') == 3
    form = {"csrf": page_csrf(html), "applicant": CO, "product": "齿轮", "go": "stay"}
    bad = {**form, "contact.contact_person": "陈强", "contact.phone": "022-58881234", "contact.email": "chenqiang"}
    r = client.post(f"/cases/{cid}/info", data=bad)
    assert (
        r.status_code == 400 and "不像邮箱地址" in r.text and 'value="chenqiang"' in r.text and 'value="陈强"' in r.text
    )
    good = {**bad, "contact.email": "chenqiang@example.cn"}
    assert client.post(f"/cases/{cid}/info", data=good).status_code == 200
    assert 'value="chenqiang@example.cn"' in client.get(f"/cases/{cid}?step=info").text
    doc = Document(io.BytesIO(client.get(f"/cases/{cid}/application.docx").content))
    cells = {r.cells[0].text: r.cells[1].text for t in doc.tables for r in t.rows if len(r.cells) > 1}
    assert cells["联系人"] == "陈强" and cells["电话"] == "022-58881234" and cells["邮箱"] == "chenqiang@example.cn"
