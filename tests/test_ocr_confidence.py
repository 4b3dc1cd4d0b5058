"""OCR confidence from OCR lines to checklist verdicts, and standards read from OCR'd lines.

Documents are built in code as the OCR reader leaves them (Page.ocr=True, Line.confidence = the
recogniser's line score), so these tests need no OCR engine.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from checklists.engine import evaluate, ocr_review_below
from extractors.extract import extract_facts
from extractors.facts import DocumentFacts
from extractors.model import Cell, Document, Line, Page, Table
from extractors.ocr import load_settings

pytestmark = pytest.mark.ocr

LICENCE = [
    "营业执照",
    "统一社会信用代码 91120116MA05K8XX3P",
    "名称 天津市华宇精密铸造有限公司",
    "类型 有限责任公司",
    "法定代表人 王建国",
    "成立日期 2015年03月18日",
    "营业期限 2015年03月18日至2045年03月17日",
    "住所 天津市滨海新区黄海路188号",
    "登记机关 天津市滨海新区市场监督管理局",
]

CNAS = [
    "中国合格评定国家认可委员会",
    "实验室认可证书",
    "（注册号：CNAS L10452）",
    "名称：某某铝业股份有限公司检测中心",
    "地址：河南省郑州市高新区科学大道100号",
    "签发日期：2023年03月15日",
    "有效期至：2029年03月14日",
]


def scanned(
    lines: list[str],
    confidence: float | list[float] = 0.9,
    tables: list[Table] | None = None,
    name: str = "scan.jpg",
    ocr: bool = True,
) -> Document:
    confs = confidence if isinstance(confidence, list) else [confidence] * len(lines)
    page = Page(
        1,
        [
            Line.of(t, 1, (40, 40 + 24 * i, 520, 58 + 24 * i), confidence=c)
            for i, (t, c) in enumerate(zip(lines, confs))
        ],
        tables=tables or [],
        width=595,
        height=842,
        needs_ocr=ocr,
        ocr=ocr,
    )
    return Document(name, "0" * 64, "image" if ocr else "pdf", [page])


# -- the field carries the OCR line confidence ----------------------------------------------


def test_every_field_read_from_ocr_lines_carries_the_line_confidence():
    facts = extract_facts(scanned(LICENCE, 0.9))
    assert facts.type == "business_license"
    for name in ("org_name", "legal_rep", "established", "address", "valid_until", "province", "issuer"):
        f = facts.fields[name]
        assert f.ocr, name
        assert f.ocr_confidence == pytest.approx(0.9), name
        assert f.confidence <= f.ocr_confidence + 1e-9, name  # label/layout weighed on top of it
    assert facts.value("established") == "2015-03-18"


def test_a_field_from_a_very_sure_line_still_reports_the_line_not_1():
    facts = extract_facts(scanned(LICENCE, 0.97))
    est = facts.fields["established"]
    assert est.ocr_confidence == pytest.approx(0.97)
    assert est.to_json()["ocr_confidence"] == pytest.approx(0.97)


def test_a_value_over_two_lines_carries_the_weaker_line():
    lines = [
        "营业执照",
        "名称",
        "天津市华宇精密铸造有限公司",
        "成立日期",
        "2015年03月18日",
        "住所 天津市滨海新区黄海路188号",
    ]
    facts = extract_facts(scanned(lines, [0.99, 0.99, 0.93, 0.99, 0.91, 0.99]))
    assert facts.value("established") == "2015-03-18"
    assert facts.fields["established"].ocr_confidence == pytest.approx(0.91)
    assert facts.fields["org_name"].ocr_confidence == pytest.approx(0.93)


def test_table_cells_read_by_ocr_carry_the_weaker_cell():
    t = Table(
        1,
        [
            [Cell.of("成立日期", 0, 0, confidence=0.99), Cell.of("2015年03月18日", 0, 1, confidence=0.92)],
            [Cell.of("名称", 1, 0, confidence=0.99), Cell.of("天津市华宇精密铸造有限公司", 1, 1, confidence=0.96)],
        ],
    )
    facts = extract_facts(scanned(["营业执照", "登记机关 天津市滨海新区市场监督管理局"], 0.99, tables=[t]))
    assert facts.value("established") == "2015-03-18"
    assert facts.fields["established"].ocr_confidence == pytest.approx(0.92)
    assert facts.fields["org_name"].ocr_confidence == pytest.approx(0.96)


def test_amounts_from_an_ocr_table_carry_the_row_confidence():
    t = Table(
        1,
        [
            [Cell.of("项目", 0, 0, confidence=0.99), Cell.of("2023年", 0, 1, confidence=0.99)],
            [Cell.of("营业收入", 1, 0, confidence=0.99), Cell.of("13,500.00", 1, 1, confidence=0.88)],
            [Cell.of("净利润", 2, 0, confidence=0.99), Cell.of("1,210.00", 2, 1, confidence=0.97)],
        ],
    )
    facts = extract_facts(scanned(["利润表", "2023年度", "单位：万元"], 0.99, tables=[t]))
    assert facts.value("revenue") == {"2023": 135_000_000}
    assert facts.fields["revenue"].ocr_confidence == pytest.approx(0.88)
    assert facts.fields["net_profit"].ocr_confidence == pytest.approx(0.97)


def test_text_layer_fields_have_no_ocr_confidence_and_json_round_trips():
    text = extract_facts(scanned(LICENCE, 1.0, name="licence.pdf", ocr=False))
    assert text.fields["established"].ocr_confidence is None
    assert "ocr_confidence" not in text.to_json()["fields"]["established"]
    ocr = extract_facts(scanned(LICENCE, 0.9))
    data = json.loads(json.dumps(ocr.to_json(), ensure_ascii=False))
    assert data["fields"]["established"]["ocr_confidence"] == 0.9
    back = DocumentFacts.from_json(data)
    assert back.fields["established"].ocr_confidence == pytest.approx(0.9)
    assert back.to_json() == data


# -- checklist verdicts ---------------------------------------------------------------------


def test_the_engine_uses_the_ocr_settings_threshold():
    assert ocr_review_below() == load_settings().review_below


def _art64(line_confidence: float, lines: list[str] = CNAS):
    facts = extract_facts(scanned(lines, line_confidence, name="cnas.jpg"))
    assert facts.type == "cnas_certificate"
    assert facts.value("valid_until") == "2029-03-14"
    return evaluate("nonferrous", [facts], {}, as_of=date(2024, 6, 1)).item("nonferrous.art6.4")


def test_a_low_confidence_ocr_field_makes_its_item_review():
    # label and value on one line: the field's combined confidence is the line's 0.93 (over the old 0.85)
    r = _art64(ocr_review_below() - 0.05)
    assert r.status == "review"
    assert "OCR 识别，请核对" in r.reason
    assert any("OCR 识别，请核对" in w for w in r.warnings)
    assert r.rule_status == "met"


def test_a_high_confidence_ocr_field_is_judged_as_usual():
    # the date on the line under its label: the field's combined confidence is lower than the line's
    r = _art64(0.995, CNAS[:-1] + ["有效期至：", "2029年03月14日"])
    # some evidence's combined confidence (label × layout × line) is below the threshold — its line is not
    assert any(e.ocr and e.confidence < ocr_review_below() for e in r.evidence)
    assert r.status == "met", r.reason
    assert "OCR" not in r.reason


# -- standards as OCR reads them ------------------------------------------------------------

QMS = [
    "质量管理体系认证证书",
    "证书编号：00124Q35678R2M",
    "兹证明：苏州华东铝业股份有限公司",
    "质量管理体系符合标准：{}",
    "认证范围：铝合金型材的设计、生产和销售",
    "发证日期：2024年06月01日",
    "有效期至：2027年05月31日",
]


@pytest.mark.parametrize(
    "as_read, standard",
    [
        ("GB/T 19001-2016/ISO 9001:2015", "GB/T 19001-2016/ISO 9001:2015"),  # the text twin
        ("GB/T19001-2016/ISO 9001:2015", "GB/T 19001-2016/ISO 9001:2015"),  # the space lost
        ("GB/T19001—2016", "GB/T 19001-2016"),
        ("IS0 9001:2015", "ISO 9001:2015"),  # letter O read as zero
        ("GB/T 19001-2016/IS09001:2015", "GB/T 19001-2016/ISO 9001:2015"),
    ],
)
def test_an_ocr_d_management_system_standard_reads_as_its_text_twin(as_read, standard):
    lines = [t.format(as_read) for t in QMS]
    facts = extract_facts(scanned(lines, 0.96))
    assert facts.type == "qms_certificate"
    f = facts.fields["standard"]
    assert f.value == standard
    assert as_read in (f.raw or f.text)  # the line as read is kept
    assert f.ocr_confidence == pytest.approx(0.96)


@pytest.mark.parametrize(
    "as_read, standard",
    [
        ("YS/T1234-2020", "YS/T 1234-2020"),
        ("DB 32/T 3456-2021", "DB32/T 3456-2021"),
        ("DB32/T3456—2021", "DB32/T 3456-2021"),
        ("GB / T 5237.1-2017", "GB/T 5237.1-2017"),
        ("IEC 61000-4-2:2008", "IEC 61000-4-2:2008"),
        ("1SO/IEC 17025:2017", "ISO/IEC 17025:2017"),
        ("T/CNIA 0123-2022", "T/CNIA 0123-2022"),
    ],
)
def test_a_test_report_s_standard_is_written_canonically(as_read, standard):
    lines = [
        "检验报告",
        "报告编号：WT2024-08815",
        "委托单位：苏州华东铝业股份有限公司",
        "样品名称：铝合金建筑型材",
        f"检验依据：{as_read}",
        "签发日期：2024年07月15日",
    ]
    facts = extract_facts(scanned(lines, 0.97))
    assert facts.type == "test_report"
    assert facts.value("standard") == standard


def test_a_report_number_is_not_taken_for_a_standard():
    from extractors.fields.values import check_standard

    assert check_standard("报告编号 WT2024-08815") is None
    assert check_standard("91120116MA05K8XX3P") is None


# -- end to end through the OCR engine (a few seconds; skipped without it) -----------------


def _engine():
    from extractors import ocr

    return pytest.mark.skipif(not ocr.available(), reason=ocr.INSTALL_HINT)


@_engine()
def test_a_scanned_certificate_and_licence_carry_line_confidence_and_read_as_their_twins(tmp_path):
    import ocr_scans as s

    from extractors import ocr
    from extractors.read import read_document

    for fx in (s.certificate(), s.licence()):
        twin = extract_facts(read_document(fx.pdf(), f"{fx.name}.pdf"))
        data = s.scanned_pdf(fx, dpi=200)
        with ocr.deferred():
            doc = read_document(data, f"{fx.name}-scan.pdf")
        ocr.ocr_document(doc, data, cache_dir=tmp_path)
        got = extract_facts(doc)
        assert got.type == twin.type
        for name, f in got.fields.items():
            assert f.ocr and f.ocr_confidence is not None and 0.5 < f.ocr_confidence <= 1.0, name
        if fx.name == "certificate":
            assert got.value("standard") == twin.value("standard") == "GB/T 19001-2016/ISO 9001:2015"
        else:
            est = got.fields["established"]
            lines = [l.confidence for l in doc.pages[0].lines if "2015年03月18日" in l.text and "成立" in l.text]
            assert est.value == "2015-03-18" and est.ocr_confidence == pytest.approx(min(lines), abs=1e-3)
