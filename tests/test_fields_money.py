from extractors.extract import extract_facts
from extractors.fields import money
from extractors.model import Cell, Document, Table


def table(rows, page=1):
    return Table(page=page, rows=[[Cell.of(t, r, c) for c, t in enumerate(row)] for r, row in enumerate(rows)])


def doc_with(lines, t=None):
    doc = Document.from_text("\n".join(lines))
    if t:
        doc.pages[0].tables.append(t)
    return doc


def test_prose_in_yi_and_wan_yuan():
    r = money.find(
        Document.from_text("2023年度公司实现营业收入1.35亿元，净利润1,200万元。\n2022年营业收入为9800万元。")
    )
    assert r["revenue"]["value"] == {"2022": 98_000_000, "2023": 135_000_000}
    assert r["net_profit"]["value"] == {"2023": 12_000_000}


def test_year_columns_with_a_unit_note_and_a_loss_in_brackets():
    r = money.find(
        doc_with(
            ["主要经济指标", "金额单位：万元"],
            table(
                [["项目", "2022年", "2023年"], ["营业收入", "9,800.00", "13,500.00"], ["净利润", "(120.5)", "1,200"]]
            ),
        )
    )
    assert r["revenue"]["value"] == {"2022": 98_000_000, "2023": 135_000_000}
    assert r["net_profit"]["value"] == {"2022": -1_205_000, "2023": 12_000_000}


def test_year_rows_with_units_in_the_header():
    r = money.find(
        doc_with(
            ["近三年经营情况"],
            table(
                [["年度", "营业收入(万元)", "净利润(万元)"], ["2021年", "8,000", "500"], ["2022年度", "9800", "800"]]
            ),
        )
    )
    assert r["revenue"]["value"] == {"2021": 80_000_000, "2022": 98_000_000}
    assert r["net_profit"]["value"] == {"2021": 5_000_000, "2022": 8_000_000}


def test_income_statement_this_and_last_period():
    r = money.find(
        doc_with(
            ["利润表", "2023年度", "单位：元"],
            table(
                [
                    ["项目", "本期金额", "上期金额"],
                    ["一、营业收入", "135,000,000.00", "98,000,000.00"],
                    ["四、净利润(净亏损以“-”号填列)", "12,000,000.00", "-1,500,000.00"],
                ]
            ),
        )
    )
    assert r["revenue"]["value"] == {"2022": 98_000_000, "2023": 135_000_000}
    assert r["net_profit"]["value"] == {"2022": -1_500_000, "2023": 12_000_000}


def test_growth_rate_rows_are_not_revenue():
    r = money.find(doc_with([], table([["项目", "2023年"], ["营业收入增长率", "12%"], ["营业收入", "500万元"]])))
    assert r["revenue"]["value"] == {"2023": 5_000_000}


def test_financial_statement_facts():
    facts = extract_facts(
        doc_with(
            [
                "审计报告",
                "天津某某会计师事务所(特殊普通合伙)",
                "注册会计师：张三",
                "我们审计了后附的财务报表，包括资产负债表、利润表",
                "2023年度营业收入1.35亿元",
            ]
        )
    )
    assert facts.type == "financial_statement"
    assert facts.value("revenue") == {"2023": 135_000_000}


def test_income_statement_as_plain_lines_without_ruling():
    r = money.find(
        Document.from_text(
            "利润表\n编制单位：天津某某科技有限公司 2023年度 单位：元\n项目 本期金额 上期金额\n"
            "一、营业收入 135,620,418.25 118,034,527.60\n减：营业成本 98,412,337.10 86,226,105.32\n"
            "四、净利润（净亏损以“-”号填列） 12,101,348.12 (1,032,649.48)"
        )
    )
    assert r["revenue"]["value"] == {"2022": 118034527.6, "2023": 135620418.25}
    assert r["net_profit"]["value"] == {"2022": -1032649.48, "2023": 12101348.12}


def test_statement_lines_under_year_columns_in_wan_yuan():
    r = money.find(
        Document.from_text(
            "主要财务数据（单位：万元）\n项目 2023年 2022年\n营业收入 13,562.04 11,803.45\n净利润 1,210.13 1,013.26"
        )
    )
    assert r["revenue"]["value"] == {"2022": 118034500, "2023": 135620400}
    assert r["net_profit"]["value"] == {"2022": 10132600, "2023": 12101300}


def test_a_year_in_an_earlier_sentence_is_not_the_amounts_year():
    r = money.find(Document.from_text("公司成立于2012年。主要产品为电源适配器，近年实现营业收入3.62亿元。"))
    assert "revenue" not in r


def test_key_value_lines_take_the_report_year():
    r = money.find(Document.from_text("2023年度审计报告摘要\f营业收入（万元）：13,562.04\n净利润：1,210万元"))
    assert r["revenue"]["value"] == {"2023": 135620400}
    assert r["net_profit"]["value"] == {"2023": 12100000}
    assert r["revenue"]["page"] == 2


def test_one_label_with_several_years():
    r = money.find(Document.from_text("营业收入：2023年 13,500.00 万元，2024年 1.62 亿元\n净利润：2023年度1,250万元"))
    assert r["revenue"]["value"] == {"2023": 135000000, "2024": 162000000}
    assert r["net_profit"]["value"] == {"2023": 12500000}
