"""The secretariat: the queue, per-item overrides with a required note, the credit worksheet,
the procedure states and the decision. Every change lands in the case's audit log."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from checklists.registry import scheme_ids
from intake.cases.case import STATUSES, add_override, decide, move_state, set_scores
from intake.cases.correction import request_correction
from intake.cases.procedures import procedure
from intake.cases.queue import PER_PAGE, QueueFilters, QueuePage, queue_page
from intake.cases.report import case_report
from intake.cases.worksheet import band_fraction, is_scored
from intake.store.accounts import User

from ..deps import check_csrf, get_db, render, require_secretariat, viewable_case

router = APIRouter(tags=["secretariat"])


@dataclass(frozen=True)
class QueueQuery:
    """The queue's filters and page as a request states them (the HTML page and /api/queue alike)."""

    scheme: str = ""
    status: str = ""
    state: str = ""
    q: str = ""
    outcome: str = ""
    min_days: int | None = None
    page: int = 1

    def filters(self) -> QueueFilters:
        return QueueFilters(
            scheme=self.scheme or None,
            status=self.status or None,
            procedure_state=self.state or None,
            outcome=self.outcome or None,
            min_days=self.min_days,
            q=self.q or None,
        )

    def form(self) -> dict:
        """The values the page's filter form shows (no page: a new filter starts at page 1)."""
        out = {k: v for k, v in asdict(self).items() if k != "page"}
        out["min_days"] = "" if self.min_days is None else self.min_days
        return out


def queue_query(
    scheme: str = "",
    status: str = "",
    state: str = "",
    q: str = "",
    outcome: str = "",
    min_days: str = Query("", max_length=12),
    page: int = Query(1, ge=1, le=1000000),
) -> QueueQuery:
    """A browser submits the form's empty fields as empty strings: an empty 已等待 is no filter."""
    return QueueQuery(scheme, status, state, q, outcome, days(min_days), page)


def days(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > 100000:
        raise HTTPException(400, "“已等待”请填写天数（0 或正整数），或留空")
    return int(raw)


def read_queue(db, query: QueueQuery, per_page: int = PER_PAGE) -> QueuePage:
    """The queue from the case rows' stored summaries (SQL only; never the checklist engine)."""
    return queue_page(db, query.filters(), query.page, per_page)


@router.get("/queue", include_in_schema=False)
def queue_html(
    request: Request,
    query: QueueQuery = Depends(queue_query),
    db=Depends(get_db),
    user: User = Depends(require_secretariat),
):
    result = read_queue(db, query)
    filters = query.form()
    return render(
        request,
        "queue.html",
        {
            "rows": result.rows,
            "counts": result.counts,
            "result": result,
            "schemes": [procedure(s) for s in scheme_ids("procedure")],
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
    status: str = Form(""),  # none chosen: add_override says so in Chinese
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
    await run_in_threadpool(set_scores, db, case, values, user)
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


@router.post("/cases/{case_id}/correction", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def correction(
    request: Request, case=Depends(viewable_case), db=Depends(get_db), user: User = Depends(require_secretariat)
):
    """A 补正通知: the items ticked, a deadline, a note the applicant reads."""
    form = await request.form()
    ids = [str(v) for v in form.getlist("item")]

    def send_notice() -> None:  # the pre-check is CPU work: off the event loop
        items = case_report(db, case)["items"]
        titles = {i["id"]: f"{i.get('clause', '')} {i.get('title', '')}".strip() for i in items}
        request_correction(
            db, case, ids, str(form.get("deadline") or ""), str(form.get("note") or ""), user.name, titles
        )

    await run_in_threadpool(send_notice)
    return _back(case.id, "#correction-rounds")


@router.post("/cases/{case_id}/decision", include_in_schema=False, dependencies=[Depends(check_csrf)])
def decision(
    status: str = Form(""),  # none chosen: decide says so in Chinese
    note: str = Form(""),
    case=Depends(viewable_case),
    db=Depends(get_db),
    user: User = Depends(require_secretariat),
):
    decide(db, case, status, note, user)
    return _back(case.id, "#procedure")
