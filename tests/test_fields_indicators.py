import pytest

from extractors.extract import extract_facts
from extractors.fields.indicators import find, margin, parse_measured, parse_requirement
from extractors.model import Cell, Document, Table


@pytest.mark.parametrize(
    "text,op,low,high,unit",
    [
        ("≥350", ">=", 350, None, ""),
        ("≤0.05%", "<=", None, 0.05, "%"),
        ("不小于350MPa", ">=", 350, None, "MPa"),
        ("不大于 0.05", "<=", None, 0.05, ""),
        ("不低于 45", ">=", 45, None, ""),
        ("不超过1.5", "<=", None, 1.5, ""),
        ("350~450", "range", 350, 450, ""),
        ("350～450 MPa", "range", 350, 450, "MPa"),
        ("10±0.5", "range", 9.5, 10.5, ""),
        ("＞12", ">", 12, None, ""),
        ("0.5以下", "<=", None, 0.5, ""),
    ],
)
def test_requirement_forms(text, op, low, high, unit):
    r = parse_requirement(text)
    assert (r.op, r.low, r.high, r.unit) == (op, low, high, unit)


def test_qualitative_requirement_is_not_parsed():
    assert parse_requirement("表面无裂纹") is None


def test_margin_is_how_far_measured_beats_the_limit():
    assert margin(parse_requirement("≥350"), [392]) == 0.12
    assert margin(parse_requirement("≤0.05"), [0.032]) == 0.36
    assert margin(parse_requirement("≥350"), [340]) < 0  # fails
    assert margin(parse_requirement("≥350"), [392, 360]) == round(10 / 350, 4)  # the worst sample counts
    assert margin(parse_requirement("≤0"), [0]) is None
    assert margin(None, [1.0]) is None


def table(rows, page=1):
    return Table(page=page, rows=[[Cell.of(t, r, c) for c, t in enumerate(row)] for r, row in enumerate(rows)])


def test_header_variants_and_continuation_on_next_page():
    doc = Document.from_text("检测报告\n\f检测报告（续）")
    doc.pages[0].tables.append(
        table(
            [["序号", "检测项目", "技术要求", "检测结果", "结论"], ["1", "屈服强度(MPa)", "不小于235", "286", "符合"]],
            1,
        )
    )
    doc.pages[1].tables.append(
        table([["2", "伸长率(%)", "≥26", "31", "符合"], ["3", "外观", "无划伤", "无划伤", "符合"]], 2)
    )
    rows, page, _ = find(doc)
    assert [r["name"] for r in rows] == ["屈服强度", "伸长率", "外观"]
    assert rows[0]["unit"] == "MPa" and rows[0]["measured"] == 286 and rows[0]["verdict"] == "合格"
    assert rows[0]["margin"] == round(51 / 235, 4)
    assert rows[2]["margin"] is None and rows[2]["measured"] == "无划伤"
    assert page == 1


def test_test_report_carries_indicators():
    doc = Document.from_text("检验报告\n委托单位：天津滨海精密机械有限公司\n检验结论：合格")
    doc.pages[0].tables.append(
        table([["检验项目", "单位", "标准要求", "实测值", "单项判定"], ["抗拉强度", "MPa", "≥350", "392", "合格"]])
    )
    facts = extract_facts(doc)
    ind = facts.value("indicators")
    assert ind == [
        {"name": "抗拉强度", "requirement": "≥350", "measured": 392.0, "unit": "MPa", "verdict": "合格", "margin": 0.12}
    ]


def test_measured_numbers():
    assert parse_measured("352, 360") == [352, 360]
    assert parse_measured("1,250") == [1250]


def test_measured_over_several_sample_columns_under_a_merged_header():
    t = Table(
        page=1,
        rows=[
            [
                Cell.of("检验项目", 0, 0, rowspan=2),
                Cell.of("标准要求", 0, 1, rowspan=2),
                Cell.of("检验结果", 0, 2, colspan=3),
                Cell.of("单项判定", 0, 5, rowspan=2),
            ],
            [Cell.of("1#", 1, 2), Cell.of("2#", 1, 3), Cell.of("3#", 1, 4)],
            [
                Cell.of("抗拉强度(MPa)", 2, 0),
                Cell.of("≥350", 2, 1),
                Cell.of("392", 2, 2),
                Cell.of("371", 2, 3),
                Cell.of("385", 2, 4),
                Cell.of("合格", 2, 5),
            ],
        ],
    )
    doc = Document.from_text("检验报告")
    doc.pages[0].tables.append(t)
    rows, _, _ = find(doc)
    assert len(rows) == 1
    assert rows[0]["measured"] == "392; 371; 385"
    assert rows[0]["margin"] == round(21 / 350, 4)  # the worst sample
    assert rows[0]["unit"] == "MPa"


def test_item_header_merged_over_a_category_column():
    t = Table(
        page=1,
        rows=[
            [
                Cell.of("检验项目", 0, 0, colspan=2),
                Cell.of("标准要求", 0, 2),
                Cell.of("实测值", 0, 3),
                Cell.of("单项判定", 0, 4),
            ],
            [
                Cell.of("力学性能", 1, 0, rowspan=2),
                Cell.of("抗拉强度(MPa)", 1, 1),
                Cell.of("≥350", 1, 2),
                Cell.of("392", 1, 3),
                Cell.of("合格", 1, 4),
            ],
            [Cell.of("断后伸长率(%)", 2, 1), Cell.of("≥20", 2, 2), Cell.of("24", 2, 3), Cell.of("合格", 2, 4)],
            [Cell.of("外观", 3, 0, colspan=2), Cell.of("无裂纹", 3, 2), Cell.of("无裂纹", 3, 3), Cell.of("合格", 3, 4)],
        ],
    )
    doc = Document.from_text("检验报告")
    doc.pages[0].tables.append(t)
    rows, _, _ = find(doc)
    assert [r["name"] for r in rows] == ["抗拉强度", "断后伸长率", "外观"]
    assert rows[1]["margin"] == 0.2
