"""The secretariat: the queue, per-item overrides with a required note, the credit worksheet,
the procedure states and the decision. Every change lands in the case's audit log."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from intake.store.accounts import User
from intake.cases.case import STATUSES, CaseError, add_override, decide, move_state, queue, set_scores
from intake.cases.procedures import procedure, scheme_ids
from intake.cases.report import case_report
from intake.cases.worksheet import band_fraction, is_scored

from ..deps import check_csrf, get_db, render, require_secretariat, viewable_case

router = APIRouter(tags=["secretariat"])


def queue_rows(db, scheme, status, state, q) -> list[dict]:
    out = []
    for case in queue(db, scheme or None, status or None, state or None, q or None):
        report = case_report(db, case)
        out.append({**case.summary(), "scheme_name": procedure(case.scheme).name,
                    "procedure_name": procedure(case.scheme).state(case.procedure_state).name,
                    "outcome": report.get("outcome", {})})
    return out


@router.get("/queue", include_in_schema=False)
def queue_page(request: Request, scheme: str = "", status: str = "", state: str = "", q: str = "",
               db=Depends(get_db), user: User = Depends(require_secretariat)):
    rows = queue_rows(db, scheme, status, state, q)
    counts = {}
    for c in queue(db):
        counts[c.scheme] = counts.get(c.scheme, 0) + 1
    return render(request, "queue.html", {"rows": rows, "counts": counts, "schemes": [procedure(s) for s in scheme_ids()],
                                          "statuses": STATUSES, "filters": {"scheme": scheme, "status": status,
                                                                            "state": state, "q": q}})


def _back(case_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/cases/{case_id}{anchor}", status_code=303)


@router.post("/cases/{case_id}/overrides", include_in_schema=False, dependencies=[Depends(check_csrf)])
def override(item_id: str = Form(...), status: str = Form(...), note: str = Form(""), case=Depends(viewable_case),
             db=Depends(get_db), user: User = Depends(require_secretariat)):
    add_override(db, case, item_id, status, note, user)
    return _back(case.id, f"#item-{item_id}")


@router.post("/cases/{case_id}/scores", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def scores(request: Request, case=Depends(viewable_case), db=Depends(get_db),
                 user: User = Depends(require_secretariat)):
    if not is_scored(case.scheme):
        raise HTTPException(400, "本评价项目没有评分表（只有计分的方案有）")
    form = await request.form()
    values = {}
    for key, v in form.items():
        if key.startswith("band.") and v != "":
            item = key[5:]
            exact = (form.get(f"pct.{item}") or "").strip()
            try:
                values[item] = float(exact) / 100 if exact else band_fraction(int(v), case.scheme)
            except (ValueError, IndexError):
                raise HTTPException(400, f"{item}：评分无效")
    set_scores(db, case, values, user)
    return _back(case.id, "#worksheet")


@router.post("/cases/{case_id}/state", include_in_schema=False, dependencies=[Depends(check_csrf)])
def state(state: str = Form(...), note: str = Form(""), case=Depends(viewable_case), db=Depends(get_db),
          user: User = Depends(require_secretariat)):
    move_state(db, case, state, user, note)
    return _back(case.id, "#procedure")


@router.post("/cases/{case_id}/decision", include_in_schema=False, dependencies=[Depends(check_csrf)])
def decision(status: str = Form(...), note: str = Form(""), case=Depends(viewable_case), db=Depends(get_db),
             user: User = Depends(require_secretariat)):
    decide(db, case, status, note, user)
    return _back(case.id, "#procedure")
