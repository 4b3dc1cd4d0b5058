"""The three journeys in a real headless Chromium (Debian's `chromium`, driven by Playwright):
an applicant pre-checks and submits, the committee publishes a draft and handles a comment, the
secretariat reviews a case. Each ends in a screenshot under tests/artifacts/."""
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
from playwright.sync_api import expect

from docgen import pdf_bytes

CHROMIUM = os.environ.get("INTAKE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
ROOT = Path(__file__).parent.parent

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="Debian's chromium is not installed (`make test` installs it via scripts/system-deps.sh)")]


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
    proc = subprocess.Popen([str(intake), "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data), "--demo"],
                            stdout=log, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
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
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(30000)
    yield pg
    ctx.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(page, server, name: str) -> None:
    page.goto(server["url"] + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", server["accounts"][name])
    page.click("form button")


def test_applicant_prechecks_and_submits(page, server, tmp_path):
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(pdf_bytes([["营业执照", "名称：天津浏览器测试机械有限公司", "住所：天津市西青区学府工业区8号",
                                    "法定代表人：王五", "成立日期：2012年06月01日"]]))
    qms = tmp_path / "质量管理体系认证证书.pdf"
    qms.write_bytes(pdf_bytes([["质量管理体系认证证书", "证书编号：00124Q30001R2M", "兹证明 天津浏览器测试机械有限公司",
                                "质量管理体系符合 GB/T 19001-2016 / ISO 9001:2015", "认证范围：齿轮箱的生产",
                                "发证日期：2024年03月01日", "有效期至：2027年02月28日", "发证机构：中国质量认证中心"]]))
    page.goto(server["url"] + "/")
    scheme = page.locator("section.scheme", has_text="津质精品")
    scheme.locator("input[name=applicant]").fill("天津浏览器测试机械有限公司")
    scheme.locator("input[name=product]").fill("精密齿轮箱")
    scheme.locator("button").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    page.fill("#chat-input", "证书有效期是几年？")
    page.click("#chat-form button")
    expect(page.locator("#chat-log .bot").last).not_to_have_text("……", timeout=30000)
    expect(page.locator("#chat-log .bot.streaming")).to_have_count(0, timeout=30000)  # the streamed reply has ended
    assert "8.2" in page.locator("#chat-log .bot").last.inner_text()
    page.set_input_files("#file-input", [str(licence), str(qms)])
    page.wait_for_selector("#progress li >> text=已上传")
    expect(page.locator("tr.doc.read")).to_have_count(2, timeout=60000)
    assert page.locator("#documents").inner_text().count("已读取") == 2
    assert "营业执照" in page.locator("#documents").inner_text()
    checklist = page.locator("#checklist").inner_text()
    assert "缺少材料" in checklist
    assert page.locator("select[name=sector]").count() == 0  # 津质精品 asks no sector: only its own facts
    page.check("input[name='decl.jinzhi.4.4']")
    page.click("#facts-form button")
    page.wait_for_load_state()
    assert page.locator("input[name='decl.jinzhi.4.4']").is_checked()
    page.once("dialog", lambda d: d.accept())
    page.click("#submit-button")
    page.wait_for_selector("text=申请已提交秘书处")
    assert page.locator("#case-status").inner_text() == "已提交"
    assert page.locator("#upload-form").count() == 0
    shot(page, "applicant")


def test_committee_publishes_and_handles_a_comment(page, server, tmp_path):
    draft = tmp_path / "draft.md"  # not byte-identical to the demo draft (same bytes = same draft)
    draft.write_bytes((ROOT / "intake" / "demo" / "jinzhi_draft_000.md").read_bytes() + "\n浏览器测试版\n".encode())
    login(page, server, "committee")
    page.wait_for_url(re.compile(r"/committee$"))
    assert "“津质精品”产品质量等级评价通则" in page.content()  # the demo draft of seed 000
    page.set_input_files("input[name=file]", str(draft))
    # the publish form shows the title the draft gives itself, editable
    expect(page.locator("input[name=title]")).to_have_value("“津质精品”产品质量等级评价通则", timeout=30000)
    expect(page.locator("input[name=deadline]")).to_have_value("2026-01-08")
    page.fill("input[name=title]", "浏览器测试稿")
    page.fill("input[name=deadline]", "2999-01-01")
    page.fill("input[name=drafting_unit]", "测试编制组")
    page.click("#publish-form button")
    page.wait_for_url(re.compile(r"/committee/drafts/\d+$"))
    draft_url = page.url
    page.click("text=公开页面")
    page.wait_for_selector("#clauses")
    page.fill("input[name=submitter]", "天津某检测有限公司")
    page.select_option("select[name=clause_1]", "8.2")
    page.fill("textarea[name=comment_1]", "建议证书有效期改为5年")
    page.fill("textarea[name=reason_1]", "与同类评价一致")
    page.click("#comment-form button.primary")
    receipt = page.locator(".receipt-no").inner_text()
    assert receipt.startswith("YJ")
    page.goto(draft_url)
    item = page.locator("li.comment", has_text="建议证书有效期改为5年")
    item.locator("select[name=decision]").select_option("部分采纳")
    item.locator("textarea[name=reason]").fill("有效期维持3年，增加复审说明")
    item.locator("button").click()
    page.wait_for_selector("text=处理：部分采纳")
    shot(page, "committee")


def test_secretariat_reviews_a_case(page, server):
    login(page, server, "secretariat")
    page.wait_for_url(re.compile(r"/queue"))
    row = page.locator("table.queue tr", has_text="天津津品示范精密机械有限公司")  # the demo case
    row.locator("a").first.click()
    page.wait_for_selector("#checklist")
    item = page.locator("li.item", has_text="jinzhi.4.4")
    item.locator("summary").click()
    item.locator("select[name=status]").select_option("met")
    item.locator("input[name=note]").fill("已查验信用中国截图")
    item.locator("button").click()
    page.wait_for_selector("text=已查验信用中国截图")
    assert "override" in page.locator("#audit").inner_text()
    page.select_option("#procedure select[name=state]", "accepted")
    page.click("#procedure form button")
    page.wait_for_selector("#procedure li.current >> text=受理及签订合同")
    shot(page, "secretariat")


def test_secretariat_scores_the_credit_worksheet_live(page, server):
    with httpx.Client(base_url=server["url"], timeout=30) as c:
        token = c.get("/api/session").json()["csrf"]
        case = c.post("/api/cases", json={"scheme": "credit", "applicant": "信用测试公司"},
                      headers={"X-CSRF-Token": token}).json()
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
    shot(page, "secretariat-credit-worksheet")
