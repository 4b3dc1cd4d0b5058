"""Legacy word-processor formats through headless LibreOffice (.doc made from a generated DOCX)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from docgen import Grid, docx_bytes

from extractors.read import UnreadableDocument, read_document
from extractors.readers import office
from intake.reading.pipeline import extract_files

needs_soffice = pytest.mark.skipif(not office.soffice(), reason="LibreOffice (soffice) is not installed")

SHEET = [
    "征求意见表",
    Grid([["序号", "章条", "意见"], ["1", "4.2", "跨两行的意见"], ["2", "5.1", ""]], merges=[(1, 2, 2, 2)]),
]


@pytest.fixture(scope="module")
def doc_bytes(tmp_path_factory) -> bytes:
    if not office.soffice():
        pytest.skip("LibreOffice (soffice) is not installed")
    tmp = tmp_path_factory.mktemp("lo")
    (tmp / "sheet.docx").write_bytes(docx_bytes(SHEET))
    # DOCX -> ODT -> DOC: LibreOffice's direct DOCX -> DOC export drops python-docx's tables
    for target, src in (("odt", "sheet.docx"), ("doc", "sheet.odt")):
        subprocess.run(
            [
                office.soffice(),
                f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp),
                str(tmp / src),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return (tmp / "sheet.doc").read_bytes()


@needs_soffice
@pytest.mark.libreoffice
def test_doc_is_converted_and_read(doc_bytes):
    assert doc_bytes.startswith(b"\xd0\xcf\x11\xe0")
    doc = read_document(doc_bytes, "sheet.doc")
    assert doc.format == "doc" and doc.metadata["converted_by"] == "libreoffice"
    if office.offline_prefix():  # converted inside a network namespace where the machine allows one
        assert doc.metadata["conversion_network"] == "off"
    assert doc.pages[0].lines[0].text == "征求意见表"
    [table] = doc.pages[0].tables
    merged = [c for r in table.rows for c in r if c.text == "跨两行的意见"]
    assert len(merged) == 1 and merged[0].rowspan == 2


@needs_soffice
@pytest.mark.libreoffice
def test_rtf_is_read():
    rtf = (
        r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0 SimSun;}}"
        r"\f0 \u33829?\u19994?\u25191?\u29031?\par "  # 营业执照
        r"\u21517?\u31216?: \u22825?\u27941?\u26576?\u26576?\u20844?\u21496?\par}"
    )  # 名称: 天津某某公司
    doc = read_document(rtf.encode("ascii"), "license.rtf")
    assert doc.format == "rtf"
    assert [l.text for l in doc.pages[0].lines] == ["营业执照", "名称: 天津某某公司"]


@needs_soffice
@pytest.mark.libreoffice
def test_doc_named_docx_and_corrupt_doc_in_one_call(doc_bytes):
    broken = doc_bytes[:2048]  # OLE header survives, the streams do not
    good, cut = extract_files([("sheet.docx", doc_bytes), ("cut.doc", broken)])
    assert good.error is None and "扩展名为 .docx，实际为 DOC，已按 DOC 读取" in good.warnings
    assert cut.error and cut.error.startswith("cut.doc: ")


def test_without_libreoffice_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "WordDocument".encode("utf-16-le")
    with pytest.raises(UnreadableDocument) as e:
        read_document(ole, "old.doc")
    assert str(e.value) == "需要 LibreOffice 才能读取 .doc：apt-get install libreoffice-writer-nogui"


def test_wps_is_sniffed_and_treated_like_doc(monkeypatch):
    from extractors.sniff import sniff

    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 600
        + "WordDocument".encode("utf-16-le")
        + b"\x00" * 64
        + b"WPS Office"
    )
    assert sniff(ole, "a.wps").kind == "wps"
    assert sniff(ole, "a.doc").warning is None  # WPS writes .doc files too
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(UnreadableDocument, match="需要 LibreOffice 才能读取 .wps"):
        read_document(ole, "a.wps")


@needs_soffice
@pytest.mark.libreoffice
def test_strict_ooxml_docx_is_resaved_by_libreoffice():
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(docx_bytes(["名称：天津某某科技有限公司"])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in src.namelist():  # ISO 29500 Strict namespaces, which python-docx does not know
            z.writestr(
                name,
                src.read(name)
                .replace(
                    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
                )
                .replace(
                    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                    b"http://purl.oclc.org/ooxml/officeDocument/relationships",
                ),
            )
    doc = read_document(buf.getvalue(), "strict.docx")
    assert doc.metadata["converted_by"] == "libreoffice"
    assert [l.text for l in doc.lines()] == ["名称:天津某某科技有限公司"]


@needs_soffice
@pytest.mark.libreoffice
def test_pdf_exported_by_libreoffice_tables_and_running_heads(tmp_path):
    """Another PDF producer (Writer's export draws its own rules): both table engines agree."""
    from extractors.model import Document
    from extractors.read import ReadLimits
    from extractors.readers.pdf import read_pdf

    indicators = Grid(
        [
            ["序号", "检验项目", "标准要求", "实测值"],
            ["1", "抗拉强度 MPa", "≥350", "382"],
            ["备注：合并单元格", "", "", ""],
        ],
        merges=[(2, 0, 2, 3)],
    )
    (tmp_path / "r.docx").write_bytes(
        docx_bytes(
            ["检验报告", indicators, *SHEET, "\f", "第二页正文"], header="某某检测中心", footer="联系电话 022-1234"
        )
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
            str(tmp_path / "r.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = (tmp_path / "r.pdf").read_bytes()
    fast, slow = (
        read_pdf(data, Document(file="r.pdf", sha256="", format="pdf"), ReadLimits(), engine)
        for engine in ("pdfium", "pdfplumber")
    )
    grids = [t.grid() for t in fast.tables()]
    assert grids == [t.grid() for t in slow.tables()]
    assert grids[0][2] == ["备注:合并单元格", "", "", ""] and fast.pages[0].tables[0].rows[2][0].colspan == 4
    merged = [c for t in fast.tables() for r in t.rows for c in r if c.text == "跨两行的意见"]
    assert len(merged) == 1 and merged[0].rowspan == 2
    for page in fast.pages:
        assert (page.lines[0].text, page.lines[0].role) == ("某某检测中心", "header")
        assert page.lines[-1].role == "footer"
