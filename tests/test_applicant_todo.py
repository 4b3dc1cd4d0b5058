"""预审结果 as a to-do list (issue 25): the count of things to do, one line per action with its control,
expired and other companies' documents flagged on the line they affect, answers given in place, and
documents deleted or replaced before submission (audit-logged, refused after)."""

from __future__ import annotations

import re

import pytest
from web_helpers import csrf, login, make_client, open_case, page_csrf, upload, wait_report

CO = "天津津品测试精密机械有限公司"
LICENCE = f"营业执照\n统一社会信用代码：91120116MA05JXQ783\n名称：{CO}\n住所：天津市滨海新区黄海路8号\n法定代表人：王五\n成立日期：2012年06月01日\n营业期限：长期\n"


def cert(kind: str, std: str, holder: str, issued: str, until: str) -> bytes:
    return (
        f"{kind}\n证书编号：00114Q30001R2M\n兹证明 {holder}\n{std}\n认证范围：齿轮箱的生产\n"
        f"发证日期：{issued}\n有效期至：{until}\n发证机构：中国质量认证中心\n"
    ).encode()


QMS_OLD = cert("质量管理体系认证证书", "质量管理体系符合 GB/T 19001-2008", CO, "2014年03月01日", "2017年02月28日")
QMS_NEW = cert("质量管理体系认证证书", "质量管理体系符合 GB/T 19001-2016", CO, "2024年03月01日", "2027年02月28日")
EMS_OTHER = cert(
    "环境管理体系认证证书",
    "环境管理体系符合 GB/T 24001-2016",
    "四川千文科技有限公司",
    "2024年05月01日",
    "2027年04月30日",
)
USELESS = "会议照片说明\n今天天气不错。\n".encode()


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


def lines(html: str) -> list[str]:
    """The to-do lines as text a person reads."""
    body = html.split('id="todo"', 1)[1].split("</ol>", 1)[0] if 'id="todo"' in html else ""
    parts = re.findall(r'<li class="todo-line[^"]*"[^>]*>(.*?)</li>\s*(?=<li class="todo-line|$)', body, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", p)) for p in parts]


def count(html: str) -> int:
    m = re.search(r"您还需要做 <strong>(\d+)</strong> 件事", html)
    return int(m.group(1)) if m else 0


def case_with(client, scheme: str, files: list[tuple[str, bytes]]) -> tuple[int, dict]:
    case = open_case(client, scheme, CO)
    assert upload(client, case["id"], files).status_code == 200
    return case["id"], wait_report(client, case["id"])


def docs(report: dict) -> dict[str, int]:
    return {d["file"]: d["document_id"] for d in report["documents"]}


def test_the_result_counts_things_to_do_and_flags_expired_and_foreign_on_their_lines(client):
    files = [("营业执照.txt", LICENCE.encode()), ("质量管理体系认证证书.txt", QMS_OLD)]
    files += [("环境管理体系认证证书.txt", EMS_OTHER), ("会议照片说明.txt", USELESS)]
    cid, _ = case_with(client, "jinzhi", files)
    html = client.get(f"/cases/{cid}?step=result").text
    todo = lines(html)
    assert count(html) == len(todo) > 0
    expired = [t for t in todo if "已过期" in t]
    assert len(expired) == 1 and "质量管理体系认证证书.txt" in expired[0] and "2017年2月28日" in expired[0]
    foreign = [t for t in todo if "不是贵单位的" in t]
    assert len(foreign) == 1 and "四川千文科技有限公司" in foreign[0]
    assert any("会议照片说明.txt" in t and "无法使用" in t for t in todo)
    # every flagged document has its replace and delete controls on its line
    for name in ("质量管理体系认证证书.txt", "环境管理体系认证证书.txt", "会议照片说明.txt"):
        assert f"“{name}”" in html
    assert html.count('name="replace"') == 3 and html.count("/delete") >= 3
    # the declarations are questions with their own control, one line each
    assert html.count(f'action="/cases/{cid}/answer"') == sum("是 否" in t for t in todo) >= 3


def test_delete_and_replace_before_submission_are_logged_and_refused_after(client):
    files = [("营业执照.txt", LICENCE.encode()), ("质量管理体系认证证书.txt", QMS_OLD), ("会议照片说明.txt", USELESS)]
    cid, report = case_with(client, "jinzhi", files)
    ids = docs(report)
    before = count(client.get(f"/cases/{cid}?step=result").text)
    page = client.get(f"/cases/{cid}?step=result").text
    token = page_csrf(page)
    r = client.post(f"/cases/{cid}/documents/{ids['会议照片说明.txt']}/delete", data={"csrf": token, "back": "result"})
    assert r.status_code == 200 and "会议照片说明.txt" not in r.text.split('id="todo"')[1].split("</ol>")[0]
    r = client.post(
        f"/cases/{cid}/documents",
        data={"csrf": token, "back": "result", "replace": str(ids["质量管理体系认证证书.txt"])},
        files=[("files", ("质量管理体系认证证书-2024.txt", QMS_NEW, "text/plain"))],
    )
    assert r.status_code == 200
    report = wait_report(client, cid)
    assert set(docs(report)) == {"营业执照.txt", "质量管理体系认证证书-2024.txt"}
    html = client.get(f"/cases/{cid}?step=result").text
    assert "已过期" not in html, [t for t in lines(html) if "已过期" in t] or html[html.find("已过期") - 400 :]
    assert count(html) == len(lines(html)) < before and 'name="replace"' not in html
    client.post(f"/api/cases/{cid}/submit", headers={"X-CSRF-Token": csrf(client)}, json={})
    r = client.post(f"/cases/{cid}/documents/{docs(report)['营业执照.txt']}/delete", data={"csrf": token})
    assert r.status_code in (400, 409) and "不能" in r.text
    assert len(wait_report(client, cid)["documents"]) == 2
    login(client, "sec")
    audit = [(a["action"], a["detail"]) for a in client.get(f"/api/cases/{cid}/audit").json()]
    assert ("delete", "删除材料：会议照片说明.txt") in audit
    assert ("delete", "替换为“质量管理体系认证证书-2024.txt”：质量管理体系认证证书.txt") in audit
    assert sum(1 for a, _ in audit if a == "upload") == 4


def test_an_answer_given_on_the_line_removes_it_and_a_bad_number_stays_beside_its_field(client):
    cid, _ = case_with(client, "jinzhi", [("营业执照.txt", LICENCE.encode())])
    html = client.get(f"/cases/{cid}?step=result").text
    key = re.search(r'name="key" value="(declarations\.[^"]+)"', html).group(1)
    r = client.post(f"/cases/{cid}/answer", data={"csrf": page_csrf(html), "key": key, "value": "yes"})
    after = r.text
    assert r.status_code == 200 and f'value="{key}"' not in after and count(after) == count(html) - 1

    cid = open_case(client, "trace", CO)["id"]
    html = client.get(f"/cases/{cid}?step=result").text
    assert 'value="code_coverage"' in html
    r = client.post(f"/cases/{cid}/answer", data={"csrf": page_csrf(html), "key": "code_coverage", "value": "一千多"})
    assert r.status_code == 400 and 'value="一千多"' in r.text and "不是一个数字" in r.text
    assert 'aria-invalid="true"' in r.text and "错误代码" not in r.text
    r = client.post(f"/cases/{cid}/answer", data={"csrf": page_csrf(html), "key": "code_coverage", "value": "95%"})
    assert r.status_code == 200 and 'value="code_coverage"' not in r.text


def test_one_document_that_covers_many_items_is_one_line_and_the_score_is_one_sentence(client):
    cid, _ = case_with(client, "credit", [("营业执照.txt", LICENCE.encode())])
    html = client.get(f"/cases/{cid}?step=result").text
    todo = lines(html)
    form = [t for t in todo if t.strip().startswith("上传申报书")]
    assert len(form) == 1 and int(re.search(r"涉及 (\d+) 项要求", form[0]).group(1)) >= 10
    assert re.search(r"按现有材料最高可得 [\d.]+ 分（满分 100 分），未达到“达标级”所需的 70 分", html)
    assert "按 6.2.1 最多只能得" not in html.split("<details")[0]  # the arithmetic is behind 详情


def test_what_the_reader_says_of_a_document_reaches_the_applicant_in_chinese(client):
    """The reader's notes on a file (an unrecognised type, two certificates scanned into one file, an
    issue date after the expiry) are shown on the applicant's 上传材料 step: no English sentence."""
    two = QMS_NEW + b"\f" + EMS_OTHER
    swapped = cert("质量管理体系认证证书", "GB/T 19001-2016", CO, "2027年06月01日", "2024年05月31日")
    files = [("会议照片说明.txt", USELESS), ("两张证书.txt", two), ("日期颠倒的证书.txt", swapped)]
    cid, _ = case_with(client, "jinzhi", files)
    html = client.get(f"/cases/{cid}?step=upload").text
    body = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html.split("<main", 1)[1], flags=re.S)
    assert not re.findall(r"[A-Za-z]+ [A-Za-z]+", body), re.findall(r"[^\s]*[A-Za-z]+ [A-Za-z]+[^\s]*", body)
    assert "没有识别出是哪一种材料" in body and "一个文件里有几份材料" in body
    assert "发证日期 2027年6月1日 晚于有效期至 2024年5月31日" in body


def test_days_on_the_applicants_result_are_written_as_people_write_them(client):
    """The evaluation's reasons (with the days it compared) behind 详情 and in what the secretariat will
    judge: 2027年2月28日, never 2027-02-28."""
    cid, _ = case_with(client, "jinzhi", [("营业执照.txt", LICENCE.encode()), ("质量管理体系认证证书.txt", QMS_NEW)])
    html = client.get(f"/cases/{cid}?step=result").text
    body = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1])
    assert "有效期至 2027年2月28日" in body and not re.findall(r"\d{4}-\d{2}-\d{2}", body)


def test_a_certificate_not_yet_valid_is_flagged_on_its_line(client):
    future = cert("质量管理体系认证证书", "质量管理体系符合 GB/T 19001-2016", CO, "2099年03月01日", "2102年02月28日")
    cid, _ = case_with(client, "jinzhi", [("营业执照.txt", LICENCE.encode()), ("质量管理体系认证证书.txt", future)])
    flagged = [t for t in lines(client.get(f"/cases/{cid}?step=result").text) if "尚未生效" in t]
    assert len(flagged) == 1 and "质量管理体系认证证书.txt" in flagged[0] and "2099年3月1日" in flagged[0]
