"""The standards committee's comment desk (publish a draft, the register, dispositions, exports)
and the public draft pages (clauses, blank sheet, online comment form, sheet upload, receipts)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from intake.clock import today as beijing_today  # the day is Beijing's
from intake.comments import imports, reading, store
from intake.comments.desk import blank_sheet_docx, clauses, register_csv, register_docx, register_view
from intake.comments.fields import MAX_COMMENTS, MAX_LENGTHS
from intake.comments.register import group_of
from intake.comments.supersede import replace_sheet
from intake.errors import BadInput
from intake.store.accounts import User
from intake.store.blobs import TooLarge

from ..deps import check_csrf, current_user, get_db, get_store, render, require_committee

router = APIRouter(tags=["committee"])
MAX_ROWS = 8  # comment rows on the online form


def submitter_of(user: User | None) -> str | None:
    """A signed-in visitor's sheets can replace their own earlier ones; an anonymous one's never do."""
    return f"account:{user.id}" if user is not None else None


def _draft(db, draft_id: int):
    try:
        return store.get_draft(db, draft_id)
    except store.CommentsError:
        raise HTTPException(404, "没有这份征求意见稿") from None


async def _stream_into(request: Request, blobs, f: UploadFile) -> str:
    """An upload streamed into the blob store in pieces (never whole in memory), the size cap checked
    as it goes; its sha256. The readers' workers read it from there."""
    import anyio

    limit = request.app.state.limits.max_bytes
    try:
        sha, _ = await anyio.to_thread.run_sync(lambda: blobs.put_stream(f.file, max_bytes=limit))
    except TooLarge:
        raise HTTPException(413, f"{f.filename}：文件超过 {limit // 1048576} MB 的上限") from None
    finally:
        await f.close()
    return sha


# --- the committee's desk -------------------------------------------------------------


@router.get("/committee", include_in_schema=False)
def desk(request: Request, db=Depends(get_db), user: User = Depends(require_committee)):
    return render(request, "committee.html", {"drafts": store.list_drafts(db)})


@router.post("/committee/drafts", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def publish(
    request: Request,
    file: UploadFile = File(...),
    title: str = Form(""),
    deadline: str = Form(""),
    drafting_unit: str = Form(""),
    version: str = Form(""),
    db=Depends(get_db),
    blobs=Depends(get_store),
    user: User = Depends(require_committee),
):
    try:
        if deadline:
            try:
                date.fromisoformat(deadline)
            except ValueError:
                raise store.CommentsError(f"截止日期“{deadline}”不是有效日期（应为 年-月-日）") from None
        sha = await _stream_into(request, blobs, file)
        import anyio

        draft = await anyio.to_thread.run_sync(
            lambda: imports.publish_stored(
                db,
                blobs,
                sha,
                file.filename or "draft",
                title=title.strip() or None,
                deadline=deadline or None,
                drafting_unit=drafting_unit.strip() or None,
                handler=user.display,
                limits=request.app.state.limits,
                version=version.strip()[:100] or None,
            )
        )
    except store.CommentsError as e:
        return render(
            request,
            "committee.html",
            {
                "drafts": store.list_drafts(db),
                "error": f"{file.filename}：{e}",
                "form": {"title": title, "deadline": deadline, "drafting_unit": drafting_unit, "version": version},
            },
            status_code=400,
        )
    # a title read from the file (none typed) is shown, editable, at the top of the draft's desk
    return RedirectResponse(
        f"/committee/drafts/{draft.id}" + ("" if title.strip() else "?published=1"), status_code=303
    )


@router.post("/committee/drafts/preview", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def preview(
    request: Request, file: UploadFile = File(...), blobs=Depends(get_store), user: User = Depends(require_committee)
):
    """What the publish form fills in once a file is chosen (the title the draft gives itself, the
    deadline its notice names, the drafting unit), for the committee to check and edit. The file is
    streamed into the store (publishing it next costs nothing more); no draft is stored."""
    sha = await _stream_into(request, blobs, file)
    import anyio

    try:
        standard = await anyio.to_thread.run_sync(
            lambda: reading.read_draft_file(blobs.path(sha), file.filename or "draft", request.app.state.limits)
        )
    except store.CommentsError as e:
        return JSONResponse({"error": f"{file.filename}：{e}"}, status_code=400)
    return {
        "title": standard.title,
        "deadline": standard.deadline,
        "drafting_unit": standard.drafting_unit,
        "clauses": len(standard.clauses),
    }


def _desk(request: Request, db, draft_id: int, status_code: int = 200, **extra):
    view = register_view(db, draft_id)
    pending = request.query_params.get("pending") == "1" or extra.pop("pending", False)
    if pending:
        view["by_clause"] = [(k, t, [r for r in rows if not r["decision"]]) for k, t, rows in view["by_clause"]]
        view["by_clause"] = [x for x in view["by_clause"] if x[2]]
    view.update(
        {
            "pending": pending,
            "published": request.query_params.get("published") == "1",
            "today": beijing_today().isoformat(),
            **extra,
        }
    )
    return render(request, "comment_register.html", view, status_code=status_code)


@router.get("/committee/drafts/{draft_id}", include_in_schema=False)
def register_page(request: Request, draft_id: int, db=Depends(get_db), user: User = Depends(require_committee)):
    _draft(db, draft_id)
    return _desk(request, db, draft_id)


@router.post("/committee/drafts/{draft_id}/settings", include_in_schema=False, dependencies=[Depends(check_csrf)])
def draft_settings(
    request: Request,
    draft_id: int,
    title: str = Form(...),
    deadline: str = Form(""),
    drafting_unit: str = Form(""),
    version: str = Form(""),
    db=Depends(get_db),
    user: User = Depends(require_committee),
):
    _draft(db, draft_id)
    try:
        store.update_draft(
            db,
            draft_id,
            title=title[:200],
            deadline=deadline or None,
            drafting_unit=drafting_unit[:200],
            version=version[:100],
        )
    except store.CommentsError as e:
        return _desk(request, db, draft_id, 400, settings_error=str(e))
    return RedirectResponse(f"/committee/drafts/{draft_id}", status_code=303)


@router.post("/committee/drafts/{draft_id}/dispositions", include_in_schema=False, dependencies=[Depends(check_csrf)])
def disposition(
    request: Request,
    draft_id: int,
    item_id: int = Form(...),
    decision: str = Form(""),
    reason: str = Form(""),
    whole_group: str = Form(""),
    pending: str = Form(""),
    db=Depends(get_db),
    user: User = Depends(require_committee),
):
    _draft(db, draft_id)
    rows = store.comments(db, draft_id)
    if not any(c["id"] == item_id for c in rows):
        raise HTTPException(404, "没有这条意见")
    ids = group_of(db, draft_id, item_id, rows) if whole_group else [item_id]
    try:
        if not decision or decision == "待处理":
            raise store.CommentsError("请选择处理意见：采纳、部分采纳或未采纳")
        store.dispose(db, ids, decision, reason, by=user.display)
    except store.CommentsError as e:  # shown beside the comment, with what was typed kept
        return _desk(
            request,
            db,
            draft_id,
            400,
            pending=pending == "1",
            form_error={"item_id": item_id, "message": str(e), "decision": decision, "reason": reason},
        )
    back = "?pending=1" if pending == "1" else ""
    return RedirectResponse(f"/committee/drafts/{draft_id}{back}#c{item_id}", status_code=303)


@router.post("/committee/drafts/{draft_id}/checks", include_in_schema=False, dependencies=[Depends(check_csrf)])
def check(
    request: Request,
    draft_id: int,
    item_id: int = Form(...),
    clause: str = Form(""),
    comment: str = Form(""),
    reason: str = Form(""),
    db=Depends(get_db),
    user: User = Depends(require_committee),
):
    """The committee checks a comment read from a scan against the picture: saved unchanged it is
    confirmed; what is changed replaces what was read (kept in the audit trail)."""
    _draft(db, draft_id)
    if not store.item_image(db, draft_id, item_id) and not any(
        c["id"] == item_id for c in store.comments(db, draft_id)
    ):
        raise HTTPException(404, "没有这条意见")
    try:
        store.check_comment(
            db, draft_id, item_id, by=user.display, clause=clause[:100], comment=comment[:5000], reason=reason[:5000]
        )
    except store.CommentsError as e:
        return _desk(
            request, db, draft_id, 400, form_error={"item_id": item_id, "message": str(e), "decision": "", "reason": ""}
        )
    return RedirectResponse(f"/committee/drafts/{draft_id}#c{item_id}", status_code=303)


@router.get("/committee/drafts/{draft_id}/comments/{item_id}/image", include_in_schema=False)
def comment_image(
    draft_id: int, item_id: int, db=Depends(get_db), blobs=Depends(get_store), user: User = Depends(require_committee)
):
    """The picture of a comment's rows on the scanned sheet it was read from."""
    sha = store.item_image(db, draft_id, item_id)
    if not sha or not blobs.has(sha):
        raise HTTPException(404, "这条意见没有原件图像")
    return FileResponse(blobs.path(sha), media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.post("/committee/drafts/{draft_id}/sheets", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def desk_upload(
    request: Request,
    draft_id: int,
    files: list[UploadFile] = File(...),
    received: str = Form(""),
    db=Depends(get_db),
    blobs=Depends(get_store),
    user: User = Depends(require_committee),
):
    """Sheets the committee received by e-mail or post, dated by when they were received (收到日期);
    a sheet's own written date still wins."""
    draft = _draft(db, draft_id)
    try:
        received = date.fromisoformat(received).isoformat() if received else beijing_today().isoformat()
        if received > beijing_today().isoformat():
            raise ValueError
    except ValueError:
        return _desk(
            request, db, draft_id, 400, upload_error=f"收到日期“{received}”不是有效日期（应为今天或以前的 年-月-日）"
        )
    items = [(f.filename or "sheet", await _stream_into(request, blobs, f), received) for f in files[:20]]
    import anyio

    results = await anyio.to_thread.run_sync(
        lambda: imports.import_stored(db, blobs, draft.id, items, source="given", limits=request.app.state.limits)
    )
    return _desk(request, db, draft_id, uploads=results, upload_received=received)


@router.post(
    "/committee/drafts/{draft_id}/sheets/{sheet_id}/replaces",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
def replace(
    request: Request,
    draft_id: int,
    sheet_id: int,
    older: int = Form(...),
    db=Depends(get_db),
    user: User = Depends(require_committee),
):
    """The committee decides that sheet `sheet_id` replaces sheet `older` (two sheets of one unit that
    were kept side by side because not the same known submitter put them in)."""
    _draft(db, draft_id)
    try:
        replace_sheet(db, draft_id, sheet_id, older)
    except BadInput as e:
        return _desk(request, db, draft_id, 400, upload_error=str(e))
    return RedirectResponse(f"/committee/drafts/{draft_id}#sheets", status_code=303)


@router.get("/committee/drafts/{draft_id}/register.docx", include_in_schema=False)
def export_docx(draft_id: int, db=Depends(get_db), user: User = Depends(require_committee)):
    _draft(db, draft_id)
    return Response(
        register_docx(db, draft_id, handler=user.display),
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f'attachment; filename="register-{draft_id}.docx"'},
    )


@router.get("/committee/drafts/{draft_id}/register.csv", include_in_schema=False)
def export_csv(draft_id: int, db=Depends(get_db), user: User = Depends(require_committee)):
    _draft(db, draft_id)
    return Response(
        register_csv(db, draft_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="register-{draft_id}.csv"'},
    )


# --- public pages -------------------------------------------------------------------------


@router.get("/drafts", include_in_schema=False)
def public_list(request: Request, db=Depends(get_db)):
    return render(request, "drafts.html", {"drafts": store.list_drafts(db), "today": beijing_today().isoformat()})


@router.get("/drafts/{draft_id}", include_in_schema=False)
def public_page(request: Request, draft_id: int, db=Depends(get_db)):
    draft = _draft(db, draft_id)
    return render(
        request,
        "draft.html",
        {
            "draft": draft,
            "clauses": clauses(draft),
            "rows": range(1, MAX_ROWS + 1),
            "late": bool(draft.deadline and beijing_today().isoformat() > draft.deadline),
        },
    )


@router.get("/drafts/{draft_id}/comment-sheet.docx", include_in_schema=False)
def blank_sheet(draft_id: int, db=Depends(get_db)):
    draft = _draft(db, draft_id)
    return Response(
        blank_sheet_docx(draft),
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f'attachment; filename="comment-sheet-{draft_id}.docx"'},
    )


@router.post("/drafts/{draft_id}/comments", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def comment_form(request: Request, draft_id: int, db=Depends(get_db), user: User | None = Depends(current_user)):
    """The online comment form. The fields are taken as typed (submit_online refuses what is over its
    length, as the JSON API does) and the comments are read in a worker thread, not on the event loop."""
    draft = _draft(db, draft_id)
    form = await request.form()
    rows = [
        {k: str(form.get(f"{k}_{i}") or "") for k in ("clause", "comment", "reason")} for i in range(1, MAX_ROWS + 1)
    ]
    try:
        result = await run_in_threadpool(
            imports.submit_online,
            db,
            draft.id,
            str(form.get("submitter") or ""),
            rows,
            submitter_kind=str(form.get("submitter_kind") or "organisation"),
            contact_person=str(form.get("contact_person") or ""),
            contact=str(form.get("contact") or ""),
            submitted_by=submitter_of(user),
        )
    except store.CommentsError as e:  # shown on the form, what was typed kept
        return render(
            request,
            "draft.html",
            {
                "draft": draft,
                "clauses": clauses(draft),
                "rows": range(1, MAX_ROWS + 1),
                "late": bool(draft.deadline and beijing_today().isoformat() > draft.deadline),
                "form_error": f"意见未提交：{e}",
                "form": dict(form),
            },
            status_code=400,
        )
    return render(request, "receipt.html", {"draft": draft, "results": [result]})


@router.post("/drafts/{draft_id}/sheets", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def sheet_upload(
    request: Request,
    draft_id: int,
    files: list[UploadFile] = File(...),
    db=Depends(get_db),
    blobs=Depends(get_store),
    user: User | None = Depends(current_user),
):
    draft = _draft(db, draft_id)
    import anyio

    items = [
        (f.filename or "sheet", await _stream_into(request, blobs, f), beijing_today().isoformat()) for f in files[:20]
    ]
    results = await anyio.to_thread.run_sync(
        lambda: imports.import_stored(
            db, blobs, draft.id, items, source="web", limits=request.app.state.limits, submitted_by=submitter_of(user)
        )
    )
    return render(request, "receipt.html", {"draft": draft, "results": results})


# --- JSON ---------------------------------------------------------------------------------


class OnlineComment(BaseModel):
    clause: str = Field("", max_length=MAX_LENGTHS["clause"])
    comment: str = Field(..., min_length=1, max_length=MAX_LENGTHS["comment"])
    reason: str = Field("", max_length=MAX_LENGTHS["reason"])


class OnlineSheet(BaseModel):
    submitter: str = Field(..., min_length=1, max_length=MAX_LENGTHS["submitter"])
    submitter_kind: str = "organisation"
    contact_person: str = Field("", max_length=MAX_LENGTHS["contact_person"])
    contact: str = Field("", max_length=MAX_LENGTHS["contact"])
    comments: list[OnlineComment] = Field(..., max_length=MAX_COMMENTS)


@router.get("/api/drafts", tags=["api"])
def api_drafts(db=Depends(get_db)):
    return store.list_drafts(db)


@router.get("/api/drafts/{draft_id}", tags=["api"])
def api_draft(draft_id: int, db=Depends(get_db)):
    return _draft(db, draft_id).to_json()


@router.post("/api/drafts/{draft_id}/comments", tags=["api"], dependencies=[Depends(check_csrf)])
def api_comment(draft_id: int, body: OnlineSheet, db=Depends(get_db), user: User | None = Depends(current_user)):
    """Submit comments online; returns the receipt number and whether it was late."""
    _draft(db, draft_id)
    try:
        r = imports.submit_online(
            db,
            draft_id,
            body.submitter,
            [c.model_dump() for c in body.comments],
            body.submitter_kind,
            body.contact_person,
            body.contact,
            submitted_by=submitter_of(user),
        )
    except store.CommentsError as e:
        raise HTTPException(400, str(e)) from None
    return {"receipt": r.receipt, "late": r.late, "status": r.status}


@router.get("/api/drafts/{draft_id}/register", tags=["api"])
def api_register(draft_id: int, db=Depends(get_db), user: User = Depends(require_committee)):
    """The register summary (the contract's `comments register --json` object) and every comment."""
    _draft(db, draft_id)
    v = register_view(db, draft_id)
    return {"summary": v["summary"], "comments": v["comments"], "groups": v["groups"]}
