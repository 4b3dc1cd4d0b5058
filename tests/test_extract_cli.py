"""`intake extract FILE... [--json]` end to end: the contract's JSON, exit codes, the readable table."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from corpus.documents import render

ROOT = Path(__file__).resolve().parent.parent
INTAKE = [sys.executable, "-m", "cli"]


def run(*args, cwd=None):
    return subprocess.run(INTAKE + list(args), capture_output=True, text=True, timeout=120, cwd=cwd or ROOT)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("extract")
    (d / "license.pdf").write_bytes(render("license_beside", "pdf"))
    (d / "report.docx").write_bytes(render("test_report_cells", "docx"))
    (d / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n")  # truncated
    return d


def test_json_is_the_contract(files):
    r = run("extract", str(files / "license.pdf"), str(files / "report.docx"), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [o["file"] for o in out] == ["license.pdf", "report.docx"]
    lic, rep = out
    assert lic["sha256"] == hashlib.sha256((files / "license.pdf").read_bytes()).hexdigest()
    assert lic["type"] == "business_license" and lic["pages"] == 1 and lic["ocr"] is False and lic["error"] is None
    org = lic["fields"]["org_name"]
    assert org["value"] == "天津滨海精密机械有限公司" and org["page"] == 1 and "天津滨海精密机械有限公司" in org["text"]
    assert 0 < org["confidence"] <= 1
    assert lic["fields"]["uscc"]["value"] == "91120116MA05T3K21X"
    assert isinstance(lic["warnings"], list)
    assert rep["type"] == "test_report"
    ind = rep["fields"]["indicators"]["value"]
    assert set(ind[0]) == {"name", "requirement", "measured", "unit", "verdict", "margin"}
    assert rep["fields"]["indicators"]["page"] == 2


def test_unreadable_and_missing_files_are_listed_with_errors_and_exit_3(files):
    r = run("extract", str(files / "broken.pdf"), str(files / "nothere.pdf"), str(files / "license.pdf"), "--json")
    assert r.returncode == 3
    out = json.loads(r.stdout)
    assert [o["file"] for o in out] == ["broken.pdf", "nothere.pdf", "license.pdf"]
    assert out[0]["error"] and "broken.pdf" in out[0]["error"]
    assert out[1]["error"] and "nothere.pdf" in out[1]["error"]
    assert out[2]["error"] is None and out[2]["fields"]["org_name"]["value"] == "天津滨海精密机械有限公司"
    assert "broken.pdf" in r.stderr and "nothere.pdf" in r.stderr


def test_no_file_is_a_usage_error():
    r = run("extract")
    assert r.returncode == 2


def test_readable_output_is_a_table_per_file(files, tmp_path):
    bad = tmp_path / "bad-uscc.docx"
    from docgen import docx_bytes

    bad.write_bytes(docx_bytes(["营业执照", "名称：天津某某科技有限公司", "统一社会信用代码：91120116MA05T3K210"]))
    r = run("extract", str(files / "license.pdf"), str(files / "report.docx"), str(bad))
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "license.pdf" in text and "business_license" in text
    assert "org_name" in text and "天津滨海精密机械有限公司" in text
    assert "warning" not in text.split("bad-uscc")[0]
    assert "抗拉强度" in text and "270~350" in text  # the indicator table is shown
    assert "warning" in text and "91120116MA05T3K210" in text  # the invalid USCC is reported, not used
