"""The standards committee's comment desk (publish a draft, the register, dispositions, exports)
and the public draft pages (clauses, blank sheet, online comment form, sheet upload, receipts)."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from intake.comments import store
from intake.store.blobs import TooLarge
from intake.store.accounts import User
from intake.comments.desk import blank_sheet_docx, clauses, register_csv, register_docx, register_view

from ..deps import check_csrf, get_db, get_store, render, require_committee

router = APIRouter(tags=["committee"])
MAX_ROWS = 8  # comment rows on the online form


def _draft(db, draft_id: int):
    try:
        return store.get_draft(db, draft_id)
    except store.CommentsError:
        raise HTTPException(404, "没有这份征求意见稿")


async def _read_capped(request: Request, f: UploadFile) -> bytes:
    """A draft or sheet is needed whole by the parser; the cap is checked while reading."""
    limit = request.app.state.limits.max_bytes
    chunks, size = [], 0
    while chunk := await f.read(1024 * 1024):
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"{f.filename}：文件超过 {limit // 1048576} MB 的上限")
        chunks.append(chunk)
    return b"".join(chunks)


# --- the committee's desk -------------------------------------------------------------

@router.get("/committee", include_in_schema=False)
def desk(request: Request, db=Depends(get_db), user: User = Depends(require_committee)):
    return render(request, "committee.html", {"drafts": store.list_drafts(db)})


@router.post("/committee/drafts", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def publish(request: Request, file: UploadFile = File(...), title: str = Form(""), deadline: str = Form(""),
                  drafting_unit: str = Form(""), db=Depends(get_db), blobs=Depends(get_store),
                  user: User = Depends(require_committee)):
    data = await _read_capped(request, file)
    try:
        if deadline:
            date.fromisoformat(deadline)
        import anyio
        draft = await anyio.to_thread.run_sync(
            lambda: store.publish_draft(db, blobs, data, file.filename or "draft", title=title.strip() or None,
                                        deadline=deadline or None, drafting_unit=drafting_unit.strip() or None,
                                        handler=user.display, limits=request.app.state.limits))
    except (store.CommentsError, ValueError) as e:
        return render(request, "committee.html", {"drafts": store.list_drafts(db), "error": str(e)}, status_code=400)
    return RedirectResponse(f"/committee/drafts/{draft.id}", status_code=303)


@router.get("/committee/drafts/{draft_id}", include_in_schema=False)
def register_page(request: Request, draft_id: int, db=Depends(get_db), user: User = Depends(require_committee)):
    _draft(db, draft_id)
    return render(request, "comment_register.html", register_view(db, draft_id))


@router.post("/committee/drafts/{draft_id}/dispositions", include_in_schema=False, dependencies=[Depends(check_csrf)])
def disposition(draft_id: int, item_id: int = Form(...), decision: str = Form(...), reason: str = Form(""),
                whole_group: str = Form(""), db=Depends(get_db), user: User = Depends(require_committee)):
    _draft(db, draft_id)
    if not any(c["id"] == item_id for c in store.comments(db, draft_id)):
        raise HTTPException(404, "没有这条意见")
    ids = store.group_of(db, draft_id, item_id) if whole_group else [item_id]
    try:
        store.dispose(db, ids, decision, reason, by=user.display)
    except store.CommentsError as e:
        raise HTTPException(400, str(e))
    return RedirectResponse(f"/committee/drafts/{draft_id}#c{item_id}", status_code=303)


@router.get("/committee/drafts/{draft_id}/register.docx", include_in_schema=False)
def export_docx(draft_id: int, db=Depends(get_db), user: User = Depends(require_committee)):
    _draft(db, draft_id)
    return Response(register_docx(db, draft_id, handler=user.display),
                    media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="register-{draft_id}.docx"'})


@router.get("/committee/drafts/{draft_id}/register.csv", include_in_schema=False)
def export_csv(draft_id: int, db=Depends(get_db), user: User = Depends(require_committee)):
    _draft(db, draft_id)
    return Response(register_csv(db, draft_id), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="register-{draft_id}.csv"'})


# --- public pages -------------------------------------------------------------------------

@router.get("/drafts", include_in_schema=False)
def public_list(request: Request, db=Depends(get_db)):
    return render(request, "drafts.html", {"drafts": store.list_drafts(db), "today": date.today().isoformat()})


@router.get("/drafts/{draft_id}", include_in_schema=False)
def public_page(request: Request, draft_id: int, db=Depends(get_db)):
    draft = _draft(db, draft_id)
    return render(request, "draft.html", {"draft": draft, "clauses": clauses(draft), "rows": range(1, MAX_ROWS + 1),
                                          "late": bool(draft.deadline and date.today().isoformat() > draft.deadline)})


@router.get("/drafts/{draft_id}/comment-sheet.docx", include_in_schema=False)
def blank_sheet(draft_id: int, db=Depends(get_db)):
    draft = _draft(db, draft_id)
    return Response(blank_sheet_docx(draft),
                    media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="comment-sheet-{draft_id}.docx"'})


@router.post("/drafts/{draft_id}/comments", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def comment_form(request: Request, draft_id: int, db=Depends(get_db)):
    draft = _draft(db, draft_id)
    form = await request.form()
    rows = [{"clause": str(form.get(f"clause_{i}") or ""), "comment": str(form.get(f"comment_{i}") or "")[:5000],
             "reason": str(form.get(f"reason_{i}") or "")[:5000]} for i in range(1, MAX_ROWS + 1)]
    try:
        result = store.submit_online(db, draft.id, str(form.get("submitter") or "")[:200], rows,
                                     submitter_kind=str(form.get("submitter_kind") or "organisation"),
                                     contact_person=str(form.get("contact_person") or "")[:100],
                                     contact=str(form.get("contact") or "")[:200])
    except store.CommentsError as e:
        raise HTTPException(400, f"意见未提交：{e}")
    return render(request, "receipt.html", {"draft": draft, "results": [result]})


@router.post("/drafts/{draft_id}/sheets", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def sheet_upload(request: Request, draft_id: int, files: list[UploadFile] = File(...), db=Depends(get_db),
                       blobs=Depends(get_store)):
    draft = _draft(db, draft_id)
    import anyio
    limit = request.app.state.limits.max_bytes
    items = []
    for f in files[:20]:  # streamed into the store in pieces, never whole in memory; read by the workers from there
        try:
            sha, _ = await anyio.to_thread.run_sync(lambda: blobs.put_stream(f.file, max_bytes=limit))
        except TooLarge:
            raise HTTPException(413, f"{f.filename}：文件超过 {limit // 1048576} MB 的上限")
        finally:
            await f.close()
        items.append((f.filename or "sheet", sha, date.today().isoformat()))
    results = await anyio.to_thread.run_sync(
        lambda: store.import_stored(db, blobs, draft.id, items, source="web", limits=request.app.state.limits))
    return render(request, "receipt.html", {"draft": draft, "results": results})


# --- JSON ---------------------------------------------------------------------------------

class OnlineComment(BaseModel):
    clause: str = Field("", max_length=100)
    comment: str = Field(..., min_length=1, max_length=5000)
    reason: str = Field("", max_length=5000)


class OnlineSheet(BaseModel):
    submitter: str = Field(..., min_length=1, max_length=200)
    submitter_kind: str = "organisation"
    contact_person: str = ""
    contact: str = ""
    comments: list[OnlineComment]


@router.get("/api/drafts", tags=["api"])
def api_drafts(db=Depends(get_db)):
    return store.list_drafts(db)


@router.get("/api/drafts/{draft_id}", tags=["api"])
def api_draft(draft_id: int, db=Depends(get_db)):
    return _draft(db, draft_id).to_json()


@router.post("/api/drafts/{draft_id}/comments", tags=["api"], dependencies=[Depends(check_csrf)])
def api_comment(draft_id: int, body: OnlineSheet, db=Depends(get_db)):
    """Submit comments online; returns the receipt number and whether it was late."""
    _draft(db, draft_id)
    try:
        r = store.submit_online(db, draft_id, body.submitter, [c.model_dump() for c in body.comments],
                                body.submitter_kind, body.contact_person, body.contact)
    except store.CommentsError as e:
        raise HTTPException(400, str(e))
    return {"receipt": r.receipt, "late": r.late, "status": r.status}


@router.get("/api/drafts/{draft_id}/register", tags=["api"])
def api_register(draft_id: int, db=Depends(get_db), user: User = Depends(require_committee)):
    """The register summary (the contract's `comments register --json` object) and every comment."""
    _draft(db, draft_id)
    v = register_view(db, draft_id)
    return {"summary": v["summary"], "comments": v["comments"], "groups": v["groups"]}
