"""Storage: originals kept, re-import idempotent, revisions supersede, late sheets, dispositions, the register."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from comment_sheets import TITLE, draft_markdown, seed_sheet
from docgen import docx_bytes

from forms.register import write_register_csv, write_register_docx
from intake import comments as C
from intake.store.blobs import BlobStore
from intake.store.db import open_db

CAMPAIGN = "我们坚决反对第8.2条将标识有效期统一规定为3年的做法，建议改为由评价机构根据产品类别确定有效期。"


@pytest.fixture
def env(tmp_path):
    db, blobs = open_db(tmp_path), BlobStore(tmp_path)
    draft = C.publish_draft(db, blobs, draft_markdown(), "draft.md")
    return db, blobs, draft


def sheet(unit, rows, date="2026年1月5日", **kw):
    return seed_sheet(rows, unit=unit, stamp=unit + "（盖章）", date=date, **kw)


def test_publish_draft_reads_title_deadline_and_clauses(env):
    db, blobs, d = env
    assert d.title == TITLE and d.deadline == "2026-01-08"
    assert "7.2.5a" in d.standard.clauses
    again = C.publish_draft(db, blobs, draft_markdown(), "copy.md", deadline="2026-01-15")
    assert again.id == d.id and again.deadline == "2026-01-15"


def test_same_bytes_twice_do_not_duplicate_comments(env):
    db, blobs, d = env
    data = sheet("甲公司", [["1", "8.2", CAMPAIGN, "x"], ["2", "4", "意见二。", "y"]])
    first = C.import_sheets(db, blobs, d.id, [("a.docx", data, None)])[0]
    second, third = C.import_sheets(db, blobs, d.id, [("renamed.docx", data, None), ("a.docx", data, None)])
    assert first.status == "new" and second.status == third.status == "duplicate"
    assert second.receipt == first.receipt
    assert len(C.comments(db, d.id)) == 2


def test_revised_sheet_from_the_same_unit_supersedes_the_old(env):
    db, blobs, d = env
    v1 = C.import_sheets(db, blobs, d.id, [("甲v1.docx", sheet("甲公司", [["1", "8.2", "旧意见。", ""]]), None)])[0]
    v2 = C.import_sheets(
        db,
        blobs,
        d.id,
        [("甲v2.docx", sheet("甲公司", [["1", "8.2", "新意见。", ""], ["2", "4", "补充意见。", ""]]), None)],
    )[0]
    assert v2.status == "revision" and v2.supersedes == [v1.receipt]
    assert [c["comment"] for c in C.comments(db, d.id)] == ["新意见。", "补充意见。"]
    rows = {s["receipt"]: s for s in C.sheets(db, d.id)}
    assert rows[v1.receipt]["superseded_by"] == v2.sheet_id and rows[v2.receipt]["version"] == 2
    reg = C.register_data(db, d.id)
    assert reg.summary["sheets"] == 1 and reg.summary["superseded"] == ["甲v1.docx"]


def test_unreadable_and_not_a_sheet_files_are_kept_and_reported(env, tmp_path):
    db, blobs, d = env
    corrupt = b"PK\x03\x04 this is not really a zip"
    other = docx_bytes(["营业执照", "名称：天津某某科技有限公司", "法定代表人：张三"])
    good = sheet("乙公司", [["1", "4", "意见。", ""]])
    res = C.import_sheets(
        db, blobs, d.id, [("corrupt.docx", corrupt, None), ("license.docx", other, None), ("good.docx", good, None)]
    )
    assert res[0].status == "error" and res[0].error.startswith("corrupt.docx:")
    assert res[1].status == "error" and "不是征求意见表" in res[1].error
    assert res[2].status == "new"
    for r in res:
        assert blobs.has(r.sha256)  # the original is stored even when it could not be parsed
    reg = C.register_data(db, d.id)
    assert {u["file"] for u in reg.summary["unreadable"]} == {"corrupt.docx", "license.docx"}
    assert reg.summary["comments"] == 1


def test_late_sheet_uses_the_date_written_on_it_else_the_given_date(env):
    db, blobs, d = env
    res = C.import_sheets(
        db,
        blobs,
        d.id,
        [
            ("dated-late.docx", sheet("丙公司", [["1", "4", "意见。", ""]], date="2026年1月10日"), "2026-01-02"),
            ("undated.docx", sheet("丁公司", [["1", "4", "意见二。", ""]], date=None), "2026-01-09"),
            ("on-time.docx", sheet("戊公司", [["1", "4", "意见三。", ""]], date=None), "2026-01-08"),
        ],
    )
    assert [r.late for r in res] == [True, True, False]
    assert C.register_data(db, d.id).summary["late"] == ["dated-late.docx", "undated.docx"]


def test_disposition_needs_a_reason_unless_adopted(env):
    db, blobs, d = env
    C.import_sheets(
        db,
        blobs,
        d.id,
        [
            (
                "a.docx",
                sheet(
                    "甲公司", [["1", "8.2", "意见一。", ""], ["2", "4", "意见二。", ""], ["3", "5.1", "意见三。", ""]]
                ),
                None,
            )
        ],
    )
    ids = [c["id"] for c in C.comments(db, d.id)]
    with pytest.raises(C.CommentsError):
        C.dispose(db, ids[1], "未采纳", reason="  ")
    with pytest.raises(C.CommentsError):
        C.dispose(db, ids[1], "同意")
    C.dispose(db, ids[0], "采纳", by="王伟")
    C.dispose(db, ids[1], "未采纳", reason="与上位标准要求一致，不宜修改。")
    C.dispose(db, ids[2], "未采纳", reason="初步意见")
    C.dispose(db, ids[2], "部分采纳", reason="改为2年")  # the latest decision counts
    reg = C.register_data(db, d.id)
    assert reg.summary["decisions"] == {"采纳": 1, "部分采纳": 1, "未采纳": 1, "待处理": 0}
    assert "采纳1条，部分采纳1条，未采纳1条" in reg.summary_text
    by_clause = {r.clause: r.disposition for r in reg.rows}
    assert by_clause["4"] == "未采纳：与上位标准要求一致，不宜修改。" and by_clause["5.1"] == "部分采纳：改为2年"


def test_register_rows_ordered_by_clause_grouped_and_flagged(env):
    db, blobs, d = env
    C.import_sheets(
        db,
        blobs,
        d.id,
        [
            ("a.docx", sheet("甲公司", [["1", "第13章", "删除本章。", ""], ["2", "8.2", CAMPAIGN, ""]]), None),
            (
                "b.docx",
                sheet("乙公司", [["1", "前言", "起草单位应填写。", ""], ["2", "第 8.2 条", CAMPAIGN, ""]]),
                None,
            ),
            (
                "c.docx",
                sheet("丙公司", [["1", "8.2", CAMPAIGN.replace("建议", "提议"), ""], ["2", "4", "意见。", ""]]),
                None,
            ),
        ],
    )
    reg = C.register_data(db, d.id)
    assert [r.clause for r in reg.rows] == ["前言", "4", "8.2", "8.2", "8.2", "13"]
    assert len({r.comment for r in reg.rows[2:5]}) == 2 and reg.rows[3].remark.startswith("与第3条")
    assert "不存在" in reg.rows[5].remark and "12" in reg.rows[5].remark
    s = reg.summary
    assert s["sheets"] == 3 and s["submitters"] == 3 and s["comments"] == 6
    assert s["comments_without_valid_clause"] == [{"file": "a.docx", "seq": 1, "clause_raw": "第13章", "nearest": "12"}]
    assert sorted(map(tuple, ([(m["file"], m["seq"]) for m in g] for g in s["duplicate_groups"]))) == [
        (("a.docx", 2), ("b.docx", 2), ("c.docx", 1))
    ]


def test_register_docx_has_the_committee_layout_and_page_fields(env, tmp_path):
    db, blobs, d = env
    C.import_sheets(db, blobs, d.id, [("a.docx", sheet("甲公司", [["1", "8.2", "意见<script>一", "理由"]]), None)])
    reg = C.register_data(db, d.id, handler="王伟")
    out = tmp_path / "reg.docx"
    write_register_docx(reg, out)
    with zipfile.ZipFile(out) as z:
        body = z.read("word/document.xml").decode()
        headers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
    assert "NUMPAGES" in headers and " PAGE " in headers and "共" in headers and "第" in headers
    assert (
        "标准项目名称" in headers and "负责起草单位" in headers and "承办人：王伟" in headers and "填写日期" in headers
    )
    assert "tblHeader" in body
    import docx

    table = docx.Document(str(out)).tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "标准章条编号",
        "意见内容",
        "修改建议或理由",
        "提出单位",
        "处理意见",
        "备注",
    ]
    assert table.rows[1].cells[2].text == "意见<script>一" and table.rows[1].cells[4].text == "甲公司"
    write_register_csv(reg, tmp_path / "reg.csv")
    rows = list(csv.reader(open(tmp_path / "reg.csv", encoding="utf-8-sig")))
    assert rows[0][:7] == ["序号", "标准章条编号", "意见内容", "修改建议或理由", "提出单位", "处理意见", "备注"]
    assert rows[1][1] == "8.2" and rows[1][7] == "a.docx"


def test_online_submission_gets_a_receipt_and_is_in_the_register(env):
    db, blobs, d = env
    r = C.submit_online(
        db,
        d.id,
        "某协会",
        [
            {"clause": "第 8.2 条", "comment": "有效期过长。", "reason": "x"},
            {"clause": "99", "comment": "无效引用。"},
            {"clause": "4", "comment": " "},
        ],
    )
    assert r.receipt.startswith("YJ") and C.sheet_by_receipt(db, r.receipt)["submitter"] == "某协会"
    rows = C.comments(db, d.id)
    assert [(x["clause"], bool(x["valid"])) for x in rows] == [("8.2", True), ("99", False)]
    with pytest.raises(C.CommentsError):
        C.submit_online(db, d.id, "", [{"clause": "4", "comment": "x"}])


def test_empty_register(env, tmp_path):
    db, blobs, d = env
    reg = C.register_data(db, d.id)
    write_register_docx(reg, tmp_path / "empty.docx")
    assert reg.summary["comments"] == 0 and reg.rows == []


def test_upload_path_from_the_blob_store_and_a_race_on_the_same_bytes(env):
    db, blobs, d = env
    data = sheet("庚公司", [["1", "8.2", "意见。", ""]])
    sha = blobs.put_bytes(data)
    r = C.import_blob(db, blobs, d.id, sha, "upload.docx", received="2026-01-03")
    assert r.status == "new" and r.receipt
    # a second request that parsed the same bytes before the first stored them
    from extractors.comments import CommentSheet

    again = C.store.store_sheet(
        db, d, CommentSheet(file="upload.docx", sha256=sha, submitter="庚公司"), "upload.docx", sha, None, "upload"
    )
    assert again.status == "duplicate" and again.receipt == r.receipt
    assert len(C.comments(db, d.id)) == 1


def test_consolidated_sheet_names_the_unit_of_each_comment(env):
    db, blobs, d = env
    data = seed_sheet(
        [
            ["1", "8.2", CAMPAIGN, "", "会员甲公司"],
            ["2", "8.2", CAMPAIGN, "", "会员乙公司"],
            ["3", "4", "意见。", "", "会员丙研究院"],
        ],
        unit="某行业协会",
        stamp="某行业协会",
        head=["序号", "章条编号", "修改意见", "理由", "提出单位"],
    )
    C.import_sheets(db, blobs, d.id, [("协会汇总.docx", data, None)])
    rows = C.comments(db, d.id)
    assert [r["submitter"] for r in rows] == ["会员甲公司", "会员乙公司", "会员丙研究院"]
    assert {r["sheet_submitter"] for r in rows} == {"某行业协会"}
    reg = C.register_data(db, d.id)
    assert {r.submitter for r in reg.rows} == {"会员甲公司", "会员乙公司", "会员丙研究院"}
    assert reg.summary["duplicate_groups"] and reg.groups[0]["sources"] == 2


def test_blank_template_is_not_a_reply_but_a_named_no_comment_sheet_is(env):
    db, blobs, d = env
    from forms.comment_template import write_comment_template

    buf = io.BytesIO()
    write_comment_template(buf, TITLE)
    res = C.import_sheets(
        db,
        blobs,
        d.id,
        [
            ("征求意见表.docx", buf.getvalue(), None),
            ("无意见.docx", sheet("辛公司", [["1", "全文", "无意见", ""]]), None),
            ("空白.docx", sheet("壬公司", [["1", "", "", ""]]), None),
            ("a.docx", sheet("甲公司", [["1", "4", "意见。", ""]]), None),
        ],
    )
    s = C.register_data(db, d.id).summary
    assert s["sheets"] == 2 and s["submitters"] == 2 and s["blank"] == ["征求意见表.docx"]
    assert s["no_comments"] == ["辛公司"]
    # a named sheet that yields no comments without saying 无意见 is not a valid empty reply: a person looks
    assert res[2].sheet.review and "没有读出任何一条意见" in res[2].sheet.review
    assert [x["file"] for x in s["needs_review"]] == ["征求意见表.docx", "空白.docx"]
    assert res[1].sheet.review is None and res[3].sheet.review is None
    assert "1个单位或专家回复无意见" in C.register_data(db, d.id).summary_text


def test_csv_cells_that_excel_would_run_as_formulas_are_defused(env, tmp_path):
    db, blobs, d = env
    C.submit_online(
        db,
        d.id,
        '=HYPERLINK("http://x")',
        [
            {"clause": "8.2", "comment": "=1+2 有效期", "reason": "-5% 误差"},
            {"clause": "4", "comment": "@SUM(A1)"},
            {"clause": "5", "comment": "-1+cmd|' /C calc'!A0"},
            {"clause": "6", "comment": "\t=1", "reason": "\r+2"},
        ],
    )
    reg = C.register_data(db, d.id)
    write_register_csv(reg, tmp_path / "r.csv")
    rows = list(csv.reader(open(tmp_path / "r.csv", encoding="utf-8-sig")))[1:]
    cells = {c for row in rows for c in row}
    assert "'=1+2 有效期" in cells and "'@SUM(A1)" in cells and '\'=HYPERLINK("http://x")' in cells
    assert "'-1+cmd|' /C calc'!A0" in cells  # OWASP: a leading minus too, even before a digit
    assert not any(c.startswith(("=", "@", "+", "-", "\t", "\r")) for c in cells)
    assert "'-5% 误差" in cells  # a negative figure stays readable: the apostrophe only makes it text
