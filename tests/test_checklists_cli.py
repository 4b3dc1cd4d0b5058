"""`intake schemes` and `intake check` end to end: generated PDFs through the pipeline and the engine."""

import json

import pytest
from click.testing import CliRunner
from docgen import Grid, pdf_bytes

from cli import cli

NAME, USCC = "天津滨海精密机械有限公司", "91120116MA05T3K21X"


def run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    d = tmp_path_factory.mktemp("bundle")
    (d / "licence.pdf").write_bytes(
        pdf_bytes(
            [
                [
                    "营业执照",
                    f"统一社会信用代码 {USCC}",
                    f"名称 {NAME}",
                    "法定代表人 王建国",
                    "成立日期 2010年03月15日",
                    "住所 天津市滨海新区经济技术开发区第三大街12号",
                    "登记机关 天津市滨海新区市场监督管理局",
                ]
            ]
        )
    )
    (d / "qms.pdf").write_bytes(
        pdf_bytes(
            [
                [
                    "质量管理体系认证证书",
                    "证书编号：00124Q31234R2M",
                    f"兹证明 {NAME}",
                    f"统一社会信用代码：{USCC}",
                    "质量管理体系符合 GB/T 19001-2016/ISO 9001:2015 标准",
                    "认证范围：精密机械零部件的生产",
                    "发证日期：2022年04月01日",
                    "有效期至：2025年03月31日",
                    "中国质量认证中心",
                ]
            ]
        )
    )
    (d / "report.pdf").write_bytes(
        pdf_bytes(
            [
                [
                    "检验检测报告",
                    "报告编号：TJ2024-0815",
                    f"委托单位：{NAME}",
                    "签发日期：2024年06月01日",
                    "检验依据：GB/T 6892-2023",
                    Grid(
                        [
                            ["检验项目", "标准要求", "实测值", "单位", "单项判定"],
                            ["抗拉强度", "≥300", "345", "MPa", "合格"],
                            ["伸长率", "≥10", "11", "%", "合格"],
                        ]
                    ),
                ]
            ]
        )
    )
    (d / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (d / "facts.json").write_text(json.dumps({"declarations": {"jinzhi.4.3": True}}), encoding="utf-8")
    return d


def items(out):
    return {i["id"]: i for i in out["items"]}


def test_schemes_json_lists_the_five_with_levels():
    code, out, _ = run("schemes", "--json")
    assert code == 0
    data = json.loads(out)
    assert [s["id"] for s in data] == ["jinzhi", "credit", "nonferrous", "jiangsu", "trace"]
    by = {s["id"]: s for s in data}
    assert by["nonferrous"]["levels"] == ["培育品牌", "优质品牌", "卓越品牌"]
    assert by["trace"]["levels"] == ["B", "A", "AA", "AAA"]
    assert by["jinzhi"]["levels"] == [] and by["credit"]["levels"] == []
    assert all(s["name"] and s["source"] for s in data)


def test_check_json_from_generated_documents(bundle):
    files = [str(bundle / f) for f in ("licence.pdf", "qms.pdf", "report.pdf")]
    code, out, _ = run(
        "check", "--scheme", "jinzhi", "--as-of", "2024-08-01", "--facts", str(bundle / "facts.json"), *files, "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["scheme"] == "jinzhi" and data["as_of"] == "2024-08-01"
    assert set(data["outcome"]) >= {"status", "level", "score", "grade"}
    it = items(data)
    assert it["jinzhi.3.1.reg"]["status"] == "met"
    assert it["jinzhi.3.1.reg"]["evidence"][0]["file"] == "licence.pdf"
    assert it["jinzhi.3.1.reg"]["evidence"][0]["page"] == 1
    assert it["jinzhi.4.2"]["status"] == "review"  # a valid certificate is evidence of 完善, not proof
    assert "在有效期内" in it["jinzhi.4.2"]["reason"] and "完善" in it["jinzhi.4.2"]["reason"]
    assert it["jinzhi.4.5"]["status"] == "met"  # 抗拉强度 15 % better than the GB/T requirement
    assert it["jinzhi.4.3"]["status"] == "review"  # a declaration alone
    assert it["jinzhi.3.1.ip"]["status"] == "missing"
    assert data["outcome"]["status"] == "incomplete"
    assert [d["file"] for d in data["documents"]] == ["licence.pdf", "qms.pdf", "report.pdf"]
    assert data["facts"]["declarations"]["source"] == "facts"


def test_certificate_expired_on_a_later_as_of(bundle):
    code, out, _ = run(
        "check",
        "--scheme",
        "jinzhi",
        "--as-of",
        "2025-04-01",
        str(bundle / "qms.pdf"),
        str(bundle / "licence.pdf"),
        "--json",
    )
    assert code == 0
    it = items(json.loads(out))["jinzhi.4.2"]
    assert it["status"] == "review"  # 4 第2项 asks for a complete QMS, not for a certificate: other proof may do
    assert "有效期至 2025-03-31，早于评价日 2025-04-01" in it["reason"] and "本条不要求认证" in it["reason"]
    assert any("2025年03月31日" in e["text"] for e in it["evidence"])


def test_unreadable_file_exit_3_others_still_evaluated(bundle):
    code, out, err = run(
        "check",
        "--scheme",
        "jinzhi",
        "--as-of",
        "2024-08-01",
        str(bundle / "licence.pdf"),
        str(bundle / "broken.pdf"),
        "--json",
    )
    assert code == 3
    data = json.loads(out)
    docs = {d["file"]: d for d in data["documents"]}
    assert docs["broken.pdf"]["error"] and docs["licence.pdf"]["error"] is None
    assert items(data)["jinzhi.3.1.reg"]["status"] == "met"
    assert "broken.pdf" in err


def test_readable_output_outcome_first_then_groups(bundle, tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"declarations": {"jinzhi.4.3": True, "jinzhi.4.4": False}}), encoding="utf-8")
    code, out, _ = run(
        "check",
        "--scheme",
        "jinzhi",
        "--as-of",
        "2025-04-01",
        str(bundle / "licence.pdf"),
        str(bundle / "qms.pdf"),
        "--facts",
        str(facts),
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[1].startswith("结论：不符合申报条件")
    heads = [
        next(i for i, l in enumerate(lines) if l.startswith(h))
        for h in ("不满足（", "缺少材料（", "需人工审核（", "满足（")
    ]
    assert heads == sorted(heads)
    assert "4 第2项" in out and "qms.pdf 第1页" in out


def test_explain_tells_unknown_from_no(bundle):
    code, out, _ = run(
        "check", "--scheme", "jinzhi", "--as-of", "2024-08-01", str(bundle / "licence.pdf"), "--explain", "jinzhi.4.4"
    )
    assert code == 0
    assert "declarations.jinzhi.4.4 = 未知" in out
    assert "最终：missing" in out
    code, out, _ = run(
        "check",
        "--scheme",
        "jinzhi",
        "--as-of",
        "2024-08-01",
        str(bundle / "licence.pdf"),
        "--explain",
        "jinzhi.4.4",
        "--json",
    )
    trace = json.loads(out)["explain"]
    assert trace["rule"] == "declaration" and "declarations.jinzhi.4.4" in trace["unknown"]


def test_out_writes_the_gap_report(bundle, tmp_path):
    code, out, _ = run(
        "check",
        "--scheme",
        "jinzhi",
        "--as-of",
        "2024-08-01",
        str(bundle / "licence.pdf"),
        "--out",
        str(tmp_path / "report"),
    )
    assert code == 0
    written = sorted(p.suffix for p in (tmp_path / "report").iterdir())
    assert written == [".docx", ".html"]
    html = next((tmp_path / "report").glob("*.html")).read_text(encoding="utf-8")
    assert "未提供专利证书或商标注册证" in html


@pytest.mark.parametrize(
    "facts,expected",
    [
        ({"code_coverage": "90%"}, "code_coverage 应为 0 到 1 之间的数字"),
        ({"sector": "mining"}, "sector 应为 agriculture / manufacturing / services"),
        ({"colour": "red"}, "未知的键 'colour'"),
        ({"target_level": "金牌"}, "培育品牌、优质品牌、卓越品牌"),
        ({"association_member": "yes"}, "association_member 应为 true 或 false"),
        ({"declarations": {"nonferrous.art9": True}}, "没有可用于此处的条目 'nonferrous.art9'"),
        ({"production_start": "去年"}, "production_start 应为日期"),
        ({"scale": {"category": "稻麦", "value": "1000亩"}}, "scale 应为"),
        ([1, 2], "应为一个 JSON 对象"),
    ],
)
def test_bad_facts_file_exit_2_with_what_was_expected(tmp_path, facts, expected):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    code, out, err = run("check", "--scheme", "nonferrous", "--facts", str(path))
    assert code == 2
    assert expected in err
    assert str(path) in err
    assert out == ""


def test_facts_file_not_json_or_absent(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text("{sector: agriculture", encoding="utf-8")
    code, _, err = run("check", "--scheme", "jiangsu", "--facts", str(path))
    assert code == 2 and "不是有效的 JSON" in err and "第 1 行" in err
    code, _, err = run("check", "--scheme", "jiangsu", "--facts", str(tmp_path / "nope.json"))
    assert code == 2 and "nope.json" in err


def test_exemption_not_in_scheme(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"exemptions": ["百年老店"]}, ensure_ascii=False), encoding="utf-8")
    code, _, err = run("check", "--scheme", "jiangsu", "--facts", str(path))
    assert code == 2 and "百年老店" in err and "专精特新小巨人" in err


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--scheme", "nosuch"], "可用的方案：jinzhi, credit, nonferrous, jiangsu, trace"),
        (["--scheme", "credit", "--as-of", "2024-02-30"], "YYYY-MM-DD"),
        (["--scheme", "credit", "--as-of", "yesterday"], "YYYY-MM-DD"),
        (["--scheme", "credit", "--explain", "credit.9"], "没有条目 'credit.9'"),
    ],
)
def test_bad_arguments_exit_2(args, expected):
    code, out, err = run("check", *args)
    assert code == 2
    assert expected in err


def test_overrides_file_wins_and_is_named(tmp_path, bundle):
    path = tmp_path / "ov.json"
    path.write_text(
        json.dumps(
            {"jinzhi.3.1.ip": {"status": "met", "note": "软件著作权登记证书已核", "by": "李四"}}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    code, out, _ = run(
        "check",
        "--scheme",
        "jinzhi",
        "--as-of",
        "2024-08-01",
        "--overrides",
        str(path),
        str(bundle / "licence.pdf"),
        "--json",
    )
    assert code == 0
    it = items(json.loads(out))["jinzhi.3.1.ip"]
    assert it["status"] == "met" and "李四" in it["reason"] and "软件著作权" in it["reason"]
    assert it["override"]["by"] == "李四"
    path.write_text(json.dumps({"jinzhi.3.1.ip": {"status": "ok"}}), encoding="utf-8")
    code, _, err = run("check", "--scheme", "jinzhi", "--overrides", str(path))
    assert code == 2 and "status" in err


JS_NAME, JS_USCC = "江苏精工特钢股份有限公司", "91320281142315286E"


@pytest.fixture(scope="module")
def jiangsu_bundle(tmp_path_factory):
    d = tmp_path_factory.mktemp("jiangsu")
    (d / "营业执照.pdf").write_bytes(
        pdf_bytes(
            [
                [
                    "营业执照",
                    f"统一社会信用代码 {JS_USCC}",
                    f"名称 {JS_NAME}",
                    "法定代表人 陈立新",
                    "成立日期 2022年07月01日",
                    "住所 江苏省江阴市临港街道滨江西路188号",
                    "登记机关 无锡市市场监督管理局",
                ]
            ]
        )
    )
    (d / "审计报告.pdf").write_bytes(
        pdf_bytes(
            [
                [
                    "审计报告",
                    f"被审计单位：{JS_NAME}",
                    Grid(
                        [
                            ["项目", "2023年度", "2024年度"],
                            ["营业收入", "198,000,000.00", "215,000,000.00"],
                            ["净利润", "-1,200,000.00", "9,800,000.00"],
                        ]
                    ),
                ]
            ]
        )
    )
    (d / "满意度.pdf").write_bytes(
        pdf_bytes(
            [
                [
                    "用户满意度测评报告",
                    f"受测评单位：{JS_NAME}",
                    "测评机构：中国质量协会用户委员会授权测评机构",
                    "用户满意度测评综合得分为 74.5 分。",
                ]
            ]
        )
    )
    return d


def test_jiangsu_end_to_end_years_and_thresholds(jiangsu_bundle):
    (jiangsu_bundle / "facts.json").write_text(
        json.dumps({"sector": "manufacturing", "product_kind": "production_material"}), encoding="utf-8"
    )
    files = [str(jiangsu_bundle / f) for f in ("营业执照.pdf", "审计报告.pdf")]
    code, out, _ = run(
        "check",
        "--scheme",
        "jiangsu",
        "--as-of",
        "2025-06-30",
        "--facts",
        str(jiangsu_bundle / "facts.json"),
        *files,
        "--json",
    )
    assert code == 0
    it = items(json.loads(out))
    assert it["jiangsu.art8.1.1"]["status"] == "not_met"  # 3 years only on 2025-07-01
    assert "2022-07-01" in it["jiangsu.art8.1.1"]["reason"]
    assert it["jiangsu.art8.1.3"]["status"] == "not_met"  # 2023 loss
    assert "2023 年净利润" in it["jiangsu.art8.1.3"]["reason"]
    assert it["jiangsu.art8.2.2.1"]["status"] == "met"  # 2024: 2.15 亿 ≥ 2 亿
    assert "2.15 亿元" in it["jiangsu.art8.2.2.1"]["reason"]
    assert it["jiangsu.art8.2.2.1"]["evidence"][0]["file"] == "审计报告.pdf"


def test_nonferrous_end_to_end_satisfaction_below_75(jiangsu_bundle):
    code, out, _ = run(
        "check",
        "--scheme",
        "nonferrous",
        "--as-of",
        "2024-08-01",
        str(jiangsu_bundle / "满意度.pdf"),
        str(jiangsu_bundle / "营业执照.pdf"),
        "--json",
    )
    assert code == 0
    it = items(json.loads(out))
    assert it["nonferrous.art6.7"]["status"] == "not_met"
    assert "74.5分" in it["nonferrous.art6.7"]["reason"]
    assert it["nonferrous.art4"]["status"] == "missing"  # membership not stated: unknown, not "no"
