"""Label layouts over the document model: beside, in the next cell, under, above, by position."""

from extractors.extract import extract_facts
from extractors.fields.labels import Finder, LabelIndex, best
from extractors.model import Cell, Document, Line, Page, Table


def find(doc, field, doctype=None):
    h = best(Finder(LabelIndex().entries(doc)).find(field, doctype))
    return h and h.value


def table(rows, page=1):
    return Table(
        page=page, rows=[[Cell.of(t, r, c) for c, t in enumerate(row) if t is not None] for r, row in enumerate(rows)]
    )


def test_value_after_label_with_colon_space_or_spaced_label():
    for text in [
        "名称：天津滨海精密机械有限公司",
        "名称: 天津滨海精密机械有限公司",
        "名 称 天津滨海精密机械有限公司",
        "名　　称　天津滨海精密机械有限公司",
        "企业名称 Name: 天津滨海精密机械有限公司",
    ]:
        assert find(Document.from_text(text), "org_name") == "天津滨海精密机械有限公司", text


def test_several_label_value_pairs_on_one_line():
    doc = Document.from_text("类 型 有限责任公司 法定代表人 王建国\n注册资本 壹仟万元 成立日期 2010年03月15日")
    assert find(doc, "legal_rep") == "王建国"
    assert find(doc, "established") == "2010-03-15"


def test_a_longer_label_is_not_read_as_a_shorter_one():
    doc = Document.from_text("产 品 名 称 钢丝绳\n产品名称：钢丝绳")
    assert find(doc, "org_name") is None


def test_value_in_the_next_table_cell_and_merged_label_cells():
    doc = Document(
        file="x",
        sha256="",
        format="docx",
        pages=[
            Page(
                1,
                tables=[
                    table(
                        [
                            ["企业名称", "江苏精工特钢股份有限公司", "法定代表人", "李明"],
                            ["地址", "江苏省无锡市锡山区友谊路18号", "邮编", "214000"],
                        ]
                    )
                ],
            )
        ],
    )
    assert find(doc, "org_name") == "江苏精工特钢股份有限公司"
    assert find(doc, "legal_rep") == "李明"
    assert find(doc, "address") == "江苏省无锡市锡山区友谊路18号"


def test_value_in_the_cell_below_a_header_row():
    doc = Document(
        file="x",
        sha256="",
        format="docx",
        pages=[Page(1, tables=[table([["证书编号", "有效期至"], ["00124Q21345R1M", "2026年12月31日"]])])],
    )
    assert find(doc, "cert_number") == "00124Q21345R1M"
    assert find(doc, "valid_until") == "2026-12-31"


def test_value_on_the_line_under_the_label():
    doc = Document.from_text("发证日期\n2023年5月10日\n证书编号：\nXK06-001-00123")
    assert find(doc, "issued") == "2023-05-10"
    assert find(doc, "cert_number") == "XK06-001-00123"


def test_value_on_the_line_above_its_caption():
    doc = Document.from_text("二〇二四年六月一日\n发证日期")
    assert find(doc, "issued") == "2024-06-01"


def test_value_beside_the_label_by_position():
    lines = [
        Line.of("颁证日期", 1, bbox=(50, 100, 110, 112)),
        Line.of("住所：天津市河西区友谊路1号", 1, bbox=(50, 120, 300, 132)),
        Line.of("2024年6月1日", 1, bbox=(300, 101, 380, 113)),
    ]
    doc = Document(file="x", sha256="", format="pdf", pages=[Page(1, lines=lines)])
    assert find(doc, "issued") == "2024-06-01"


def test_test_report_holder_is_the_client_not_the_laboratory():
    doc = Document.from_text(
        "检验报告\n检验机构：天津市产品质量监督检测技术研究院\n"
        "委托单位：天津滨海精密机械有限公司\n样品名称：冷轧钢板\n检验结论：合格"
    )
    facts = extract_facts(doc)
    assert facts.type == "test_report"
    assert facts.value("org_name") == "天津滨海精密机械有限公司"
    assert facts.value("issuer") == "天津市产品质量监督检测技术研究院"
    assert facts.value("scope") == "冷轧钢板"


def test_ocr_line_confidence_lowers_field_confidence_and_marks_ocr():
    page = Page(
        1,
        lines=[Line.of("营业执照", 1, confidence=0.9), Line.of("名称：天津滨海精密机械有限公司", 1, confidence=0.8)],
        ocr=True,
    )
    facts = extract_facts(Document(file="scan.png", sha256="", format="image", pages=[page]))
    f = facts.fields["org_name"]
    assert f.ocr and f.confidence <= 0.8 and facts.ocr


def test_cert_number_variants():
    assert find(Document.from_text("证书编号 Certificate No.: 00123Q34567R2M"), "cert_number") == "00123Q34567R2M"
    assert find(Document.from_text("注册号：第12345678号"), "cert_number", "trademark_certificate") == "12345678"
    assert (
        find(Document.from_text("专利号：ZL 2023 1 0123456.7\n证书号 第5678901号"), "cert_number", "patent_certificate")
        == "ZL 2023 1 0123456.7"
    )


def test_standard_and_lab_number():
    doc = Document.from_text("认证依据：GB/T 19001-2016/ISO 9001:2015\n注册号：CNAS L1234")
    assert find(doc, "standard") == "GB/T 19001-2016/ISO 9001:2015"
    assert find(doc, "lab_number") == "CNAS L1234"


def test_scope_continues_over_unlabelled_lines():
    doc = Document.from_text("认证范围：钢丝绳的设计、生产\n和服务及相关管理活动\n有效期至：2027年5月31日")
    assert find(doc, "scope") == "钢丝绳的设计、生产和服务及相关管理活动"


def test_an_unknown_label_on_the_same_line_ends_the_value():
    doc = Document.from_text("样品名称：冷轧钢板 规格：2.0mm×1250mm")
    assert find(doc, "scope", "test_report") == "冷轧钢板"


def test_a_bilingual_line_gives_the_number_without_the_english_caption():
    doc = Document.from_text("证书编号：00124Q35612R2M Certificate No.: 00124Q35612R2M")
    assert find(doc, "cert_number") == "00124Q35612R2M"


def test_number_variants_with_no_prefix_and_page_counter():
    assert find(Document.from_text("证书编号：No. 0012345"), "cert_number") == "0012345"
    assert find(Document.from_text("报告编号：TJZJ-2024-W0153 共3页 第1页"), "cert_number") == "TJZJ-2024-W0153"


def test_address_without_its_postcode():
    assert (
        find(Document.from_text("地址：300457 天津市滨海新区第三大街12号"), "address") == "天津市滨海新区第三大街12号"
    )


def test_two_names_for_one_value():
    doc = Document.from_text("统一社会信用代码/注册号：91120116MA05T3K21X\n企业名称、字号：天津某某科技有限公司")
    h = best(Finder(LabelIndex().entries(doc)).find("uscc"))
    assert h.value == "91120116MA05T3K21X" and h.confidence >= 0.9


def test_a_value_over_several_lines_cites_them_all():
    doc = Document.from_text("认证范围：钢丝绳的设计、生产\n和服务及相关管理活动\n有效期至：2027年5月31日")
    h = best(Finder(LabelIndex().entries(doc)).find("scope"))
    assert "钢丝绳的设计、生产" in h.text and "和服务及相关管理活动" in h.text and "有效期" not in h.text


def test_a_test_reports_footer_address_is_the_laboratorys_not_the_holders():
    doc = Document.from_text(
        "检验报告\n委托单位：天津滨海精密机械有限公司\n样品名称：钢板\n检验结论：合格\n"
        "检验机构：天津市产品质量监督检测技术研究院\n地址：天津市河西区友谊路8号 电话：022-12345678"
    )
    facts = extract_facts(doc)
    assert "address" not in facts.fields
    doc = Document.from_text(
        "检验报告\n委托单位：天津滨海精密机械有限公司\n委托单位地址：天津市滨海新区第三大街12号\n检验结论：合格"
    )
    assert extract_facts(doc).value("address") == "天津市滨海新区第三大街12号"
