"""extract_facts over odd documents: warnings, OCR, long documents, nothing crashes."""

import random

from extractors.extract import extract_facts
from extractors.model import Cell, Document, Page, Table


def test_pages_needing_ocr_and_reader_warnings_are_reported():
    doc = Document.from_text("营业执照\n名称：天津某某科技有限公司\f\f")
    doc.pages[1].needs_ocr = doc.pages[2].needs_ocr = True
    doc.warnings.append("scan.pdf: pages 301-2000 skipped (limit 300 pages)")
    facts = extract_facts(doc)
    assert facts.warnings[0] == "scan.pdf: pages 301-2000 skipped (limit 300 pages)"
    assert any("第 2-3 页没有文字层" in w for w in facts.warnings)
    assert facts.value("org_name") == "天津某某科技有限公司"


def test_empty_document_is_other_with_a_warning():
    facts = extract_facts(Document(file="blank.pdf", sha256="", format="pdf", pages=[Page(1)]))
    assert facts.type == "other" and facts.fields == {}
    assert any("没有读到文字" in w for w in facts.warnings)


def test_a_long_document_is_read_on_its_first_and_last_pages():
    pages = ["审计报告\n被审计单位：天津某某科技有限公司"] + [f"正文 第{i}页 会计政策说明" for i in range(2, 60)]
    pages.append("天津华信会计师事务所（特殊普通合伙）\n报告日期：2024年3月20日")
    facts = extract_facts(Document.from_text("\f".join(pages)))
    assert facts.value("org_name") == "天津某某科技有限公司"
    assert facts.value("issued") == "2024-03-20" and facts.fields["issued"].page == 60


def test_odd_tables_and_random_text_never_crash():
    rng = random.Random(7)
    alphabet = "名称：证书编号有效期至2024年月日检验项目标准要求实测值≥≤~%()（）营业收入万元 \t,.-/ABCXK0123456789"
    for _ in range(200):
        lines = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(rng.randint(0, 8))]
        doc = Document.from_text("\n".join(lines) or " ")
        rows = [
            [
                Cell.of(
                    "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))),
                    r,
                    c,
                    rowspan=rng.choice([1, 1, 2]),
                    colspan=rng.choice([1, 1, 3]),
                )
                for c in range(rng.randint(0, 5))
            ]
            for r in range(rng.randint(0, 5))
        ]
        doc.pages[0].tables.append(Table(page=1, rows=rows))
        facts = extract_facts(doc)
        assert not [w for w in facts.warnings if "时出错" in w], facts.warnings
        for f in facts.fields.values():
            assert 0 < f.confidence <= 1


def test_an_issue_date_after_the_expiry_is_flagged():
    facts = extract_facts(
        Document.from_text("质量管理体系认证证书\nGB/T 19001-2016\n发证日期：2027年6月1日\n有效期至：2024年5月31日")
    )
    assert facts.value("issued") == "2027-06-01" and facts.value("valid_until") == "2024-05-31"
    assert any("发证日期 2027年6月1日 晚于有效期至 2024年5月31日" in w for w in facts.warnings)


def test_several_certificates_scanned_into_one_file_are_flagged():
    doc = Document.from_text(
        "质量管理体系认证证书\n兹证明 天津某某有限公司\nGB/T 19001-2016\n有效期至：2027年5月31日\f"
        "环境管理体系认证证书\n兹证明 天津某某有限公司\nGB/T 24001-2016\n有效期至：2026年1月14日"
    )
    facts = extract_facts(doc)
    assert any("一个文件里有几份材料" in w and "第 2 页 环境管理体系认证证书" in w for w in facts.warnings)
    one = extract_facts(Document.from_text("检验报告\n委托单位：天津某某有限公司\f检验报告（续）\n检验结论：合格"))
    assert not any("几份材料" in w for w in one.warnings)
