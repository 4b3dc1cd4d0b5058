"""Issue 25's journey in a real headless Chromium, at 1280×900 and 390×844, axe-core with no serious or
critical violation on every page: an applicant uploads a licence, an expired certificate, another
company's certificate and a useless file; 预审结果 counts the things to do and flags the expired and
the foreign certificate on their lines; the useless file is deleted and the expired one replaced;
every 请回答 is answered on the page; submitting shows a 受理编号 and the link; the secretariat filters
the queue with the form's empty defaults and sends a 补正 for one item; the applicant sees it, fixes
it, resubmits; the secretariat sees the change. No internal id or English on any applicant page or
in the downloaded form."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

from docgen import Grid, pdf_bytes
from docx import Document
from playwright.sync_api import expect
from test_web_browser import INTERNAL, browser, check, login, page, pytestmark, server  # noqa: F401

from checklists.registry import scheme_ids
from checklists.scheme import load_scheme
from intake.clock import today as beijing_today

CO = "天津津品浏览器测试机械有限公司"


def certificate(kind: str, standard: str, holder: str, issued: str, until: str) -> bytes:
    return pdf_bytes(
        [
            [
                kind,
                "证书编号：00114Q30001R2M",
                f"兹证明 {holder}",
                standard,
                "认证范围：齿轮箱的生产",
                f"发证日期：{issued}",
                f"有效期至：{until}",
                "发证机构：中国质量认证中心",
            ]
        ]
    )


def bundle(tmp_path) -> dict:
    files = {
        "营业执照.pdf": pdf_bytes(
            [
                [
                    "营业执照",
                    f"名称：{CO}",
                    "住所：天津市滨海新区黄海路8号",
                    "法定代表人：王五",
                    "成立日期：2012年06月01日",
                    "营业期限：长期",
                ]
            ]
        ),
        "质量管理体系认证证书.pdf": certificate(
            "质量管理体系认证证书", "质量管理体系符合 GB/T 19001-2008", CO, "2014年03月01日", "2017年02月28日"
        ),
        "环境管理体系认证证书.pdf": certificate(
            "环境管理体系认证证书",
            "环境管理体系符合 GB/T 24001-2016",
            "四川千文科技有限公司",
            "2024年05月01日",
            "2027年04月30日",
        ),
        "会议照片.xlsx": b"not really a spreadsheet",
        "质量管理体系认证证书-2024.pdf": certificate(
            "质量管理体系认证证书", "质量管理体系符合 GB/T 19001-2016", CO, "2024年03月01日", "2027年02月28日"
        ),
        "检验检测报告.pdf": pdf_bytes(
            [
                [
                    "检验检测报告",
                    "报告编号：TJ2024-0815",
                    "样品名称：精密齿轮箱",
                    f"委托单位：{CO}",
                    "检验依据：GB/T 10095.1-2022",
                    Grid(
                        [
                            ["检验项目", "单位", "标准要求", "实测值", "单项判定"],
                            ["噪声（空载，1 米处声压级）", "dB(A)", "≤85", "70", "合格"],
                            ["温升", "K", "≤45", "31", "合格"],
                        ]
                    ),
                    "签发日期：2024年06月01日",
                ]
            ]
        ),
    }
    out = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        out[name] = str(tmp_path / name)
    return out


def form_text(data: bytes) -> tuple[str, str]:
    """(what a person reads in the form — paragraphs and table cells —, every XML part of the file)."""
    doc = Document(io.BytesIO(data))
    paragraphs = list(doc.paragraphs) + [p for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return "\n".join(p.text for p in paragraphs), xml


def todo_line(pg, text: str):
    return pg.locator("#todo li.todo-line", has_text=text)


def open_case(pg, base_url: str, scheme: str, applicant: str, product: str) -> str:
    """An applicant chooses the scheme, gives the company and product on 基本信息 and reaches 上传材料;
    returns the case's address."""
    pg.goto(base_url + "/")
    pg.locator("section.scheme", has_text=scheme).locator("button").click()
    pg.wait_for_url(re.compile(r"/cases/\d+\?step=info$"))
    pg.get_by_label("申请单位全称").fill(applicant)
    pg.get_by_label("申报产品").fill(product)
    pg.click("#next-button")
    pg.wait_for_url(re.compile(r"step=upload$"))
    return pg.url.split("?")[0]


def submit(pg, case_url: str) -> None:
    """提交: acknowledge what is still open when asked, submit, wait for the 受理编号."""
    pg.goto(case_url + "?step=submit")
    if pg.locator("#acknowledge").count():
        pg.check("#acknowledge")
    pg.click("#submit-button")
    pg.wait_for_selector("#receipt-no")


def test_the_applicant_loop_closes(page, server, browser, tmp_path):  # noqa: F811 (the fixtures imported above)
    files = bundle(tmp_path)
    case_url = open_case(page, server["url"], "津质精品", CO, "精密齿轮箱")
    first = ["营业执照.pdf", "质量管理体系认证证书.pdf", "环境管理体系认证证书.pdf", "会议照片.xlsx"]
    page.set_input_files("#file-input", [files[n] for n in first])
    expect(page.locator("tr.doc.read, tr.doc.failed")).to_have_count(4, timeout=90000)
    check(page, "journey-1-upload", applicant=True)

    page.goto(case_url + "?step=result")
    count = int(page.locator("#todo-count strong").inner_text())
    assert count == page.locator("#todo li.todo-line").count() > 0
    expired = todo_line(page, "已过期")
    expect(expired).to_have_count(1)
    assert "质量管理体系认证证书.pdf" in expired.inner_text() and "2017年2月28日" in expired.inner_text()
    foreign = todo_line(page, "不是贵单位的")
    expect(foreign).to_have_count(1)
    assert "四川千文科技有限公司" in foreign.inner_text()
    check(page, "journey-2-result", applicant=True)

    # delete the useless file, replace the expired certificate, on their lines
    todo_line(page, "会议照片.xlsx").get_by_role("button", name="删除“会议照片.xlsx”").click()
    page.wait_for_load_state()
    expect(todo_line(page, "会议照片.xlsx")).to_have_count(0)
    todo_line(page, "已过期").locator("input[type=file]").set_input_files(files["质量管理体系认证证书-2024.pdf"])
    page.wait_for_url(re.compile(r"step=result"))
    expect(todo_line(page, "已过期")).to_have_count(0, timeout=90000)
    # every 请回答 answered where it is asked
    answers = page.locator("#todo li.todo-line.answer")
    for _ in range(10):
        if answers.count() == 0:
            break
        line = answers.first
        line.locator("input[type=radio]").first.check()
        line.get_by_role("button", name="保存回答").click()
        page.wait_for_load_state()
    assert answers.count() == 0
    check(page, "journey-3-result-after", applicant=True)

    submit(page, case_url)
    number = page.locator("#receipt-no").inner_text()
    assert re.fullmatch(r"\d{13}", number) and "/c/" in page.locator("#private-link").input_value()
    check(page, "journey-4-submitted", applicant=True)
    with page.expect_download() as d:
        page.click("text=下载受理回执")
    assert d.value.suggested_filename == f"受理回执-{CO}.docx"
    text, xml = form_text(page.request.get(case_url + "/application.docx").body())
    assert CO in text and not INTERNAL.findall(text), INTERNAL.findall(text)
    hidden = [i for s in scheme_ids() for i in (it.id for it in load_scheme(s).items) if i in xml]
    assert hidden == []  # no item id hidden in the file either

    # the secretariat: the queue filtered with the form's empty defaults, a 补正 for one item
    staff = browser.new_context(locale="zh-CN", viewport=page.viewport_size, bypass_csp=True)
    sec = staff.new_page()
    sec.viewport_name = page.viewport_name
    login(sec, server, "secretariat")
    sec.wait_for_url(re.compile(r"/queue"))
    sec.click("form.filters button")
    sec.wait_for_load_state()
    assert "min_days=" in sec.url and CO in sec.locator("main").inner_text()
    check(sec, "journey-5-queue")
    sec.goto(case_url)
    sec.locator("#correction-form label", has_text="符合国家和行业标准").locator("input").check()
    sec.fill("#correction-deadline", (beijing_today() + timedelta(days=10)).isoformat())
    sec.fill("#correction-note", "请补交申报产品的检验检测报告")
    sec.click("#correction-form button")
    sec.wait_for_selector("#correction-rounds")
    check(sec, "journey-6-correction-sent")

    page.goto(case_url)
    notice = page.locator("#correction-notice")
    assert "请补交申报产品的检验检测报告" in notice.inner_text() and "检验检测" in notice.inner_text()
    check(page, "journey-7-notice", applicant=True)
    notice.get_by_role("link", name="去补正").click()
    line = todo_line(page, "秘书处要求补正")
    expect(line).to_have_count(1)
    line.locator("input[type=file]").set_input_files(files["检验检测报告.pdf"])
    page.wait_for_url(re.compile(r"step=result"))
    check(page, "journey-8-corrected", applicant=True)
    submit(page, case_url)
    assert page.locator("#receipt-no").inner_text() == number and page.locator("#correction-notice").count() == 0

    sec.goto(case_url)
    changes = sec.locator("#correction-rounds").inner_text()
    assert "企业重新提交" in changes and "检验检测报告.pdf" in changes
    check(sec, "journey-9-changed")
    staff.close()


JS_CO = "苏州锦华家纺有限公司"


def scanned_licence(seed: int) -> bytes:
    """A three-page image-only PDF of a Jiangsu company's licence (OCR: a few seconds' reading); `seed`
    makes the bytes differ, so no earlier reading or OCR cache of the same bytes shortens it."""
    from ocr_scans import Fixture, scan
    from PIL import Image

    licence = Fixture(
        "licence-jiangsu",
        [
            [
                "营业执照",
                "统一社会信用代码：91320500MA1N7QXT6H",
                f"名称：{JS_CO}",
                "类型：有限责任公司(自然人投资或控股)",
                "住所：江苏省苏州市吴江区盛泽镇市场路88号",
                "法定代表人：王建国",
                "成立日期：2015年03月18日",
                "营业期限：2015年03月18日至长期",
                "登记机关：苏州市吴江区市场监督管理局",
            ]
        ],
        holder=JS_CO,
    )
    pages = [Image.open(io.BytesIO(scan(licence, seal=False, seed=seed + n))) for n in range(3)]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=200)
    return buf.getvalue()


def test_an_answer_being_typed_survives_the_list_refreshing_while_a_scan_is_read(page, server, tmp_path):  # noqa: F811
    """While a document is still being read the page re-renders the to-do list whenever the case changes
    (issue 28's polling). What the applicant is typing into a 请回答 line keeps its text and its focus;
    the count 您还需要做 N 件事 (one less once the licence is read) and the reading status still update; leaving the field brings the rest
    of the new list in with the typed value in place, and the answer saves."""
    import itertools

    scan = tmp_path / "营业执照扫描件.pdf"
    scan.write_bytes(scanned_licence(seed=17 if page.viewport_name == "phone" else 29))
    case_url = open_case(page, server["url"], "江苏精品", JS_CO, "家纺面料")

    # every poll of the progress reports a change, so the list is re-rendered about once a second while
    # the scan is read (and once more when it has been)
    versions = itertools.count(1_000_000)

    def changed(route):
        response = route.fetch()
        route.fulfill(response=response, json={**response.json(), "version": next(versions)})

    page.route("**/progress.json*", changed)  # with or without ?after=
    renders = []
    page.on("response", lambda r: renders.append(r.url) if "report-fragment" in r.url else None)
    page.set_input_files("#file-input", str(scan))
    page.wait_for_selector("#progress li >> text=已上传")
    page.goto(case_url + "?step=result")
    expect(page.locator("[data-progress=reading]")).to_be_visible()  # the scan is still being read
    before = page.locator("#todo-count").inner_text()

    field = page.locator("form.answer", has=page.locator('input[name="key"][value="net_profit.2024"]')).locator(
        'input[name="value"]'
    )
    field.click()
    seen = len(renders)
    field.press_sequentially("1280.5", delay=200)
    for _ in range(150):  # at least two re-renders while the field holds the typing
        if len(renders) >= seen + 2:
            break
        page.wait_for_timeout(200)
    assert len(renders) >= seen + 2, "the list was not re-rendered while the scan was read"
    assert field.input_value() == "1280.5"
    assert field.evaluate("el => el === document.activeElement")

    expect(page.locator("[data-progress=reading]")).to_have_count(0, timeout=120000)  # the scan has been read
    todo = page.request.get(case_url + "/progress.json").json()["todo"]
    expect(page.locator("#todo-count strong")).to_have_text(str(todo))
    assert page.locator("#todo-count").inner_text() != before
    assert field.input_value() == "1280.5" and field.evaluate("el => el === document.activeElement")

    page.locator("#todo-count").click()  # the applicant leaves the field: the new list comes in, the value kept
    page.wait_for_function("() => !document.querySelector('#report').contains(document.activeElement)")
    expect(field).to_have_value("1280.5")
    check(page, "journey-typing-kept", applicant=True)
    field.locator("xpath=ancestor::form").get_by_role("button", name="保存回答").click()
    page.wait_for_load_state()
    expect(page.locator('input[name="key"][value="net_profit.2024"]')).to_have_count(0)


def shown(questions, yes: bool) -> None:
    for question in questions:
        (expect(question).to_be_visible if yes else expect(question).to_be_hidden)()


def test_the_agricultural_questions_follow_the_sector_with_and_without_javascript(server, browser):  # noqa: F811
    """江苏精品's 生产规模 question and the 地理标志产品 exemption are agriculture's: with the sector saved
    as 制造业 the page comes with them hidden from the server (right without JavaScript); with
    JavaScript what the server hid comes back as soon as 农业 is chosen on the page, and goes again
    with 制造业."""
    for javascript in (False, True):
        ctx = browser.new_context(locale="zh-CN", java_script_enabled=javascript)
        pg = ctx.new_page()
        pg.goto(server["url"] + "/")
        pg.locator("section.scheme", has_text="江苏精品").locator("button").click()
        pg.wait_for_url(re.compile(r"/cases/\d+\?step=info$"))
        sector = pg.locator("fieldset", has_text="贵单位属于哪个行业？")
        agricultural = [pg.locator('input[name="scale_value"]'), pg.get_by_label("地理标志产品")]
        shown(agricultural, True)  # the sector not known yet: asked
        sector.get_by_label("制造业").check()
        pg.click("#save-button")
        pg.wait_for_selector("text=已暂存")
        shown(agricultural, False)
        sector.get_by_label("农业").check()
        if javascript:
            shown(agricultural, True)
            sector.get_by_label("制造业").check()
            shown(agricultural, False)
        else:
            pg.click("#save-button")
            pg.wait_for_selector("text=已暂存")
            shown(agricultural, True)
        ctx.close()
