"""The three journeys in a real headless Chromium (Debian's `chromium`, driven by Playwright):
an applicant pre-checks and submits, the committee publishes a draft and handles a comment, the
secretariat reviews a case. Each runs at desktop size and on a phone (390×844); every page it
passes is screenshotted under tests/artifacts/ and checked: axe-core (tests/vendor/axe.min.js,
the npm package axe-core, MPL-2.0) finds no serious or critical violation, the phone layout does
not scroll sideways, and an applicant's page shows no internal id, English key or JSON link."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from docgen import Grid, pdf_bytes
from playwright.sync_api import expect

CHROMIUM = os.environ.get("INTAKE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# what an applicant must never read: item ids, fact keys and English values, field keys, JSON/API
INTERNAL = re.compile(
    r"\b(?:jinzhi|jiangsu|nonferrous|credit|trace)\.[\w.]+|\b(?:sector|product_kind|org_kind|"
    r"org_name|cert_number|valid_until|target_level|association_member|agriculture|manufacturing|"
    r"services|not_applicable|not_met|missing|review|JSON|API)\b"
)
ROOT = Path(__file__).parent.parent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (`make test` installs it via scripts/system-deps.sh)",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    # not tmp_path_factory: a concurrent pytest run on this machine may prune its directories
    base = Path(tempfile.mkdtemp(prefix="intake-web-browser-"))
    data = base / "var"
    port = free_port()
    intake = Path(sys.executable).parent / "intake"
    log = open(data.parent / "server.log", "w")  # a file, not a pipe nobody reads (it would fill and block)
    proc = subprocess.Popen(
        [str(intake), "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data), "--demo"],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(url + "/api/schemes", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("the server did not start: " + (data.parent / "server.log").read_text())
    accounts = dict(re.findall(r"^\s+(\w+)\s+角色 \w+\s+密码 (\S+)", (data / "demo-accounts.txt").read_text(), re.M))
    print("server log:", data.parent / "server.log")
    yield {"url": url, "data": data, "accounts": accounts}
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(browser, request):
    # bypass_csp: the page's CSP allows only its own scripts; axe-core is injected by the test
    ctx = browser.new_context(
        locale="zh-CN",
        viewport=VIEWPORTS[request.param],
        bypass_csp=True,
        device_scale_factor=1,
        is_mobile=request.param == "phone",
        has_touch=request.param == "phone",
    )
    pg = ctx.new_page()
    pg.set_default_timeout(30000)
    pg.viewport_name = request.param
    yield pg
    ctx.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.viewport_name}.png"), full_page=True)


AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | '));
}"""


def check(page, name: str, applicant: bool = False) -> None:
    """Screenshot, axe-core, no sideways scroll on the phone, plain Chinese for applicants."""
    page.wait_for_load_state()
    page.wait_for_function("() => document.readyState === 'complete' && document.title.length > 0")
    shot(page, name)
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN)
    assert not violations, f"{name}: " + "\n".join(violations)
    if page.viewport_name == "phone":
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 390, f"{name}: the page is {wide} px wide on a 390 px screen"
    if applicant:
        text = page.evaluate("() => document.body.innerText")
        assert not INTERNAL.findall(text), f"{name}: {INTERNAL.findall(text)}"
        assert page.locator("a[href^='/api'], a[href^='/docs']").count() == 0, name


def login(page, server, name: str) -> None:
    page.goto(server["url"] + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", server["accounts"][name])
    page.click("form button")


def chat_input_is_usable(page):
    """Issue 27: the chat input takes most of the row, is tall enough to tap, and shows its whole
    placeholder (measured in the input's own font) — on a phone as on a desktop."""
    box = page.locator("#chat-input").bounding_box()
    row = page.locator("#chat-form").bounding_box()
    assert box and row and box["width"] >= 0.6 * row["width"] and box["height"] >= 40, (box, row)
    fits = page.evaluate(
        """() => { const i = document.querySelector('#chat-input'); const s = getComputedStyle(i);
        const c = document.createElement('canvas').getContext('2d'); c.font = s.font;
        const room = i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
        return c.measureText(i.placeholder).width <= room; }"""
    )
    assert fits, "the chat input's placeholder is cut off"
    assert float(page.evaluate("getComputedStyle(document.querySelector('#chat-input')).fontSize")[:-2]) >= 16


def test_applicant_completes_a_case_guided_by_the_steps(page, server, tmp_path):
    """Chinese only, step by step, from choosing the scheme to 提交 and 进度查询."""
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(
        pdf_bytes(
            [
                [
                    "营业执照",
                    "名称：苏州苏信浏览器测试机械有限公司",
                    "住所：江苏省苏州市工业园区星湖街8号",
                    "法定代表人：王五",
                    "成立日期：2012年06月01日",
                ]
            ]
        )
    )
    qms = tmp_path / "质量管理体系认证证书.pdf"
    qms.write_bytes(
        pdf_bytes(
            [
                [
                    "质量管理体系认证证书",
                    "证书编号：00124Q30001R2M",
                    "兹证明 苏州苏信浏览器测试机械有限公司",
                    "质量管理体系符合 GB/T 19001-2016 / ISO 9001:2015",
                    "认证范围：齿轮箱的生产",
                    "发证日期：2024年03月01日",
                    "有效期至：2027年02月28日",
                    "发证机构：中国质量认证中心",
                ]
            ]
        )
    )
    report = tmp_path / "检验检测报告（齿轮箱型式试验，含全部检验项目及实测数据）.pdf"
    report.write_bytes(
        pdf_bytes(
            [
                [
                    "检验检测报告",
                    "报告编号：JSQI-2024-SX-000815-01",
                    "样品名称：精密齿轮箱",
                    "委托单位：苏州苏信浏览器测试机械有限公司",
                    "检验依据：GB/T 10095.1-2022",
                    Grid(
                        [
                            ["检验项目", "单位", "标准要求", "实测值", "单项判定"],
                            ["齿距累积总偏差", "μm", "≤40", "28", "合格"],
                            ["噪声（空载，1 米处声压级）", "dB(A)", "≤85", "79", "合格"],
                            ["温升", "K", "≤45", "31", "合格"],
                        ]
                    ),
                    "签发日期：2024年06月01日",
                ]
            ]
        )
    )
    trademark = tmp_path / "商标注册证.pdf"
    trademark.write_bytes(
        pdf_bytes(
            [
                [
                    "商标注册证",
                    "第 12345678 号",
                    "注册人：苏州苏信浏览器测试机械有限公司",
                    "注册有效期限：2012年01月07日至2022年01月06日",
                ]
            ]
        )
    )  # expired: 第八条（一）5 not met
    bundle = [licence, qms, report, trademark]
    page.goto(server["url"] + "/")
    check(page, "applicant-1-home", applicant=True)
    page.locator("section.scheme", has_text="江苏精品").locator("button").click()
    page.wait_for_url(re.compile(r"/cases/\d+\?step=info$"))
    case_url = page.url.split("?")[0]
    check(page, "applicant-2-info", applicant=True)
    page.get_by_label("申请单位全称").fill("江苏苏欣浏览器测试机械有限公司")  # not the licence's name
    page.get_by_label("申报产品").fill("精密齿轮箱")
    page.locator("fieldset", has_text="贵单位属于哪个行业？").get_by_label("制造业").check()
    page.click("#save-button")  # 暂存
    page.wait_for_selector("text=已暂存")
    assert page.locator("input[name=sector][value=manufacturing]").is_checked()
    page.click("#next-button")
    page.wait_for_url(re.compile(r"step=upload$"))
    # the file picker is reachable by keyboard: Tab from the step's heading lands on it
    page.locator("#upload h2").click()
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "file-input":
            break
    assert page.evaluate("() => document.activeElement.id") == "file-input"
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.filepick')).outlineStyle") == "solid"
    )  # focus visible
    page.set_input_files("#file-input", [str(f) for f in bundle])
    page.wait_for_selector("#progress li >> text=已上传")
    expect(page.locator("tr.doc.read")).to_have_count(len(bundle), timeout=90000)
    page.wait_for_selector("#checks >> text=请核对")
    check(page, "applicant-3-upload", applicant=True)
    page.locator("#documents a", has_text="检验检测报告").click()  # what was read, page by page
    page.wait_for_selector("table.indicators")
    check(page, "applicant-3b-document", applicant=True)
    page.go_back()
    page.click("text=下一步：查看预审结果")
    page.wait_for_selector("#checklist")
    checks = page.locator("#todo li.todo-line.fix").inner_text()  # 请核对 on the to-do list, its fix in place
    assert "江苏苏欣浏览器测试机械有限公司" in checks and "苏州苏信浏览器测试机械有限公司" in checks
    assert "不适用" not in page.locator("main").inner_text()  # the agriculture and services branches are hidden
    check(page, "applicant-4-result", applicant=True)
    page.goto(case_url + "/gap-report.html")
    check(page, "applicant-4b-gap-report", applicant=True)
    page.go_back()
    page.click("text=下一步：补充说明")
    chat_input_is_usable(page)
    page.fill("#chat-input", "证书有效期是几年？")
    page.click("#chat-form button")
    expect(page.locator("#chat-log .bot").last).not_to_have_text("……", timeout=30000)
    expect(page.locator("#chat-log .bot.streaming")).to_have_count(0, timeout=30000)
    check(page, "applicant-5-assistant", applicant=True)
    page.click("text=下一步：核对并提交")
    page.wait_for_selector("#submit-form")
    review = page.locator("#submit").inner_text()
    assert "请核对" in review and "还缺的材料" in review
    check(page, "applicant-6-submit", applicant=True)
    # 不符合条件 (the trademark has expired): the blockers listed must be acknowledged
    assert "不符合条件" in review and "不满足的要求" in review
    page.click("#submit-button")  # not ticked: the browser keeps the form, nothing is submitted
    assert page.locator("#submit-form").is_visible() and "step=submit" in page.url
    page.check("#acknowledge")
    page.click("#submit-button")
    page.wait_for_selector("#progress-query")
    assert page.locator("#case-status").inner_text() == "已提交"
    assert page.locator("#procedure-step").inner_text()
    assert page.locator("#upload-form").count() == 0
    check(page, "applicant-7-progress", applicant=True)
    page.goto(server["url"] + "/cases")
    check(page, "applicant-8-my-cases", applicant=True)
    for path, name in (
        ("/register", "register"),
        ("/drafts", "drafts"),
        ("/login", "login"),
        ("/no-such-page", "not-found"),
    ):
        page.goto(server["url"] + path)
        check(page, f"applicant-9-{name}", applicant=True)
    page.goto(case_url + "?step=upload")  # not editable any more: back to 进度查询
    page.wait_for_selector("#progress-query")


def test_committee_publishes_and_handles_a_comment(page, server, tmp_path):
    draft = tmp_path / "draft.md"  # not byte-identical to the demo draft (same bytes = same draft)
    draft.write_bytes(
        (ROOT / "intake" / "demo" / "jinzhi_draft_000.md").read_bytes()
        + f"\n浏览器测试版 {page.viewport_name}\n".encode()
    )
    login(page, server, "committee")
    page.wait_for_url(re.compile(r"/committee$"))
    assert "“津质精品”产品质量等级评价通则" in page.content()  # the demo draft of seed 000
    check(page, "committee-1-desk")
    page.set_input_files("input[name=file]", str(draft))
    # the publish form shows the title the draft gives itself, editable
    expect(page.locator("input[name=title]")).to_have_value("“津质精品”产品质量等级评价通则", timeout=30000)
    expect(page.locator("input[name=deadline]")).to_have_value("2026-01-08")
    page.fill("input[name=title]", f"浏览器测试稿 {page.viewport_name}")
    page.fill("input[name=deadline]", "2999-01-01")
    page.fill("input[name=drafting_unit]", "测试编制组")
    page.click("#publish-form button")
    page.wait_for_url(re.compile(r"/committee/drafts/\d+$"))
    draft_url = page.url
    check(page, "committee-2-draft")
    page.click("text=公开页面")
    page.wait_for_selector("#clauses")
    check(page, "committee-3-public")
    page.fill("input[name=submitter]", "天津某检测有限公司")
    page.select_option("select[name=clause_1]", "8.2")
    page.fill("textarea[name=comment_1]", "建议证书有效期改为5年")
    page.fill("textarea[name=reason_1]", "与同类评价一致")
    page.click("#comment-form button.primary")
    receipt = page.locator(".receipt-no").inner_text()
    assert receipt.startswith("YJ")
    check(page, "committee-4-receipt")
    page.goto(draft_url)
    item = page.locator("li.comment", has_text="建议证书有效期改为5年")
    item.locator("select[name=decision]").select_option("部分采纳")
    item.locator("textarea[name=reason]").fill("有效期维持3年，增加复审说明")
    item.locator("button").click()
    page.wait_for_selector("text=处理：部分采纳")
    check(page, "committee-5-handled")


def test_secretariat_reviews_a_case(page, server):
    login(page, server, "secretariat")
    page.wait_for_url(re.compile(r"/queue"))
    check(page, "secretariat-1-queue")
    status = page.locator("table.queue td .status").first
    assert status.evaluate("e => e.getBoundingClientRect().height") < 2 * status.evaluate(
        "e => parseFloat(getComputedStyle(e).lineHeight) || 24"
    )  # one line, never a character per line
    holder = page.locator("table.queue td", has_text="天津津品示范精密机械有限公司").first
    assert holder.evaluate("e => e.getBoundingClientRect().width") > 150  # never a character per line
    row = page.locator("table.queue tr", has_text="天津津品示范精密机械有限公司")  # the demo case
    row.locator("a").first.click()
    page.wait_for_selector("#checklist", timeout=90000)  # the demo case's documents may still be read on a busy machine
    check(page, "secretariat-2-case")
    item = page.locator("li.item", has_text="jinzhi.4.4")
    item.locator("summary").click()
    item.locator("select[name=status]").select_option("met")
    note = f"已查验信用中国截图（{page.viewport_name}）"
    item.locator("input[name=note]").fill(note)
    item.locator("button").click()
    page.wait_for_selector(f"text={note}")
    audit = page.locator("#audit").inner_text()
    assert "人工改判" in audit and "→ 满足" in audit and "+00:00" not in audit
    nxt = page.locator("#procedure select[name=state] option").first
    name = nxt.inner_text().removeprefix("进入：")
    page.select_option("#procedure select[name=state]", nxt.get_attribute("value"))
    page.click("#procedure form button")
    page.wait_for_selector(f"#procedure li.current >> text={name}")
    assert f"→ {name}" in page.locator("#audit").inner_text()
    check(page, "secretariat-3-advanced")
    page.locator("#documents a").first.click()
    page.wait_for_selector("h1")
    fields = page.locator("table.fields").inner_text()
    assert "单位名称" in fields and "有效期" in fields and "org_name" not in fields
    check(page, "secretariat-4-document")


def test_secretariat_scores_the_credit_worksheet_live(page, server):
    with httpx.Client(base_url=server["url"], timeout=30) as c:
        token = c.get("/api/session").json()["csrf"]
        case = c.post(
            "/api/cases", json={"scheme": "credit", "applicant": "信用测试公司"}, headers={"X-CSRF-Token": token}
        ).json()
        c.post(f"/api/cases/{case['id']}/submit", headers={"X-CSRF-Token": token}).raise_for_status()
    login(page, server, "secretariat")
    page.wait_for_url(re.compile(r"/queue"))
    page.goto(f"{server['url']}/cases/{case['id']}")
    bands = page.locator("#worksheet-form select.band")
    for i in range(bands.count()):
        bands.nth(i).select_option("4")  # 80%-100% → 90 % of each item's points
    assert page.locator("#ws-total").inner_text() == "90"
    assert page.locator("#ws-grade").inner_text() == "四星级"  # 6.2.2: 90 ≤ s < 95, before saving
    page.fill("input[name='pct.credit.5.2.a']", "50")
    assert page.locator("#ws-total").inner_text() == "89.2"
    assert page.locator("#ws-grade").inner_text() == "三星级"
    page.click("#worksheet-form button")
    page.wait_for_selector("#ws-total")
    assert page.locator("#ws-total").inner_text() == "89.2"  # saved, computed again by the server
    check(page, "secretariat-5-credit-worksheet")
