"""Dependencies shared by the routes: the database, the current user, CSRF, access to a case."""

from __future__ import annotations

import secrets
from pathlib import Path

import sqlite_utils
from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from intake.cases.case import Case, case_for, case_to_edit
from intake.comments.fields import MAX_LENGTHS as COMMENT_FIELD_MAX
from intake.store.accounts import User, get_user
from intake.store.blobs import BlobStore
from intake.store.db import open_db

from . import labels
from .branding import branding
from .session import case_tokens, user_id

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.autoescape = True

templates.env.globals.update(
    {
        k: getattr(labels, k)
        for k in (
            "STATUS_LABELS",
            "OUTCOME_LABELS",
            "DOC_TYPES",
            "DOC_STATES",
            "FIELD_LABELS",
            "INDICATOR_COLUMNS",
            "FACT_LABELS",
            "FACT_QUESTIONS",
            "VALUE_LABELS",
            "ROLE_LABELS",
            "STEPS",
            "HTTP_MESSAGES",
        )
    }
)
templates.env.globals["COMMENT_FIELD_MAX"] = COMMENT_FIELD_MAX
templates.env.filters["beijing"] = labels.beijing
templates.env.filters["plain"] = labels.plain
templates.env.filters["cn_date"] = labels.chinese_day


def get_db(request: Request):
    db = open_db(request.app.state.data, shared_across_threads=True)
    try:
        yield db
    finally:
        db.conn.close()


def get_store(request: Request) -> BlobStore:
    return BlobStore(request.app.state.data)


def current_user(request: Request, db: sqlite_utils.Database = Depends(get_db)) -> User | None:
    uid = user_id(request)
    return get_user(db, uid) if uid is not None else None


def require_user(user: User | None = Depends(current_user)) -> User:
    if user is None:
        raise HTTPException(401, "请先登录")
    return user


def require_secretariat(user: User = Depends(require_user)) -> User:
    if not user.can_review_cases():
        raise HTTPException(403, "仅限秘书处")
    return user


def require_committee(user: User = Depends(require_user)) -> User:
    if not user.can_manage_drafts():
        raise HTTPException(403, "仅限标准委员会")
    return user


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's token: a form field `csrf` or the
    header X-CSRF-Token (scripts and XHR)."""
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        sent = form.get("csrf")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(expected, sent):
        raise HTTPException(403, "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试")


def viewable_case(
    case_id: int,
    request: Request,
    db: sqlite_utils.Database = Depends(get_db),
    user: User | None = Depends(current_user),
) -> Case:
    """The case, if this visitor may see it (the rule is the application's: intake.cases.case_for)."""
    return case_for(db, case_id, user, case_tokens(request))


def editable_case(
    request: Request, case: Case = Depends(viewable_case), user: User | None = Depends(current_user)
) -> Case:
    return case_to_edit(user, case, case_tokens(request))


def render(request: Request, name: str, ctx: dict | None = None, status_code: int = 200):
    uid = user_id(request)
    user = None
    if uid is not None:
        db = open_db(request.app.state.data)
        try:
            user = get_user(db, uid)
        finally:
            db.conn.close()
    base = {"user": user, "csrf": csrf_token(request), "brand": branding()}
    return templates.TemplateResponse(request, name, {**base, **(ctx or {})}, status_code=status_code)


def who(user: User | None) -> str:
    return user.name if user else "申请人（案件链接）"
