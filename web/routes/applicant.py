"""Applicants: choose a scheme, open a case, upload, watch the report fill in, answer facts,
download, submit. The secretariat sees the same case page with its review tools."""

from __future__ import annotations

import re
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from checklists.registry import scheme_ids
from intake.cases import chat as case_chat
from intake.cases.answers import answer as answer_fact
from intake.cases.case import (
    CaseError,
    audit_log,
    case_version,
    cases_for,
    documents,
    get_case,
    get_document,
    open_case,
    set_facts,
    update_details,
)
from intake.cases.correction import notices, open_notice, require_in_notice
from intake.cases.exports import Unavailable, application_docx, gap_report_docx, gap_report_html
from intake.cases.procedures import declarations, procedure
from intake.cases.receipt import receipt, receipt_number
from intake.cases.removal import delete_document, replaced
from intake.cases.report import case_report, grouped, submit_checked
from intake.cases.todo import document_problems, todo
from intake.cases.worksheet import is_scored, worksheet
from intake.cases.worksheet import rows as worksheet_rows
from intake.cases.worksheet import total as worksheet_total
from intake.clock import day_of
from intake.reading.uploads import accept_upload
from intake.store.accounts import User

from ..app_limits import MAX_FILES_PER_REQUEST, case_quota
from ..applicant_view import applicant_view, progress
from ..audit_view import readable_audit, readable_rounds
from ..branding import branding
from ..deps import check_csrf, current_user, editable_case, get_db, get_store, render, viewable_case, who
from ..factsform import contact_fields, contacts_from_form, facts_from_form, fields_as_posted, fields_for
from ..labels import STEPS, beijing
from ..previews import NoPreview
from ..session import case_tokens, remember_case

router = APIRouter(tags=["applicants"])


def schemes() -> list:
    return [procedure(s) for s in scheme_ids("procedure")]


@router.get("/", include_in_schema=False)
def home(request: Request):
    return render(request, "home.html", {"schemes": schemes()})


@router.get("/cases", include_in_schema=False)
def my_cases(request: Request, db=Depends(get_db), user: User | None = Depends(current_user)):
    if user is not None and user.is_staff:
        return RedirectResponse("/queue" if user.can_review_cases() else "/committee", status_code=303)
    return render(
        request,
        "my_cases.html",
        {"cases": cases_for(db, user, case_tokens(request)), "scheme_names": {p.scheme: p.name for p in schemes()}},
    )


@router.post("/cases", include_in_schema=False, dependencies=[Depends(check_csrf), Depends(case_quota)])
def new_case(
    request: Request,
    scheme: str = Form(...),
    applicant: str = Form(""),
    product: str = Form(""),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    case = open_case(db, scheme, applicant, product, owner=user)
    remember_case(request, case.token)
    return RedirectResponse(f"/cases/{case.id}?step=info", status_code=303)


def case_context(request: Request, db, case, user: User | None) -> dict:
    report = case_report(db, case)
    proc = procedure(case.scheme)
    ctx = {
        "case": case,
        "proc": proc,
        "report": report,
        "groups": grouped(report),
        "docs": documents(db, case.id),
        "declarations": declarations(case.scheme),
        "fact_fields": fields_for(case.scheme, case.facts),
        "contact_fields": contact_fields(),
        "link": str(request.base_url).rstrip("/") + f"/c/{case.token}",
        "editable": case.editable and not (user and user.is_staff),
        "staff": bool(user and user.can_review_cases()),
        "procedure": case.procedure_view(),
        "limits": request.app.state.limits,
    }
    ctx["chat_history"] = case_chat.transcript(db, case.id)
    if ctx["staff"]:
        ctx["problems"] = document_problems(report, case.applicant, day_of(report["as_of"]))
        ctx["audit"] = readable_audit(
            audit_log(db, case.id), {i["id"]: i for i in report.get("items", [])}, declarations(case.scheme)
        )
        ctx["notices"] = readable_rounds(notices(db, case.id), ctx["audit"])
        if is_scored(case.scheme):
            titles = {i["id"]: i.get("title", "") for i in report.get("items", [])}
            scores = case.facts.get("scores") or {}
            sheet = worksheet(case.scheme)
            ctx["worksheet"] = {
                "rows": worksheet_rows(scores, titles, scheme=case.scheme),
                "total": worksheet_total(scores, case.scheme),
                "bands": sheet["bands"],
                "grades": sheet["grades"],
            }
    return ctx


STEP_IDS = [k for k, _ in STEPS if k != "scheme"]


def default_step(case, docs: list) -> str:
    """Where a returning applicant picks up: the first step not yet done."""
    if not case.editable or case.status == "correcting":
        return "progress"
    if not case.applicant:
        return "info"
    return "upload" if not docs else "result"


@router.get("/cases/{case_id}", include_in_schema=False)
def case_page(
    request: Request,
    step: str = "",
    case=Depends(viewable_case),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    return render(request, "case.html", page_context(request, db, case, user, step))


def page_context(request: Request, db, case, user: User | None, step: str) -> dict:
    """The case page's context; for the applicant, the step (one they may open) and its views."""
    ctx = case_context(request, db, case, user)
    if not ctx["staff"]:
        allowed = STEP_IDS + ["progress"] if case.editable else ["progress", "result", "assistant"]
        if case.status == "correcting":  # 补正: the notice's items only, not the 基本信息 form
            allowed = ["progress", "upload", "result", "assistant", "submit"]
        ctx["step"] = step if step in allowed else default_step(case, ctx["docs"])
        ctx["view"] = applicant_view(ctx["report"], case.applicant, case.product)
        ctx["notice"] = open_notice(db, case)
        ctx["todo"] = to_do(ctx["report"], case, ctx["notice"])
        ctx["submitted_at"] = case.submitted_at
        ctx["receipt_no"] = receipt_number(case)
    return ctx


def to_do(report: dict, case, notice: dict | None = None) -> dict:
    """The to-do list; while 待补正, only the lines that serve the notice's items, marked as asked for."""
    grades = worksheet(case.scheme)["grades"] if is_scored(case.scheme) else []
    return todo(report, case.applicant, case.product, grades, only=set(notice["items"]) if notice else None)


@router.get("/brand/logo", include_in_schema=False)
def logo():
    b = branding()
    return FileResponse(b.logo, media_type=b.logo_type, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/cases/{case_id}/report-fragment", include_in_schema=False)
def report_fragment(
    request: Request,
    step: str = "",
    case=Depends(viewable_case),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    ctx = case_context(request, db, case, user)
    name = "_report.html"
    if not ctx["staff"]:
        ctx["view"] = applicant_view(ctx["report"], case.applicant, case.product)
        ctx["todo"] = to_do(ctx["report"], case, open_notice(db, case))
        name = "_applicant_docs.html" if step == "upload" else "_applicant_result.html"
    resp = render(request, name, ctx)
    resp.headers["X-Report-Complete"] = "1" if ctx["report"]["case"]["complete"] else "0"
    return resp


@router.get("/cases/{case_id}/progress.json", include_in_schema=False)
async def case_progress(request: Request, after: int | None = None, case=Depends(viewable_case), db=Depends(get_db)):
    """How far reading has come and how many things are still to do, for the page's live count. With
    `after` = the version the page has, the answer waits (up to NEWS_WAIT_SECONDS) until the case changes,
    so the page hears of a document read the moment it is recorded, not at its next poll."""
    waited = after is not None and after == case.version and await news(request, db, case.id, after)
    if waited:
        case = await anyio.to_thread.run_sync(get_case, db, case.id)
    return await anyio.to_thread.run_sync(_progress, db, case, waited)


def _progress(db, case, waited: bool) -> dict:
    report = case_report(db, case)
    return {**progress(report, to_do(report, case, open_notice(db, case))), "version": case.version, "waited": waited}


NEWS_WAIT_SECONDS = 20.0
NEWS_STEP_SECONDS = 0.05  # one indexed SELECT of the case's version per step
NEWS_WAITERS = 64  # pages waiting at once; past that an answer comes at once and the page asks again in a second


async def news(request: Request, db, case_id: int, version: int) -> bool:
    """Wait until the case's version moves past `version`, the visitor leaves, or the time is up. False when
    every waiting place is taken (the caller answers at once): a visitor who opens many waits can only make
    pages fall back to asking every second, never hold the service."""
    state = request.app.state
    if getattr(state, "news_waiters", 0) >= getattr(state, "news_waiter_limit", NEWS_WAITERS):
        return False
    state.news_waiters = getattr(state, "news_waiters", 0) + 1
    try:
        deadline = anyio.current_time() + NEWS_WAIT_SECONDS
        while anyio.current_time() < deadline:
            await anyio.sleep(NEWS_STEP_SECONDS)
            if await anyio.to_thread.run_sync(case_version, db, case_id) != version or await request.is_disconnected():
                break
        return True
    finally:
        state.news_waiters -= 1


@router.post("/cases/{case_id}/details", include_in_schema=False, dependencies=[Depends(check_csrf)])
def details(
    case_id: int,
    applicant: str = Form(""),
    product: str = Form(""),
    back: str = Form(""),
    case=Depends(editable_case),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    require_in_notice(db, case, set())
    update_details(db, case, applicant, product, who(user))
    return RedirectResponse(back_to(case, back), status_code=303)


async def store_uploads(request: Request, case, files: list[UploadFile], db, store) -> list[dict]:
    limits = request.app.state.limits
    if len(files) > MAX_FILES_PER_REQUEST:
        raise HTTPException(413, f"每次最多上传 {MAX_FILES_PER_REQUEST} 个文件")
    out = []
    for f in files:
        accepted = await anyio.to_thread.run_sync(accept_upload, db, store, case, f.file, f.filename or "", limits)
        if accepted.document_id is not None and not accepted.error:
            request.app.state.reader.submit(accepted.document_id)
        out.append(accepted.to_json())
        await f.close()
    return out


def back_to(case, back: str) -> str:
    """Where a form on the upload or result step returns: the same step, at its list."""
    return {
        "result": f"/cases/{case.id}?step=result#todo",
        "upload": f"/cases/{case.id}?step=upload#documents",
    }.get(back, f"/cases/{case.id}")


@router.post("/cases/{case_id}/documents", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def upload(
    request: Request,
    files: list[UploadFile] = File(...),
    replace: str = Form(""),
    back: str = Form(""),
    case=Depends(editable_case),
    db=Depends(get_db),
    store=Depends(get_store),
    user: User | None = Depends(current_user),
):
    """Upload; with `replace` (a document of this case), the one new file takes that document's place."""
    old = _doc(db, case.id, int(replace)) if replace.isdigit() else None
    if old is not None and len(files) != 1:
        raise HTTPException(400, "替换时请只选择一个文件")
    results = await store_uploads(request, case, files, db, store)
    if old is not None and results and results[0]["document_id"] is not None:
        replaced(db, case, old["id"], results[0]["file"], who(user))
    if "application/json" in request.headers.get("accept", ""):
        return {"files": results}
    return RedirectResponse(back_to(case, back), status_code=303)


@router.post("/cases/{case_id}/documents/{doc_id}/delete", include_in_schema=False, dependencies=[Depends(check_csrf)])
def remove_document(
    doc_id: int,
    back: str = Form(""),
    case=Depends(editable_case),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    delete_document(db, case, doc_id, who(user))
    return RedirectResponse(back_to(case, back), status_code=303)


@router.post("/cases/{case_id}/answer", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def answer(
    request: Request, case=Depends(editable_case), db=Depends(get_db), user: User | None = Depends(current_user)
):
    """One 请回答 line of the to-do list; a value that cannot be taken is shown beside its field, kept."""
    form = await request.form()
    key, raw = str(form.get("key") or ""), str(form.get("value") or "")

    def take_answer() -> dict | None:  # the pre-check is CPU work: off the event loop; the page's context on error
        try:
            report = case_report(db, case)
            require_in_notice(db, case, {i["id"] for i in report.get("items", []) if key in needs_keys(i)})
            answer_fact(db, case, report, key, raw, who(user))
            return None
        except CaseError as e:
            ctx = case_context(request, db, case, user)
            ctx.update(step="result", view=applicant_view(ctx["report"], case.applicant, case.product))
            ctx.update(notice=open_notice(db, case))
            ctx.update(
                todo=to_do(ctx["report"], case, ctx["notice"]),
                answer_error={"key": key, "value": raw[:200], "message": str(e)},
            )
            return ctx

    refused = await run_in_threadpool(take_answer)
    if refused is not None:
        return render(request, "case.html", refused, status_code=400)
    return RedirectResponse(back_to(case, "result"), status_code=303)


@router.post("/cases/{case_id}/info", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def info(
    request: Request, case=Depends(editable_case), db=Depends(get_db), user: User | None = Depends(current_user)
):
    """基本信息 in one form: the names and the facts the scheme asks; 暂存 stays, 下一步 moves on."""
    require_in_notice(db, case, set())
    form = await request.form()
    try:
        await run_in_threadpool(save_info, request, case, form, db, user)  # database writes: off the event loop
    except CaseError as e:  # the form again, as typed, the message beside its field: never an error page
        ctx = page_context(request, db, get_case(db, case.id), user, "info")
        ctx["typed"] = {k: str(v)[:200] for k, v in form.items()}
        ctx["fact_fields"] = fields_as_posted(case.scheme, ctx["case"].facts, form)
        ctx["field_error"] = {"key": getattr(e, "key", ""), "message": str(e)}
        return render(request, "case.html", ctx, status_code=400)
    step = "upload" if form.get("go") == "next" else "info"
    saved = "&saved=1" if step == "info" else ""
    return RedirectResponse(f"/cases/{case.id}?step={step}{saved}", status_code=303)


def save_info(request: Request, case, form, db, user: User | None) -> None:
    applicant, product = (str(form.get(k) or "")[:200] for k in ("applicant", "product"))
    if (applicant, product) != (case.applicant or "", case.product or ""):
        update_details(db, case, applicant, product, who(user))
    facts = facts_from_form(case.scheme, form)
    contacts = contacts_from_form(form)
    if contacts != {k: v for k, v in (case.facts.get("form") or {}).items() if k in contacts}:
        facts["form"] = {**(case.facts.get("form") or {}), **contacts}  # filled into the application form
    if any(case.facts.get(k) != v for k, v in facts.items()):  # 暂存 of an unchanged form logs nothing
        set_facts(db, case, facts, who(user), request.app.state.limits.case_max_bytes)


@router.post("/cases/{case_id}/facts", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def facts(
    request: Request, case=Depends(editable_case), db=Depends(get_db), user: User | None = Depends(current_user)
):
    require_in_notice(db, case, set())
    form = await request.form()
    limit = request.app.state.limits.case_max_bytes
    await run_in_threadpool(set_facts, db, case, facts_from_form(case.scheme, form), who(user), limit)
    return RedirectResponse(f"/cases/{case.id}#facts", status_code=303)


@router.post("/cases/{case_id}/submit", include_in_schema=False, dependencies=[Depends(check_csrf)])
def submit_case(
    acknowledge: str = Form(""),
    case=Depends(editable_case),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    """A case the pre-check finds 不符合条件 goes in only with the applicant's acknowledgement of
    the blockers listed on the 提交 step (the count must match what the page showed)."""
    submit_checked(db, case, who(user), int(acknowledge) if acknowledge.isdigit() else None)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


# --- documents: original, page preview ----------------------------------------------


@router.get("/cases/{case_id}/documents/{doc_id}/file", include_in_schema=False)
def original(doc_id: int, case=Depends(viewable_case), db=Depends(get_db), store=Depends(get_store)):
    doc = _doc(db, case.id, doc_id)
    path = store.checked_path(doc["sha256"], doc["file_name"])  # a damaged original is refused, never sent
    return FileResponse(path, media_type="application/octet-stream", filename=doc["file_name"])


@router.get("/cases/{case_id}/documents/{doc_id}", include_in_schema=False)
def document_page(
    request: Request,
    doc_id: int,
    page: int = 1,
    case=Depends(viewable_case),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    doc = _doc(db, case.id, doc_id)
    doc["type"] = (doc.get("facts") or {}).get("type")
    return render(
        request, "document.html", {"case": case, "doc": doc, "page": page, "staff": bool(user and user.is_staff)}
    )


@router.get("/cases/{case_id}/documents/{doc_id}/pages/{page}.png", include_in_schema=False)
async def page_png(
    request: Request, doc_id: int, page: int, case=Depends(viewable_case), db=Depends(get_db), store=Depends(get_store)
):
    """One page as PNG, from the previews shared by every request (web.previews.PreviewPool)."""
    doc = _doc(db, case.id, doc_id)
    if doc["kind"] != "pdf":
        raise HTTPException(404, "此文件没有页面预览（仅 PDF）")
    if page < 1 or (doc.get("pages") and page > doc["pages"]):  # known without rendering anything
        raise HTTPException(404, f"没有第 {page} 页")
    try:
        png = await request.app.state.previews.page_png(store, doc["sha256"], page)
    except NoPreview as e:
        raise HTTPException(404, str(e)) from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def _doc(db, case_id: int, doc_id: int) -> dict:
    return get_document(db, case_id, doc_id)


# --- downloads -------------------------------------------------------------------------


@router.get("/cases/{case_id}/gap-report.html", include_in_schema=False)
def gap_html(request: Request, case=Depends(viewable_case), db=Depends(get_db)):
    report = case_report(db, case)
    try:
        html = gap_report_html(report, case)
    except Unavailable:
        return render(
            request,
            "gap_report.html",
            {"case": case, "report": report, "groups": grouped(report), "proc": procedure(case.scheme)},
        )
    return HTMLResponse(
        html, headers={"Content-Disposition": disposition("inline", download_name("预审报告", case, "html"))}
    )


@router.get("/cases/{case_id}/gap-report.docx", include_in_schema=False)
def gap_docx(case=Depends(viewable_case), db=Depends(get_db)):
    data = gap_report_docx(case_report(db, case), case)
    return _docx(data, download_name("预审报告", case, "docx"))


@router.get("/cases/{case_id}/application.docx", include_in_schema=False)
def application(case=Depends(viewable_case), db=Depends(get_db)):
    data = application_docx(case_report(db, case), case)
    return _docx(data, download_name("申报书", case, "docx"))


@router.get("/cases/{case_id}/receipt.docx", include_in_schema=False)
def receipt_download(request: Request, case=Depends(viewable_case), db=Depends(get_db)):
    """受理回执: the 受理编号, the materials received and the private link."""
    if not case.submitted_at:
        raise HTTPException(404, "申请尚未提交，还没有受理回执")
    files = [d["file_name"] for d in documents(db, case.id)]
    link = str(request.base_url).rstrip("/") + f"/c/{case.token}"
    data = receipt(case, procedure(case.scheme).name, files, link, beijing(case.submitted_at))
    return _docx(data, download_name("受理回执", case, "docx"))


def needs_keys(item: dict) -> set[str]:
    return {n.get("key") for n in item.get("needs") or []}


def _docx(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": disposition("attachment", name)},
    )


def download_name(what: str, case, ext: str) -> str:
    """申报书-企业名.docx: what it is and whose, as a person files it (no ids)."""
    holder = re.sub(r'[\\/:*?"<>|\s]+', "", case.applicant or "")[:60] or "未填写单位名称"
    return f"{what}-{holder}.{ext}"


def disposition(kind: str, name: str) -> str:
    """Content-Disposition with the Chinese name (RFC 5987 filename*) and an ASCII fallback for old clients."""
    ascii_name = name.encode("ascii", "ignore").decode().strip("-.") or "download"
    if "." not in ascii_name:
        ascii_name = "download." + name.rsplit(".", 1)[-1]
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
