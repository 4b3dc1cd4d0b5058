"""Reading speed and memory, each figure beside a baseline measured in the same run on
the same generated file. Times are CPU seconds (this process + its worker children), the best
of several runs taken in turn, so that other jobs on a shared machine move them little (`python -m benchmarks.bench_extract`).

(a) 200 Chinese text pages, no tables: the full path (worker process + read +
    classify + recognisers) against a bare pypdfium2 text read.       target <= 3x
(b) 200 pages each with a ruled indicator table: the full path against pdfplumber's
    bare `extract_tables` over the same pages.                          target <= 1.3x
(c) peak memory reading a 500-page PDF (every 5th page with a table), in a fresh
    subprocess.                                                         target < 300 MB
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # tests/docgen.py generates the PDFs

from docgen import Grid, pdf_bytes  # noqa: E402

from benchmarks.common import report  # noqa: E402

TEXT_LINES = [
    "质量管理体系认证证书",
    "注册号：00124Q31234R2M",
    "兹证明",
    "天津某某精密机械制造有限公司",
    "统一社会信用代码：91120116MA05K8XX3Q",
    "注册地址：天津市滨海新区高新区海泰发展六道 6 号",
    "质量管理体系符合 GB/T 19001-2016/ISO 9001:2015 标准",
    "认证范围：精密机械零部件的设计、生产和服务",
    "发证日期：2024年6月1日",
    "有效期至：2027年5月31日",
    "本证书信息可在国家认证认可监督管理委员会官方网站查询",
    "营业收入：2023年 13,500.00 万元，2024年 1.62 亿元",
    "净利润：2023年 1,250 万元",
    "用户满意度测评综合得分为 86.5 分，处于“满意”水平。",
]


def _text_pdf(n: int) -> bytes:
    para = "。".join(TEXT_LINES)
    return pdf_bytes([[f"第 {i} 页"] + TEXT_LINES + [para, para] for i in range(1, n + 1)])


def _indicator_table(i: int) -> Grid:
    rows = [["序号", "检验项目", "标准要求", "实测值", "单项判定"]]
    for k, (name, req, val) in enumerate(
        [
            ("抗拉强度 MPa", "≥350", f"{380 + i % 7}"),
            ("屈服强度 MPa", "≥245", "281"),
            ("断后伸长率", "≥20%", "24%"),
            ("硬度 HBW", "≤95", "88"),
            ("铜含量", "≥99.90%", "99.95%"),
            ("杂质总和", "≤0.05%", "0.03%"),
        ],
        start=1,
    ):
        rows.append([str(k), name, req, val, "合格"])
    rows.append(["备注：样品状态良好，检验依据 GB/T 228.1-2021", "", "", "", ""])
    return Grid(rows, merges=[(7, 0, 7, 4)])


def _table_pdf(n: int) -> bytes:
    return pdf_bytes(
        [
            [
                f"检验报告 第 {i} 页",
                "报告编号：ZJ-2024-0031",
                _indicator_table(i),
                "检验结论：所检项目符合 GB/T 5231-2022 要求",
            ]
            for i in range(1, n + 1)
        ]
    )


def _mixed_pdf(n: int) -> bytes:
    para = "。".join(TEXT_LINES)
    return pdf_bytes(
        [[f"第 {i} 页"] + TEXT_LINES + [para] + ([_indicator_table(i)] if i % 5 == 0 else []) for i in range(1, n + 1)]
    )


def best_of(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the forked workers): unlike wall
    time, barely moved by other people's jobs on a shared machine."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def interleaved(fns: dict, runs: int) -> dict:
    """Best CPU time of each function, run in turn so that load from other processes hits
    baseline and candidate alike."""
    best = {k: float("inf") for k in fns}
    for _ in range(runs):
        for k, fn in fns.items():
            t0 = cpu_seconds()
            fn()
            best[k] = min(best[k], cpu_seconds() - t0)
    return best


def bare_pdfium_text(data: bytes) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    for page in pdf:
        tp = page.get_textpage()
        tp.get_text_range()
        tp.close()
        page.close()
    pdf.close()


def bare_plumber_tables(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()


def full_path(name: str, data: bytes) -> None:
    from intake.config import Limits
    from intake.reading.pipeline import extract_files

    [facts] = extract_files([(name, data)], Limits(max_pages=1000, file_seconds=600))
    assert facts.error is None, facts.error


def plumber_parses(data: bytes) -> tuple[int, int]:
    """(pdfplumber page parses, pages with tables) in one read: each ruled page parsed once."""
    import pdfplumber.page

    from extractors.read import ReadLimits, read_document

    calls = 0
    original = pdfplumber.page.Page.parse_objects

    def counting(self):
        nonlocal calls
        calls += 1
        return original(self)

    pdfplumber.page.Page.parse_objects = counting
    try:
        doc = read_document(data, "tables.pdf", ReadLimits(max_pages=1000))
    finally:
        pdfplumber.page.Page.parse_objects = original
    return calls, sum(1 for p in doc.pages if p.tables)


PEAK = """
import json, sys


def hwm():  # peak RSS of this process image; ru_maxrss would include the parent's, inherited at fork
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024


start = hwm()
sys.path.insert(0, {tests!r})
from extractors.read import read_document, ReadLimits
from extractors.extract import extract_facts
import pdfplumber.table
base = hwm()
data = open({path!r}, "rb").read()
doc = read_document(data, "mixed.pdf", ReadLimits(max_pages=1000))
extract_facts(doc)
print(json.dumps({{"start": start, "base": base, "peak": hwm(),
                  "pages": len(doc.pages), "tables": sum(len(p.tables) for p in doc.pages)}}))
"""


def peak_memory(data: bytes, tmp: Path) -> dict:
    path = tmp / "mixed-500.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        [sys.executable, "-c", PEAK.format(tests=str(HERE.parent / "tests"), path=str(path))],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def read_only(data: bytes) -> None:
    from extractors.read import ReadLimits, read_document

    read_document(data, "x.pdf", ReadLimits(max_pages=1000))


def with_plumber_tables(fn):
    import os

    os.environ["INTAKE_PDF_TABLES"] = "pdfplumber"  # read by the forked worker
    try:
        return fn()
    finally:
        del os.environ["INTAKE_PDF_TABLES"]


def main() -> int:
    import tempfile

    what = "read + classify + recognisers, in a worker process"
    t0 = time.perf_counter()
    text200, table200, mixed500 = _text_pdf(200), _table_pdf(200), _mixed_pdf(500)
    print(f"  generated fixtures in {time.perf_counter() - t0:.1f} s; full path = {what}")

    full_path("warm.pdf", _text_pdf(2))  # imports and caches, as in a running service
    a = interleaved(
        {
            "base": lambda: bare_pdfium_text(text200),
            "full": lambda: full_path("text.pdf", text200),
            "read": lambda: read_only(text200),
        },
        runs=15,
    )
    a_base, a_full, a_read = a["base"], a["full"], a["read"]
    b = interleaved(
        {
            "base": lambda: bare_plumber_tables(table200),
            "full": lambda: full_path("tables.pdf", table200),
            "plumber": lambda: with_plumber_tables(lambda: full_path("tables.pdf", table200)),
        },
        runs=2,
    )
    b_base, b_full, b_plumber = b["base"], b["full"], b["plumber"]
    parses, with_tables = plumber_parses(table200)
    with tempfile.TemporaryDirectory() as tmp:
        mem = peak_memory(mixed500, Path(tmp))
    rows = [
        ("(a) 200 text pages: bare pypdfium2 text", f"{a_base:.3f} s CPU ({200 / a_base:.0f} pages/s)"),
        ("(a) 200 text pages: full path", f"{a_full:.3f} s  = {a_full / a_base:.2f}x  (target <= 3x)"),
        ("(a) 200 text pages: read_document alone", f"{a_read:.3f} s  = {a_read / a_base:.2f}x"),
        ("(b) 200 table pages: bare pdfplumber extract_tables", f"{b_base:.3f} s CPU ({200 / b_base:.1f} pages/s)"),
        ("(b) 200 table pages: full path", f"{b_full:.3f} s  = {b_full / b_base:.2f}x  (target <= 1.3x)"),
        ("(b) same, INTAKE_PDF_TABLES=pdfplumber", f"{b_plumber:.3f} s  = {b_plumber / b_base:.2f}x"),
        ("(b) pdfplumber page parses / pages with tables", f"{parses} / {with_tables} (no page parsed twice)"),
        (
            "(c) 500-page PDF: peak RSS (interpreter+imports)",
            f"{mem['peak']:.0f} MB (bare interpreter {mem['start']:.0f} MB, after imports {mem['base']:.0f} MB; "
            f"{mem['pages']} pages, "
            f"{mem['tables']} tables)  (target < 300 MB)",
        ),
    ]
    report(rows)
    ok = a_full / a_base <= 3 and b_full / b_base <= 1.3 and mem["peak"] < 300 and parses <= with_tables
    print("  all targets met" if ok else "  SOME TARGET MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
