"""Build the docxtpl application-form templates from forms/specs/*.yaml.

    python -m forms.build_templates            # rewrite forms/templates/application_*.docx
    python -m forms.build_templates --check    # exit 1 if a committed template is out of date

The .docx files are generated (python-docx writing Jinja2 tags for docxtpl), so the wording
lives in the YAML a secretariat can read, and a test keeps the committed templates in sync.
Context variables the templates use are documented in forms/application.py (`form_context`).
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from checklists.registry import scheme_ids
from extractors.application_form import generated, printed_headers

from .specs import common, scheme_spec, template_path

FONT = "宋体"
NOTE_COLOR = RGBColor(0x9C, 0x27, 0x00)
GREY = RGBColor(0x66, 0x66, 0x66)
FIXED_TIME = datetime(2025, 1, 1, tzinfo=UTC)


def _set_font(run, size: float | None = None, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None
    if color is not None:
        run.font.color.rgb = color


def _para(d, text: str = "", size: float = 10.5, bold=False, center=False, color=None, style=None):
    p = d.add_paragraph(style=style)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        _set_font(p.add_run(text), size, bold, color)
    return p


def _cell(cell, text: str, size: float = 9, bold=False, color=None) -> None:
    _set_font(cell.paragraphs[0].add_run(text), size, bold, color)


def _table(d, header: list[str], widths_cm: list[float]):
    t = d.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(header):
        _cell(t.rows[0].cells[i], h, bold=True)
        _shade(t.rows[0].cells[i], "D9E2F3")
    t.autofit = False
    for col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(w).twips)))
    for row in t.rows:
        for i, w in enumerate(widths_cm):
            row.cells[i].width = Cm(w)
    return t


def _shade(cell, fill: str) -> None:
    tcpr = cell._element.get_or_add_tcPr()
    shd = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    tcpr.append(shd)


def _row(t, texts: list[str], widths_cm: list[float], color_cols: dict[int, RGBColor] | None = None):
    cells = t.add_row().cells
    for i, text in enumerate(texts):
        _cell(cells[i], text, color=(color_cols or {}).get(i))
        cells[i].width = Cm(widths_cm[i])
    return cells


def _loop_table(d, header, widths, loop: str, cells: list[str], color_cols=None):
    """A table whose body repeats one row per element: {%tr for ... %} row, data row, {%tr endfor %}."""
    t = _table(d, header, widths)
    _row(t, [f"{{%tr for {loop} %}}"] + [""] * (len(header) - 1), widths)
    _row(t, cells, widths, color_cols)
    _row(t, ["{%tr endfor %}"] + [""] * (len(header) - 1), widths)
    return t


def _field_table(d, fields: list[dict]) -> None:
    widths = [4.2, 6.8, 6.0]
    t = _table(d, list(generated()["field_header"]), widths)
    for f in fields:
        k = f["key"]
        _row(
            t,
            [f["label"], f"{{% cellbg f.{k}.fill %}}{{{{ f.{k}.value }}}}", f"{{{{ f.{k}.note }}}}"],
            widths,
            {2: NOTE_COLOR},
        )


def build_template(scheme_id: str) -> bytes:
    spec = scheme_spec(scheme_id)
    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.left_margin = sec.right_margin = Cm(2.0)
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    props = d.core_properties
    props.title, props.subject, props.keywords = spec["title"], spec["form_code"], spec["form_code"]
    props.author = props.last_modified_by = "intake"
    props.created = props.modified = FIXED_TIME
    props.revision = 1

    _para(d, spec["title"], size=18, bold=True, center=True)
    _para(d, spec["basis"], size=9)
    _para(d, f"报送单位：{spec['addressee']}", size=9)
    _para(d, "预填日期：{{ prefilled_on }}　　预审评价日：{{ as_of }}　　预审结论：{{ outcome }}", size=9)
    _para(
        d,
        "填表说明：黄色底纹的空格是服务未能从所交材料中读到的内容，请补填（“说明”栏写明它用于哪一条目、哪一条款）；"
        "橙色底纹的内容识别置信度较低，请核对。填好后可将本表连同材料再次上传，所填内容将计入下一次预审。",
        size=9,
        color=GREY,
    )

    _para(d, "一、申请单位基本情况", size=12, bold=True)
    _field_table(d, common()["applicant_fields"])
    _para(d, "二、申报产品", size=12, bold=True)
    _para(d, f"申报类别/等级可选：{spec['target_level_hint']}", size=9, color=GREY)
    _field_table(d, list(common()["product_fields"]) + list(spec.get("extra_fields") or []))

    _new_section(d, landscape=True)  # the item rows need the width
    h = printed_headers()
    _para(d, "三、逐项符合情况及证明材料", size=12, bold=True)
    _para(
        d,
        "“申请人声明”栏：对只能由申请人声明的条目填写“是”（符合）或“否”；声明须经人工确认，不能单独作为满足条件的依据。",
        size=9,
        color=GREY,
    )
    widths = [2.6, 5.4, 3.8, 2.3, 2.0, 1.6, 1.3, 6.7]
    _loop_table(
        d,
        [h["clause"], h["requirement"], "证明材料", "编号", "有效期至", "预审结论", h["declaration"], "说明"],
        widths,
        "it in items",
        [
            "{{ it.clause }}",  # with the requirement, what names the row when the form comes back
            "{{ it.requirement }}",
            "{% cellbg it.fill %}{{ it.document }}",
            "{{ it.number }}",
            "{{ it.validity }}",
            "{{ it.status }}",
            "{% cellbg it.decl_fill %}{{ it.declaration }}",
            "{{ it.note }}",
        ],
        {7: NOTE_COLOR},
    )

    section_no = 4
    if spec.get("self_assessment"):
        _para(d, f"{_cn(section_no)}、自评表（技术规范第5章评价指标，评分档见6.2.1）", size=12, bold=True)
        _para(
            d,
            "“自评档”栏填写 0%-20%、20%-40%、40%-60%、60%-80%、80%-100% 之一，“自评分”栏填写分值。"
            "预审找到的证据仅供参考，最终得分由审查组评定。可达最高分：{{ score_max }}。",
            size=9,
            color=GREY,
        )
        w = [2.8, 6.0, 1.2, 9.0, 4.0, 2.7]
        _loop_table(
            d,
            [h["clause"], h["indicator"], "分值", "已找到的证据", h["band"], h["score"]],
            w,
            "s in self_items",
            [
                "{{ s.clause }}",
                "{{ s.title }}",
                "{{ s.points }}",
                "{{ s.evidence }}",
                "{% cellbg s.fill %}{{ s.band }}",
                "{% cellbg s.fill %}{{ s.score }}",
            ],
        )
        section_no += 1

    _new_section(d, landscape=False)
    _para(d, f"{_cn(section_no)}、附件清单", size=12, bold=True)
    w = [1.2, 6.6, 4.0, 1.4, 3.8]
    _loop_table(
        d,
        ["序号", "文件名", "材料类型", "页数", "读取情况"],
        w,
        "a in attachments",
        ["{{ a.n }}", "{{ a.file }}", "{{ a.type }}", "{{ a.pages }}", "{{ a.status }}"],
    )
    _para(d, "{{ attachments_note }}", size=9, color=GREY)
    section_no += 1

    _para(d, f"{_cn(section_no)}、尚需补充的材料", size=12, bold=True)
    _para(d, "{%p for g in gaps %}")
    _para(d, "{{ g }}", size=9, color=NOTE_COLOR)
    _para(d, "{%p endfor %}")
    _para(d, "{{ gaps_note }}", size=9, color=GREY)
    section_no += 1

    _para(d, f"{_cn(section_no)}、预填来源", size=12, bold=True)
    _para(d, "下表列出本表每一项预填内容取自哪一份材料的哪一页、哪一行。", size=9, color=GREY)
    w = [2.6, 3.8, 3.6, 0.9, 4.8, 1.3]
    _loop_table(
        d,
        ["项目", "填入内容", "来源文件", "页", "原文", "置信度"],
        w,
        "s in sources",
        ["{{ s.label }}", "{{ s.value }}", "{{ s.file }}", "{{ s.page }}", "{{ s.text }}", "{{ s.confidence }}"],
    )

    pledge = spec["pledge"]
    brk = d.add_paragraph().add_run()
    brk.add_break(WD_BREAK.PAGE)
    _para(d, pledge["title"], size=16, bold=True, center=True)
    _para(d, f"致：{spec['addressee']}", size=10.5)
    for text in pledge["paragraphs"]:
        _para(d, text, size=10.5)
    _para(d, "")
    _para(d, "申请单位（盖章）：{{ f.org_name.value }}", size=10.5)
    _para(d, "法定代表人（签字）：____________　　　　　　　　日期：______年____月____日", size=10.5)

    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _new_section(d, landscape: bool) -> None:
    sec = d.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(29.7), Cm(21.0)
    sec.page_width, sec.page_height = (long, short) if landscape else (short, long)
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Cm(2.0)


def _cn(n: int) -> str:
    return "一二三四五六七八九十"[n - 1]


def comparable_parts(data: bytes) -> dict[str, bytes]:
    """The parts that carry content (zip timestamps aside) — what the sync test compares."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in sorted(z.namelist()) if n.startswith("word/")}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = []
    for scheme_id in scheme_ids("form"):
        data = build_template(scheme_id)
        path: Path = template_path(scheme_id)
        if check:
            if not path.exists() or comparable_parts(path.read_bytes()) != comparable_parts(data):
                stale.append(path.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path}")
    if stale:
        print("out of date (run python -m forms.build_templates): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
