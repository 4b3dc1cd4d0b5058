"""The classifier tells look-alike documents apart by what they say, not by their file name."""

import pytest

from extractors.classify import TYPES, classify, load, scores
from extractors.model import Document


def kind(text):
    return classify(Document.from_text(text))[0]


@pytest.mark.parametrize(
    "std,expected",
    [
        ("GB/T 19001-2016/ISO 9001:2015", "qms_certificate"),
        ("GB/T 24001-2016/ISO 14001:2015", "ems_certificate"),
        ("GB/T 45001-2020/ISO 45001:2018", "ohsms_certificate"),
        ("GB/T 28001-2011", "ohsms_certificate"),
    ],
)
def test_management_system_certificates_by_standard_number(std, expected):
    # the title names no system: the standard number decides
    text = (
        f"管理体系认证证书\n证书编号：00124X35612R2M\n兹证明 天津某某有限公司\n管理体系符合 {std}\n认证范围：钢材的生产"
    )
    assert kind(text) == expected


def test_cnas_accreditation_versus_a_test_report_with_a_cnas_mark():
    cnas = "中国合格评定国家认可委员会\n实验室认可证书\n注册号：CNAS L1234\n符合ISO/IEC 17025:2017的要求\n认可有效期至2029年3月14日"
    report = (
        "CNAS L1234 CMA\n检验报告\n委托单位：天津某某有限公司\n样品名称：钢板\n检验依据：GB/T 5213-2019\n"
        "检验结论：合格\n检验项目 标准要求 实测值 单项判定"
    )
    assert kind(cnas) == "cnas_certificate"
    assert kind(report) == "test_report"


def test_application_form_versus_comment_sheet_versus_the_certificates_they_cite():
    form = (
        "“津质精品”评价申报书\n申报单位（盖章）：天津某某有限公司\n质量管理体系认证 GB/T 19001-2016\n"
        "营业收入 净利润\n填报日期：2024年8月1日"
    )
    sheet = "《某某通则》（征求意见稿）征求意见表\n提出单位：天津某某有限公司\n章条编号 修改意见 理由\n4.5 建议修改"
    assert kind(form) == "application_form"
    assert kind(sheet) == "comment_sheet"


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "营业执照\n统一社会信用代码 91120116MA05T3K21X\n名称 天津某某有限公司\n营业期限 长期\n登记机关 天津市市场监督管理局",
            "business_license",
        ),
        (
            "发明专利证书\n专利号：ZL 2021 1 0345678.9\n专利权人：天津某某有限公司\n授权公告日：2023年7月11日",
            "patent_certificate",
        ),
        ("商标注册证\n第38561247号\n注册人：洛阳某某有限公司\n核定使用商品（第6类）：铝", "trademark_certificate"),
        ("用户满意度测评报告\n综合满意度指数为86.5分\n样本量 412", "satisfaction_report"),
        ("审计报告\n我们审计了后附的财务报表\n注册会计师：刘敏\n利润表 营业收入 净利润", "financial_statement"),
        ("企业信用报告\n经查询，未发现严重违法失信记录，未发现行政处罚信息", "credit_report"),
        (
            "全国工业产品生产许可证\n证书编号：XK06-014-00987\n产品名称：电线电缆\n检验方式：发证检验",
            "production_license",
        ),
        (
            "中国国家强制性产品认证证书\n证书编号：2023010901567890\n认证委托人：苏州某某有限公司\n认证模式：型式试验",
            "ccc_certificate",
        ),
        ("荣誉证书\n天津某某有限公司：\n荣获2023年度天津市质量奖。特发此证。", "award_certificate"),
        (
            "关于认定2023年度天津市企业技术中心的通知\n决定认定天津某某有限公司技术中心为天津市企业技术中心",
            "rd_center_certificate",
        ),
    ],
)
def test_each_type(text, expected):
    assert kind(text) == expected


def test_unrelated_text_is_other_with_a_confidence():
    t, conf = classify(Document.from_text("会议纪要\n今天讨论了食堂菜单。"))
    assert t == "other" and 0 < conf <= 1


def test_empty_document_is_other():
    assert classify(Document(file="x", sha256="", format="pdf"))[0] == "other"


def test_a_clear_document_is_more_confident_than_a_vague_one():
    clear = classify(
        Document.from_text(
            "质量管理体系认证证书\n兹证明 天津某某有限公司\nGB/T 19001-2016/ISO 9001:2015\n认证范围：钢材"
        )
    )
    vague = classify(Document.from_text("证书\n质量管理体系"))
    assert clear[0] == "qms_certificate" and clear[1] > vague[1]


def test_data_file_names_only_contract_types():
    _, types = load()
    assert {t.name for t in types} == set(TYPES) - {"other"}
    assert set(scores(Document.from_text("x"))) == {t.name for t in types}


def test_file_name_breaks_a_tie_but_never_decides_alone():
    vague = "证书\n兹证明 天津某某有限公司\n认证范围：钢材的生产\n认证证书"
    named = Document.from_text(vague, file="环境管理体系认证证书.pdf")
    assert classify(named)[0] == "ems_certificate"
    assert classify(Document.from_text("会议纪要\n食堂菜单", file="质量管理体系认证证书.pdf"))[0] == "other"


def test_a_document_without_text_is_unknown_not_surely_other():
    from extractors.model import Page

    assert classify(Document(file="scan.pdf", sha256="", format="pdf", pages=[Page(1, needs_ocr=True)])) == (
        "other",
        0.0,
    )
