"""JSON API: the data of every page, for scripts (OpenAPI at /docs). Authentication is the same
session cookie as the pages (POST /api/login), or a case token in the X-Case-Token header for a
case link holder; every POST/PUT carries the X-CSRF-Token header (GET /api/session returns it)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from checklists.registry import scheme_ids
from intake.cases import chat as case_chat
from intake.cases.case import (
    add_override,
    audit_log,
    can_edit,
    cases_for,
    documents,
    get_document,
    move_state,
    open_case,
    set_facts,
    set_scores,
)
from intake.cases.procedures import declarations, procedure
from intake.cases.report import case_report, submit_checked
from intake.cases.worksheet import rows as worksheet_rows
from intake.cases.worksheet import total as worksheet_total
from intake.store.accounts import User, authenticate

from ..app_limits import case_quota
from ..deps import (
    check_csrf,
    csrf_token,
    current_user,
    editable_case,
    get_db,
    get_store,
    require_secretariat,
    viewable_case,
    who,
)
from ..schemas import (
    CaseCreated,
    CaseSummary,
    ChatMessage,
    Facts,
    Login,
    NewCase,
    Override,
    Scheme,
    Scores,
    SessionInfo,
    StateChange,
    SubmitCase,
)
from ..session import case_tokens, remember_case, sign_in
from ..throttle import throttle
from .applicant import store_uploads
from .secretariat import QueueQuery, queue_query, read_queue

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/session", response_model=SessionInfo)
def session(request: Request, user: User | None = Depends(current_user)):
    return SessionInfo(user=user.name if user else None, role=user.role if user else None, csrf=csrf_token(request))


@router.post("/login", response_model=SessionInfo)
def api_login(body: Login, request: Request, db=Depends(get_db)):
    """Sign in for scripts; returns the CSRF token to send as X-CSRF-Token."""
    user = throttle(request).check(request, body.name, lambda: authenticate(db, body.name, body.password))
    if user is None:
        raise HTTPException(401, "用户名或密码错误")
    sign_in(request, user)
    return SessionInfo(user=user.name, role=user.role, csrf=csrf_token(request))


@router.get("/schemes", response_model=list[Scheme])
def schemes():
    out = []
    for s in scheme_ids("procedure"):
        p = procedure(s)
        out.append(
            Scheme(
                id=s,
                name=p.name,
                source=p.source,
                levels=p.levels,
                summary=p.summary,
                deadline=p.deadline,
                validity_years=p.validity_years,
                states=[st.name for st in p.states],
                declarations=declarations(s),
            )
        )
    return out


@router.get("/cases", response_model=list[CaseSummary])
def my_cases(request: Request, db=Depends(get_db), user: User | None = Depends(current_user)):
    """An applicant's own cases (account or case links)."""
    return [CaseSummary(**c.summary()) for c in cases_for(db, user, case_tokens(request))]


@router.post(
    "/cases", response_model=CaseCreated, status_code=201, dependencies=[Depends(check_csrf), Depends(case_quota)]
)
def new_case(body: NewCase, request: Request, db=Depends(get_db), user: User | None = Depends(current_user)):
    case = open_case(db, body.scheme, body.applicant, body.product, owner=user)
    remember_case(request, case.token)
    return CaseCreated(**case.summary(), token=case.token, link=str(request.base_url).rstrip("/") + f"/c/{case.token}")


@router.get("/cases/{case_id}", response_model=CaseSummary)
def case(case=Depends(viewable_case)):
    return CaseSummary(**case.summary())


@router.get("/cases/{case_id}/report")
def report(case=Depends(viewable_case), db=Depends(get_db), as_of: date | None = None):
    """The pre-check in the contract's `intake check --json` shape, plus `case.complete`
    (every document read or failed) and per-document `state`."""
    return case_report(db, case, as_of)


@router.get("/cases/{case_id}/documents")
def list_documents(case=Depends(viewable_case), db=Depends(get_db)):
    return [
        {
            k: d[k]
            for k in ("id", "file_name", "sha256", "size", "kind", "state", "error", "pages", "created", "read_at")
        }
        for d in documents(db, case.id)
    ]


@router.get("/cases/{case_id}/documents/{doc_id}")
def document(doc_id: int, case=Depends(viewable_case), db=Depends(get_db)):
    """One document: its state and the `intake extract` object read from it (fields with page and line)."""
    return get_document(db, case.id, doc_id)


@router.post("/cases/{case_id}/documents", dependencies=[Depends(check_csrf)])
async def upload(
    request: Request,
    files: list[UploadFile] = File(...),
    case=Depends(editable_case),
    db=Depends(get_db),
    store=Depends(get_store),
):
    """Upload one or more files (multipart field `files`); each is stored, sniffed and queued."""
    return {"files": await store_uploads(request, case, files, db, store)}


@router.put("/cases/{case_id}/facts", dependencies=[Depends(check_csrf)])
def put_facts(
    body: Facts,
    request: Request,
    case=Depends(editable_case),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    facts = body.model_dump(mode="json", exclude_unset=True)
    return set_facts(db, case, facts, who(user), request.app.state.limits.case_max_bytes)


@router.post("/cases/{case_id}/submit", response_model=CaseSummary, dependencies=[Depends(check_csrf)])
def submit_case(
    body: SubmitCase | None = None,
    case=Depends(editable_case),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    """A case the pre-check finds 不符合条件 needs `{"acknowledge_blockers": N}`, N its number of
    not_met items (what the applicant was shown)."""
    return CaseSummary(**submit_checked(db, case, who(user), body.acknowledge_blockers if body else None).summary())


@router.get("/cases/{case_id}/procedure")
def case_procedure(case=Depends(viewable_case)):
    return case.procedure_view()


# --- secretariat -------------------------------------------------------------------------


@router.get("/queue")
def api_queue(
    response: Response,
    query: QueueQuery = Depends(queue_query),
    per_page: int = Query(100, ge=1, le=500),
    db=Depends(get_db),
    user: User = Depends(require_secretariat),
):
    """Submitted cases, oldest first, one page at a time (`page`, `per_page` ≤ 500); filters: scheme,
    status, procedure `state`, pre-check `outcome`, `min_days` waiting, `q` (applicant or product).
    The whole count is in the X-Total-Count header; `outcome` is each case's stored summary
    (status, level, score, grade, `counts` per verdict, `complete`) as of `outcome_as_of`."""
    result = read_queue(db, query, per_page)
    response.headers["X-Total-Count"] = str(result.total)
    response.headers["X-Page-Count"] = str(result.pages)
    return result.rows


@router.post("/cases/{case_id}/overrides", dependencies=[Depends(check_csrf)])
def api_override(
    body: Override, case=Depends(viewable_case), db=Depends(get_db), user: User = Depends(require_secretariat)
):
    add_override(db, case, body.item_id, body.status, body.note, user)
    return {"ok": True}


@router.get("/cases/{case_id}/audit")
def api_audit(case=Depends(viewable_case), db=Depends(get_db), user: User = Depends(require_secretariat)):
    return audit_log(db, case.id)


@router.get("/cases/{case_id}/worksheet")
def api_worksheet(case=Depends(viewable_case), user: User = Depends(require_secretariat)):
    scores = case.facts.get("scores") or {}
    return {"rows": worksheet_rows(scores, scheme=case.scheme), "total": worksheet_total(scores, case.scheme)}


@router.put("/cases/{case_id}/worksheet", dependencies=[Depends(check_csrf)])
def api_put_worksheet(
    body: Scores, case=Depends(viewable_case), db=Depends(get_db), user: User = Depends(require_secretariat)
):
    scores = set_scores(db, case, body.scores, user)
    return {"rows": worksheet_rows(scores, scheme=case.scheme), "total": worksheet_total(scores, case.scheme)}


@router.post("/cases/{case_id}/procedure", dependencies=[Depends(check_csrf)])
def api_state(
    body: StateChange, case=Depends(viewable_case), db=Depends(get_db), user: User = Depends(require_secretariat)
):
    return move_state(db, case, body.state, user, body.note, body.on).procedure_view()


# --- the assistant ----------------------------------------------------------------------


@router.get("/cases/{case_id}/chat")
def chat_history(case=Depends(viewable_case), db=Depends(get_db)):
    return case_chat.transcript(db, case.id)


@router.post("/cases/{case_id}/chat", dependencies=[Depends(check_csrf)])
def chat(
    body: ChatMessage,
    request: Request,
    case=Depends(viewable_case),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    """One chat turn with the assistant about this case: `reply` (text), `quotes` (clauses quoted
    from the scheme), `question` (what it asks next), `changes` (items whose verdict changed)."""
    return case_chat.chat(db, case, body.message, who(user), can_edit(user, case, case_tokens(request)))


@router.post(
    "/cases/{case_id}/chat/stream",
    dependencies=[Depends(check_csrf)],
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "`chunk` events ({text}) then one `done` event (the JSON reply)",
        }
    },
)
def chat_stream(
    body: ChatMessage,
    request: Request,
    case=Depends(viewable_case),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    """The same turn as POST …/chat, streamed as Server-Sent Events: `chunk` events whose `text`
    joined give the reply, then a `done` event carrying the whole JSON reply (question, changes …).
    The turn is taken (and stored) before the first byte, so a dropped connection loses nothing."""
    result = case_chat.chat(db, case, body.message, who(user), can_edit(user, case, case_tokens(request)))
    return StreamingResponse(
        case_chat.sse_events(result),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
