"""Readers: every format gives the same Document model, read from generated fixtures."""

from __future__ import annotations

import pytest
from docgen import Grid, docx_bytes, image_bytes, pdf_bytes

from extractors.read import ReadLimits, read_document
from extractors.sniff import sniff


def without_ocr():
    """Reading only: OCR (its own module, slow) is tested in its own tests."""
    try:
        from extractors.ocr import deferred
    except ImportError:
        from contextlib import nullcontext as deferred
    return deferred()


# ---- PDF ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    indicators = Grid(
        [
            ["检验项目", "标准要求", "实测值", "单项判定"],
            ["抗拉强度 MPa", "≥350", "382", "合格"],
            ["断后伸长率", "≥20%", "24%", "合格"],
            ["备注：样品状态良好", "", "", ""],
        ],
        merges=[(3, 0, 3, 3)],
    )
    return pdf_bytes(
        [
            ["检 验 报 告", "报告编号：ZJ-2024-0031", indicators, "检验结论：所检项目符合标准要求"],
            ["委托单位：天津某某金属材料有限公司", "地址：天津市滨海新区某某路 8 号"],
            ["签发日期：2024年6月1日"],
        ],
        header="天津市产品质量监督检测中心",
        footer="第 {page} 页 共 3 页",
    )


def test_pdf_text_lines_have_page_and_position(report_pdf):
    doc = read_document(report_pdf, "report.pdf")
    assert doc.format == "pdf" and len(doc.pages) == 3
    line = next(l for l in doc.lines() if l.text.startswith("委托单位"))
    assert line.text == "委托单位:天津某某金属材料有限公司"  # NFKC colon, CJK spaces dropped
    assert line.raw.startswith("委托单位：")
    assert line.page == 2
    x0, top, x1, bottom = line.bbox
    assert 0 < x0 < x1 < doc.pages[1].width and 0 < top < bottom < doc.pages[1].height / 2
    assert any(l.text == "检验报告" for l in doc.pages[0].lines)


def test_pdf_ruled_table_with_merged_row(report_pdf):
    doc = read_document(report_pdf, "report.pdf")
    [table] = doc.pages[0].tables
    assert table.grid()[0] == ["检验项目", "标准要求", "实测值", "单项判定"]
    assert table.grid()[1] == ["抗拉强度 MPa", "≥350", "382", "合格"]
    note = table.rows[3]
    assert len(note) == 1 and note[0].text == "备注:样品状态良好" and note[0].colspan == 4
    # the cells are not repeated as body lines of the page
    assert not any("抗拉强度" in l.text for l in doc.pages[0].lines)
    assert sum(1 for l in doc.lines() if "抗拉强度" in l.text) == 1
    assert doc.pages[1].tables == [] and doc.pages[2].tables == []


def test_pdf_vertically_merged_cell_is_one_cell():
    grid = Grid(
        [["序号", "条款", "意见"], ["1", "4.2", "一条意见写在合并的两行里"], ["2", "", ""]], merges=[(1, 2, 2, 2)]
    )
    doc = read_document(pdf_bytes([["征求意见表", grid]]), "sheet.pdf")
    [table] = doc.pages[0].tables
    comments = [c for r in table.rows for c in r if c.text.startswith("一条意见")]
    assert len(comments) == 1 and comments[0].rowspan == 2 and comments[0].col == 2
    assert table.grid() == [["序号", "条款", "意见"], ["1", "4.2", "一条意见写在合并的两行里"], ["2", "", ""]]


def test_pdf_running_header_and_footer(report_pdf):
    doc = read_document(report_pdf, "report.pdf")
    for page in doc.pages:
        roles = {l.text: l.role for l in page.lines}
        assert roles["天津市产品质量监督检测中心"] == "header"
        assert roles[f"第 {page.number} 页共 3 页"] == "footer"
        assert page.lines[0].role == "header" and page.lines[-1].role == "footer"
    assert {l.role for l in doc.pages[1].lines if l.text.startswith("委托单位")} == {"body"}


def test_pdf_page_cap_says_what_was_skipped():
    doc = read_document(pdf_bytes([[f"第{i}页"] for i in range(1, 8)]), "long.pdf", ReadLimits(max_pages=5))
    assert len(doc.pages) == 5
    assert any("共 7 页" in w and "跳过 2 页" in w for w in doc.warnings)


def test_pdf_page_without_text_layer_needs_ocr():
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(io.BytesIO(image_bytes("PNG", (400, 300)))), 50, 400, 400, 300)
    c.showPage()
    c.save()
    with without_ocr():
        doc = read_document(buf.getvalue(), "scan.pdf")
    assert doc.pages[0].needs_ocr and doc.needs_ocr and doc.pages[0].lines == []


def test_garbage_text_layer_is_flagged():
    from extractors.readers.pdf import _garbage

    assert _garbage("(cid:12)(cid:55)(cid:3)(cid:90)(cid:12)")
    assert _garbage("\ufffd\ufffd\ufffd 1 \ufffd\ufffd\ufffd")
    assert _garbage("ÕÅÈËÖØÁ¿ÈÏÖ¤ÖÐÐÄ ÓÐÏÞ¹«Ë¾")  # GBK bytes decoded as Latin-1
    assert not _garbage("质量管理体系认证证书 注册号:00124Q31234R2M")
    assert not _garbage("")


# ---- DOCX --------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_document_order():
    data = docx_bytes(
        [
            "征求意见表",
            Grid([["单位", "天津某某检测有限公司"]]),
            "说明：请于5月31日前反馈",
            Grid([["序号", "意见"], ["1", "建议修改"]]),
        ]
    )
    doc = read_document(data, "sheet.docx")
    assert doc.format == "docx"
    page = doc.pages[0]
    assert [l.text for l in page.lines] == ["征求意见表", "说明:请于5月31日前反馈"]
    assert [t.grid()[0][0] for t in page.tables] == ["单位", "序号"]
    # reading order across lines and cells
    order = [l.text for l in doc.lines()]
    assert order.index("征求意见表") < order.index("单位")


def test_docx_merged_cells_walk_the_real_cells():
    grid = Grid(
        [
            ["序号", "章条", "意见", "理由"],
            ["1", "4.2", "这条意见跨两行", "理由甲"],
            ["2", "5.1", "", "理由乙"],
            ["联系人：张三", "", "", ""],
        ],
        merges=[(1, 2, 2, 2), (3, 0, 3, 3)],
    )
    doc = read_document(docx_bytes([grid]), "sheet.docx")
    [table] = doc.pages[0].tables
    texts = [c.text for r in table.rows for c in r]
    assert texts.count("这条意见跨两行") == 1  # a vMerge continuation is not a new cell
    assert texts.count("联系人:张三") == 1  # gridSpan: one cell, not four
    merged = next(c for r in table.rows for c in r if c.text == "这条意见跨两行")
    assert (merged.row, merged.col, merged.rowspan, merged.colspan) == (1, 2, 2, 1)
    contact = table.rows[3][0]
    assert contact.colspan == 4 and len(table.rows[3]) == 1
    assert [c.text for c in table.rows[2]] == ["2", "5.1", "理由乙"]
    assert table.grid()[2] == ["2", "5.1", "", "理由乙"]
    assert table.grid(fill_merged=True)[2][2] == "这条意见跨两行"


def test_docx_nested_table_stays_in_its_cell():
    inner = Grid([["年度", "营业收入"], ["2023", "1.35亿元"]])
    doc = read_document(docx_bytes([Grid([["财务情况", inner], ["备注", "无"]])]), "form.docx")
    [table] = doc.pages[0].tables
    holder = table.rows[0][1]
    assert len(holder.tables) == 1
    assert holder.tables[0].grid() == [["年度", "营业收入"], ["2023", "1.35亿元"]]
    assert table.rows[1][1].text == "无"


def test_docx_headers_footers_and_page_breaks():
    data = docx_bytes(
        ["第一页正文", "\f", "第二页正文", "\f", "第三页正文"],
        header="某某标准化技术委员会",
        footer="联系电话：022-12345678",
    )
    doc = read_document(data, "draft.docx")
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert [l.text for l in doc.pages[1].lines] == ["第二页正文"]
    header = doc.pages[0].lines[0]
    assert header.text == "某某标准化技术委员会" and header.role == "header"
    footer = doc.pages[-1].lines[-1]
    assert footer.text == "联系电话:022-12345678" and footer.role == "footer"


# ---- other formats -------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt,subtype",
    [("PNG", "png"), ("JPEG", "jpeg"), ("TIFF", "tiff"), ("BMP", "bmp"), ("GIF", "gif"), ("WEBP", "webp")],
)
def test_images_are_one_page_needing_ocr(fmt, subtype):
    with without_ocr():
        doc = read_document(image_bytes(fmt), f"scan.{subtype}")
    assert doc.format == "image" and doc.metadata["image"] == subtype
    assert len(doc.pages) == 1 and doc.pages[0].needs_ocr
    assert doc.metadata["width_px"] == 200


def test_text_and_markdown_in_utf8_and_gb18030():
    text = "# 营业执照\n\n名称：天津某某科技有限公司\n\f第二页"
    for data in (text.encode("utf-8"), text.encode("gb18030"), "\ufeff".encode() + text.encode()):
        doc = read_document(data, "notes.md")
        assert doc.format == "text" and len(doc.pages) == 2
        assert doc.pages[0].lines[0].text == "# 营业执照"
        assert doc.pages[0].lines[1].text == "名称:天津某某科技有限公司"


# ---- sniffing --------------------------------------------------------------------------


def test_sniff_never_trusts_the_extension(report_pdf):
    docx = docx_bytes(["正文"])
    assert sniff(docx, "a.pdf").kind == "docx"
    assert sniff(docx, "a.pdf").warning == "扩展名为 .pdf，实际为 DOCX"
    assert sniff(report_pdf, "a.docx").kind == "pdf"
    assert sniff(report_pdf, "a.pdf").warning is None
    assert sniff(image_bytes("JPEG"), "a.png").warning == "扩展名为 .png，实际为 JPEG"
    assert sniff(b"{\\rtf1\\ansi hello}", "a.doc").kind == "rtf"
    assert sniff(b"\x00\x01\x02\x03" * 100, "a.pdf").kind == "unknown"


def test_sniff_office_containers():
    import io
    import zipfile

    def zipped(files: dict) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, content in files.items():
                z.writestr(name, content)
        return buf.getvalue()

    assert sniff(zipped({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<x/>"}), "a.xlsx").kind == "xlsx"
    assert (
        sniff(zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}), "a.odt").kind
        == "odt"
    )
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    assert sniff(ole + "WordDocument".encode("utf-16-le"), "a.doc").kind == "doc"
    assert sniff(ole + "EncryptedPackage".encode("utf-16-le"), "a.docx").kind == "encrypted_office"
    assert sniff(ole + "Workbook".encode("utf-16-le"), "a.xls").kind == "xls"


def test_lying_extension_is_read_by_its_real_type():
    doc = read_document(docx_bytes(["名称：天津某某科技有限公司"]), "license.pdf")
    assert doc.format == "docx"
    assert doc.pages[0].lines[0].text == "名称:天津某某科技有限公司"
    assert doc.warnings == ["扩展名为 .pdf，实际为 DOCX，已按 DOCX 读取"]


def test_pdf_table_engines_agree(report_pdf):
    """The default finder (pdfium paths + pdfplumber's cell algorithm) reads the same tables as
    pdfplumber's full page parse, the slow reference."""
    from extractors.model import Document
    from extractors.readers.pdf import read_pdf

    wrapped = Grid(
        [
            ["检验项目", "标准要求", "实测值"],
            ["铜及铜合金中铅含量的测定（火焰原子吸收光谱法）", "≤0.05%", "0.03%"],
            ["合并两行", "≥350", "382"],
            ["", "≥20%", "24%"],
        ],
        merges=[(2, 0, 3, 0)],
        col_widths=[150, 120, 120],
    )
    data = pdf_bytes([["检验报告", wrapped], *[[f"第{i}页"] for i in range(2, 4)]])
    for pdf in (report_pdf, data):
        fast = read_pdf(pdf, Document(file="a.pdf", sha256="", format="pdf"), ReadLimits(), "pdfium")
        slow = read_pdf(pdf, Document(file="a.pdf", sha256="", format="pdf"), ReadLimits(), "pdfplumber")
        assert [t.grid() for t in fast.tables()] == [t.grid() for t in slow.tables()]
        assert [[(c.row, c.col, c.rowspan, c.colspan) for r in t.rows for c in r] for t in fast.tables()] == [
            [(c.row, c.col, c.rowspan, c.colspan) for r in t.rows for c in r] for t in slow.tables()
        ]
        assert [l.text for l in fast.lines()] == [l.text for l in slow.lines()]
    [table] = fast.pages[0].tables
    assert table.grid()[1][0] == "铜及铜合金中铅含量的测定(火焰原子吸收光谱法)"
    assert table.rows[2][0].rowspan == 2


def test_wrapped_cell_lines_are_joined_as_written():
    from extractors.readers.pdf import unwrap

    assert unwrap("抗拉强度 MP\na") == "抗拉强度 MPa"  # CJK wrapping splits anywhere, units included
    assert (
        unwrap("铜及铜合金中铅含量的测定（\n火焰原子吸收光谱法）") == "铜及铜合金中铅含量的测定（火焰原子吸收光谱法）"
    )
    assert unwrap("GB/T 228.1-\n2021") == "GB/T 228.1-2021"
    assert unwrap("Tensile\nstrength") == "Tensile strength"


def _scan_pdf(stamp: str | None = None) -> bytes:
    import io

    from docgen import _font
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(io.BytesIO(image_bytes("PNG", (400, 560)))), 20, 20, A4[0] - 40, A4[1] - 40)
    if stamp:
        c.setFont(_font(), 9)
        c.drawString(40, 30, stamp)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_full_page_scan_with_a_stamped_line_still_needs_ocr():
    with without_ocr():
        doc = read_document(_scan_pdf("第 1 页"), "scan.pdf")
    page = doc.pages[0]
    assert page.needs_ocr
    assert [l.text for l in page.lines] == ["第 1 页"]  # the real text is kept beside what OCR will add


def test_pdf_with_only_an_owner_password_is_read():
    import io

    from docgen import _font
    from reportlab.lib import pdfencrypt
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    buf = io.BytesIO()
    SimpleDocTemplate(buf, encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner", canPrint=1)).build(
        [Paragraph("营业执照 名称：天津某某科技有限公司", ParagraphStyle("s", fontName=_font(), wordWrap="CJK"))]
    )
    doc = read_document(buf.getvalue(), "restricted.pdf")
    assert doc.pages[0].lines[0].text.startswith("营业执照")


def _docx_with_body_xml(xml: str) -> bytes:
    """A DOCX whose body gets `xml` appended (for structures python-docx cannot write)."""
    import io

    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    d.add_paragraph("开头")
    ns = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    )
    body = d.element.body
    for el in parse_xml(f"<w:root {ns}>{xml}</w:root>"):
        body.insert(len(body) - 1, el)  # before the final sectPr
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_text_box_is_read_once():
    box = (
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
        "<w:p><w:r><w:t>证书编号：ABC-123</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>证书编号：ABC-123</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    doc = read_document(_docx_with_body_xml(box), "cert.docx")
    assert [l.text for l in doc.pages[0].lines] == ["开头", "证书编号:ABC-123"]


def test_docx_grid_before_and_content_controls():
    table = (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内容</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>备注</w:t></w:r></w:p></w:tc></w:tr>"
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
        "<w:sdt><w:sdtContent><w:tc><w:p><w:r><w:t>填写值</w:t></w:r></w:p></w:tc></w:sdtContent></w:sdt>"
        '<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>跨行备注</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>合计</w:t></w:r></w:p></w:tc>'
        "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>续</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    doc = read_document(_docx_with_body_xml(table), "form.docx")
    [t] = doc.pages[0].tables
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for r in t.rows for c in r] == [
        ("项目", 0, 0, 1, 1),
        ("内容", 0, 1, 1, 1),
        ("备注", 0, 2, 1, 1),
        ("填写值", 1, 1, 1, 1),
        ("跨行备注\n续", 1, 2, 2, 1),  # text typed into a continuation cell is kept
        ("合计", 2, 0, 1, 2),
    ]


def test_html_saved_as_doc_is_read_with_its_table():
    html = (
        '<html xmlns:w="urn:schemas-microsoft-com:office:word"><head><meta charset="gb2312">'
        "<style>p {margin:0}</style><title>导出</title></head><body>"
        "<p>征求意见表</p><p>单位名称：天津某某检测有限公司</p>"
        "<table border=1><tr><th>序号</th><th>章条</th><th>意见</th></tr>"
        "<tr><td>1</td><td>4.2</td><td rowspan=2>一条意见<br>跨两行</td></tr>"
        "<tr><td>2</td><td>5.1</td></tr>"
        "<tr><td colspan=3>联系人：张三</td></tr></table><p>谢谢</p></body></html>"
    ).encode("gb18030")
    doc = read_document(html, "意见.doc")
    assert doc.format == "html" and doc.warnings == ["扩展名为 .doc，实际为 HTML，已按 HTML 读取"]
    assert [l.text for l in doc.pages[0].lines] == [
        "征求意见表",
        "单位名称:天津某某检测有限公司",
        "谢谢",
    ]  # <head> skipped
    [t] = doc.pages[0].tables
    assert t.grid() == [
        ["序号", "章条", "意见"],
        ["1", "4.2", "一条意见\n跨两行"],
        ["2", "5.1", ""],
        ["联系人:张三", "", ""],
    ]
    assert t.rows[1][2].rowspan == 2 and t.rows[3][0].colspan == 3


def test_mht_archive_is_read_as_html():
    mht = (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b1"\r\n\r\n--b1\r\n'
        b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
        b"<html><body><p>=E8=90=A5=E4=B8=9A=E6=89=A7=E7=85=A7</p></body></html>\r\n--b1--\r\n"
    )
    doc = read_document(mht, "license.mht")
    assert doc.format == "html" and doc.pages[0].lines[0].text == "营业执照"


def test_docx_pages_follow_words_last_layout():
    """Word records where it last broke pages; facts then carry the page a person sees in Word."""
    body = (
        "<w:p><w:r><w:t>第一页末行</w:t></w:r></w:p>"
        "<w:p><w:r><w:lastRenderedPageBreak/><w:t>第二页首行</w:t></w:r></w:p>"
        '<w:p><w:r><w:t>第二页末行</w:t></w:r><w:r><w:br w:type="page"/></w:r></w:p>'
        "<w:p><w:r><w:lastRenderedPageBreak/><w:t>第三页</w:t></w:r></w:p>"
    )
    doc = read_document(_docx_with_body_xml(body), "form.docx")
    assert [[l.text for l in p.lines] for p in doc.pages] == [
        ["开头", "第一页末行"],
        ["第二页首行", "第二页末行"],
        ["第三页"],
    ]


def test_macro_enabled_word_document_is_read():
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(docx_bytes(["名称：天津某某科技有限公司"])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            content = src.read(name)
            if name == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
                assert b"macroEnabled" in content
            z.writestr(name, content)
    doc = read_document(buf.getvalue(), "form.docm")
    assert doc.pages[0].lines[0].text == "名称:天津某某科技有限公司"


def test_rotated_page_positions_are_as_displayed(report_pdf):
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(report_pdf)
    pdf[0].set_rotation(90)  # a landscape certificate stored as a rotated portrait page
    buf = io.BytesIO()
    pdf.save(buf)
    page = read_document(buf.getvalue(), "rotated.pdf").pages[0]
    assert page.width > page.height
    for box in [l.bbox for l in page.lines] + [page.tables[0].bbox]:
        x0, top, x1, bottom = box
        assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height
    title = next(l for l in page.lines if l.text == "检验报告")
    assert title.bbox[0] > page.width * 0.8  # the top of the portrait page is now on the right


def test_dump_command_shows_what_the_readers_see(tmp_path, capsys):
    from extractors.read import main

    good = tmp_path / "sheet.docx"
    good.write_bytes(
        docx_bytes(["征求意见表", Grid([["章条", "意见"], ["4.2", "跨两行"], ["5.1", ""]], merges=[(1, 1, 2, 1)])])
    )
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert main([str(good), str(empty)]) == 3
    out, err = capsys.readouterr()
    assert "[body] 征求意见表" in out and "| 4.2 | 跨两行 ⟨2×1⟩" in out
    assert err.strip() == f"{empty}: 空文件（0 字节）"


def test_multi_page_tiff_is_one_page_per_frame():
    import io

    from PIL import Image

    frames = [Image.new("RGB", (120, 80), "white") for _ in range(4)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    with without_ocr():
        doc = read_document(buf.getvalue(), "bundle.tiff", ReadLimits(max_pages=3))
    assert [p.number for p in doc.pages] == [1, 2, 3] and all(p.needs_ocr for p in doc.pages)
    assert any("图片共 4 帧" in w and "跳过 1 帧" in w for w in doc.warnings)
