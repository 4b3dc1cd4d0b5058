"""The secretariat: the queue, per-item overrides with a required note, the credit worksheet,
the procedure states and the decision. Every change lands in the case's audit log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from intake.cases.case import STATUSES, add_override, decide, move_state, set_scores
from intake.cases.procedures import procedure, scheme_ids
from intake.cases.queue import PER_PAGE, QueueFilters, QueuePage, queue_page
from intake.cases.worksheet import band_fraction, is_scored
from intake.store.accounts import User

from ..deps import check_csrf, get_db, render, require_secretariat, viewable_case

router = APIRouter(tags=["secretariat"])


def read_queue(
    db,
    scheme="",
    status="",
    state="",
    q="",
    outcome="",
    min_days: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> QueuePage:
    """The queue from the case rows' stored summaries (SQL only; never the checklist engine)."""
    filters = QueueFilters(
        scheme=scheme or None,
        status=status or None,
        procedure_state=state or None,
        outcome=outcome or None,
        min_days=min_days,
        q=q or None,
    )
    return queue_page(db, filters, page, per_page)


@router.get("/queue", include_in_schema=False)
def queue_html(
    request: Request,
    scheme: str = "",
    status: str = "",
    state: str = "",
    q: str = "",
    outcome: str = "",
    min_days: int | None = Query(None, ge=0, le=100000),
    page: int = Query(1, ge=1, le=1000000),
    db=Depends(get_db),
    user: User = Depends(require_secretariat),
):
    result = read_queue(db, scheme, status, state, q, outcome, min_days, page)
    filters = {
        "scheme": scheme,
        "status": status,
        "state": state,
        "q": q,
        "outcome": outcome,
        "min_days": "" if min_days is None else min_days,
    }
    return render(
        request,
        "queue.html",
        {
            "rows": result.rows,
            "counts": result.counts,
            "result": result,
            "schemes": [procedure(s) for s in scheme_ids()],
            "statuses": STATUSES,
            "filters": filters,
            "query": {k: v for k, v in filters.items() if v not in ("", None)},
        },
    )


def _back(case_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/cases/{case_id}{anchor}", status_code=303)


@router.post("/cases/{case_id}/overrides", include_in_schema=False, dependencies=[Depends(check_csrf)])
def override(
    item_id: str = Form(...),
    status: str = Form(...),
    note: str = Form(""),
    case=Depends(viewable_case),
    db=Depends(get_db),
    user: User = Depends(require_secretariat),
):
    add_override(db, case, item_id, status, note, user)
    return _back(case.id, f"#item-{item_id}")


@router.post("/cases/{case_id}/scores", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def scores(
    request: Request, case=Depends(viewable_case), db=Depends(get_db), user: User = Depends(require_secretariat)
):
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
                raise HTTPException(400, f"{item}：评分无效") from None
    set_scores(db, case, values, user)
    return _back(case.id, "#worksheet")


@router.post("/cases/{case_id}/state", include_in_schema=False, dependencies=[Depends(check_csrf)])
def state(
    state: str = Form(...),
    note: str = Form(""),
    case=Depends(viewable_case),
    db=Depends(get_db),
    user: User = Depends(require_secretariat),
):
    move_state(db, case, state, user, note)
    return _back(case.id, "#procedure")


@router.post("/cases/{case_id}/decision", include_in_schema=False, dependencies=[Depends(check_csrf)])
def decision(
    status: str = Form(...),
    note: str = Form(""),
    case=Depends(viewable_case),
    db=Depends(get_db),
    user: User = Depends(require_secretariat),
):
    decide(db, case, status, note, user)
    return _back(case.id, "#procedure")
