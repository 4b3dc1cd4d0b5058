"""受理回执: what an applicant keeps after submitting — the 受理编号, who applied for what, when, the
materials received and the private link to come back from any device. A one-page DOCX, in Chinese.

    data = receipt_docx("质量信用服务认证", [("受理编号", "2026120600003"), …], ["营业执照.pdf"], link)
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt


def receipt_docx(scheme_name: str, rows: list[tuple[str, str]], files: list[str], link: str) -> bytes:
    doc = Document()
    doc.add_heading("受理回执", level=1)
    doc.add_paragraph(f"评价项目：{scheme_name}")
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value or "—"
    doc.add_paragraph()
    doc.add_paragraph(f"已收到材料（{len(files)} 份）：")
    for name in files:
        doc.add_paragraph(name, style="List Number")
    p = doc.add_paragraph("查询进度、补正材料请使用本申请的专用链接（请妥善保管，不要转发）：")
    p.runs[0].font.size = Pt(10.5)
    doc.add_paragraph(link)
    doc.add_paragraph("本回执仅证明申请已提交，不代表审核结论。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
