"""What the committee's desk and the public draft page show, built on intake.comments.store:
comments grouped by clause with their campaign group, invalid references, exports as bytes."""

from __future__ import annotations

import io
from collections import OrderedDict

from extractors.comments.clauses import sort_key
from intake.comments import register


def register_view(db, draft_id: int) -> dict:
    computed = register.compute(db, draft_id)
    draft, rows, groups = computed.draft, computed.rows, computed.groups
    group_of = {}
    for n, g in enumerate(groups, start=1):
        for m in g.members:
            group_of[m] = {"n": n, "kind": g.kind, "campaign": g.campaign, "sources": g.sources, "size": len(g.members)}
    by_clause: OrderedDict[str, list[dict]] = OrderedDict()
    titles = {c.id: c.title for c in (draft.standard.clauses[i] for i in draft.standard.ids())}
    for r in sorted(rows, key=lambda r: sort_key(r["clause"] or "")):
        r["group"] = group_of.get(r["id"])
        by_clause.setdefault(r["clause"] or "未注明", []).append(r)
    reg = register.register_data(db, draft_id, computed=computed)
    return {
        "draft": draft,
        "by_clause": [(k, titles.get(k, ""), v) for k, v in by_clause.items()],
        "invalid": [r for r in rows if not r.get("valid", 1)],
        "groups": [{"n": n, **g.to_json()} for n, g in enumerate(groups, start=1)],
        "campaigns": [
            {
                "n": n,
                "sources": g.sources,
                "size": len(g.members),
                "text": next((r.get("comment_raw") or r["comment"] for r in rows if r["id"] == g.representative), ""),
            }
            for n, g in enumerate(groups, start=1)
            if g.campaign
        ],
        "sheets": computed.sheets,
        "summary": reg.summary,
        "comments": rows,
        "to_check": sum(1 for r in rows if r.get("to_check")),
    }


def clauses(draft) -> list[dict]:
    return [c.to_json() for c in (draft.standard.clauses[i] for i in draft.standard.ids())]


def blank_sheet_docx(draft) -> bytes:
    from forms.comment_template import write_comment_template

    buf = io.BytesIO()
    write_comment_template(buf, draft.title, deadline=draft.deadline)
    return buf.getvalue()


def register_docx(db, draft_id: int, handler: str | None = None) -> bytes:
    from forms.register import write_register_docx

    buf = io.BytesIO()
    write_register_docx(register.register_data(db, draft_id, handler=handler), buf)
    return buf.getvalue()


def register_csv(db, draft_id: int) -> bytes:
    import csv

    from forms.register import register_csv_rows

    out = io.StringIO()
    csv.writer(out).writerows(register_csv_rows(register.register_data(db, draft_id)))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
