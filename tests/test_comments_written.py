"""The register quotes every comment exactly as the commenter wrote it (full-width punctuation, quotes,
brackets), from DOCX, legacy .doc and PDF sheets; normalisation is for matching only."""

from __future__ import annotations

import csv
import html as htmllib
import json
import re
import subprocess

import docx
import pytest
from click.testing import CliRunner
from comment_sheets import draft_markdown, seed_sheet
from comment_written import exact_rate, sheets, squeeze
from docgen import Grid, pdf_bytes

from cli import cli
from extractors.readers import office
from extractors.text import normalize

SHEETS = sheets(1)  # the test sheets (the held-out measurement uses other seeds: see docs/comments.md)
COMMENTS = [r[2] for _, rows in SHEETS for r in rows]
REASONS = [r[3] for _, rows in SHEETS for r in rows if r[3]]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def soffice_convert(paths, target: str, outdir, profile) -> list:
    subprocess.run(
        [
            office.soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
        ]
        + [str(p) for p in paths],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return sorted(outdir.glob(f"*.{target}"))


@pytest.fixture(scope="module")
def docx_sheets(tmp_path_factory):
    d = tmp_path_factory.mktemp("docx")
    for i, (unit, rows) in enumerate(SHEETS):
        (d / f"sheet{i}.docx").write_bytes(seed_sheet(rows, unit=unit, stamp=unit, date=None))
    return sorted(d.glob("*.docx"))


def pdf_sheets_reportlab(tmp_path):
    from comment_sheets import HEAD, TITLE

    out = []
    for i, (unit, rows) in enumerate(SHEETS):
        top = [
            ["单位名称或专家姓名", unit, "单位盖章或专家签名", unit],
            ["联系人", "张三", "联系方式", "13800000000"],
            ["标准名称", TITLE, "", ""],
            list(HEAD),
        ]
        p = tmp_path / f"sheet{i}.pdf"
        p.write_bytes(pdf_bytes([["团体标准制定征求意见表", Grid(top + rows, merges=[(2, 1, 2, 3)])]]))
        out.append(p)
    return out


def register(sheet_files, tmp_path):
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "draft.md").write_bytes(draft_markdown())
    out, csv_out = tmp_path / "register.docx", tmp_path / "register.csv"
    r = run(
        "comments",
        "register",
        "--draft",
        tmp_path / "draft.md",
        *sheet_files,
        "--out",
        out,
        "--csv",
        csv_out,
        "--data",
        tmp_path / "var",
        "--json",
    )
    assert r.exit_code == 0, r.output
    table = docx.Document(str(out)).tables[0]
    docx_rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    with open(csv_out, encoding="utf-8-sig", newline="") as f:
        csv_rows = list(csv.reader(f))[1:]
    return docx_rows, csv_rows


def assert_quoted(rows, what: str):
    comments, reasons = [r[2] for r in rows], [r[3] for r in rows if r[3]]
    for want in COMMENTS:
        assert squeeze(want) in [squeeze(c) for c in comments], (what, want, comments)
    assert exact_rate(COMMENTS, comments) == (len(COMMENTS), len(COMMENTS)), what
    assert exact_rate(REASONS, reasons) == (len(REASONS), len(REASONS)), what


def test_the_sheets_carry_what_normalising_would_change():
    """The fixture is a real test: NFKC would alter most of these comments."""
    changed = [c for c in COMMENTS if squeeze(normalize(c)) != squeeze(c)]
    assert len(changed) >= 0.8 * len(COMMENTS)
    assert any("“" in c for c in COMMENTS) and any("（" in c for c in COMMENTS) and any("，" in c for c in COMMENTS)


def test_parse_json_keeps_the_normalised_comment_and_adds_the_written_one(docx_sheets):
    r = run("comments", "parse", docx_sheets[1], "--json")
    assert r.exit_code == 0, r.output
    [obj] = json.loads(r.stdout)
    rows = SHEETS[1][1]
    assert [c["comment_raw"] for c in obj["comments"]] == [x[2] for x in rows]
    assert [c["reason_raw"] for c in obj["comments"]] == [x[3] for x in rows]
    for c in obj["comments"]:  # the contract's `comment`: normalised, for matching
        assert c["comment"] == normalize(c["comment_raw"])


def test_register_docx_and_csv_quote_docx_sheets_exactly(docx_sheets, tmp_path):
    docx_rows, csv_rows = register(docx_sheets, tmp_path)
    assert_quoted(docx_rows, "docx register")
    assert_quoted(csv_rows, "csv register")


def test_register_quotes_pdf_sheets_exactly(tmp_path):
    docx_rows, csv_rows = register(pdf_sheets_reportlab(tmp_path), tmp_path)
    assert_quoted(docx_rows, "register from reportlab PDFs")
    assert_quoted(csv_rows, "csv from reportlab PDFs")


@pytest.mark.libreoffice
@pytest.mark.skipif(not office.soffice(), reason="LibreOffice (soffice) is not installed")
def test_register_quotes_word_exported_pdf_and_legacy_doc_exactly(docx_sheets, tmp_path):
    """Word/LibreOffice write “ ” ‘ ’ ℃ with the western font, as runs out of reading order: still quoted
    in order. The .doc goes DOCX → ODT → DOC (LibreOffice's direct export drops python-docx tables)."""
    profile = tmp_path / "profile"
    pdfs = soffice_convert(docx_sheets, "pdf", tmp_path / "pdf", profile)
    odts = soffice_convert(docx_sheets, "odt", tmp_path / "odt", profile)
    docs = soffice_convert(odts, "doc", tmp_path / "doc", profile)
    assert len(pdfs) == len(docs) == len(SHEETS)
    for files, what in ((pdfs, "word-exported PDF"), (docs, "legacy .doc")):
        docx_rows, csv_rows = register(files, tmp_path / what.replace(" ", "_"))
        assert_quoted(docx_rows, what)
        assert_quoted(csv_rows, what)


def test_register_page_quotes_uploaded_sheets_exactly(docx_sheets, tmp_path):
    from web_helpers import login, make_client, page_csrf

    with make_client(tmp_path) as client:
        login(client, "com")
        token = page_csrf(client.get("/committee").text)
        r = client.post(
            "/committee/drafts",
            data={"csrf": token, "title": "", "deadline": "2026-01-08"},
            files={"file": ("draft.md", draft_markdown(), "text/markdown")},
            follow_redirects=False,
        )
        draft_id = int(r.headers["location"].rstrip("/").split("/")[-1].split("?")[0])
        page = client.get(f"/drafts/{draft_id}").text
        files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in docx_sheets]
        r = client.post(f"/drafts/{draft_id}/sheets", data={"csrf": page_csrf(page)}, files=files)
        assert r.status_code == 200, r.text
        shown = htmllib.unescape(client.get(f"/committee/drafts/{draft_id}").text)
    texts = re.findall(r'<div class="comment-text">(.*?)</div>', shown, re.S)
    assert exact_rate(COMMENTS, texts) == (len(COMMENTS), len(COMMENTS))
    reasons = [squeeze(x) for x in re.findall(r'<div class="meta written">理由：(.*?)</div>', shown, re.S)]
    assert all(squeeze(r) in reasons for r in REASONS)


def test_the_units_name_is_quoted_as_written_too(tmp_path):
    unit = "中国某某检验认证集团（天津）有限公司"
    (tmp_path / "s.docx").write_bytes(seed_sheet([["1", "8.2", "有效期（3年）过长。", ""]], unit=unit, stamp=unit))
    docx_rows, csv_rows = register([tmp_path / "s.docx"], tmp_path / "reg")
    assert docx_rows[0][4] == unit and csv_rows[0][4] == unit
    assert docx_rows[0][2] == "有效期（3年）过长。"
