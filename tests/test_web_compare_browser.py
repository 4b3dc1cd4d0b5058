"""看看哪些方案适合我 in a real headless Chromium on a phone (390×844), axe-core clean on every page
(the setup of tests/test_web_browser.py): four documents uploaded from the home page, every scheme
compared, a case started for the best-fitting scheme with no second upload, then a second case for
another scheme from the 证照库."""

from __future__ import annotations

import re

import pytest
from corpus.documents import render
from playwright.sync_api import expect
from test_web_browser import VIEWPORTS, browser, check, pytestmark, server  # noqa: F401 (fixtures)

FILES = {"营业执照.pdf": "license_beside", "质量体系证书.pdf": "qms_prose", "环境体系证书.pdf": "ems"}
FILES["检验报告.pdf"] = "test_report_cells"


@pytest.fixture
def page(browser):  # noqa: F811 (the phone only: this journey is the phone's)
    ctx = browser.new_context(
        locale="zh-CN",
        viewport=VIEWPORTS["phone"],
        bypass_csp=True,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
    )
    pg = ctx.new_page()
    pg.set_default_timeout(60000)
    pg.viewport_name = "phone"
    yield pg
    ctx.close()


def test_one_upload_every_scheme_two_cases(page, server, tmp_path):  # noqa: F811
    paths = []
    for name, doc in FILES.items():
        (tmp_path / name).write_bytes(render(doc, "pdf"))
        paths.append(str(tmp_path / name))
    page.goto(server["url"] + "/")
    page.get_by_role("link", name="看看哪些方案适合我").click()
    page.wait_for_url(re.compile(r"/compare$"))
    check(page, "compare-1-empty", applicant=True)
    assert page.title().startswith("看看哪些方案适合我 · ")
    page.set_input_files("#compare-files", paths)
    page.get_by_role("button", name="上传并对照全部项目").click()
    page.wait_for_url(re.compile(r"/compare#result$"))
    cards = page.locator("ol.compare-list > li")
    expect(cards).to_have_count(5, timeout=120_000)  # read after the answer; the page polls till done
    expect(page.locator("#report")).to_have_attribute("data-complete", "1", timeout=120_000)
    check(page, "compare-2-result", applicant=True)
    page.locator("summary", has_text="贵单位的基本情况").click()  # asked once for the company
    page.get_by_role("group", name="贵单位属于哪个行业？").get_by_label("制造业").check()
    check(page, "compare-2b-company-facts", applicant=True)
    page.get_by_role("button", name="保存并重新对照").click()
    page.wait_for_url(re.compile(r"/compare#result$"))
    expect(page.locator("summary", has_text="贵单位的基本情况")).to_contain_text("已回答 1 项")
    best = cards.first.locator("h3").inner_text()
    assert cards.first.locator(".outcome").inner_text()  # each card states its scheme's outcome
    cards.first.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/cases/\d+\?step=info$"))
    first_case = page.url.split("?")[0]
    check(page, "compare-3-case-info", applicant=True)
    page.goto(first_case + "?step=upload")
    for name in FILES:
        expect(page.locator("#report")).to_contain_text(name)  # no second upload
    assert best in page.content()
    check(page, "compare-4-case-documents", applicant=True)

    page.goto(server["url"] + "/library")
    check(page, "compare-5-library", applicant=True)
    page.get_by_role("link", name=re.compile("对照全部评价项目")).click()
    page.wait_for_url(re.compile(r"/compare$"))
    second_card = page.locator("ol.compare-list > li").nth(1)
    other = second_card.locator("h3").inner_text()
    assert other != best
    second_card.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/cases/\d+\?step=info$"))
    second_case = page.url.split("?")[0]
    assert second_case != first_case
    page.goto(second_case + "?step=upload")
    for name in FILES:
        expect(page.locator("#report")).to_contain_text(name)
    page.goto(server["url"] + "/cases")
    expect(page.locator("main")).to_contain_text(best)
    expect(page.locator("main")).to_contain_text(other)
    check(page, "compare-6-my-cases", applicant=True)
