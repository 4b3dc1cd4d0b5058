"""Dependencies shared by the routes: the database, the current user, CSRF, access to a case."""
from __future__ import annotations

import secrets
from pathlib import Path

import sqlite_utils
from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from intake.store.accounts import User, get_user
from intake.store.blobs import BlobStore
from intake.cases.case import Case, case_for, case_to_edit, ensure_cases
from intake.store.db import open_db

from .session import case_tokens, user_id

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.autoescape = True

STATUS_LABELS = {"met": "满足", "not_met": "不满足", "missing": "缺少材料", "review": "需人工审核",
                 "not_applicable": "不适用"}
OUTCOME_LABELS = {"eligible": "符合条件", "not_eligible": "不符合条件", "incomplete": "材料不全",
                  "needs_review": "待人工审核"}
DOC_TYPES = {"business_license": "营业执照", "qms_certificate": "质量管理体系认证证书",
             "ems_certificate": "环境管理体系认证证书", "ohsms_certificate": "职业健康安全管理体系认证证书",
             "cnas_certificate": "CNAS 实验室认可证书", "test_report": "检验检测报告", "patent_certificate": "专利证书",
             "trademark_certificate": "商标注册证", "satisfaction_report": "用户满意度测评报告",
             "financial_statement": "审计报告/财务报表", "credit_report": "信用报告/无违法违规证明",
             "production_license": "生产许可证", "ccc_certificate": "强制性产品认证证书",
             "award_certificate": "质量奖/荣誉证书", "rd_center_certificate": "研发机构认定文件",
             "application_form": "申报书", "comment_sheet": "征求意见表", "other": "其他"}
FACT_LABELS = {"sector": "所属行业", "product_kind": "产品类别", "org_kind": "组织类型", "association_member": "协会会员",
               "target_level": "申报等级", "declarations": "申请人声明", "scale": "规模", "exemptions": "免于规模限制",
               "sells_online": "网络销售", "code_coverage": "用码覆盖率", "mandatory_standard": "强制性国家标准",
               "production_start": "批量生产开始日期"}
VALUE_LABELS = {"agriculture": "农业", "manufacturing": "制造业", "services": "服务业", "consumer": "消费品",
                "production_material": "生产资料", "enterprise": "企业", "cooperative": "农业专业合作社", "other": "其他"}
templates.env.globals.update(FACT_LABELS=FACT_LABELS, VALUE_LABELS=VALUE_LABELS)
templates.env.globals.update(STATUS_LABELS=STATUS_LABELS, OUTCOME_LABELS=OUTCOME_LABELS, DOC_TYPES=DOC_TYPES)


def get_db(request: Request):
    db = open_db(request.app.state.data, shared_across_threads=True)
    ensure_cases(db)
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
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        sent = form.get("csrf")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(expected, sent):
        raise HTTPException(403, "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试")


def viewable_case(case_id: int, request: Request, db: sqlite_utils.Database = Depends(get_db),
                  user: User | None = Depends(current_user)) -> Case:
    """The case, if this visitor may see it (the rule is the application's: intake.cases.case_for)."""
    return case_for(db, case_id, user, case_tokens(request))


def editable_case(request: Request, case: Case = Depends(viewable_case),
                  user: User | None = Depends(current_user)) -> Case:
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
    base = {"user": user, "csrf": csrf_token(request)}
    return templates.TemplateResponse(request, name, {**base, **(ctx or {})}, status_code=status_code)


def who(user: User | None) -> str:
    return user.name if user else "申请人（案件链接）"
