"""The 征求意见汇总处理表 (consolidated comment register): DOCX and CSV.

Pure: takes the comments as plain dicts (see `intake.comments.comments`) and the
duplicate groups, returns a `RegisterData` that `write_register_docx` /
`write_register_csv` render. The summary is phrased for the 编制说明.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from extractors.comments.clauses import sort_key

_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
COLUMNS = ["序号", "标准章条编号", "意见内容", "修改建议或理由", "提出单位", "处理意见", "备注"]
COL_WIDTHS_CM = [1.3, 2.0, 7.0, 5.0, 3.2, 3.6, 3.9]  # 26 cm: landscape A4 inside 1.8 cm margins


@dataclass
class RegisterRow:
    no: int
    clause: str
    comment: str
    suggestion_reason: str
    submitter: str
    disposition: str
    remark: str
    # for the CSV and the web page
    item_id: Any = None
    file: str = ""
    seq: int | None = None
    receipt: str = ""
    group: int | None = None  # index into RegisterData.groups
    late: bool = False
    valid_clause: bool = True


@dataclass
class RegisterData:
    title: str
    drafting_unit: str
    handler: str
    filled: str
    deadline: str | None
    rows: list[RegisterRow]
    summary: dict  # the contract's `register --json` object (+ extras)
    summary_text: str
    groups: list[dict] = field(default_factory=list)


def _clause_label(r: dict) -> str:
    refs = r.get("clauses") or ([r["clause"]] if r.get("clause") else [])
    return "、".join(refs) if refs else (r.get("clause_raw") or "—")


def written(r: dict, key: str) -> str:
    """A comment's text as the commenter wrote it (`…_raw`); the normalised text for rows stored
    before the originals were kept. The register is a formal record: it quotes, never normalises."""
    return r.get(key + "_raw") or r.get(key) or ""


def _suggestion_reason(r: dict) -> str:
    parts = []
    if written(r, "original"):
        parts.append(f"原文：{written(r, 'original')}")
    if written(r, "suggestion"):
        parts.append(f"建议：{written(r, 'suggestion')}")
    if written(r, "reason"):
        parts.append(f"理由：{written(r, 'reason')}" if parts else written(r, "reason"))
    return "\n".join(parts)


def _scan_remark(c: dict) -> list[str]:
    """A comment read from a scan is never shown as the commenter's exact words without saying so."""
    if c.get("to_check"):
        return ["请核对：从扫描件识别，尚未核对"]
    if c.get("confidence") is not None:
        checked = c.get("checked")
        return ["从扫描件识别" + (("，已更正" if checked.get("corrected") else "，已核对") if checked else "")]
    return []


def _disposition(r: dict) -> str:
    if not r.get("decision"):
        return ""
    return r["decision"] + (f"：{r['decision_reason']}" if r.get("decision_reason") else "")


def build_register(
    draft_title: str,
    drafting_unit: str,
    handler: str,
    filled: str,
    deadline: str | None,
    comments: list[dict],
    groups: list,
    sheets: list[dict],
) -> RegisterData:
    """Order by clause, keep each duplicate group together behind its representative, mark
    invalid references and late sheets, and count everything for the summary."""
    by_id = {c["id"]: c for c in comments}
    group_of: dict[Any, int] = {}
    for gi, g in enumerate(groups):
        for m in g.members:
            group_of[m] = gi
    order = {c["id"]: i for i, c in enumerate(comments)}

    def unit_key(ids: list) -> tuple:
        rep = by_id[ids[0]]
        return (sort_key(rep["clause"]), order[ids[0]])

    units: list[list] = []
    seen = set()
    for c in comments:
        if c["id"] in seen:
            continue
        gi = group_of.get(c["id"])
        if gi is None:
            units.append([c["id"]])
            seen.add(c["id"])
        else:
            g = groups[gi]
            ids = [g.representative] + [m for m in g.members if m != g.representative]
            units.append(ids)
            seen.update(ids)
    units.sort(key=unit_key)

    rows: list[RegisterRow] = []
    first_no: dict[int, int] = {}
    for ids in units:
        for cid in ids:
            c = by_id[cid]
            no = len(rows) + 1
            remarks = []
            gi = group_of.get(cid)
            if gi is not None:
                g = groups[gi]
                what = {"exact": "相同", "near": "基本相同", "similar": "相近"}[g.kind]
                if cid == g.representative:
                    first_no[gi] = no
                    label = "活动性意见" if g.campaign else f"{what}意见"
                    remarks.append(f"{label}第{gi + 1}组代表（共{len(g.members)}条，{g.sources}个单位）")
                else:
                    remarks.append(f"与第{first_no[gi]}条{what}（第{gi + 1}组）")
            if not c.get("valid", 1):
                raw = c.get("clause_raw") or ""
                if not raw and not c.get("clause"):
                    remarks.append("未注明章条")
                else:
                    near = f"，最接近 {c['nearest']}" if c.get("nearest") else ""
                    remarks.append(f"章条“{raw or c['clause']}”在征求意见稿中不存在{near}")
            if c.get("late"):
                remarks.append(f"逾期（{c.get('received')}收到）")
            remarks += _scan_remark(c)
            rows.append(
                RegisterRow(
                    no=no,
                    clause=_clause_label(c),
                    comment=written(c, "comment"),
                    suggestion_reason=_suggestion_reason(c),
                    submitter=c.get("proposer") or c.get("submitter_raw") or c.get("submitter") or c.get("file") or "",
                    disposition=_disposition(c),
                    remark="；".join(remarks),
                    item_id=cid,
                    file=c.get("file", ""),
                    seq=c.get("seq"),
                    receipt=c.get("receipt", ""),
                    group=gi,
                    late=bool(c.get("late")),
                    valid_clause=bool(c.get("valid", 1)),
                )
            )

    summary = _summary(draft_title, comments, groups, sheets)
    groups_json = [
        g.to_json(
            key=lambda k: {
                "id": k,
                "file": by_id[k]["file"],
                "seq": by_id[k]["seq"],
                "submitter": by_id[k]["submitter"],
            }
        )
        for g in groups
    ]
    return RegisterData(
        title=draft_title,
        drafting_unit=drafting_unit,
        handler=handler,
        filled=filled,
        deadline=deadline,
        rows=rows,
        summary=summary,
        summary_text=summary_text(summary),
        groups=groups_json,
    )


def _summary(title: str, comments: list[dict], groups: list, sheets: list[dict]) -> dict:
    readable = [s for s in sheets if not s.get("error") and not s.get("superseded_by")]
    # a blank sheet with no name on it (the template dropped into the folder) is not a reply
    blank = [s for s in readable if not s.get("comments") and not s.get("submitter_key")]
    # nor is a sheet read as empty that does not say 无意见 (待人工核对): never a valid empty reply
    unread = [s for s in readable if s.get("review") and not s.get("comments") and s not in blank]
    current = [s for s in readable if s not in blank and s not in unread]
    by_id = {c["id"]: c for c in comments}
    submitters = {s.get("submitter_key") or s["file"] for s in current}
    kinds = Counter(s.get("submitter_kind") for s in current if s.get("submitter_key"))
    decisions = Counter(c.get("decision") or "待处理" for c in comments)
    per_clause = Counter(c["clause"] or "未注明" for c in comments)
    return {
        "standard_title": title,
        "sheets": len(current),
        "submitters": len(submitters),
        "comments": len(comments),
        "comments_without_valid_clause": [
            {"file": c["file"], "seq": c["seq"], "clause_raw": c.get("clause_raw") or "", "nearest": c.get("nearest")}
            for c in comments
            if not c.get("valid", 1)
        ],
        "duplicate_groups": [
            [{"file": by_id[m]["file"], "seq": by_id[m]["seq"]} for m in g.members]
            for g in groups
            if g.kind in ("exact", "near")
        ],
        "similar_groups": [
            [{"file": by_id[m]["file"], "seq": by_id[m]["seq"]} for m in g.members]
            for g in groups
            if g.kind == "similar"
        ],
        "late": [s["file"] for s in current if s.get("late")],
        "unreadable": [{"file": s["file"], "error": s["error"]} for s in sheets if s.get("error")],
        "superseded": [s["file"] for s in sheets if s.get("superseded_by")],
        "organisations": kinds.get("organisation", 0),
        "experts": kinds.get("expert", 0),
        "per_clause": dict(sorted(per_clause.items(), key=lambda kv: sort_key("" if kv[0] == "未注明" else kv[0]))),
        "decisions": {
            "采纳": decisions.get("采纳", 0),
            "部分采纳": decisions.get("部分采纳", 0),
            "未采纳": decisions.get("未采纳", 0),
            "待处理": decisions.get("待处理", 0),
        },
        "campaigns": sum(1 for g in groups if g.campaign),
        "no_comments": [s.get("submitter") or s["file"] for s in current if not s.get("comments")],
        "blank": [s["file"] for s in blank],
        "needs_review": [{"file": s["file"], "review": s["review"]} for s in readable if s.get("review")],
    }


def summary_text(s: dict) -> str:
    """One paragraph for the 编制说明."""
    parts = [
        f"征求意见期间共收到{s['submitters']}个单位和专家（其中单位{s['organisations']}个、专家{s['experts']}名）"
        f"反馈的征求意见表{s['sheets']}份"
    ]
    if s["late"]:
        parts[-1] += f"（其中逾期{len(s['late'])}份）"
    if s.get("no_comments"):
        parts[-1] += f"，其中{len(s['no_comments'])}个单位或专家回复无意见"
    parts.append(f"共提出意见{s['comments']}条")
    top = sorted(((k, v) for k, v in s["per_clause"].items() if k != "未注明"), key=lambda kv: -kv[1])[:3]
    if top:
        parts.append("意见较集中的章条为" + "、".join(f"{k}（{v}条）" for k, v in top))
    copies = len(s["duplicate_groups"])
    if copies:
        parts.append(f"其中内容相同或基本相同的意见{copies}组（活动性意见{s['campaigns']}组），已合并研究")
    if s["comments_without_valid_clause"]:
        parts.append(f"{len(s['comments_without_valid_clause'])}条意见所指章条在征求意见稿中不存在或未注明")
    d = s["decisions"]
    decided = d["采纳"] + d["部分采纳"] + d["未采纳"]
    if decided:
        text = f"经编制组研究处理，采纳{d['采纳']}条，部分采纳{d['部分采纳']}条，未采纳{d['未采纳']}条"
        if d["待处理"]:
            text += f"，尚有{d['待处理']}条待处理"
        parts.append(text)
    return "；".join(parts) + "。"


# ---------------------------------------------------------------------------
# DOCX


def _field(paragraph, instr: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES) that Word/WPS/LibreOffice update when the file is opened or printed."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind: str):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
        return run

    fld("begin")
    run = paragraph.add_run()
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = f" {instr} "
    run._r.append(it)
    fld("separate")
    paragraph.add_run(placeholder)
    fld("end")


def _cjk_font(doc, name: str = "宋体", size_pt: float = 10.5) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = doc.styles["Normal"]
    style.font.name = name
    style.font.size = Pt(size_pt)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        from docx.oxml import OxmlElement

        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def set_column_widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths that Word, WPS and LibreOffice all honour (tblGrid + tcW, no autofit)."""
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table.autofit = False
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _append_rows(table, rows, widths) -> None:
    """Rows built as XML directly: python-docx's add_row()/cells re-walk the whole table on every
    call (minutes for a 10,000-row register), and even OxmlElement re-parses a string per element."""
    from docx.oxml.ns import qn
    from lxml import etree

    TR, TC, TCPR, TCW, P, R, T = (qn(f"w:{x}") for x in ("tr", "tc", "tcPr", "tcW", "p", "r", "t"))
    W_W, W_TYPE, SPACE = qn("w:w"), qn("w:type"), qn("xml:space")
    twips = [str(int(w.twips if hasattr(w, "twips") else w)) for w in widths]
    tbl = table._tbl
    sub = etree.SubElement
    for values in rows:
        tr = sub(tbl, TR)
        for value, width in zip(values, twips):
            tc = sub(tr, TC)
            tcw = sub(sub(tc, TCPR), TCW)
            tcw.set(W_W, width)
            tcw.set(W_TYPE, "dxa")
            for line in (value or "").split("\n"):
                t = sub(sub(sub(tc, P), R), T)
                t.set(SPACE, "preserve")
                t.text = _XML_BAD.sub("", line)


def write_register_docx(data: RegisterData, out) -> None:
    """Landscape A4; the header block and 共 X 页 第 Y 页 on every page; the table header repeated."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    d = docx.Document()
    _cjk_font(d)
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(1.8))
    sec.top_margin, sec.bottom_margin = Cm(2.8), Cm(1.8)

    header = sec.header
    p = header.paragraphs[0]
    gap = "\u3000" * 4
    p.text = f"标准项目名称：{data.title}{gap}负责起草单位：{data.drafting_unit}"
    p2 = header.add_paragraph(f"承办人：{data.handler}{gap}填写日期：{data.filled}{gap}共 ")
    _field(p2, "NUMPAGES")
    p2.add_run(" 页 第 ")
    _field(p2, "PAGE")
    p2.add_run(" 页")

    t = d.add_paragraph()
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = t.add_run("征求意见汇总处理表")
    r.bold = True
    r.font.size = Pt(16)

    table = d.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, name in enumerate(COLUMNS):
        cell = table.rows[0].cells[i]
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _repeat_header(table.rows[0])
    set_column_widths(table, COL_WIDTHS_CM)
    _append_rows(
        table,
        (
            [str(row.no), row.clause, row.comment, row.suggestion_reason, row.submitter, row.disposition, row.remark]
            for row in data.rows
        ),
        [Cm(w) for w in COL_WIDTHS_CM],
    )
    if not data.rows:
        cells = table.add_row().cells
        cells[0].merge(cells[-1]).text = "未收到意见"

    d.add_paragraph()
    d.add_paragraph("意见处理情况汇总：").runs[0].bold = True
    d.add_paragraph(data.summary_text)
    d.add_paragraph("注：处理意见为“采纳”“部分采纳”或“未采纳”；部分采纳和未采纳的，应说明理由。")
    d.save(out)


# OWASP "CSV injection": a cell starting with = + - @ tab or CR (or their full-width forms, which
# some spreadsheet locales accept) is a formula to Excel/LibreOffice, even "-1+cmd|' /C calc'!A0".
_FORMULA = re.compile(r"^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]")


def _cell(value: str) -> str:
    """Public comments are untrusted: a cell a spreadsheet would run as a formula gets a leading
    apostrophe (shown as text, never evaluated; a negative number reads "'-5" — harmless)."""
    return "'" + value if _FORMULA.match(value or "") else value


def register_csv_rows(data: RegisterData) -> list[list[str]]:
    head = COLUMNS + ["文件", "意见表中序号", "回执号", "重复组", "逾期", "章条有效", "意见编号"]
    out = [head]
    for r in data.rows:
        out.append(
            [
                str(r.no),
                _cell(r.clause),
                _cell(r.comment),
                _cell(r.suggestion_reason),
                _cell(r.submitter),
                _cell(r.disposition),
                _cell(r.remark),
                _cell(r.file),
                "" if r.seq is None else str(r.seq),
                r.receipt,
                "" if r.group is None else str(r.group + 1),
                "是" if r.late else "",
                "是" if r.valid_clause else "否",
                str(r.item_id),
            ]
        )
    return out


def write_register_csv(data: RegisterData, out) -> None:
    """UTF-8 with a BOM so that Excel opens the Chinese text correctly."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerows(register_csv_rows(data))
    payload = "\ufeff" + buf.getvalue()
    if hasattr(out, "write"):
        out.write(payload.encode("utf-8") if "b" in getattr(out, "mode", "b") else payload)
    else:
        with open(out, "w", encoding="utf-8", newline="") as f:
            f.write(payload)
