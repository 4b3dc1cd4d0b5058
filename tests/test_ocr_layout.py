"""Rows, label/value pairs and tables rebuilt from OCR box positions (no engine needed)."""

from __future__ import annotations

import math

import pytest

from extractors.ocr import load_settings
from extractors.ocr_layout import Layout, OcrBox, skew_angle


def box(x, y, text, w=None, h=20, score=0.99, angle_deg=0.0):
    """A text box at (x, y) on a page turned by angle_deg about the origin."""
    w = w or 18 * len(text)
    a = math.radians(angle_deg)
    pts = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    c, s = math.cos(a), math.sin(a)
    return OcrBox([(px * c - py * s, px * s + py * c) for px, py in pts], text, score)


LAYOUT = Layout(load_settings().row_labels)


def texts(boxes):
    lines, tables = LAYOUT.page(boxes, 1)
    return [l.text for l in lines], tables


def test_rows_of_a_skewed_page_are_grouped_and_ordered():
    # 3° of skew moves the far end of a row by more than a line height
    boxes = [
        box(600, 100, "天津某某有限公司", angle_deg=3),
        box(60, 100, "名称", angle_deg=3),
        box(60, 130, "住所", angle_deg=3),
        box(600, 130, "天津市河西区某路1号", angle_deg=3),
    ]
    assert abs(math.degrees(skew_angle(boxes)) - 3) < 0.2
    lines, _ = texts(boxes)
    assert lines == ["名称天津某某有限公司", "住所天津市河西区某路1号"]


def test_a_row_with_two_label_value_pairs_becomes_two_lines():
    lines, tables = texts(
        [
            box(60, 100, "注册资本"),
            box(160, 100, "伍仟万元"),
            box(400, 100, "成立日期"),
            box(500, 100, "2015年03月18日"),
        ]
    )
    assert lines == ["注册资本伍仟万元", "成立日期 2015年03月18日"]
    assert tables == []


def test_a_wrapped_value_is_joined_to_its_label():
    lines, _ = texts(
        [
            box(60, 100, "住所"),
            box(160, 100, "天津市滨海新区经济技术开发区"),
            box(160, 124, "第十三大街88号"),
            box(60, 160, "法定代表人"),
            box(200, 160, "王建国"),
        ]
    )
    assert lines == ["住所天津市滨海新区经济技术开发区第十三大街88号", "法定代表人王建国"]


def test_line_confidence_is_its_weakest_box():
    lines, _ = LAYOUT.page([box(60, 100, "名称:", score=0.99), box(160, 100, "某某公司", score=0.71)], 1)
    assert lines[0].confidence == 0.71 and lines[0].bbox[0] == 60


def test_indicator_table_from_aligned_boxes():
    xs = [60, 120, 300, 400, 480]
    rows = [
        ["序号", "检验项目", "标准要求", "实测结果", "判定"],
        ["1", "抗拉强度", "≥160", "185", "合格"],
        ["2", "断后伸长率", "≥8", "11.5", "合格"],
    ]
    boxes = [box(x, 300 + 30 * r, t, w=min(18 * len(t), 90)) for r, row in enumerate(rows) for x, t in zip(xs, row)]
    boxes.append(box(120, 396, "维氏硬度"))  # a row with an empty cell still belongs
    boxes.append(box(400, 396, "66"))
    boxes.append(box(60, 396, "3"))
    lines, tables = texts([box(60, 200, "报告编号:WT2024-1")] + boxes)
    assert lines == ["报告编号:WT2024-1"]  # table rows are cells, not lines too
    assert len(tables) == 1
    grid = tables[0].grid()
    assert grid[:3] == rows
    assert grid[3] == ["3", "维氏硬度", "", "66", ""]


def test_widely_spaced_label_fragments_become_one_label():
    # `名　　称` read as two boxes, and `住　　所` with the second character glued to the value
    lines, tables = texts(
        [
            box(60, 100, "名", w=20),
            box(160, 100, "称", w=20),
            box(200, 100, "天津某某有限公司"),
            box(60, 140, "类", w=20),
            box(160, 140, "型", w=20),
            box(200, 140, "有限责任公司"),
            box(60, 180, "住", w=20),
            box(160, 180, "所天津市河西区某路1号"),
            box(200, 204, "第三层"),
        ]
    )
    assert lines == ["名称天津某某有限公司", "类型有限责任公司", "住所天津市河西区某路1号第三层"]
    assert tables == []


@pytest.mark.parametrize("angle", [0.0, 4.0, -7.0])  # a photo taken askew
def test_two_columns_are_read_one_after_the_other_and_wrapped_values_stay_whole(angle):
    def b(x, y, text):
        return box(x, y, text, angle_deg=angle)

    left = [
        b(60, 100, "名称"),
        b(160, 100, "天津某某有限公司"),
        b(60, 140, "经营范围"),
        b(160, 140, "机械零部件制造；货物进"),
        b(160, 164, "出口"),
    ]
    # the right column's labels spaced out, the second character glued to the value
    right = [
        b(560, 100, "注册资本"),
        b(660, 100, "伍仟万元"),
        box(560, 140, "住", w=20, angle_deg=angle),
        b(620, 140, "所天津市河西区某路1号"),
    ]
    lines, tables = texts(right + left)
    assert lines == [
        "名称天津某某有限公司",
        "经营范围机械零部件制造;货物进出口",
        "注册资本伍仟万元",
        "住所天津市河西区某路1号",
    ]
    assert tables == []


def test_a_date_cut_in_two_around_a_seal_is_put_back_together_and_marked_for_checking():
    lines, _ = texts([box(60, 100, "发证日期:"), box(200, 100, "2024年06"), box(400, 100, "月12日")])
    assert lines == ["发证日期: 2024年06月12日"]
    review_below = load_settings().review_below
    layout = Layout(load_settings().row_labels, rebuilt_confidence=review_below - 0.05)
    cut, _ = layout.page([box(60, 100, "发证日期:"), box(200, 100, "2024年06"), box(400, 100, "月12日")], 1)
    whole, _ = layout.page([box(60, 100, "发证日期:"), box(200, 100, "2024年06月12日")], 1)
    assert cut[0].confidence < review_below <= whole[0].confidence


def test_a_diagonal_watermark_is_not_read_into_the_lines():
    page = [box(60, 100 + 40 * i, f"第{i}行正文内容") for i in range(6)]
    mark = box(100, 60, "仅供资质审核使用他用无效", w=400, angle_deg=35)
    lines, _ = texts(page + [mark])
    assert lines == [f"第{i}行正文内容" for i in range(6)]


def test_a_date_spaced_out_under_a_seal_stays_a_line_between_table_like_rows():
    boxes = [box(0, 0, "国家企业信用"), box(300, 0, "市场主体应当"), box(600, 0, "国家市场监督")]
    boxes += [box(x, 40, t) for x, t in ((0, "2020"), (120, "年"), (220, "05"), (320, "月"), (420, "25"), (520, "日"))]
    boxes += [box(0, 80, "公示系统网址"), box(300, 80, "报送公示年度"), box(600, 80, "管理总局监制")]
    lines, tables = texts(boxes)
    assert any(l.replace(" ", "") == "2020年05月25日" for l in lines), (lines, tables)
    assert not any("年" in c.text for t in tables for r in t.rows for c in r)  # never cut into cells
