"""`intake comments …` end to end: JSON per the contract, exit codes, bad files, .doc via LibreOffice."""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from comment_sheets import TITLE, draft_docx, draft_markdown, seed_sheet
from docgen import docx_bytes, encrypted_office_bytes

from cli import cli
from extractors.readers import office

CAMPAIGN = "我们坚决反对第8.2条将标识有效期统一规定为3年的做法，建议改为由评价机构根据产品类别确定有效期。"


def run(*args, data=None):
    result = CliRunner().invoke(cli, list(args) + (["--data", str(data)] if data else []))
    return result


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "draft.md").write_bytes(draft_markdown())
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "甲.docx").write_bytes(
        seed_sheet([["1", "8.2", CAMPAIGN, "x"], ["2", "第13章", "删除。", ""]], unit="甲公司", stamp="甲公司")
    )
    (sheets / "乙.docx").write_bytes(
        seed_sheet(
            [["1", "第 8.2 条", CAMPAIGN, "x"], ["2", "7.2.5 a)", "公示期明确。", ""]],
            unit="乙公司",
            stamp="乙公司",
            date="2026年1月12日",
        )
    )
    (sheets / "丙.docx").write_bytes(seed_sheet([["1", "8.2", CAMPAIGN, ""]], unit="丙研究院", stamp="丙研究院"))
    (sheets / "broken.docx").write_bytes(b"PK\x03\x04broken")
    (sheets / "~$甲.docx").write_bytes(b"lock file")  # Word's lock file: skipped
    (sheets / "征求意见稿.md").write_bytes(draft_markdown())  # the draft itself dropped in the folder: skipped
    return tmp_path


def test_parse_json_per_contract(folder):
    r = run("comments", "parse", str(folder / "sheets" / "乙.docx"), "--json")
    assert r.exit_code == 0, r.output
    [obj] = json.loads(r.output)
    for key in (
        "file",
        "sha256",
        "error",
        "standard_title",
        "submitter",
        "submitter_kind",
        "contact_person",
        "contact",
        "signed",
        "comments",
        "warnings",
    ):
        assert key in obj
    assert obj["file"] == "乙.docx" and obj["standard_title"] == TITLE and obj["submitter_kind"] == "organisation"
    assert [(c["seq"], c["clause"], c["clause_raw"]) for c in obj["comments"]] == [
        (1, "8.2", "第 8.2 条"),
        (2, "7.2.5a", "7.2.5 a)"),
    ]
    assert {"seq", "clause", "clause_raw", "comment", "reason"} <= set(obj["comments"][0])


def test_parse_bad_files_exit_3_and_still_list_everything(folder, tmp_path):
    enc = tmp_path / "password.docx"
    enc.write_bytes(encrypted_office_bytes())
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    r = run(
        "comments",
        "parse",
        str(folder / "sheets" / "甲.docx"),
        str(enc),
        str(empty),
        str(folder / "sheets" / "broken.docx"),
        str(tmp_path / "missing.docx"),
        "--json",
    )
    assert r.exit_code == 3
    out = json.loads(r.stdout)
    assert [o["file"] for o in out] == ["甲.docx", "password.docx", "empty.docx", "broken.docx", "missing.docx"]
    assert out[0]["error"] is None and len(out[0]["comments"]) == 2
    assert "密码" in out[1]["error"] and out[1]["error"].startswith("password.docx")
    assert all(o["error"] for o in out[1:])


def test_parse_with_draft_flags_invalid_references(folder):
    r = run("comments", "parse", str(folder / "sheets" / "甲.docx"), "--draft", str(folder / "draft.md"), "--json")
    [obj] = json.loads(r.output)
    assert [(c["clause"], c["valid"], c["nearest"]) for c in obj["comments"]] == [
        ("8.2", True, None),
        ("13", False, "12"),
    ]


def test_register_a_folder_then_dispose_and_regenerate(folder, tmp_path):
    data = tmp_path / "var"
    out = tmp_path / "register.docx"
    r = run(
        "comments",
        "register",
        "--draft",
        str(folder / "draft.md"),
        str(folder / "sheets"),
        "--out",
        str(out),
        "--csv",
        str(tmp_path / "register.csv"),
        "--json",
        data=data,
    )
    assert r.exit_code == 3, r.output  # broken.docx could not be read …
    s = json.loads(r.stdout)
    assert s["standard_title"] == TITLE
    assert s["sheets"] == 3 and s["submitters"] == 3 and s["comments"] == 5
    assert s["comments_without_valid_clause"] == [
        {"file": "甲.docx", "seq": 2, "clause_raw": "第13章", "nearest": "12"}
    ]
    assert sorted(sorted((m["file"], m["seq"]) for m in g) for g in s["duplicate_groups"]) == [
        [("丙.docx", 1), ("乙.docx", 1), ("甲.docx", 1)]
    ]
    assert s["late"] == ["乙.docx"]  # dated 2026-01-12, deadline 2026-01-08 from the notice
    assert "broken.docx" in {f["file"] for f in s["files"] if f["error"]}  # … but is listed, the rest processed
    assert "~$甲.docx" not in {f["file"] for f in s["files"]}
    assert [f["status"] for f in s["files"] if f["file"] == "征求意见稿.md"] == ["skipped"]
    assert out.exists() and (tmp_path / "register.csv").exists()

    listing = json.loads(run("comments", "list", "--draft", str(folder / "draft.md"), "--json", data=data).output)
    campaign = [c["id"] for c in listing if c["clause"] == "8.2"]
    r = run(
        "comments",
        "dispose",
        "--draft",
        str(folder / "draft.md"),
        str(campaign[0]),
        "--group",
        "--decision",
        "未采纳",
        data=data,
    )
    assert r.exit_code == 2 and "须说明理由" in r.output  # a reason is required
    r = run(
        "comments",
        "dispose",
        "--draft",
        str(folder / "draft.md"),
        str(campaign[0]),
        "--group",
        "--decision",
        "未采纳",
        "--reason",
        "有效期与同类评价一致",
        "--by",
        "王伟",
        data=data,
    )
    assert r.exit_code == 0, r.output
    r = run(
        "comments",
        "dispose",
        "--draft",
        str(folder / "draft.md"),
        "--file",
        "乙.docx",
        "--seq",
        "2",
        "--decision",
        "采纳",
        data=data,
    )
    assert r.exit_code == 0, r.output

    # the same sheets again: nothing duplicated; dispositions now in the register
    r = run(
        "comments",
        "register",
        "--draft",
        str(folder / "draft.md"),
        str(folder / "sheets" / "甲.docx"),
        str(folder / "sheets" / "乙.docx"),
        str(folder / "sheets" / "丙.docx"),
        "--out",
        str(out),
        "--json",
        data=data,
    )
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["comments"] == 5 and {f["status"] for f in s["files"]} == {"duplicate"}
    assert s["decisions"] == {"采纳": 1, "部分采纳": 0, "未采纳": 3, "待处理": 1}
    import docx

    cells = [row.cells[5].text for row in docx.Document(str(out)).tables[0].rows[1:]]
    assert cells.count("未采纳：有效期与同类评价一致") == 3 and "采纳" in cells


def test_register_bad_arguments_exit_2(folder, tmp_path):
    r = run(
        "comments",
        "register",
        "--draft",
        str(folder / "draft.md"),
        "--out",
        str(tmp_path / "r.docx"),
        "--deadline",
        "next week",
        data=tmp_path / "var",
    )
    assert r.exit_code == 2
    r = run(
        "comments", "dispose", "--draft", str(folder / "draft.md"), "--decision", "同意", "1", data=tmp_path / "var"
    )
    assert r.exit_code == 2


def test_template_round_trip(tmp_path):
    (tmp_path / "draft.docx").write_bytes(draft_docx())
    out = tmp_path / "征求意见表.docx"
    r = run("comments", "template", "--draft", str(tmp_path / "draft.docx"), "--out", str(out))
    assert r.exit_code == 0, r.output
    import docx

    t = docx.Document(str(out)).tables[0]
    assert [c.text for c in t.rows[3].cells] == ["序号", "章节", "修改意见", "具体理由"]
    assert t.rows[2].cells[1].text == TITLE and t.rows[0].cells[0].text == "单位名称或专家姓名"
    [obj] = json.loads(run("comments", "parse", str(out), "--json").output)
    assert obj["error"] is None and obj["standard_title"] == TITLE and obj["comments"] == [] and obj["signed"] is False


def test_clauses_command(tmp_path):
    (tmp_path / "draft.md").write_bytes(draft_markdown())
    r = run("comments", "clauses", "--draft", str(tmp_path / "draft.md"), "--json")
    tree = json.loads(r.output)
    assert tree["title"] == TITLE and tree["deadline"] == "2026-01-08"
    assert "7.2.5a" in [c["id"] for c in tree["clauses"]]


def test_large_sheet_full_of_images(tmp_path):
    """A sheet padded with ~20 MB of photos: read within the limits, its comment found."""
    import docx
    from docx.shared import Cm
    from PIL import Image

    d = docx.Document()
    d.add_paragraph("团体标准制定征求意见表")
    t = d.add_table(rows=3, cols=4)
    for r, vals in enumerate(
        [
            ["单位名称或专家姓名", "某某公司", "单位盖章或专家签名", "某某公司"],
            ["序号", "章节", "修改意见", "具体理由"],
            ["1", "8.2", "有效期过长。", "见照片"],
        ]
    ):
        for i, v in enumerate(vals):
            t.cell(r, i).text = v
    for _ in range(10):
        img = io.BytesIO()
        Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3)).save(img, "PNG")
        d.add_picture(img, width=Cm(10))
    path = tmp_path / "photos.docx"
    d.save(str(path))
    assert path.stat().st_size > 15 * 1024 * 1024
    r = run("comments", "parse", str(path), "--json")
    assert r.exit_code == 0, r.output
    [obj] = json.loads(r.stdout)
    assert [c["clause"] for c in obj["comments"]] == ["8.2"]


@pytest.mark.libreoffice
@pytest.mark.skipif(not office.soffice(), reason="LibreOffice (soffice) is not installed")
def test_legacy_doc_sheet_via_libreoffice(tmp_path):
    src = tmp_path / "sheet.docx"
    src.write_bytes(
        seed_sheet(
            [["1", "第4章", "建议增加信用要求。", "信用是基础。"], ["2", "8.2", "有效期建议改为2年。", ""]],
            unit="老单位",
            stamp="老单位（章）",
        )
    )
    # DOCX -> ODT -> DOC: LibreOffice's direct DOCX -> DOC export drops python-docx's tables
    for target, name in (("odt", "sheet.docx"), ("doc", "sheet.odt")):
        subprocess.run(
            [
                office.soffice(),
                f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                str(tmp_path / name),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    assert (tmp_path / "sheet.doc").read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    r = run("comments", "parse", str(tmp_path / "sheet.doc"), "--json")
    assert r.exit_code == 0, r.output
    [obj] = json.loads(r.stdout)
    assert obj["submitter"] == "老单位" and obj["signed"] is True
    assert [(c["clause"], c["comment"]) for c in obj["comments"]] == [
        ("4", "建议增加信用要求。"),
        ("8.2", "有效期建议改为2年。"),
    ]


def test_stamp_image_in_the_signature_cell_counts_as_signed(tmp_path):
    import docx
    from docx.shared import Cm
    from PIL import Image

    def sheet(with_stamp: bool) -> bytes:
        d = docx.Document()
        d.add_paragraph("团体标准制定征求意见表")
        t = d.add_table(rows=3, cols=4)
        for r, vals in enumerate(
            [
                ["单位名称或专家姓名", "某某公司", "单位盖章或专家签名", ""],
                ["序号", "章节", "修改意见", "具体理由"],
                ["1", "8.2", "有效期过长。", ""],
            ]
        ):
            for i, v in enumerate(vals):
                t.cell(r, i).text = v
        img = io.BytesIO()
        Image.new("RGB", (120, 120), "red").save(img, "PNG")
        if with_stamp:
            t.cell(0, 3).paragraphs[0].add_run().add_picture(img, width=Cm(2))
        else:
            d.add_picture(img, width=Cm(2))  # a picture elsewhere is not a stamp
        buf = io.BytesIO()
        d.save(buf)
        return buf.getvalue()

    (tmp_path / "stamped.docx").write_bytes(sheet(True))
    (tmp_path / "unstamped.docx").write_bytes(sheet(False))
    out = json.loads(
        run("comments", "parse", str(tmp_path / "stamped.docx"), str(tmp_path / "unstamped.docx"), "--json").stdout
    )
    assert [o["signed"] for o in out] == [True, False]


@pytest.mark.libreoffice
@pytest.mark.skipif(not office.soffice(), reason="LibreOffice (soffice) is not installed")
def test_register_page_fields_render_as_real_page_numbers(folder, tmp_path):
    """Converted by LibreOffice, every page says 共 N 页 第 k 页 with real numbers."""
    import pypdfium2 as pdfium

    out = tmp_path / "register.docx"
    many = [[str(i), "8.2", f"第{i}条意见：有效期与监督周期的关系需要进一步说明。" * 3, "理由"] for i in range(1, 41)]
    (folder / "sheets" / "多.docx").write_bytes(seed_sheet(many, unit="多意见公司", stamp="多意见公司"))
    run(
        "comments",
        "register",
        "--draft",
        str(folder / "draft.md"),
        str(folder / "sheets"),
        "--out",
        str(out),
        data=tmp_path / "var",
    )
    subprocess.run(
        [
            office.soffice(),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = pdfium.PdfDocument(str(tmp_path / "register.pdf"))
    n = len(pdf)
    assert n >= 2
    for k in range(n):
        text = pdf[k].get_textpage().get_text_range().replace(" ", "")
        assert f"共{n}页第{k + 1}页" in text
        assert "标准项目名称" in text


def test_lateness_follows_written_date_then_received_then_file_time_and_no_state_is_kept(tmp_path, monkeypatch):
    """Undated sheets sent in time by e-mail and registered later are on time with --received; a sheet's
    own date still wins; without --data nothing is kept, so a re-run answers from its own inputs."""
    import tempfile
    import time
    from datetime import datetime

    monkeypatch.chdir(tmp_path)
    (tmp_path / "draft.md").write_bytes(draft_markdown())
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    (sheets / "甲.docx").write_bytes(
        seed_sheet([["1", "8.2", "有效期建议改为2年。", ""]], unit="甲公司", stamp="甲公司", date=None)
    )
    (sheets / "乙.docx").write_bytes(
        seed_sheet([["1", "4", "建议增加信用要求。", ""]], unit="乙公司", stamp="乙公司", date=None)
    )
    (sheets / "丙.docx").write_bytes(
        seed_sheet([["1", "4", "丙的意见。", ""]], unit="丙公司", stamp="丙公司", date="2026年1月12日")
    )
    stamp = time.mktime(datetime(2026, 1, 20, 12).timetuple())  # the files were saved after the deadline
    for f in sheets.iterdir():
        os.utime(f, (stamp, stamp))
    before = {p.name for p in Path(tempfile.gettempdir()).glob("intake-register-*")}

    def register(*extra):
        r = run(
            "comments",
            "register",
            "--draft",
            str(tmp_path / "draft.md"),
            str(sheets),
            "--out",
            str(tmp_path / "r.docx"),
            "--deadline",
            "2026-01-08",
            "--json",
            *extra,
        )
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        return out, {f["file"]: (f["received"], f["received_from"], f["late"]) for f in out["files"]}

    _, by_file = register()  # no --received: the files' time
    assert by_file["甲.docx"] == ("2026-01-20", "file", True)
    assert by_file["丙.docx"] == ("2026-01-12", "sheet", True)
    first, by_file = register("--received", "2026-01-06")
    assert by_file["甲.docx"] == ("2026-01-06", "given", False) and by_file["乙.docx"][2] is False
    assert by_file["丙.docx"] == ("2026-01-12", "sheet", True)  # its own written date wins
    assert first["late"] == ["丙.docx"]
    again, _ = register("--received", "2026-01-06")
    assert again == first  # the same inputs, the same answer (nothing "already imported")
    assert all(f["status"] == "new" for f in again["files"])
    assert not (tmp_path / "var").exists()
    assert {p.name for p in Path(tempfile.gettempdir()).glob("intake-register-*")} == before

    data = tmp_path / "kept"
    register("--received", "2026-01-06", "--data", str(data))
    kept, _ = register("--received", "2026-01-06", "--data", str(data))
    assert {f["status"] for f in kept["files"]} == {"duplicate"} and kept["comments"] == 3


@pytest.mark.libreoffice
@pytest.mark.skipif(not office.soffice(), reason="LibreOffice (soffice) is not installed")
def test_legacy_doc_whose_table_is_flattened_is_read_or_flagged(tmp_path):
    """A .doc whose table came out as one paragraph per cell: the table-less reading finds the comments;
    a .doc with text but nothing readable is flagged 待人工核对 (另存为 .docx …), never a valid empty reply."""
    from comment_sheets import flattened_sheet

    rows = [
        ["1", "第4章", "建议增加“企业信用”要求（含行政处罚记录）。", "信用是基础；"],
        ["2", "8.2", "有效期建议改为2年。", ""],
    ]
    (tmp_path / "flat.docx").write_bytes(docx_bytes(flattened_sheet(rows, unit="老单位")))
    (tmp_path / "lost.docx").write_bytes(docx_bytes(["团体标准制定征求意见表", "（表格内容无法恢复）", "某某"]))
    subprocess.run(
        [
            office.soffice(),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path / "doc"),
            str(tmp_path / "flat.docx"),
            str(tmp_path / "lost.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    flat, lost = tmp_path / "doc" / "flat.doc", tmp_path / "doc" / "lost.doc"
    assert flat.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    out = json.loads(run("comments", "parse", str(flat), str(lost), "--json").stdout)
    assert out[0]["submitter"] == "老单位" and out[0]["review"] is None
    assert [(c["clause"], c["comment_raw"], c["reason_raw"]) for c in out[0]["comments"]] == [
        ("4", rows[0][2], rows[0][3]),
        ("8.2", rows[1][2], ""),
    ]
    assert out[1]["comments"] == [] and "另存为 .docx" in out[1]["review"]
    (tmp_path / "draft.md").write_bytes(draft_markdown())
    r = run(
        "comments",
        "register",
        "--draft",
        str(tmp_path / "draft.md"),
        str(flat),
        str(lost),
        "--out",
        str(tmp_path / "r.docx"),
        "--json",
    )
    summary = json.loads(r.stdout)
    assert summary["sheets"] == 1 and summary["comments"] == 2
    assert [x["file"] for x in summary["needs_review"]] == ["lost.doc"]


@pytest.mark.libreoffice
@pytest.mark.skipif(not office.soffice(), reason="LibreOffice (soffice) is not installed")
def test_stamp_in_a_word_exported_pdf_counts_as_signed(tmp_path):
    """The stamped DOCX saved as PDF (as a unit would e-mail it): the seal picture in the signature cell
    is found in the PDF; a picture elsewhere is not a stamp."""
    import docx
    from comment_sheets import seal_png
    from docx.shared import Cm

    def sheet(with_stamp: bool) -> bytes:
        d = docx.Document()
        d.add_paragraph("团体标准制定征求意见表")
        t = d.add_table(rows=3, cols=4)
        t.style = "Table Grid"
        for r, vals in enumerate(
            [
                ["单位名称或专家姓名", "某某公司", "单位盖章或专家签名", ""],
                ["序号", "章节", "修改意见", "具体理由"],
                ["1", "8.2", "有效期过长。", ""],
            ]
        ):
            for i, v in enumerate(vals):
                t.cell(r, i).text = v
        if with_stamp:
            t.cell(0, 3).paragraphs[0].add_run().add_picture(io.BytesIO(seal_png()), width=Cm(2))
        else:
            d.add_picture(io.BytesIO(seal_png()), width=Cm(2))
        buf = io.BytesIO()
        d.save(buf)
        return buf.getvalue()

    (tmp_path / "stamped.docx").write_bytes(sheet(True))
    (tmp_path / "unstamped.docx").write_bytes(sheet(False))
    subprocess.run(
        [
            office.soffice(),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(tmp_path / "stamped.docx"),
            str(tmp_path / "unstamped.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = json.loads(
        run(
            "comments",
            "parse",
            str(tmp_path / "pdf" / "stamped.pdf"),
            str(tmp_path / "pdf" / "unstamped.pdf"),
            "--json",
        ).stdout
    )
    assert [o["signed"] for o in out] == [True, False]
    assert [c["comment"] for c in out[0]["comments"]] == ["有效期过长。"]
