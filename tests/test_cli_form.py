"""`intake form`: files in, pre-filled form out; the filled form read back on the next run."""

from __future__ import annotations

import io
import json
import shutil

import docx
import pytest
from click.testing import CliRunner
from docgen import Grid, pdf_bytes
from formbundles import kv_rows, open_docx, rows_by_item, table_with_header

from cli import cli

NAME = "天津市海河精密机械有限公司"


@pytest.fixture()
def bundle(tmp_path):
    files = {
        "license.pdf": [
            [
                "营业执照",
                "统一社会信用代码 91120116MA05K1XM8B",
                f"名称 {NAME}",
                "类型 有限责任公司",
                "法定代表人 王建国",
                "住所 天津市滨海新区黄海路8号",
                "成立日期 2012年05月16日",
                "登记机关 天津市滨海新区市场监督管理局",
            ]
        ],
        "qms.pdf": [
            [
                "质量管理体系认证证书",
                "证书编号：00124Q31234R2M",
                f"兹证明 {NAME}",
                "质量管理体系符合 GB/T 19001-2016/ISO 9001:2015",
                "认证范围：精密齿轮的设计和生产",
                "有效期至：2026年03月31日",
                "发证日期：2023年04月01日",
                "中质协质量保证中心",
            ]
        ],
        "report.pdf": [
            [
                "检验报告",
                "报告编号：TJ2024-0815",
                f"委托单位：{NAME}",
                "样品名称：精密齿轮",
                "检验依据：GB/T 10095.1-2022",
                "签发日期：2024年06月01日",
                Grid([["检验项目", "标准要求", "实测值", "单项判定"], ["齿距偏差", "≤10μm", "8μm", "合格"]]),
            ]
        ],
    }
    paths = []
    for name, pages in files.items():
        (tmp_path / name).write_bytes(pdf_bytes(pages))
        paths.append(str(tmp_path / name))
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps(
            {"form": {"contact_person": "李晓梅", "phone": "022-66881234"}, "declarations": {"jinzhi.4.3": True}},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return tmp_path, paths, str(facts)


def _run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_form_from_files_and_facts(bundle):
    tmp, paths, facts = bundle
    out = tmp / "申请书.docx"
    r = _run(
        "form", "--scheme", "jinzhi", "--facts", facts, "--as-of", "2025-06-01", *paths, "--out", str(out), "--json"
    )
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["form"] == str(out)
    kv = kv_rows(open_docx(out))
    assert kv["单位名称"][0] == NAME and kv["联系人"][0] == "李晓梅"
    assert any("统一社会信用代码" in m or "牌号/规格" in m for m in summary["missing"])
    assert {d["file"] for d in summary["documents"]} == {"license.pdf", "qms.pdf", "report.pdf"}
    d = open_docx(out)
    rows = rows_by_item(d, table_with_header(d, "条目"))
    assert "qms.pdf" in rows["jinzhi.4.2"][2].text
    if summary["outcome"] is not None:  # the checklists engine is installed: verdicts are in the rows
        assert rows["jinzhi.3.1.reg"][5].text == "满足"
        assert rows["jinzhi.4.2"][5].text == "需人工审核"  # a certificate shows a QMS, not that it is 完善
        assert rows["jinzhi.4.3"][5].text == "需人工审核"  # a declaration alone is never 满足


def test_unreadable_file_still_writes_the_form_exit_3(bundle):
    tmp, paths, _ = bundle
    (tmp / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    out = tmp / "f.docx"
    r = _run("form", "--scheme", "jinzhi", *paths, str(tmp / "broken.pdf"), str(tmp / "absent.pdf"), "--out", str(out))
    assert r.exit_code == 3
    assert "broken.pdf" in r.stderr and "absent.pdf" in r.stderr
    rows = table_with_header(open_docx(out), "序号").rows[1:]
    assert [c.cells[1].text for c in rows][-2:] == ["broken.pdf", "absent.pdf"]
    assert rows[-1].cells[4].text.startswith("读取失败")


def test_no_files_gives_a_blank_form(tmp_path):
    r = _run("form", "--scheme", "trace", "--out", str(tmp_path / "blank.docx"))
    assert r.exit_code == 0, r.output
    assert all(v == "" for v, _, _ in kv_rows(open_docx(tmp_path / "blank.docx")).values())


@pytest.mark.parametrize(
    "args, message",
    [
        (["--scheme", "shanghai"], "未知的评价方案"),
        (["--scheme", "jinzhi", "--facts", "MISSING"], "无法读取"),
        (["--scheme", "jinzhi", "--facts", "BADJSON"], "JSON"),
    ],
)
def test_bad_arguments_exit_2(tmp_path, args, message):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    args = [
        a.replace("MISSING", str(tmp_path / "nope.json")).replace("BADJSON", str(tmp_path / "bad.json")) for a in args
    ]
    r = _run("form", *args, "--out", str(tmp_path / "f.docx"))
    assert r.exit_code == 2 and message in r.output
    assert not (tmp_path / "f.docx").exists()


def test_out_must_be_docx(tmp_path):
    r = _run("form", "--scheme", "jinzhi", "--out", str(tmp_path / "f.pdf"))
    assert r.exit_code == 2 and ".docx" in r.output


def test_filled_form_counts_in_the_next_run(bundle):
    tmp, paths, _ = bundle
    first = tmp / "first.docx"
    assert _run("form", "--scheme", "jinzhi", *paths, "--out", str(first)).exit_code == 0
    d = docx.Document(str(first))  # the applicant completes it in Word: the row they read as 4 第4项 …
    for t in d.tables:
        for row in t.rows:
            if row.cells[0].text == "联系人":
                row.cells[1].text = "陈强"
            if row.cells[0].text == "4 第4项" and row.cells[1].text.startswith("4 第4项 近三年内无较大"):
                row.cells[6].text = "是"
    d.save(str(tmp / "completed.docx"))
    second = tmp / "second.docx"
    r = _run("form", "--scheme", "jinzhi", *paths, str(tmp / "completed.docx"), "--out", str(second), "--json")
    assert r.exit_code == 0, r.output
    kv = kv_rows(open_docx(second))
    assert kv["联系人"][0] == "陈强" and "completed.docx" in kv["联系人"][2]
    d = open_docx(second)
    assert rows_by_item(d, table_with_header(d, "条目"))["jinzhi.4.4"][6].text == "是"
    types = {d["file"]: d["type"] for d in json.loads(r.stdout)["documents"]}
    assert types["completed.docx"] == "application_form"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_pdf_output(tmp_path):
    r = _run("form", "--scheme", "credit", "--out", str(tmp_path / "f.docx"), "--pdf")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "f.pdf").read_bytes()[:5] == b"%PDF-"


def test_pdf_without_libreoffice_says_what_to_install(tmp_path, monkeypatch):
    import forms.pdf

    monkeypatch.setattr(forms.pdf, "soffice", lambda: None)
    r = _run("form", "--scheme", "credit", "--out", str(tmp_path / "f.docx"), "--pdf")
    assert r.exit_code == 0 and "LibreOffice" in r.stderr
    assert (tmp_path / "f.docx").exists() and not (tmp_path / "f.pdf").exists()
    assert io
