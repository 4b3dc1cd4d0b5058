"""The blank comment sheet (征求意见表) for a draft, laid out like seed 000's 附件2.

单位名称或专家姓名 | … | 单位盖章或专家签名 | …
联系人             | … | 联系方式           | …
标准名称           | <the draft's title, merged over three columns>
序号 | 章节 | 修改意见 | 具体理由
1 … n  (blank rows)
备注：修改意见和具体理由，可另附相关说明
"""

from __future__ import annotations

from forms.register import _cjk_font, set_column_widths

HEADING = "团体标准制定征求意见表"


def write_comment_template(
    out, title: str, rows: int = 10, heading: str = HEADING, deadline: str | None = None, contact: str | None = None
) -> None:
    import docx
    from docx.enum.table import WD_ALIGN_VERTICAL
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    d = docx.Document()
    sec = d.sections[0]  # python-docx's blank document is US Letter; ours are A4
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    _cjk_font(d, size_pt=12)
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(heading)
    r.bold = True
    r.font.size = Pt(16)

    t = d.add_table(rows=4 + rows + 1, cols=4)
    t.style = "Table Grid"
    cells = t.rows
    cells[0].cells[0].text, cells[0].cells[2].text = "单位名称或专家姓名", "单位盖章或专家签名"
    cells[1].cells[0].text, cells[1].cells[2].text = "联系人", "联系方式"
    cells[2].cells[0].text = "标准名称"
    cells[2].cells[1].merge(cells[2].cells[3]).text = title
    for i, name in enumerate(["序号", "章节", "修改意见", "具体理由"]):
        cells[3].cells[i].text = name
        cells[3].cells[i].paragraphs[0].runs[0].bold = True
    for n in range(rows):
        cells[4 + n].cells[0].text = str(n + 1)
    last = cells[4 + rows]
    last.cells[0].merge(last.cells[3]).text = "备注：修改意见和具体理由，可另附相关说明"
    set_column_widths(t, [2.8, 2.8, 6.0, 4.4])
    for i, row in enumerate(t.rows):
        row.height = Cm(1.4 if 4 <= i < 4 + rows else 1.0)
        for cell in row.cells:
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    for cell in t.rows[3].cells:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for n in range(rows):
        t.rows[4 + n].cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if deadline:
        d.add_paragraph(f"请于{deadline}前反馈。")
    if contact:
        d.add_paragraph(contact)
    d.save(out)
