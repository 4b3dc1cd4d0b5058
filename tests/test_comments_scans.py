"""Comment sheets that came back printed, signed, stamped and scanned or photographed (issue 23):
the ruled table found and read cell by cell, confidences kept, 请核对 until the committee checks,
blank templates give nothing, the draft's own lines read right and shown as written."""

from __future__ import annotations

import io
import re

import pytest
from comment_sheets import TITLE, draft_markdown
from docgen import Grid, docx_bytes, pdf_bytes
from web_helpers import login, make_client, page_csrf

from extractors.comments import CommentSheet, read_draft
from extractors.comments.scan import find_grid, find_tables
from extractors.comments.sheet import Comment, parse_sheet
from extractors.read import read_document
from forms.register import register_csv_rows
from intake import comments as C
from intake.config import Limits
from intake.store.blobs import BlobStore
from intake.store.db import open_db

# -- the ruled grid -------------------------------------------------------------------------


def _ruled(rows: list[int], cols: list[int], missing: list[tuple] = ()):
    """A white page with a ruled table; `missing` rules left out: ("v", col, row) or ("h", row, col)."""
    import numpy as np

    ink = np.zeros((600, 800), np.uint8)
    for r, y in enumerate(rows):
        for c in range(len(cols) - 1):
            if ("h", r, c) not in missing:
                ink[y - 1 : y + 2, cols[c] : cols[c + 1] + 1] = 255
    for c, x in enumerate(cols):
        for r in range(len(rows) - 1):
            if ("v", c, r) not in missing:
                ink[rows[r] : rows[r + 1] + 1, x - 1 : x + 2] = 255
    return ink


def test_the_grid_of_a_ruled_table_with_merged_header_cells():
    # 修改意见 over 原文 | 修改为 (no rule between them in the first row); 序号 spans two rows
    rows, cols = [50, 100, 150, 300, 450], [40, 120, 300, 500, 700]
    ink = _ruled(rows, cols, missing=[("v", 2, 0), ("h", 1, 0)])
    grid = find_grid(ink)
    assert grid is not None and len(grid.xs) == 5 and len(grid.ys) == 5
    spans = {(r, c): (rs, cs) for r, c, rs, cs in grid.cells}
    assert spans[(0, 0)] == (2, 1)  # 序号 over two header rows
    assert spans[(0, 1)] == (1, 2)  # 修改意见 over 原文 | 修改为
    assert spans[(1, 1)] == (1, 1) and spans[(1, 2)] == (1, 1)
    assert spans[(2, 3)] == (1, 1) and spans[(3, 3)] == (1, 1)  # comment rows stay apart


def test_two_tables_on_a_page_keep_their_own_columns():
    """A one-row signature table under the comment table does not add its columns to the comments."""
    import numpy as np

    ink = np.zeros((600, 800), np.uint8)
    ink[:400] = _ruled([50, 100, 150, 300], [40, 120, 300, 500, 700])[:400]
    ink[420:600] = _ruled([450, 500], [40, 260, 700])[420:600]
    grids = find_tables(ink)
    assert [(len(g.xs) - 1, len(g.ys) - 1) for g in grids] == [(4, 3), (2, 1)]


def test_a_page_without_a_ruled_table_has_no_grid():
    import numpy as np

    ink = np.zeros((600, 800), np.uint8)
    ink[100:110, 100:400] = 255  # a block of print, no rules
    assert find_grid(ink) is None


@pytest.mark.parametrize(
    "name, page",
    [
        ("scan11-four-scan", 0),  # −2.8° skew and a shadow across the rules
        ("scan08-five-photo", 0),  # a phone photo: perspective, shadow, seal over the signature row
        ("scan10-five-scan", 1),  # page 2: the signature row under a red seal
    ],
)
def test_a_damaged_page_gives_the_printed_tables_rows_and_cells(name, page):
    """Straightened and ruled, every table of the page has the rows and real cells the sheet was
    printed with: a shadow does not swallow a thin rule, a seal's ring does not add one."""
    import comment_scans as cs
    import numpy as np

    from extractors import ocr
    from extractors.comments.scan import straighten

    sheet = next(s for s in cs.sheets() if s.name == name)
    data, settings = sheet.bytes(), ocr.load_settings()
    with ocr.deferred():
        doc = read_document(data, sheet.filename)
    [image] = ocr.page_images(doc, data, [page + 1], settings)  # the page as the reader gets it
    _, _, ink = straighten(np.asarray(image.image), settings)
    printed = [(len(t), sum(len(r) for r in t)) for t in cs._cells(sheet.pdf(), page)]
    found = [(len(g.ys) - 1, len(g.cells)) for g in find_tables(ink)]
    assert sorted(found) == sorted(printed)


def test_a_red_seal_is_not_print_but_navy_print_and_print_under_the_seal_are():
    import numpy as np

    from extractors import ocr
    from extractors.comments.scan import _print

    page = np.full((200, 300, 3), 238, np.uint8)
    page[40:43, 20:280] = (20, 30, 110)  # a navy rule
    page[60:160, 120:123] = (214, 38, 38)  # a seal's red stroke
    page[60:160, 200:204] = (222, 160, 160)  # and its soft edge
    page[100:103, 20:280] = (30, 30, 30)  # a black rule printed under the seal (it stays dark)
    _, ink = _print(page, ocr.load_settings())
    assert ink[41, 20:280].all() and ink[101, 20:280].all()
    assert not ink[70:95, 120:123].any() and not ink[70:95, 200:204].any()


# -- scanned and photographed sheets (OCR) --------------------------------------------------

# what is read, not how fast: a shared, loaded machine must not turn these into timeouts
SLOW_MACHINE = Limits(file_seconds=600)


def _image_pdf(pdf: bytes, dpi: int = 150) -> bytes:
    from ocr_scans import render

    buf = io.BytesIO()
    render(pdf, 0, dpi).save(buf, "PDF", resolution=dpi)
    return buf.getvalue()


@pytest.mark.slow
def test_a_text_sheet_rendered_to_an_image_only_pdf_reads_like_the_text_sheet():
    """The issue's first case: the same sheet as a text PDF and as a 150 dpi image gave 0 comments."""
    rows = [
        ["1", "8.2", "有效期建议改为2年，与监督周期一致，便于企业安排复评工作。", "与监督周期一致。"],
        ["2", "第13章", "删除本章。", "与通则重复。"],
    ]
    top = [
        ["单位名称或专家姓名", "天津某某检测有限公司", "单位盖章或专家签名", "天津某某检测有限公司（盖章）"],
        ["联系人", "张三", "联系方式", "13800000000"],
        ["标准名称", TITLE, "", ""],
        ["序号", "章节", "修改意见", "具体理由"],
    ]
    grid = Grid(top + rows, merges=[(2, 1, 2, 3)])
    pdf = pdf_bytes([["团体标准制定征求意见表", grid]])
    scanned = _image_pdf(pdf)
    [doc] = C.read_sheets([("scan.pdf", scanned)], SLOW_MACHINE)
    sheet = parse_sheet(doc)
    assert sheet.submitter == "天津某某检测有限公司" and sheet.signed
    got = [(c.clause, c.comment_raw, c.reason_raw) for c in sheet.comments]
    assert got == [(r[1].replace("第13章", "13"), r[2], r[3]) for r in rows]
    assert all(c.confidence is not None and c.region for c in sheet.comments)  # read from a scan, and where


@pytest.mark.slow
def test_photographed_sheets_with_seals_signatures_and_blank_templates():
    import comment_scans as cs

    chosen = [s for s in cs.sheets() if s.name in ("scan01-four-photo", "scan07-four-scan", "blank20-four-scan")]
    docs = C.read_sheets([(s.filename, s.bytes()) for s in chosen], SLOW_MACHINE)
    for s, doc in zip(chosen, docs):
        parsed = C.reading.sheet_from(doc, s.filename).to_json()
        r = cs.score(s, parsed)
        if s.blank:
            assert parsed["comments"] == [], s.name
        else:
            assert r["right"] == r["comments"] and r["unit"], (s.name, parsed)
            assert parsed["signed"], s.name  # a seal or a handwritten name in the signature cell


# -- 请核对: confidence, the committee's check, the audit trail -----------------------------


@pytest.fixture
def env(tmp_path):
    db, blobs = open_db(tmp_path), BlobStore(tmp_path)
    yield db, blobs
    db.close()


def _scanned_sheet(confidence: float) -> CommentSheet:
    sheet = CommentSheet(file="scan.jpg", sha256="f" * 64, submitter="河北某某检测有限公司", signed=True)
    sheet.comments = [
        Comment(
            seq=1, clause="8.2", clause_raw="8.2", comment="有效期建议改为2年", clauses=["8.2"], confidence=confidence
        ),
        Comment(seq=2, clause="4", clause_raw="4", comment="门槛过高", clauses=["4"], confidence=0.999),
    ]
    return sheet


def test_a_comment_read_below_the_threshold_is_marked_until_the_committee_corrects_it(env):
    db, blobs = env
    d = C.publish_draft(db, blobs, draft_markdown(), "draft.md")
    C.store.store_sheet(db, d, _scanned_sheet(0.81), "scan.jpg", "f" * 64, "2026-01-05", "given")
    rows = C.comments(db, d.id)
    low, sure = rows
    assert low["to_check"] and not sure["to_check"]
    remarks = {r[2]: r[6] for r in register_csv_rows(C.register_data(db, d.id))[1:]}
    assert "请核对" in remarks["有效期建议改为2年"] and "请核对" not in remarks["门槛过高"]
    assert "从扫描件识别" in remarks["门槛过高"]  # never presented as the exact words without saying so

    C.store.check_comment(db, d.id, low["id"], by="王伟", comment="有效期建议改为3年", clause="8.2")
    low = C.comments(db, d.id)[0]
    assert low["comment_raw"] == "有效期建议改为3年" and not low["to_check"]
    reg = register_csv_rows(C.register_data(db, d.id))
    assert any("有效期建议改为3年" in row[2] and "已更正" in row[6] for row in reg[1:])
    assert not any("有效期建议改为2年" in row[2] for row in reg[1:])
    [trail] = C.store.checks(db, low["id"])  # what was read is kept
    assert (trail["field"], trail["old"], trail["new"], trail["by"]) == (
        "comment",
        "有效期建议改为2年",
        "有效期建议改为3年",
        "王伟",
    )


def test_confirming_unchanged_clears_the_mark_and_is_recorded(env):
    db, blobs = env
    d = C.publish_draft(db, blobs, draft_markdown(), "draft.md")
    C.store.store_sheet(db, d, _scanned_sheet(0.9), "scan.jpg", "f" * 64, "2026-01-05", "given")
    low = C.comments(db, d.id)[0]
    C.store.check_comment(db, d.id, low["id"], by="王伟", comment=low["comment_raw"], clause="8.2")
    assert not C.comments(db, d.id)[0]["to_check"]
    assert [c["field"] for c in C.store.checks(db, low["id"])] == ["confirmed"]
    with pytest.raises(C.CommentsError):
        C.store.check_comment(db, d.id + 1, low["id"], by="王伟")  # another draft's comment
    with pytest.raises(C.CommentsError):
        C.store.check_comment(db, d.id, low["id"], by="王伟", comment="  ")


# -- blank and template sheets, header-only titles --------------------------------------------


def test_a_blank_technical_standard_sheet_with_sub_headers_gives_no_comment():
    rows = [
        ["标准名称", "", "", "", "", ""],
        ["序号", "章条编号", "修改意见", "", "提出单位", ""],
        ["", "章条编号", "原文为 修改为", "", "提出单位 提出人员", ""],
    ] + [[""] * 6 for _ in range(5)]
    merges = [(0, 1, 0, 5), (1, 2, 1, 3), (1, 4, 1, 5)]
    data = docx_bytes([Grid(rows, merges=merges)], header="《铝合金建筑型材 第1部分：基材》技术标准征求意见表")
    sheet = parse_sheet(read_document(data, "blank.docx"))
    assert sheet.comments == [] and sheet.is_comment_sheet
    assert sheet.standard_title.replace(" ", "") == "铝合金建筑型材第1部分:基材"  # the title in the page header


# -- the draft: title, drafting unit, deadline; shown as written ------------------------------


DRAFT_LINES = [
    "团体标准",
    "T/CAQI 123—2026",
    "铝合金建筑型材　第1部分：基材",
    "（征求意见稿）",
    "请于2026年3月1日前反馈意见",
    "起草单位：中国质量检验协会、某某铝业有限公司",
    "前言",
    "本文件按照GB/T 1.1—2020的规定起草。",
    "1 范围",
    "本文件规定了型材的要求，温度范围为−10℃～40℃，见表１。",
    "2 规范性引用文件",
    "3 术语和定义",
    "4 要求",
]


def test_the_drafting_unit_line_is_not_the_title_and_the_text_is_kept_as_written():
    d = read_draft(read_document(docx_bytes(DRAFT_LINES), "d.docx"))
    assert d.title == "铝合金建筑型材　第1部分：基材"  # full-width space and colon kept
    assert d.drafting_unit == "中国质量检验协会、某某铝业有限公司"
    assert d.deadline == "2026-03-01"
    assert d.clauses["1"].text == "本文件规定了型材的要求，温度范围为−10℃～40℃，见表１。"


def test_a_draft_whose_title_comes_after_its_drafting_unit_line():
    lines = ["起草单位：中国质量检验协会、某某铝业有限公司", "铝合金建筑型材 第1部分：基材", "1 范围", "正文。"]
    d = read_draft(read_document(docx_bytes(lines), "d.docx"))
    assert d.title == "铝合金建筑型材 第1部分：基材" and d.drafting_unit.startswith("中国质量检验协会")


# -- the desk -------------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


def _publish(client) -> int:
    login(client, "com")
    html = client.get("/committee").text
    r = client.post(
        "/committee/drafts",
        data={"csrf": page_csrf(html), "title": "津质精品通则", "deadline": "2999-01-01"},
        files={"file": ("draft.md", draft_markdown(), "text/markdown")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_the_desk_keeps_decisions_counts_drafts_and_speaks_to_staff(client):
    draft_id = _publish(client)
    html = client.get(f"/drafts/{draft_id}").text
    client.post(
        f"/drafts/{draft_id}/comments",
        data={"csrf": page_csrf(html), "submitter": "甲公司", "clause_1": "8.2", "comment_1": "有效期改为2年"},
    )
    page = client.get(f"/committee/drafts/{draft_id}").text
    item = int(re.search(r'name="item_id" value="(\d+)"', page).group(1))
    r = client.post(
        f"/committee/drafts/{draft_id}/dispositions",
        data={"csrf": page_csrf(page), "item_id": item, "decision": "部分采纳", "reason": "改为2年半"},
    )
    assert r.status_code == 200
    assert "<option selected>部分采纳</option>" in r.text and "改为2年半</textarea>" in r.text
    desk = client.get("/committee").text
    assert "<td>1</td><td>1</td>" in desk  # received, decided
    assert ">API<" not in desk and "（标准委员会）" in desk  # a plain name gets its role


def test_the_navigation_does_not_repeat_the_role_a_name_already_says(client, tmp_path):
    from intake.store.accounts import add_user

    db = open_db(tmp_path / "var")
    add_user(db, "demo-com", "committee", "pw-demo-1234567", display="标准委员会（演示）")
    db.conn.close()
    login(client, "demo-com", "pw-demo-1234567")
    nav = client.get("/committee").text.split("</nav>")[0]
    assert "演示" in nav and "（标准委员会）" not in nav and ">API<" not in nav


def test_the_desk_shows_the_scanned_cell_beside_the_text_and_takes_a_correction(client, tmp_path):
    draft_id = _publish(client)
    db, blobs = open_db(tmp_path / "var"), BlobStore(tmp_path / "var")
    sheet = _scanned_sheet(0.8)
    sheet.comments[0].image = blobs.put_bytes(b"\xff\xd8\xff\xe0 a jpeg")
    d = C.get_draft(db, draft_id)
    C.store.store_sheet(db, d, sheet, "scan.jpg", "f" * 64, "2026-01-05", "given")
    item = C.comments(db, draft_id)[0]["id"]
    db.close()
    page = client.get(f"/committee/drafts/{draft_id}").text
    assert "请核对" in page and f"/comments/{item}/image" in page
    img = client.get(f"/committee/drafts/{draft_id}/comments/{item}/image")
    assert img.status_code == 200 and img.content.startswith(b"\xff\xd8")
    r = client.post(
        f"/committee/drafts/{draft_id}/checks",
        data={"csrf": page_csrf(page), "item_id": item, "clause": "8.2", "comment": "有效期建议改为3年", "reason": ""},
        follow_redirects=True,
    )
    assert "有效期建议改为3年" in r.text and "已由" in r.text
    reg = client.get(f"/api/drafts/{draft_id}/register").json()
    texts = [c["comment_raw"] for c in reg["comments"]]
    assert "有效期建议改为3年" in texts and "有效期建议改为2年" not in texts
    client.cookies.clear()  # the picture of a sheet is the committee's
    assert client.get(f"/committee/drafts/{draft_id}/comments/{item}/image", follow_redirects=False).status_code != 200


def test_a_speck_on_an_empty_row_of_a_scanned_sheet_is_not_a_comment():
    """The OCR may read dust or a pen stroke on an empty row as a letter ('A'): on a scanned page a row
    that says nothing but a character or two and names no clause is no comment; a short real one stays."""
    top = [
        ["单位名称或专家姓名", "天津某某检测有限公司", "单位盖章或专家签名", ""],
        ["标准名称", TITLE, "", ""],
        ["序号", "章节", "修改意见", "具体理由"],
    ]
    rows = [["", "", "A", ""], ["", "", "", ""], ["", "5.1", "删除", ""]]
    doc = read_document(pdf_bytes([["团体标准制定征求意见表", Grid(top + rows, merges=[(1, 1, 1, 3)])]]), "s.pdf")
    for page in doc.pages:
        page.ocr = True  # as if read from a scan
    got = [(c.clause, c.comment_raw) for c in parse_sheet(doc).comments]
    assert got == [("5.1", "删除")]
    text_sheet = read_document(
        pdf_bytes([["团体标准制定征求意见表", Grid(top + rows, merges=[(1, 1, 1, 3)])]]), "t.pdf"
    )
    assert [c.comment_raw for c in parse_sheet(text_sheet).comments] == ["A", "删除"]  # typed: as written
