"""Evaluation speed (`python -m benchmarks.bench_check`): all five schemes over a 20-document bundle
of already-extracted facts, beside the extraction of the same bundle from generated PDFs (the baseline,
measured in the same run). Evaluation is pure computation and should be a negligible share.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # tests/docgen.py generates the PDFs

from docgen import Grid, pdf_bytes  # noqa: E402

from benchmarks.common import report  # noqa: E402
from checklists import evaluate, list_schemes  # noqa: E402

NAME, USCC = "江苏精工特钢股份有限公司", "91320281142315286E"


def _cert(title: str, std: str, until: str) -> list:
    return [
        title,
        "证书编号：00124Q31234R2M",
        f"兹证明 {NAME}",
        f"统一社会信用代码：{USCC}",
        f"管理体系符合 {std} 标准",
        "认证范围：特种钢材的生产",
        "发证日期：2023年04月01日",
        f"有效期至：{until}",
        "中国质量认证中心",
    ]


def bundle_pages() -> dict[str, list]:
    table = Grid(
        [
            ["检验项目", "标准要求", "实测值", "单位", "单项判定"],
            ["抗拉强度", "≥300", "345", "MPa", "合格"],
            ["伸长率", "≥10", "11", "%", "合格"],
            ["硬度", "≤95", "88", "HBW", "合格"],
        ]
    )
    pages = {
        "licence.pdf": [
            "营业执照",
            f"统一社会信用代码 {USCC}",
            f"名称 {NAME}",
            "法定代表人 陈立新",
            "成立日期 1998年06月18日",
            "住所 江苏省江阴市临港街道滨江西路188号",
            "登记机关 无锡市市场监督管理局",
        ],
        "qms.pdf": _cert("质量管理体系认证证书", "GB/T 19001-2016", "2027年03月31日"),
        "ems.pdf": _cert("环境管理体系认证证书", "GB/T 24001-2016", "2027年03月31日"),
        "ohsms.pdf": _cert("职业健康安全管理体系认证证书", "GB/T 45001-2020", "2027年03月31日"),
        "cnas.pdf": ["实验室认可证书", "注册号：CNAS L1234", f"{NAME} 检测中心", "有效期至：2028年01月01日"],
        "satisfaction.pdf": ["用户满意度测评报告", f"受测评单位：{NAME}", "用户满意度测评综合得分为 86.5 分"],
        "audit.pdf": [
            "审计报告",
            f"被审计单位：{NAME}",
            "营业收入：2023年 13,500.00 万元，2024年 1.62 亿元",
            "净利润：2023年 1,250 万元，2024年 1,430 万元",
        ],
        "credit.pdf": ["企业信用报告", f"企业名称：{NAME}", "报告日期：2025年05月01日", "未发现严重违法失信记录"],
        "tm.pdf": ["商标注册证", "第 12345678 号", f"注册人 {NAME}", "注册有效期限 2021年01月07日至2031年01月06日"],
        "award.pdf": ["荣誉证书", f"授予 {NAME}", "江苏省质量奖", "2024年12月"],
    }
    for i in range(1, 4):
        pages[f"report{i}.pdf"] = [
            "检验检测报告",
            f"报告编号：JS2025-00{i}",
            f"委托单位：{NAME}",
            "签发日期：2025年03月01日",
            table,
        ]
        pages[f"patent{i}.pdf"] = ["发明专利证书", f"专利号：ZL 2020 1 012345{i}.X", f"专利权人：{NAME}"]
    pages["production.pdf"] = [
        "全国工业产品生产许可证",
        f"企业名称：{NAME}",
        "证书编号：XK05-001-00123",
        "有效期至：2028年05月01日",
    ]
    pages["rd.pdf"] = ["国家企业技术中心认定", f"{NAME} 技术中心被认定为国家企业技术中心"]
    pages["form.pdf"] = ["全国有色金属产品质量品牌培育活动申报书", f"申报单位：{NAME}"]
    pages["other.pdf"] = ["企业标准", "Q/JGTG 001-2024 特种钢材"]
    assert len(pages) == 20, len(pages)
    return pages


def main() -> None:
    from intake.reading.pipeline import extract_files

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, page in bundle_pages().items():
            p = Path(tmp) / name
            p.write_bytes(pdf_bytes([page]))
            paths.append(str(p))
        t0 = time.perf_counter()
        docs = extract_files(paths)
        extract_s = time.perf_counter() - t0
    schemes = list_schemes()
    facts = {
        "sector": "manufacturing",
        "product_kind": "production_material",
        "association_member": True,
        "sells_online": True,
        "code_coverage": 0.92,
        "declarations": {"jinzhi.4.3": True},
    }
    for s in schemes:  # warm up: scheme files parsed and cached once, as in a running service
        evaluate(s, docs, facts, as_of="2025-06-30")
    rounds = 200
    t0 = time.perf_counter()
    for _ in range(rounds):
        for s in schemes:
            evaluate(s, docs, facts, as_of="2025-06-30")
    per_eval = (time.perf_counter() - t0) / (rounds * len(schemes))
    per_bundle = per_eval * len(schemes)
    types = sorted({d.type for d in docs})
    report(
        [
            ("bundle", f"{len(docs)} generated PDFs, {len(types)} document types"),
            ("extraction of the bundle (baseline)", f"{extract_s:.2f} s"),
            ("one evaluation (one scheme)", f"{per_eval * 1000:.3f} ms  (mean of {rounds * len(schemes)})"),
            ("all five schemes", f"{per_bundle * 1000:.2f} ms"),
            ("five evaluations / extraction", f"{per_bundle / extract_s:.5f}x  (target: negligible, < 0.01x)"),
        ]
    )


if __name__ == "__main__":
    main()
