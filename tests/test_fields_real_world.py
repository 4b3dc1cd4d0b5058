"""Mechanisms for documents from the real world (issue 12, part B): English and bilingual certificates,
licence variants, values in prose and at the foot, several dates, look-alikes, split test-report columns."""

from datetime import date

import pytest

from extractors.classify import classify
from extractors.extract import extract_facts
from extractors.fields.dates import find_dates, find_range
from extractors.fields.indicators import find, margin, parse_measured, parse_requirement
from extractors.fields.labels import DocIndex, Finder, LabelIndex
from extractors.fields.province import province_of
from extractors.fields.uscc import find as find_uscc
from extractors.fields.values import check_address, check_org, split_issuer
from extractors.model import Cell, Document, Table


def facts(text: str):
    return extract_facts(Document.from_text(text))


@pytest.mark.parametrize(
    "written, day",
    [
        ("Issue date: 22-03-2019", date(2019, 3, 22)),
        ("2019.03.22", date(2019, 3, 22)),
        ("Date of Issue: Aug. 20, 2013", date(2013, 8, 20)),
        ("20th August 2013", date(2013, 8, 20)),
        ("03/22/2019", date(2019, 3, 22)),  # a month-first date when the day cannot be a month
    ],
)
def test_english_certificate_dates(written, day):
    assert [d.value for d in find_dates(written)] == [day]


def test_a_range_written_in_english():
    assert find_range("Validity: 22-03-2019 to 21-03-2022") == (date(2019, 3, 22), date(2022, 3, 21))


def test_a_day_first_date_never_reads_inside_an_iso_range():
    assert [d.value for d in find_dates("2024.06.01-2027.05.31")] == [date(2024, 6, 1), date(2027, 5, 31)]


@pytest.mark.parametrize(
    "glued, address",
    [
        ("四川省成都市武侯区武兴四路166号邮编:610000", "四川省成都市武侯区武兴四路166号"),
        ("湖北省武汉市汉阳区龙阳大道88号027-84561234", "湖北省武汉市汉阳区龙阳大道88号"),
        ("山东省青岛市崂山区株洲路17号 电话：0532-88016688", "山东省青岛市崂山区株洲路17号"),
        (
            "天津市滨海新区华苑产业区海泰西路18号北2-204工业孵化-3-318",
            "天津市滨海新区华苑产业区海泰西路18号北2-204工业孵化-3-318",
        ),
    ],
)
def test_postcode_or_telephone_glued_to_an_address_is_stripped(glued, address):
    assert check_address(glued).value == address


def test_english_holder_and_address():
    assert check_org("Chengdu Shuxin Precision Mould Co., Ltd.").value == "Chengdu Shuxin Precision Mould Co., Ltd."
    assert check_org("the organization") is None
    assert check_address("No. 9 Jinkai Avenue, Yubei District, Chongqing, China").value.startswith("No. 9")
    assert province_of("No. 166 Wuxing 4th Road, Wuhou District, Chengdu, Sichuan, China") == "四川省"
    assert province_of("Shaanxi Province") == "陕西省" and province_of("Shanxi Province") == "山西省"


def test_english_labels_match_in_any_case_and_only_as_whole_words():
    f = facts("CERTIFICATE\nCERTIFICATE NO.: 00119Q34567R1M\nUpdate 2020\nQuality Management System ISO 9001:2015")
    assert f.value("cert_number") == "00119Q34567R1M"
    assert "issued" not in f.fields  # `date` inside `Update` is no label


def test_english_qms_certificate_reads_holder_scope_dates_and_issuer():
    f = facts(
        "CERTIFICATE\nWe hereby certify that the organization\nWuxi Test Parts Co., Ltd.\n"
        "has established a Quality Management System in conformity with\nISO 9001:2015\n"
        "Scope: Machining of metal parts\nIssue date: 22-03-2019\nValid until: 21-03-2022\n"
        "Zhongyuan Hengxin Certification Co., Ltd."
    )
    assert f.type == "qms_certificate"
    assert f.value("org_name") == "Wuxi Test Parts Co., Ltd."
    assert (f.value("issued"), f.value("valid_until")) == ("2019-03-22", "2022-03-21")
    assert f.value("scope") == "Machining of metal parts"
    assert f.value("issuer") == "Zhongyuan Hengxin Certification Co., Ltd."


def test_next_audit_deadline_is_not_the_expiry():
    f = facts(
        "质量管理体系认证证书\n兹证明\n天津某某机械有限公司\n质量管理体系符合GB/T 19001-2016\n"
        "初次认证日期：2014年09月15日\n发证日期：2023年09月08日\n下次监督审核截止日期：2024年09月07日\n"
        "注册有效截止日期：2026年09月14日"
    )
    assert f.value("valid_until") == "2026-09-14"
    assert f.value("next_audit_due") == "2024-09-07"
    assert f.value("first_issued") == "2014-09-15"
    assert f.value("issued") == "2023-09-08"


def test_scope_on_the_line_after_a_prose_label():
    f = facts("质量管理体系认证证书\n兹证明\n天津某某机械有限公司\nGB/T 19001-2016\n通过认证的范围为：\n液压元件的生产")
    assert f.value("scope") == "液压元件的生产"


def test_bilingual_scope_keeps_its_own_language():
    f = facts("质量管理体系认证证书\n认证范围 Scope: 金属零件的电镀\nElectroplating of metal parts\nGB/T 19001-2016")
    assert f.value("scope") == "金属零件的电镀"


def test_pre_2015_licence_reads_reg_number_and_invents_no_uscc():
    f = facts(
        "企业法人营业执照\n注册号 120000000012345\n名称 天津市某某铝业有限公司\n住所 天津市北辰区双辰中路15号\n"
        "成立日期 2004年09月20日\n营业期限 2004年09月20日至2024年09月19日\n登记机关 天津市工商行政管理局"
    )
    assert f.type == "business_license"
    assert f.value("reg_number") == "120000000012345"
    assert "uscc" not in f.fields


def test_uscc_broken_over_two_lines_is_rebuilt_only_when_its_check_digits_hold():
    good = Document.from_text("营业执照\n统一社会信用代码 91120116\nMA05T3K21X")
    hit, _ = find_uscc(Finder(DocIndex(LabelIndex(), good)), good)
    assert hit.value == "91120116MA05T3K21X"
    bad = Document.from_text("营业执照\n统一社会信用代码 91120116\nMA05T3K21Y")
    hit, _ = find_uscc(Finder(DocIndex(LabelIndex(), bad)), bad)
    assert hit is None


def test_uscc_under_a_stamp_with_only_part_of_its_label():
    f = facts("营业执照\n社会信用代码 91440300MA5GTR7Y5X\n名称 深圳市某某电子科技有限公司")
    assert f.value("uscc") == "91440300MA5GTR7Y5X"


@pytest.mark.parametrize(
    "lines, kind",
    [
        (
            "事业单位法人证书\n统一社会信用代码 12120000401359620Y\n名称 天津市某某检验研究院\n宗旨和业务范围 检验检测\n"
            "登记管理机关 天津市事业单位登记管理局",
            "business_license",
        ),
        (
            "社会团体法人登记证书\n名称 天津市某某行业协会\n业务主管单位 天津市工业和信息化局\n活动地域 天津市",
            "business_license",
        ),
        (
            "营业执照\n名称 宁波某某投资合伙企业（有限合伙）\n类型 有限合伙企业\n执行事务合伙人 陈某\n合伙期限 2017年06月12日至永久",
            "business_license",
        ),
        (
            "菅 业 執 煦\n名称 某某有限公司\n注册资本 捌仟万元整\n成立日期 2015年10月09日\n营业期限 长期\n登记机关 成都市市场监督管理局",
            "business_license",
        ),
        (
            "建筑业企业资质证书\n企业名称：天津某某建设工程有限公司\n统一社会信用代码：91120104MA06RE3W9L\n法定代表人：高某\n"
            "注册资本：5000万元\n资质类别及等级：建筑工程施工总承包贰级\n发证机关：天津市住房和城乡建设委员会",
            "other",
        ),
        (
            "OCCUPATIONAL HEALTH AND SAFETY MANAGEMENT SYSTEM CERTIFICATE\nCertification Standard: ISO 45001:2018",
            "ohsms_certificate",
        ),
        (
            "CHINA COMPULSORY CERTIFICATION\nCertificate No.: 2021010901456789\nChina Quality Certification Centre",
            "ccc_certificate",
        ),
    ],
)
def test_licence_variants_and_look_alikes_are_typed(lines, kind):
    assert classify(Document.from_text(lines))[0] == kind


def test_partnership_term_forever_is_long_term_and_its_partner_the_representative():
    f = facts(
        "营业执照\n名称 宁波某某投资合伙企业（有限合伙）\n执行事务合伙人 陈志远\n合伙期限 2017年06月12日至永久\n"
        "主要经营场所 浙江省宁波市海曙区杉杉路172号\n登记机关 宁波市海曙区市场监督管理局"
    )
    assert f.value("legal_rep") == "陈志远"
    assert f.value("validity") == "长期" and "valid_until" not in f.fields
    assert f.value("address") == "浙江省宁波市海曙区杉杉路172号"


def test_a_name_does_not_swallow_the_issuer_printed_beside_it():
    assert split_issuer("上海某某证券股份有限公司中国证监会") == ("上海某某证券股份有限公司", "中国证监会")
    assert split_issuer("天津某某有限公司检测中心") == ("天津某某有限公司检测中心", None)
    f = facts("荣誉证书\n授予：武汉某某电缆有限公司湖北省市场监督管理局\n“湖北精品”认证企业称号")
    assert (f.value("org_name"), f.value("issuer")) == ("武汉某某电缆有限公司", "湖北省市场监督管理局")


def test_grade_ranges_take_the_worst_end_and_never_go_negative():
    assert parse_measured("4-5") == [4.0, 5.0]
    assert margin(parse_requirement("≥4"), parse_measured("4-5")) == 0.0
    assert margin(parse_requirement("≥3-4"), parse_measured("3-4")) == 0.0
    assert parse_measured("-20") == [-20.0]  # a real sign still counts


def test_item_split_into_name_and_condition_columns():
    t = Table(
        page=1,
        rows=[
            [
                Cell.of("检验项目", 0, 0, colspan=2),
                Cell.of("标准要求", 0, 2),
                Cell.of("检验结果", 0, 3),
                Cell.of("单项判定", 0, 4),
            ],
            [
                Cell.of("耐摩擦色牢度/级", 1, 0, rowspan=2),
                Cell.of("干摩", 1, 1),
                Cell.of("≥4", 1, 2),
                Cell.of("4-5", 1, 3),
                Cell.of("合格", 1, 4),
            ],
            [Cell.of("湿摩", 2, 1), Cell.of("≥3", 2, 2), Cell.of("3", 2, 3), Cell.of("合格", 2, 4)],
        ],
    )
    doc = Document.from_text("检验报告")
    doc.pages[0].tables.append(t)
    rows, _, _ = find(doc)
    assert [(r["name"], r["unit"], r["margin"]) for r in rows] == [
        ("耐摩擦色牢度 干摩", "级", 0.0),
        ("耐摩擦色牢度 湿摩", "级", 0.0),
    ]


def test_issuer_only_at_the_foot_beside_its_seal():
    f = facts(
        "质量管理体系认证证书\n兹证明\n天津某某机械有限公司\nGB/T 19001-2016\n有效期至：2027年1月1日\n"
        "北京某某认证有限公司（认证机构印章）"
    )
    assert f.value("issuer") == "北京某某认证有限公司"


def test_a_term_printed_as_asterisks_has_no_end():
    f = facts(
        "营业执照\n名称 宜兴市某某设备有限公司\n成立日期 2019年12月03日\n营业期限 2019年12月03日至******\n"
        "登记机关 宜兴市市场监督管理局"
    )
    assert f.value("validity") == "长期" and "valid_until" not in f.fields


def test_a_street_number_after_no_is_not_a_certificate_number():
    f = facts(
        "CERTIFICATE OF APPROVAL\nThis is to certify that the Management System of:\nQingdao Test Marine Co., Ltd.\n"
        "No. 35 Huanhai Road, Huangdao District, Qingdao, Shandong Province, China\nISO 9001:2015\n"
        "Approval Number: ZR-QMS-2024-0871\nOriginal Approval: 15 January 2018\n"
        "Current Certificate: 15 January 2024\nCertificate Expiry: 14 January 2027"
    )
    assert f.type == "qms_certificate"
    assert f.value("cert_number") == "ZR-QMS-2024-0871"
    assert f.value("address").startswith("No. 35 Huanhai Road") and f.value("province") == "山东省"
    assert (f.value("first_issued"), f.value("issued"), f.value("valid_until")) == (
        "2018-01-15",
        "2024-01-15",
        "2027-01-14",
    )


def test_another_regulators_permit_is_not_a_production_licence():
    doc = Document.from_text(
        "安全生产许可证\n单位名称：天津某某化工有限公司\n主要负责人：邵某某\n许可范围：危险化学品生产\n"
        "有效期：2023年06月15日至2026年06月14日\n发证机关：天津市应急管理局"
    )
    assert classify(doc)[0] == "other"


def test_a_scope_stops_at_the_issuer_signing_below_it():
    from corpus_real.render import Foot, Gap, Title, pdf

    from extractors.read import read_document

    data = pdf(
        [
            [
                Title("CERTIFICATE"),
                "Quality Management System ISO 9001:2015",
                "Scope: Design and manufacture of marine deck machinery",
                Gap(20),
                Foot("Shanghai Test Certification Co., Ltd."),
            ]
        ]
    )
    f = extract_facts(read_document(data, "c.pdf"))
    assert f.value("scope") == "Design and manufacture of marine deck machinery"
    assert f.value("issuer") == "Shanghai Test Certification Co., Ltd."


def test_a_category_column_gives_way_to_its_item_but_not_to_a_condition():
    t = Table(
        page=1,
        rows=[
            [Cell.of("检测项目", 0, 0, colspan=2), Cell.of("标准要求", 0, 2), Cell.of("检测结果", 0, 3)],
            [Cell.of("力学性能", 1, 0), Cell.of("抗拉强度(MPa)", 1, 1), Cell.of("≥350", 1, 2), Cell.of("392", 1, 3)],
            [
                Cell.of("成品耐折性能", 2, 0),
                Cell.of("常温", 2, 1),
                Cell.of("40000次无裂纹", 2, 2),
                Cell.of("无裂纹", 2, 3),
            ],
            [Cell.of("粘合强度/(N/cm)", 3, 0), Cell.of("鞋头", 3, 1), Cell.of("≥40", 3, 2), Cell.of("56", 3, 3)],
        ],
    )
    doc = Document.from_text("检测报告")
    doc.pages[0].tables.append(t)
    rows, _, _ = find(doc)
    assert [(r["name"], r["unit"]) for r in rows] == [
        ("抗拉强度", "MPa"),
        ("成品耐折性能 常温", ""),
        ("粘合强度 鞋头", "N/cm"),
    ]


def test_electronic_licence_code_top_left_under_its_label():
    f = facts(
        "统一社会信用代码\n91110108MA01RT5N4R\n营 业 执 照\n名 称 北京某某检测技术有限公司\n登记机关 北京市海淀区市场监督管理局"
    )
    assert f.type == "business_license" and f.value("uscc") == "91110108MA01RT5N4R"


def test_an_award_plaque_is_an_award():
    f = facts("天津市质量奖\n天津某某精密铸造有限公司\n天津市人民政府\n二〇二二年十二月")
    assert f.type == "award_certificate"
    assert f.value("org_name") == "天津某某精密铸造有限公司"
    assert "issued" not in f.fields  # a month without its day is no date
