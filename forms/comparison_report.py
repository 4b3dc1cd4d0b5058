"""The comparison report: one set of documents against every scheme (`intake check --scheme all
--out DIR`), as a self-contained HTML page and an A4 Word document, in Chinese.

    paths = write_comparison_report(comparison_json, "out/")

`comparison_json` is the `intake check --scheme all --json` object: `comparison` (one summary per
scheme, closest to applying first) and `schemes` (each scheme's own check). The report only restates
those summaries: outcome, counts, level or score, what is provisional or waits for a person, next steps.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from checklists.vocabulary import STATUS_ORDER, STATUS_ZH, doc_label
from extractors.fields.dates import beijing_day

from .application import write_atomic
from .clean import clean_text
from .gap_report import a4_document, html_env

HTML_TEMPLATE = "comparison_report.html.j2"
NOTICE = "本对照为材料预审结果，不是评价结论；各方案最终以评价/认证机构的审核为准。"


def report_context(data: dict, today: date | None = None) -> dict:
    rows = []
    for s in data.get("comparison") or []:
        row = {"name": s.get("name", ""), "error": s.get("error")}
        if not row["error"]:
            row.update(
                status=s["status"],
                status_zh=s["status_zh"],
                counts=[{"label": STATUS_ZH[k], "n": s["counts"].get(k, 0)} for k in STATUS_ORDER],
                level=_level(s),
                flags="；".join(s.get("flags") or []),
                notes=list(s.get("notes") or []),
                actions=[a["text"] for a in s.get("next_actions") or []],
            )
        rows.append(row)
    first: dict = next(iter((data.get("schemes") or {}).values()), {})
    docs = [
        {
            "file": d.get("file", ""),
            "type": doc_label(d.get("type") or "other"),
            "status": d.get("error") or "已读取",
        }
        for d in first.get("documents") or []
        if isinstance(d, dict)
    ]
    return {
        "as_of": data.get("as_of", ""),
        "generated_on": (today or beijing_day()).isoformat(),
        "rows": rows,
        "documents": docs,
        "notice": NOTICE,
    }


def _level(s: dict) -> str:
    """The best reachable level, or the score against its threshold, in words."""
    if s.get("levels"):
        return s.get("level") or "尚无可达级别"
    sc = s.get("score")
    if sc:
        got = "尚未全部评分" if sc.get("score") is None else f"得分 {sc['score']:g}"
        line = f"{got}；现有材料最高可得 {sc.get('score_max') or 0:g}"
        if sc.get("threshold") is not None:
            line += f"（达标线 {sc['threshold']:g}）"
        return line
    return "—"


def render_comparison_html(data: dict, today: date | None = None) -> str:
    return html_env().get_template(HTML_TEMPLATE).render(**report_context(data, today))


def render_comparison_docx(data: dict, today: date | None = None) -> bytes:
    ctx = report_context(data, today)
    d = a4_document()
    d.add_heading("各方案对照", level=0)
    d.add_paragraph(f"评价日 {ctx['as_of']} · 生成于 {ctx['generated_on']} · {ctx['notice']}")
    t = d.add_table(rows=1, cols=5)
    t.style = "Table Grid"
    for cell, h in zip(t.rows[0].cells, ("方案", "预审结论", "条目统计", "可达级别 / 得分", "下一步"), strict=True):
        cell.text = h
    for r in ctx["rows"]:
        cells = t.add_row().cells
        cells[0].text = r["name"]
        if r["error"]:
            cells[1].text = f"未评价：{r['error']}"
            continue
        cells[1].text = r["status_zh"] + (f"（{r['flags']}）" if r["flags"] else "")
        cells[2].text = "，".join(f"{c['label']} {c['n']}" for c in r["counts"])
        cells[3].text = "\n".join([r["level"], *r["notes"]])
        cells[4].text = "\n".join(r["actions"]) or "—"
    d.add_heading("所交材料", level=1)
    for doc in ctx["documents"]:
        d.add_paragraph(f"{doc['file']}（{doc['type']}）：{doc['status']}", style="List Bullet")
    d.core_properties.title = clean_text("各方案对照")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def write_comparison_report(data: dict, out_dir: Any, today: date | None = None) -> list[Path]:
    """Write comparison-<as_of>.html and .docx into `out_dir`; returns both paths."""
    out = Path(out_dir)
    stem = "comparison-" + "".join(ch for ch in str(data.get("as_of") or "x") if ch.isalnum() or ch == "-")
    paths = [out / f"{stem}.html", out / f"{stem}.docx"]
    write_atomic(paths[0], render_comparison_html(data, today).encode("utf-8"))
    write_atomic(paths[1], render_comparison_docx(data, today))
    return paths
