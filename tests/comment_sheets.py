"""Comment-sheet and draft fixtures generated in code (seed 000's 附件2 layout and its variants)."""

from __future__ import annotations

import re
from pathlib import Path

from docgen import Grid, docx_bytes, pdf_bytes

SEED = Path("/work/shared/seeds/000_21a9c0440e3d98c1.txt")
TITLE = "“津质精品”产品质量等级评价通则"
HEAD = ["序号", "章节", "修改意见", "具体理由"]


def seed_text() -> str:
    here = (
        Path(__file__).resolve().parent.parent / "intake" / "demo" / "jinzhi_draft_000.md"
    )  # the same text, in the repo
    for p in (SEED, here):
        if p.exists():
            return p.read_text(encoding="utf-8")
    raise FileNotFoundError("seed 000 not found")


def draft_lines() -> list[str]:
    """The standard itself (cover to 12.5) from the seed, Markdown markers removed, one paragraph per line."""
    text = seed_text()
    start = text.index("# 团 体 标 准")
    end = text.index("## 附件 2")
    out = []
    for line in text[start:end].splitlines():
        line = re.sub(r"^\s*(?:#{1,6}\s*|[-*]\s+)", "", line).replace("\\*", "*").strip()
        if line and not re.fullmatch(r"-{3,}", line):
            out.append(line)
    return out


def draft_markdown() -> bytes:
    return seed_text().encode("utf-8")


def draft_docx() -> bytes:
    return docx_bytes(draft_lines())


def draft_pdf() -> bytes:
    return pdf_bytes([draft_lines()])


def seed_sheet(
    rows: list[list[str]],
    unit: str = "天津某某检测有限公司",
    stamp: str | None = "天津某某检测有限公司（盖章）",
    person: str = "张三",
    contact: str = "13800000000",
    title: str = TITLE,
    merges: list[tuple[int, int, int, int]] | None = None,
    after: list | None = None,
    unit_label: str = "单位名称或专家姓名",
    head: list[str] = HEAD,
    date: str | None = "2026年1月5日",
) -> bytes:
    """A filled sheet in 附件2's layout; `rows` are the comment rows, `merges` are relative to them."""
    top = [
        [unit_label, unit, "单位盖章或专家签名", stamp or ""],
        ["联系人", person, "联系方式", contact],
        ["标准名称", title, "", ""],
        list(head),
    ]
    foot = [["备注：修改意见和具体理由，可另附相关说明", "", "", ""]]
    n = len(top)
    m = [(2, 1, 2, 3), (n + len(rows), 0, n + len(rows), 3)]
    m += [(r0 + n, c0, r1 + n, c1) for r0, c0, r1, c1 in (merges or [])]
    blocks = ["团体标准制定征求意见表", Grid(top + rows + foot, merges=m)]
    if date:
        blocks.append(f"日期：{date}")
    return docx_bytes(blocks + list(after or []))


_ABSTRACT = """<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2.%3"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%4)"/></w:lvl>
</w:abstractNum>"""
_NUM = """<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">
  <w:abstractNumId w:val="90"/></w:num>"""


def draft_docx_autonumbered() -> bytes:
    """Seed 000's draft as 标准编写软件 writes it: chapter and clause numbers and a) b) come from Word's
    multilevel list (by style for headings, by paragraph for list items), not from the text."""
    import io

    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml

    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(_ABSTRACT))
    numbering.append(parse_xml(_NUM))

    def num_pr(ilvl: int, with_id: bool = True):
        x = f'<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:ilvl w:val="{ilvl}"/>'
        return parse_xml(x + ('<w:numId w:val="90"/>' if with_id else "") + "</w:numPr>")

    styles = {}
    for ilvl, name in enumerate(["章标题", "一级条标题", "二级条标题"]):
        st = d.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.element.get_or_add_pPr().append(num_pr(ilvl))
        styles[ilvl] = st
    for line in draft_lines():
        m = re.match(r"^(\d{1,2}(?:\.\d{1,2}){0,2})\s+(?![-—])(\S.*)$", line)
        item = re.match(r"^[a-z]\)\s*(.+)$", line)
        if m and not re.match(r"^\d{4}", line):
            depth = m.group(1).count(".")
            d.add_paragraph(m.group(2), style=styles[depth])
        elif item:
            p = d.add_paragraph(item.group(1))
            p._p.get_or_add_pPr().append(num_pr(3))
        elif re.fullmatch(r"\d+\.\d+", line):  # a term number alone (3.1)
            d.add_paragraph("", style=styles[1])
        else:
            d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


TITLED = "电线电缆产品质量分级评价规范"
CITED = "标准化工作导则　第1部分：标准化文件的结构和起草规则"
_TITLED_BODY = [
    "前言",
    f"本文件按照 GB/T 1.1—2020《{CITED}》的规定起草。",
    "本文件由天津市某某协会提出并归口。",
    "1 范围",
    "本文件规定了电线电缆产品质量分级评价的要求。",
    "2 规范性引用文件",
    "下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。",
    "3 术语和定义",
    "4 评价要求",
    "4.1 一般要求",
    "导体电阻应符合GB/T 3956的规定。",
    "4.2 分级",
]


def titled_draft_docx() -> bytes:
    """A draft whose name is only in its Title-styled cover paragraph and whose 前言 cites GB/T 1.1
    by its title (the title of another standard)."""
    import io

    import docx

    d = docx.Document()
    for line in ["团体标准", "T/TJZJ 0012—2026"]:
        d.add_paragraph(line)
    d.add_paragraph(TITLED, style="Title")
    for line in ["Grading evaluation specification for wire and cable products", "2026-XX-XX 发布"] + _TITLED_BODY:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def titled_draft_markdown() -> bytes:
    body = "\n\n".join(("## " + x) if x == "前言" or x[:1].isdigit() else x for x in _TITLED_BODY)
    return f"# 团体标准\n\nT/TJZJ 0012—2026\n\n# {TITLED}\n\n{body}\n".encode()


def flattened_sheet(rows: list[list[str]], unit: str = "天津某某检测有限公司", title: str = TITLE) -> list[str]:
    """A 附件2 sheet whose table a converter flattened: every non-empty cell a paragraph of its own,
    row after row (what LibreOffice gives for some legacy .doc tables)."""
    cells = (
        [
            ["单位名称或专家姓名", unit, "单位盖章或专家签名", f"{unit}（盖章）"],
            ["联系人", "张三", "联系方式", "13800000000"],
            ["标准名称", title],
            list(HEAD),
        ]
        + rows
        + [["备注：修改意见和具体理由，可另附相关说明"]]
    )
    return ["团体标准制定征求意见表"] + [c for row in cells for c in row if c]


def seal_png(size: int = 160) -> bytes:
    """A red round seal (ring, star-less) as a PNG with a white background."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(img)
    d.ellipse((6, 6, size - 6, size - 6), outline=(220, 30, 30), width=8)
    d.text((size // 3, size // 2 - 6), "SEAL", fill=(220, 30, 30))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def pdf_sheet_with_stamp(stamp: str, unit: str = "天津某某检测有限公司") -> bytes:
    """A 附件2 sheet as a text PDF whose signature cell holds `stamp`: "image" (a seal picture),
    "ink" (a red seal drawn as vector paths), "none", or "elsewhere" (a picture under the table)."""
    import io

    from docgen import _font
    from reportlab.graphics.shapes import Circle, Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Table, TableStyle

    font = _font()
    st = ParagraphStyle("c", fontName=font, fontSize=10, leading=13, wordWrap="CJK")
    P = lambda t: Paragraph(t, st)  # noqa: E731
    seal = None
    if stamp == "image":
        seal = Image(io.BytesIO(seal_png()), width=60, height=60)
    elif stamp == "ink":
        seal = Drawing(60, 60)
        seal.add(Circle(30, 30, 27, strokeColor=colors.Color(0.86, 0.1, 0.1), strokeWidth=3, fillColor=None))
        seal.add(String(14, 26, "SEAL", fillColor=colors.Color(0.86, 0.1, 0.1), fontSize=9))
    rows = [
        [P("单位名称或专家姓名"), P(unit), P("单位盖章或专家签名"), seal or ""],
        [P("联系人"), P("张三"), P("联系方式"), P("13800000000")],
        [P("序号"), P("章节"), P("修改意见"), P("具体理由")],
        [P("1"), P("8.2"), P("有效期建议改为2年。"), P("与监督周期一致。")],
    ]
    t = Table(rows, colWidths=[100, 140, 100, 120])
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.8, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story = [P("团体标准制定征求意见表"), t]
    if stamp == "elsewhere":
        story.append(Image(io.BytesIO(seal_png()), width=60, height=60))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()
