"""The gap report: an `intake check` evaluation as a self-contained HTML page and a DOCX, in Chinese.

    paths = write_gap_report(evaluation_json, "out/", applicant={"org_name": "…"})
    html = render_gap_report_html(evaluation_json)

`evaluation_json` is the contract's `intake check --json` object (or Evaluation.to_json()).
The gaps come first (不满足, then 缺少材料, then 需人工审核), each with what would satisfy it.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from checklists.vocabulary import plain
from extractors.fields.dates import beijing_day, chinese_day

from .application import FormError, _satisfy, attachment_rows, template_fault, write_atomic
from .clean import clean_text, clean_tree
from .specs import TEMPLATE_DIR, applicant_fields, asked_only, common, scheme_spec, shown_value

HTML_TEMPLATE = "gap_report.html.j2"
GAP_STATUSES = ("not_met", "missing", "review")


def html_env(template_dir: Path = TEMPLATE_DIR) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)), autoescape=True, undefined=jinja2.StrictUndefined
    )


def _applicant(evaluation: dict, applicant: dict | None) -> dict:
    """The applicant's particulars: those given, else the business licence, else the declared
    facts, else any other document — the order the application form uses."""
    out = {k: v for k, v in (applicant or {}).items() if v not in (None, "")}
    facts = evaluation.get("facts") if isinstance(evaluation.get("facts"), dict) else {}
    declared = dict(facts.get("form") or {}) if isinstance(facts.get("form"), dict) else {}
    for key, name in (("org_name", "applicant"), ("product", "product")):
        v = facts.get(name)
        if isinstance(v, dict):  # the engine's `facts` give {"value": …, "source": …}
            v = v.get("value")
        if isinstance(v, str) and v:
            declared.setdefault(key, v)
    docs = [d for d in evaluation.get("documents") or [] if isinstance(d, dict) and not d.get("error")]
    licences = [d for d in docs if d.get("type") == "business_license"]
    others = [d for d in docs if d.get("type") != "business_license"]

    def from_docs(ds, key):
        for d in ds:
            v = ((d.get("fields") or {}).get(key) or {}).get("value")
            if v not in (None, ""):
                return v
        return None

    for key in (f["key"] for f in applicant_fields()):
        if key in out:
            continue
        for v in (from_docs(licences, key), declared.get(key), from_docs(others, key)):
            if v not in (None, ""):
                out[key] = v
                break
    return out


def _evidence_line(e: Any) -> str:
    if not isinstance(e, dict):
        return str(e)
    parts = [str(e.get("file") or "")]
    if e.get("page") not in (None, ""):
        parts.append(f"第{e['page']}页")
    if e.get("line") not in (None, ""):
        parts.append(f"第{e['line']}行")
    text = e.get("text") or ""
    return " ".join(p for p in parts if p) + (f"：“{text}”" if text else "")


def _spec_items(scheme_id: str) -> dict:
    try:
        return {it["id"]: it for it in scheme_spec(scheme_id)["items"]}
    except Exception:  # noqa: BLE001 — a scheme without a form spec still gets a report
        return {}


def report_context(evaluation: dict, applicant: dict | None = None, today: date | None = None) -> dict:
    if not isinstance(evaluation, dict) or "items" not in evaluation:
        raise FormError("the gap report needs an `intake check` evaluation (an object with scheme, outcome, items)")
    c = common()
    status_cn, order = c["item_status"], c["status_order"]
    scheme_id = str(evaluation.get("scheme") or "")
    spec_items = _spec_items(scheme_id)
    items = []
    for it in evaluation.get("items") or []:
        status = it.get("status") or "missing"
        satisfy = plain(_satisfy(it, spec_items.get(it.get("id"), {}))) if status in GAP_STATUSES else ""
        if status == "review" and not satisfy:
            satisfy = "由评价人员人工确认"
        reason = plain(it.get("reason"))  # the applicant's words: no fact keys, no English values
        o = it.get("override") if isinstance(it.get("override"), dict) else None
        if o:  # a reviewer's verdict laid over the engine's
            who = "，".join(str(x) for x in (o.get("user") or o.get("by"), o.get("at")) if x)
            reason += f"（人工复核：{status_cn.get(o.get('status'), o.get('status') or '')}"
            reason += f"，{o['note']}" if o.get("note") else ""
            reason += f"，{who}）" if who else "）"
        items.append(
            {
                "id": it.get("id", ""),
                "clause": it.get("clause", ""),
                "title": it.get("title", ""),
                "status": status,
                "status_cn": status_cn.get(status, status),
                "reason": reason,
                "satisfy": satisfy,
                "evidence": [_evidence_line(e) for e in it.get("evidence") or []],
            }
        )
    rank = {s: i for i, s in enumerate(order)}
    items.sort(key=lambda x: rank.get(x["status"], len(order)))  # stable: the scheme's order within a status
    o = evaluation.get("outcome") or {}
    scored = any(o.get(k) is not None for k in ("score", "score_max", "grade"))
    notes = [
        str(n) for key in ("notes", "warnings") for n in (o.get(key) or evaluation.get(key) or []) if isinstance(n, str)
    ]
    if isinstance(o.get("note"), str):
        notes.append(o["note"])
    appl = _applicant(evaluation, applicant)
    ctx = {
        "scheme": {"id": scheme_id, "name": c["scheme_names"].get(scheme_id, scheme_id)},
        "as_of": chinese_day(evaluation.get("as_of")) or "—",
        "generated_on": chinese_day(today or beijing_day()),
        "applicant": {**{f["key"]: "" for f in applicant_fields()}, **appl},
        "applicant_rows": [
            {
                "label": f["label"],
                "value": shown_value(appl.get(f["key"]) or "", f),
                "empty": "（未填写）" if asked_only(f) else "（未读到）",
            }
            for f in applicant_fields()
        ],
        "outcome": {
            "status": o.get("status") or "",
            "status_cn": c["outcome_status"].get(o.get("status"), "—"),
            "level": o.get("level"),
            "score": o.get("score"),
            "score_max": o.get("score_max"),
            "grade": o.get("grade"),
            "best_grade": o.get("best_grade"),
            "grade_withheld": o.get("grade_withheld"),
            "scored": scored,
        },
        "counts": [
            {"status": s, "label": status_cn[s], "n": sum(1 for i in items if i["status"] == s)}
            for s in order
            if any(i["status"] == s for i in items)
        ],
        "notes": notes,
        "gaps": [i for i in items if i["status"] in GAP_STATUSES],
        "items": items,
        "documents": attachment_rows([d for d in evaluation.get("documents") or [] if isinstance(d, dict)]),
    }
    return clean_tree(ctx)


def render_gap_report_html(
    evaluation_json: dict,
    applicant: dict | None = None,
    today: date | None = None,
    env: jinja2.Environment | None = None,
) -> str:
    """The report as one self-contained HTML page (inline CSS, no external resources)."""
    ctx = report_context(evaluation_json, applicant, today)
    env = env or html_env()
    try:
        return env.get_template(HTML_TEMPLATE).render(**ctx)
    except jinja2.TemplateNotFound as e:
        raise FormError(f"gap report template {e.name} not found in {TEMPLATE_DIR}") from e
    except jinja2.TemplateError as e:
        raise FormError(template_fault(HTML_TEMPLATE, e)) from e


# ---------------------------------------------------------------------------- DOCX


def a4_document():
    """A blank Word document as the reports use it: A4 (python-docx's blank one is US Letter), 2 cm
    margins, 宋体 10 pt."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Cm(2.0)
    style = d.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(10)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    return d


def render_gap_report_docx(evaluation_json: dict, applicant: dict | None = None, today: date | None = None) -> bytes:
    """The same report as a Word document (built with python-docx: its tables grow with the items)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    ctx = report_context(evaluation_json, applicant, today)
    fills = {"met": "E2F0D9", "not_met": "F8CBAD", "missing": "FFF2A8", "review": "DEEBF7", "not_applicable": "EEEEEE"}
    d = a4_document()

    def shade(cell, fill):
        tcpr = cell._element.get_or_add_tcPr()
        tcpr.append(tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill}))

    def table(header, rows, status_col=None):
        t = d.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for i, h in enumerate(header):
            t.rows[0].cells[i].text = h
            shade(t.rows[0].cells[i], "D9E2F3")
        for row in rows:
            cells = t.add_row().cells
            for i, v in enumerate(row[0]):
                cells[i].text = v
            if status_col is not None and row[1]:
                shade(cells[status_col], fills.get(row[1], "FFFFFF"))
        return t

    h = d.add_heading(f"预审报告：{ctx['scheme']['name']}", level=0)
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = d.add_paragraph(
        f"评价日 {ctx['as_of']} · 生成于 {ctx['generated_on']} · 本报告为材料预审结果，最终以评价/认证机构的审核为准。"
    )
    p.runs[0].font.color.rgb = RGBColor(0x66, 0x66, 0x66)

    d.add_heading("申请单位", level=1)
    table(["项目", "内容"], [([r["label"], r["value"] or r["empty"]], None) for r in ctx["applicant_rows"]])

    d.add_heading("预审结论", level=1)
    o = ctx["outcome"]
    rows = [(["结论", o["status_cn"]], None), (["可达等级", o["level"] or "—"], None)]
    if o["scored"]:
        rows += [
            (["得分", "尚未全部评分" if o["score"] is None else str(o["score"])], None),
            (["可达最高分", "—" if o["score_max"] is None else str(o["score_max"])], None),
            (["等级（星级）", o["grade"] or o.get("grade_withheld") or "—"], None),
        ]
        if o.get("best_grade"):
            rows.append((["可争取的最高等级", o["best_grade"]], None))
    rows.append((["条目统计", "，".join(f"{c['label']} {c['n']}" for c in ctx["counts"])], None))
    table(["项目", "内容"], rows)
    for n in ctx["notes"]:
        d.add_paragraph(n)

    d.add_heading("需要处理的条目", level=1)
    if ctx["gaps"]:
        table(
            ["结论", "条款", "要求", "原因及证据", "怎样才能满足"],
            [
                (
                    [
                        g["status_cn"],
                        g["clause"],
                        g["title"],
                        "\n".join([g["reason"]] + g["evidence"]).strip(),
                        g["satisfy"],
                    ],
                    g["status"],
                )
                for g in ctx["gaps"]
            ],
            status_col=0,
        )
    else:
        d.add_paragraph("没有不满足或缺少材料的条目。")

    d.add_heading("全部条目", level=1)
    table(
        ["结论", "条款", "要求", "原因", "证据（文件、页、原文）"],
        [
            ([i["status_cn"], i["clause"], i["title"], i["reason"], "\n".join(i["evidence"]) or "—"], i["status"])
            for i in ctx["items"]
        ],
        status_col=0,
    )

    d.add_heading("所交材料", level=1)
    if ctx["documents"]:
        table(
            ["#", "文件", "类型", "页数", "读取情况"],
            [([a["n"], a["file"], a["type"], a["pages"], a["status"]], None) for a in ctx["documents"]],
        )
    else:
        d.add_paragraph("（未提交材料）")
    d.core_properties.title = clean_text(f"预审报告 {ctx['scheme']['name']}")
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()
    docx.Document(io.BytesIO(data))  # reopen: never hand out a file Word cannot read
    return data


def write_gap_report(
    evaluation_json: dict, out_dir, applicant: dict | None = None, today: date | None = None
) -> list[Path]:
    """Write gap-report-<scheme>-<as_of>.html and .docx into `out_dir`; returns both paths."""
    html = render_gap_report_html(evaluation_json, applicant, today)
    data = render_gap_report_docx(evaluation_json, applicant, today)
    out = Path(out_dir)
    stem = f"gap-report-{_safe(evaluation_json.get('scheme'))}-{_safe(evaluation_json.get('as_of'))}"
    paths = [out / f"{stem}.html", out / f"{stem}.docx"]
    write_atomic(paths[0], html.encode("utf-8"))
    write_atomic(paths[1], data)
    return paths


def _safe(v: Any) -> str:
    return "".join(ch for ch in str(v or "x") if ch.isalnum() or ch in "-_") or "x"
