"""The comment-sheet parser on messy sheets generated in code (DOCX through the real reader, PDF, Documents)."""

from __future__ import annotations

import re

import pytest
from comment_sheets import HEAD, TITLE, seed_sheet
from docgen import Grid, docx_bytes, pdf_bytes

from extractors.comments import parse_sheet, split_numbered
from extractors.model import Cell, Document, Line, Page, Table
from extractors.read import read_document
from extractors.text import normalize as N


def parse(data: bytes, name: str = "sheet.docx", expected: str | None = TITLE):
    return parse_sheet(read_document(data, name), expected_title=expected)


def texts(sheet):
    return [c.comment for c in sheet.comments]


def test_seed_layout_header_and_comments():
    s = parse(
        seed_sheet(
            [
                ["1", "第4章", "建议增加企业信用要求。", "信用是基础。"],
                ["2", "8.2", "有效期建议改为2年。", "与监督周期一致。"],
            ]
        )
    )
    assert s.error is None and s.is_comment_sheet
    assert s.standard_title == TITLE
    assert s.submitter == "天津某某检测有限公司" and s.submitter_kind == "organisation"
    assert s.contact_person == "张三" and s.contact == "13800000000"
    assert s.signed is True
    assert s.date == "2026-01-05"
    assert [(c.seq, c.clause, c.clause_raw) for c in s.comments] == [(1, "4", "第4章"), (2, "8.2", "8.2")]
    assert s.comments[1].reason == "与监督周期一致。"
    assert s.warnings == []


def test_merged_cells_do_not_duplicate_text():
    # the clause cell merged over two comment rows; a comment cell merged across comment+reason
    rows = [
        ["1", "7.2.5", "公示期应明确。", "便于执行。"],
        ["2", "", "异议处理应有时限。", "避免拖延。"],
        ["3", "8.2", "有效期过长，建议缩短。", ""],
    ]
    s = parse(seed_sheet(rows, merges=[(0, 1, 1, 1), (2, 2, 2, 3)]))
    assert texts(s) == [N(x) for x in ["公示期应明确。", "异议处理应有时限。", "有效期过长，建议缩短。"]]
    assert [c.clause for c in s.comments] == ["7.2.5", "7.2.5", "8.2"]
    assert s.comments[2].reason == ""  # the merged comment text is not repeated as the reason
    full = " ".join(c.comment + c.reason for c in s.comments)
    assert full.count("有效期过长") == 1


def test_comment_continued_over_rows_with_empty_seq():
    rows = [
        ["1", "第4章", "建议增加对企业信用的要求，", "信用是质量"],
        ["", "", "并明确信用等级的判定方法。", "评价的基础。"],
        ["2", "8.3", "公示系统应注明运营方。", ""],
    ]
    s = parse(seed_sheet(rows))
    assert len(s.comments) == 2
    assert "建议增加对企业信用的要求" in s.comments[0].comment and "信用等级的判定方法" in s.comments[0].comment
    assert "评价的基础" in s.comments[0].reason


def test_vertically_merged_comment_cell_is_one_comment():
    rows = [["1", "第4章", "一段很长的意见，跨越了两行表格。", "理由一"], ["", "", "", "理由二"]]
    s = parse(seed_sheet(rows, merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2)]))
    assert len(s.comments) == 1
    assert s.comments[0].comment == N("一段很长的意见，跨越了两行表格。")
    assert "理由一" in s.comments[0].reason and "理由二" in s.comments[0].reason


def test_several_comments_numbered_inside_one_cell():
    rows = [
        ["1", "7.2.5\n8.2", "1. 公示期应明确为7个工作日；\n2. 有效期建议改为2年。", "1. 便于执行\n2. 与监督周期一致"]
    ]
    s = parse(seed_sheet(rows))
    assert texts(s) == ["公示期应明确为7个工作日", "有效期建议改为2年。"]
    assert [c.clause for c in s.comments] == ["7.2.5", "8.2"]
    assert [c.reason for c in s.comments] == ["便于执行", "与监督周期一致"]
    assert [c.seq for c in s.comments] == [1, 2]


def test_numbered_items_carry_their_own_reference():
    rows = [["1", "", "（1）第4章：建议增加信用要求；（2）第 8.2 条：有效期过长。", "见说明"]]
    s = parse(seed_sheet(rows))
    assert [c.clause for c in s.comments] == ["4", "8.2"]


def test_split_numbered_leaves_ordinary_text_alone():
    assert split_numbered("建议将有效期改为2年。") == ["建议将有效期改为2年。"]
    assert split_numbered("按照 4.2 和 5.1 修改") == ["按照 4.2 和 5.1 修改"]
    assert split_numbered("①删除；②改写") == ["删除", "改写"]


def test_blank_template_rows_and_rows_with_only_a_number():
    rows = (
        [["1", "第4章", "建议增加信用要求。", "x"]] + [[str(i), "", "", ""] for i in range(2, 9)] + [["", "", "", ""]]
    )
    s = parse(seed_sheet(rows))
    assert len(s.comments) == 1


def test_table_split_across_pages_with_repeated_header_rows():
    first = Grid(
        [
            ["单位名称或专家姓名", "某大学", "单位盖章或专家签名", "某大学（章）"],
            ["标准名称", TITLE, "", ""],
            HEAD,
            ["1", "4", "意见一。", "理由一"],
            ["2", "5.1", "意见二。", "理由二"],
        ],
        merges=[(1, 1, 1, 3)],
    )
    second = Grid([HEAD, ["3", "5.2", "意见三。", "理由三"], ["4", "6", "意见四。", "理由四"]])
    third = Grid([["5", "7.1", "意见五。", "理由五"]])  # continuation without a header row
    s = parse(docx_bytes(["征求意见表", first, "\f", second, "\f", third]))
    assert texts(s) == ["意见一。", "意见二。", "意见三。", "意见四。", "意见五。"]
    assert [c.clause for c in s.comments] == ["4", "5.1", "5.2", "6", "7.1"]


def test_header_information_in_paragraphs():
    data = docx_bytes(
        [
            "《“津质精品”产品质量等级评价通则》征求意见表",
            "单位名称：江苏某某标准化研究院",
            "联系人：李四    联系电话：025-12345678",
            "标准名称：“津质精品”产品质量等级评价通则",
            Grid(
                [
                    ["条款号", "原文", "修改建议", "理由"],
                    ["第 7.2.5 条", "公示期内没有异议", "公示期7个工作日内没有异议", "明确期限"],
                ]
            ),
            "单位盖章：江苏某某标准化研究院（公章）",
            "日期：2026年1月6日",
        ]
    )
    s = parse(data)
    assert s.submitter == "江苏某某标准化研究院"
    assert s.contact_person == "李四" and "025-12345678" in s.contact
    assert s.standard_title == TITLE
    assert s.signed is True and s.date == "2026-01-06"
    c = s.comments[0]
    assert (c.clause, c.original, c.comment, c.reason) == (
        "7.2.5",
        "公示期内没有异议",
        "公示期7个工作日内没有异议",
        "明确期限",
    )


@pytest.mark.parametrize(
    "head",
    [
        ["序号", "章条编号", "意见内容", "理由"],
        ["编号", "条款", "修改意见和建议", "依据"],
        ["No.", "章节号", "具体意见", "修改理由"],
        ["序号", "标准章条编号", "修改后内容", "理由和依据"],
    ],
)
def test_column_header_variants(head):
    s = parse(seed_sheet([["1", "8.2", "有效期建议改为2年。", "与监督周期一致。"]], head=head))
    assert [(c.clause, c.comment, c.reason) for c in s.comments] == [("8.2", "有效期建议改为2年。", "与监督周期一致。")]


def test_clause_references_written_any_way():
    refs = ["第4章", "第 7.2.5 条", "7.2.5 a)", "８．２", "4.2、5.1", "5.1~5.3", "表1", "附录A", "前言", "全文"]
    s = parse(seed_sheet([[str(i + 1), r, f"意见{i}", ""] for i, r in enumerate(refs)]))
    assert [c.clause for c in s.comments] == [
        "4",
        "7.2.5",
        "7.2.5a",
        "8.2",
        "4.2",
        "5.1",
        "表1",
        "附录A",
        "前言",
        "全文",
    ]
    assert s.comments[4].clauses == ["4.2", "5.1"]
    assert s.comments[5].clauses == ["5.1", "5.2", "5.3"]
    assert s.comments[3].clause_raw == "8.2"  # NFKC: full-width digits become ASCII


def test_expert_instead_of_organisation():
    s = parse(seed_sheet([["1", "8.2", "有效期过长。", ""]], unit="王五", stamp="王五"))
    assert s.submitter == "王五" and s.submitter_kind == "expert" and s.signed
    s = parse(seed_sheet([["1", "8.2", "有效期过长。", ""]], unit="赵六（天津大学）", stamp="赵六"))
    assert s.submitter_kind == "expert"
    s = parse(seed_sheet([["1", "8.2", "有效期过长。", ""]], unit="某某", unit_label="专家姓名"))
    assert s.submitter_kind == "expert"


def test_unsigned_sheet():
    s = parse(seed_sheet([["1", "8.2", "有效期过长。", ""]], stamp=None))
    assert s.signed is False
    assert any("未盖章或签名" in w for w in s.warnings)
    s = parse(seed_sheet([["1", "8.2", "有效期过长。", ""]], stamp="（盖章）"))
    assert s.signed is False  # the template's placeholder is not a stamp


def test_see_attached_page():
    s = parse(
        seed_sheet(
            [["1", "第4章", "建议增加信用要求。", "x"], ["2", "", "见附页", ""]],
            after=[
                "\f",
                "附页",
                "1. 第 8.2 条：有效期建议改为2年。理由：与监督周期一致。",
                "2. 7.2.5 b)：复核应在15个工作日内完成。理由：避免拖延。",
            ],
        )
    )
    assert texts(s) == ["建议增加信用要求。", "有效期建议改为2年。", "复核应在15个工作日内完成。"]
    assert [c.clause for c in s.comments] == ["4", "8.2", "7.2.5b"]
    assert s.comments[1].reason == "与监督周期一致。"
    assert "见附页" not in " ".join(texts(s))


def test_see_attached_page_missing_is_reported():
    s = parse(seed_sheet([["1", "", "见附页", ""]]))
    assert any("见附页" in w for w in s.warnings)


def test_not_a_comment_sheet_is_reported_not_parsed():
    data = docx_bytes(
        [
            "营业执照",
            "名称：天津某某科技有限公司",
            "统一社会信用代码：91120116MA05XXXXXX",
            Grid([["项目", "内容"], ["1", "法定代表人：张三"], ["2", "成立日期：2020年1月1日"]]),
        ]
    )
    s = parse(data)
    assert s.is_comment_sheet is False
    assert s.error and "不是征求意见表" in s.error
    assert s.comments == []


def test_sheet_for_another_standard_warns():
    s = parse(seed_sheet([["1", "4", "意见。", ""]], title="有色金属产品质量品牌评价规范"))
    assert any("标准名称不符" in w for w in s.warnings)
    s = parse(seed_sheet([["1", "4", "意见。", ""]], title="《“津质精品”产品质量等级评价通则》（征求意见稿）"))
    assert not any("标准名称不符" in w for w in s.warnings)


def test_sheet_with_no_comment_rows():
    s = parse(seed_sheet([[str(i), "", "", ""] for i in range(1, 6)]))
    assert s.error is None and s.is_comment_sheet and s.comments == []
    assert any("未读出意见" in w for w in s.warnings)


def test_text_pdf_sheet():
    grid = Grid(
        [
            ["单位名称或专家姓名", "北京某某科技有限公司", "单位盖章或专家签名", "北京某某科技有限公司"],
            ["联系人", "钱七", "联系方式", "010-88888888"],
            ["标准名称", TITLE, "", ""],
            HEAD,
            ["1", "第 8.2 条", "有效期建议改为2年。", "与监督周期一致。"],
            ["2", "10.2", "复审申请期限建议为2个月。", "实际操作时间足够。"],
        ],
        merges=[(2, 1, 2, 3)],
    )
    s = parse(pdf_bytes([["团体标准制定征求意见表", grid, "日期：2026年1月7日"]]), "sheet.pdf")
    assert s.submitter == "北京某某科技有限公司"
    assert [c.clause for c in s.comments] == ["8.2", "10.2"]
    assert s.comments[0].comment == "有效期建议改为2年。"
    assert s.date == "2026-01-07"


def test_document_built_in_code_with_a_merged_seq_cell():
    # a reader that reports a vertically merged 序号 once (rowspan 2), two clause rows under it
    rows = [
        [Cell.of("序号", 0, 0), Cell.of("章条编号", 0, 1), Cell.of("修改意见", 0, 2), Cell.of("理由", 0, 3)],
        [Cell.of("1", 1, 0, rowspan=2), Cell.of("4", 1, 1), Cell.of("意见甲", 1, 2), Cell.of("理由甲", 1, 3)],
        [Cell.of("5.1", 2, 1), Cell.of("意见乙", 2, 2), Cell.of("理由乙", 2, 3)],
    ]
    doc = Document(
        file="x.docx",
        sha256="",
        format="docx",
        pages=[
            Page(1, lines=[Line.of("征求意见表", 1), Line.of("单位名称：某协会", 1)], tables=[Table(page=1, rows=rows)])
        ],
    )
    s = parse_sheet(doc)
    assert [(c.clause, c.comment) for c in s.comments] == [("4", "意见甲"), ("5.1", "意见乙")]
    assert s.submitter == "某协会"


def test_large_sheet_full_of_images_reads_its_comments():
    import io

    import docx
    from docgen import image_bytes
    from docx.shared import Cm

    d = docx.Document()
    d.add_paragraph("团体标准制定征求意见表")
    t = d.add_table(rows=3, cols=4)
    for i, v in enumerate(["单位名称或专家姓名", "某某公司", "单位盖章或专家签名", ""]):
        t.cell(0, i).text = v
    for i, v in enumerate(HEAD):
        t.cell(1, i).text = v
    for i, v in enumerate(["1", "8.2", "有效期过长。", "见照片"]):
        t.cell(2, i).text = v
    img = image_bytes("PNG", size=(1600, 1200))
    for _ in range(20):
        d.add_picture(io.BytesIO(img), width=Cm(12))
    buf = io.BytesIO()
    d.save(buf)
    s = parse(buf.getvalue())
    assert [c.clause for c in s.comments] == ["8.2"]


def test_rows_with_a_clause_but_no_comment_are_not_comments_and_label_notes_are_labels():
    rows = [["1", "4", "", ""], ["2", "第8.2条：建议将有效期改为2年以便监督", "", ""], ["3", "5.1", "意见。", ""]]
    s = parse(seed_sheet(rows, unit_label="单位名称或专家姓名（盖章）"))
    assert [(c.clause, c.comment) for c in s.comments] == [
        ("8.2", N("第8.2条：建议将有效期改为2年以便监督")),
        ("5.1", "意见。"),
    ]
    assert s.submitter == "天津某某检测有限公司"


def test_short_comments_starting_like_a_label_stay_comments():
    rows = [
        ["1", "4", "专家组认为应删除。", "单位太多"],
        ["", "", "单位名称应统一。", ""],
        ["2", "5.1", "联系人制度不明确。", ""],
    ]
    s = parse(seed_sheet(rows))
    assert [c.comment for c in s.comments] == ["专家组认为应删除。\n单位名称应统一。", "联系人制度不明确。"]
    assert s.submitter == "天津某某检测有限公司" and s.contact_person == "张三"


def test_text_only_sheet_with_numbered_paragraphs():
    data = docx_bytes(
        [
            "《“津质精品”产品质量等级评价通则》征求意见反馈表",
            "单位名称：某某协会",
            "联系人：周八",
            "1. 第4章：建议增加信用要求。理由：信用是基础。",
            "2. 8.2 有效期建议改为2年。",
            "日期：2026年1月4日",
        ]
    )
    s = parse(data)
    assert s.is_comment_sheet and s.submitter == "某某协会" and s.standard_title == TITLE
    assert [(c.clause, c.comment, c.reason) for c in s.comments] == [
        ("4", "建议增加信用要求。", "信用是基础。"),
        ("8.2", "有效期建议改为2年。", ""),
    ]


def test_see_attached_page_that_is_a_second_table():
    first = Grid([["单位名称", "某某公司", "单位盖章", "某某公司"], HEAD, ["1", "", "见附页", ""]])
    attached = Grid(
        [["序号", "章条编号", "修改意见", "理由"], ["1", "4", "意见一。", ""], ["2", "8.2", "意见二。", ""]]
    )
    s = parse(docx_bytes(["征求意见表", first, "附页：", attached]))
    assert [(c.clause, c.comment) for c in s.comments] == [("4", "意见一。"), ("8.2", "意见二。")]
    assert not any("见附页" in w for w in s.warnings)


def test_two_level_header_and_labels_with_values_below():
    g = Grid(
        [
            ["单位名称", "联系人", "联系电话", "日期"],
            ["某某研究院", "吴九", "022-5555", "2026-01-06"],
            ["序号", "章条编号", "修改意见", ""],
            ["", "", "原文", "建议修改为"],
            ["1", "8.2", "为3年", "为2年"],
        ],
        merges=[(2, 2, 2, 3)],
    )
    s = parse(docx_bytes(["征求意见表", g]))
    assert (s.submitter, s.contact_person, s.contact, s.date) == ("某某研究院", "吴九", "022-5555", "2026-01-06")
    assert [(c.clause, c.original, c.comment) for c in s.comments] == [("8.2", "为3年", "为2年")]


def test_long_pdf_sheet_split_across_pages():
    rows = [
        [str(i), f"{(i % 12) + 1}", f"第{i}条意见，内容较长，需要换行显示以便占据更多的版面空间。", f"理由{i}"]
        for i in range(1, 61)
    ]
    grid = Grid([["单位名称或专家姓名", "某某公司", "单位盖章或专家签名", "某某公司"], HEAD] + rows)
    s = parse(pdf_bytes([["团体标准制定征求意见表", grid]]), "long.pdf")
    assert [c.seq_raw for c in s.comments] == [str(i) for i in range(1, 61)]
    assert s.comments[59].reason == "理由60"


def test_the_draft_itself_is_not_a_comment_sheet():
    from comment_sheets import draft_markdown

    s = parse(draft_markdown(), "draft.md")
    assert s.is_comment_sheet is False and "征求意见稿本身" in s.error and s.comments == []


def test_a_reply_saying_no_comments_has_no_comments():
    s = parse(seed_sheet([["1", "—", "无意见", "—"]]))
    assert s.comments == [] and s.submitter and any("未读出意见" in w for w in s.warnings)
    s = parse(seed_sheet([["1", "全文", "同意", ""], ["2", "8.2", "有效期过长。", ""]]))
    assert [c.clause for c in s.comments] == ["8.2"]


def test_signature_cell_with_only_template_blanks_or_a_date():
    s = parse(seed_sheet([["1", "8.2", "有效期过长。", ""]], stamp="（盖章）\n年    月    日", date=None))
    assert s.signed is False and s.date is None
    s = parse(seed_sheet([["1", "8.2", "有效期过长。", ""]], stamp="某某公司（盖章）\n2026年1月7日", date=None))
    assert s.signed is True and s.date == "2026-01-07"


def test_auto_numbered_seq_column_rows_without_clause_are_separate_comments():
    # Word's automatic numbering in the 序号 column is not in the text: the column reads empty
    rows = [
        ["", "4", "建议增加信用要求。", ""],
        ["", "", "建议删除“较高”一词。", ""],
        ["", "8.2", "有效期建议改为2年，", ""],
        ["", "", "并与年度监督衔接。", ""],
    ]
    s = parse(seed_sheet(rows))
    assert [c.comment for c in s.comments] == [
        "建议增加信用要求。",
        "建议删除“较高”一词。",
        N("有效期建议改为2年，") + "\n" + "并与年度监督衔接。",
    ]


FLAT_ROWS = [
    ["1", "第4章", "建议增加“企业信用”要求（含行政处罚记录）。", "信用是质量评价的基础；"],
    ["2", "8.2", "有效期建议改为2年。", ""],
    ["3", "7.2.5 a)", "公示期应明确为7个工作日，", "便于执行。"],
]


def test_a_flattened_table_is_read_from_its_sequence_of_cells():
    """序号 / 章节 / 修改意见 / 具体理由, then 1 / 第4章 / … as paragraphs: the table-less reading finds them."""
    from comment_sheets import flattened_sheet

    s = parse(docx_bytes(flattened_sheet(FLAT_ROWS)))
    assert s.submitter == "天津某某检测有限公司" and s.signed and s.review is None
    assert [(c.clause, c.comment_raw, c.reason_raw) for c in s.comments] == [
        ("4", FLAT_ROWS[0][2], FLAT_ROWS[0][3]),
        ("8.2", FLAT_ROWS[1][2], ""),
        ("7.2.5a", FLAT_ROWS[2][2], FLAT_ROWS[2][3]),
    ]


def test_a_sheet_read_as_empty_is_flagged_for_a_person_in_chinese():
    text = ["团体标准制定征求意见表", "这份文件的表格没能读出来，只剩下一些零散的文字。", "第一段", "第二段"]
    s = parse(docx_bytes(text))
    assert s.comments == [] and not s.submitter
    assert s.review and "没有读出任何一条意见" in s.review and "没有读出单位名称或专家姓名" in s.review
    assert "另存为 .docx" in s.review
    assert not any(re.search(r"\b(?:not|no|comment|sheet|found|signed|rows)\b", w) for w in s.warnings + [s.review])
    said_no = parse(seed_sheet([["1", "全文", "无意见", ""]]))
    assert said_no.comments == [] and said_no.review is None  # a reply that says 无意见 is a valid reply


@pytest.mark.parametrize("stamp, signed", [("image", True), ("ink", True), ("none", False), ("elsewhere", False)])
def test_a_stamp_in_a_pdf_sheets_signature_cell(stamp, signed):
    """A seal picture or red seal ink in the 单位盖章或专家签名 cell of a PDF counts as signed; a picture
    elsewhere on the page does not."""
    from comment_sheets import pdf_sheet_with_stamp

    from intake.comments.reading import read_sheets

    [doc] = read_sheets([("sheet.pdf", pdf_sheet_with_stamp(stamp))])
    s = parse_sheet(doc)
    assert [c.comment for c in s.comments] == ["有效期建议改为2年。"]
    assert s.signed is signed
