"""证照库 and 看看哪些方案适合我: an applicant's documents kept once, every scheme compared on them
before choosing one, a case for any scheme started from them (no second upload), the validity
watch, and a renewed document offered to the open cases using the old one. Pages and their JSON
twins (/api/compare, /api/library) call the same functions of intake.library."""

from __future__ import annotations

import json
import threading

import anyio
from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse

from checklists.factsfile import FactsError
from intake.clock import today
from intake.library.cases import compare_held, holder_cases, offers, start_case, take_offer, uses
from intake.library.store import (
    add_file,
    company_facts,
    get_held,
    held,
    holder_of,
    new_key,
    pending,
    read_pending,
    replace,
    set_company_facts,
)
from intake.library.watch import WATCH_DAYS, watch
from intake.store.accounts import User
from intake.store.blobs import BlobStore
from intake.store.db import open_db

from ..app_limits import MAX_FILES_PER_REQUEST, case_quota
from ..deps import check_csrf, current_user, editable_case, get_db, get_store, render
from ..factsform import company_fields, read_fields
from ..session import LIBRARY_KEY, remember_case

router = APIRouter(tags=["library"])


def holder(request: Request, user: User | None, create: bool = False) -> str | None:
    """This visitor's store: their account's, else the one their session holds (made on first upload)."""
    if user is not None and user.is_staff:
        raise HTTPException(403, "证照库供申请人使用")
    key = request.session.get(LIBRARY_KEY)
    if user is None and key is None and create:
        key = request.session[LIBRARY_KEY] = new_key()
    return holder_of(user, key if isinstance(key, str) else None)


async def keep_uploads(request: Request, files: list[UploadFile], db, store, into: str, read_now: bool) -> list[dict]:
    if len(files) > MAX_FILES_PER_REQUEST:
        raise HTTPException(413, f"每次最多上传 {MAX_FILES_PER_REQUEST} 个文件")
    out = []
    for f in files:
        added = await anyio.to_thread.run_sync(
            add_file, db, store, into, f.file, f.filename or "", request.app.state.limits, read_now
        )
        out.append(added.to_json())
        await f.close()
    return out


_reading: set[int] = set()  # store documents a background task of this process is reading
_reading_lock = threading.Lock()


def read_later(request: Request, background: BackgroundTasks, ids: list[int]) -> None:
    """Read these kept documents after the answer is sent (the page shows 读取中 and fills in); ids
    already being read here are left to that task; ones a restart interrupted are taken up again."""
    with _reading_lock:
        fresh = [i for i in ids if i not in _reading]
        _reading.update(fresh)
    if fresh:
        background.add_task(_read, request.app.state.data, request.app.state.limits, fresh)


def _read(data, limits, ids: list[int]) -> None:
    db = open_db(data)
    try:
        read_pending(db, BlobStore(data), limits, ids)
    finally:
        db.conn.close()
        with _reading_lock:
            _reading.difference_update(ids)


# --- pages -----------------------------------------------------------------------------------


@router.get("/compare", include_in_schema=False)
def compare_page(
    request: Request, background: BackgroundTasks, db=Depends(get_db), user: User | None = Depends(current_user)
):
    h = holder(request, user)
    ctx = _comparison(db, h)
    read_later(request, background, [d["id"] for d in ctx["reading"]])
    ctx |= {
        "limits": request.app.state.limits,
        "problems": request.session.pop("library_problems", []),
        "company_fields": company_fields(ctx["stated"]),
    }
    return render(request, "compare.html", ctx)


@router.get("/compare/fragment", include_in_schema=False)
def compare_fragment(request: Request, db=Depends(get_db), user: User | None = Depends(current_user)):
    """The comparison alone, polled while documents are being read (X-Report-Complete: 1 once all are)."""
    ctx = _comparison(db, holder(request, user))
    resp = render(request, "_compare_result.html", ctx)
    resp.headers["X-Report-Complete"] = "0" if ctx["reading"] else "1"
    return resp


def _comparison(db, h: str | None) -> dict:
    docs = held(db, h)
    stated = company_facts(db, h)
    read = [d for d in docs if d["state"] != "queued"]
    result = compare_held(db, h, as_of=today()) if read else None
    return {
        "docs": docs,
        "reading": [d for d in docs if d["state"] == "queued"],
        "stated": stated,
        "summaries": result.summaries() if result else [],
        "as_of": result.as_of.isoformat() if result else "",
    }


@router.post("/compare", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def compare_upload(
    request: Request,
    background: BackgroundTasks,
    files: list[UploadFile] = File(...),
    db=Depends(get_db),
    store=Depends(get_store),
    user: User | None = Depends(current_user),
):
    results = await keep_uploads(request, files, db, store, holder(request, user, create=True) or "", read_now=False)
    request.session["library_problems"] = [r["error"] for r in results if r["error"]][:MAX_FILES_PER_REQUEST]
    read_later(request, background, pending(db, [r["id"] for r in results if r["id"] is not None]))
    return RedirectResponse("/compare#result", status_code=303)


@router.post("/compare/facts", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def company(request: Request, db=Depends(get_db), user: User | None = Depends(current_user)):
    """基本情况: the facts about the company, stated once for every scheme and every case started here."""
    facts = read_fields(company_fields(), await request.form())
    try:
        await anyio.to_thread.run_sync(set_company_facts, db, holder(request, user, create=True) or "", facts)
    except FactsError as e:
        raise HTTPException(400, str(e)) from None
    return RedirectResponse("/compare#result", status_code=303)


@router.post("/compare/start", include_in_schema=False, dependencies=[Depends(check_csrf), Depends(case_quota)])
def start(request: Request, scheme: str = Form(...), db=Depends(get_db), user: User | None = Depends(current_user)):
    h = holder(request, user, create=True) or ""
    case, to_read = start_case(db, h, scheme, owner=user, applicant=_org_name(held(db, h)))
    for doc_id in to_read:  # kept but not read yet: the case's reader reads it like an upload
        request.app.state.reader.submit(doc_id)
    remember_case(request, case.token)
    return RedirectResponse(f"/cases/{case.id}?step=info", status_code=303)


@router.get("/library", include_in_schema=False)
def library_page(request: Request, db=Depends(get_db), user: User | None = Depends(current_user)):
    h = holder(request, user)
    return render(request, "library.html", _library(db, h) | {"limits": request.app.state.limits})


@router.post("/library/{doc_id}/replace", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def replace_document(
    request: Request,
    doc_id: int,
    file: UploadFile = File(...),
    db=Depends(get_db),
    store=Depends(get_store),
    user: User | None = Depends(current_user),
):
    h = holder(request, user)
    get_held(db, h, doc_id)  # someone else's document is NotFound, before anything is stored
    added = (await keep_uploads(request, [file], db, store, h or "", read_now=True))[0]
    if added["id"] is not None and not added["error"]:
        replace(db, h or "", doc_id, added["id"])
    else:
        request.session["library_problems"] = [added["error"] or "新文件未能读取"]
    return RedirectResponse("/library#offers", status_code=303)


@router.post("/library/offers", include_in_schema=False, dependencies=[Depends(check_csrf)])
def accept_offer(
    request: Request,
    case_id: int = Form(...),
    old_id: int = Form(...),
    db=Depends(get_db),
    user: User | None = Depends(current_user),
):
    from ..deps import viewable_case

    case = editable_case(request, viewable_case(case_id, request, db, user), user)
    take_offer(db, holder(request, user) or "", case, old_id)
    return RedirectResponse("/library#offers", status_code=303)


def _org_name(docs: list[dict]) -> str:
    """The applicant's name as the business licence reads it (the first step shows it to correct)."""
    for d in docs:
        if d["doc_type"] == "business_license":
            v = (((d["facts"] or {}).get("fields") or {}).get("org_name") or {}).get("value")
            if v:
                return str(v)
    return ""


def _library(db, h: str | None) -> dict:
    used = uses(db, h)
    return {
        "docs": [d | {"cases": used.get(d["sha256"], [])} for d in held(db, h)],
        "watch": watch(db, h, today()),
        "watch_days": WATCH_DAYS,
        "offers": offers(db, h),
        "cases": holder_cases(db, h),
    }


# --- API ---------------------------------------------------------------------------------------


def _stated(facts: str) -> dict:
    if not facts.strip():
        return {}
    try:
        data = json.loads(facts)
    except json.JSONDecodeError as e:
        raise HTTPException(400, f"facts 不是有效的 JSON（{e.msg}）") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "facts 应为 JSON 对象")
    return data


@router.post("/api/compare", tags=["api"], dependencies=[Depends(check_csrf)])
async def api_compare(
    request: Request,
    files: list[UploadFile] = File(default=[]),
    facts: str = Form(""),
    as_of: str = Form(""),
    db=Depends(get_db),
    store=Depends(get_store),
    user: User | None = Depends(current_user),
):
    """Add FILES (optional) to this visitor's 证照库 and compare every scheme on all the documents it
    holds: `schemes` (each scheme's entry equals its own pre-check, as `intake check --scheme all
    --json`), `comparison` (one summary per scheme, closest first), `files` (what was kept: read
    before this answers) and `reading` (documents a page upload left still being read, not yet compared)."""
    h = holder(request, user, create=True) or ""
    kept = await keep_uploads(request, files, db, store, h, read_now=True) if files else []
    try:  # every scheme evaluated: CPU work, off the event loop
        result = await anyio.to_thread.run_sync(compare_held, db, h, _stated(facts), as_of.strip() or today())
    except FactsError as e:
        raise HTTPException(400, str(e)) from None
    reading = [d["file_name"] for d in held(db, h) if d["state"] == "queued"]
    return {**result.to_json(), "files": kept, "reading": reading}


@router.get("/api/library", tags=["api"])
def api_library(request: Request, db=Depends(get_db), user: User | None = Depends(current_user)):
    """The 证照库: each document with its type, validity and the cases using it; the validity watch;
    renewed documents offered to open cases."""
    lib = _library(db, holder(request, user))
    return {
        "documents": [
            {k: d[k] for k in ("id", "file_name", "sha256", "doc_type", "valid_until", "error", "added")}
            | {"cases": [c.id for c in d["cases"]]}
            for d in lib["docs"]
        ],
        "watch": [
            {k: w[k] for k in ("valid_until", "days_left", "expired", "schemes")}
            | {"document": w["document"]["id"], "cases": [c.id for c in w["cases"]]}
            for w in lib["watch"]
        ],
        "offers": [{"case": o["case"].id, "old": o["old"]["id"], "new": o["new"]["id"]} for o in lib["offers"]],
    }


@router.get("/api/library/facts", tags=["api"])
def api_company_facts(request: Request, db=Depends(get_db), user: User | None = Depends(current_user)):
    """The facts about the company stated once (the schema's `of: company` keys)."""
    return company_facts(db, holder(request, user))


@router.put("/api/library/facts", tags=["api"], dependencies=[Depends(check_csrf)])
def api_set_company_facts(body: dict, request: Request, db=Depends(get_db), user: User | None = Depends(current_user)):
    """Merge these facts about the company (null clears one); any other key is refused (400)."""
    try:
        return set_company_facts(db, holder(request, user, create=True) or "", body)
    except FactsError as e:
        raise HTTPException(400, str(e)) from None
