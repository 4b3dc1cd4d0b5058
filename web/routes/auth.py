"""Signing in and out, applicants' registration, and case links (/c/TOKEN)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from intake.cases.case import case_by_token
from intake.store.accounts import AccountError, NameTaken, add_user, authenticate

from ..deps import check_csrf, get_db, render, require_user
from ..session import client_address, remember_case, sign_in, sign_out, sign_out_everywhere
from ..throttle import registration_throttle, throttle

router = APIRouter(tags=["accounts"])


def _home_for(role: str) -> str:
    return {"secretariat": "/queue", "admin": "/queue", "committee": "/committee"}.get(role, "/cases")


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = ""):
    return render(request, "login.html", {"next": next if next.startswith("/") and not next.startswith("//") else ""})


@router.post("/login", include_in_schema=False, dependencies=[Depends(check_csrf)])
def login(request: Request, name: str = Form(...), password: str = Form(...), next: str = Form(""), db=Depends(get_db)):
    user = throttle(request).check(request, name.strip(), lambda: authenticate(db, name.strip(), password))
    if user is None:
        return render(request, "login.html", {"error": "用户名或密码错误", "name": name}, status_code=401)
    sign_in(request, user)
    target = next if next.startswith("/") and not next.startswith("//") else _home_for(user.role)
    return RedirectResponse(target, status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[Depends(check_csrf)])
def logout(request: Request):
    sign_out(request)
    return RedirectResponse("/", status_code=303)


@router.post("/logout/everywhere", include_in_schema=False, dependencies=[Depends(check_csrf)])
def logout_everywhere(request: Request, user=Depends(require_user)):
    """Sign this account out on every device (a lost laptop, a shared computer)."""
    sign_out_everywhere(request, user)
    return RedirectResponse("/", status_code=303)


@router.post("/api/logout", tags=["api"], dependencies=[Depends(check_csrf)])
def api_logout(request: Request):
    """End this session on the server: the cookie, wherever it was copied, signs nobody in after."""
    sign_out(request)
    return {"ok": True}


@router.post("/api/logout/everywhere", tags=["api"], dependencies=[Depends(check_csrf)])
def api_logout_everywhere(request: Request, user=Depends(require_user)):
    """End every session of the signed-in account; returns how many ended."""
    return {"ended": sign_out_everywhere(request, user)}


@router.get("/register", include_in_schema=False)
def register_page(request: Request):
    return render(request, "register.html")


# One answer for a name that cannot be had, whoever holds it (a staff account, another applicant, a
# lookalike of either): the page must not tell which names exist.
NAME_UNAVAILABLE = "无法使用这个用户名注册，请换一个（用户名不区分大小写、全角半角，不含空格等不可见字符）"


@router.post("/register", include_in_schema=False, dependencies=[Depends(check_csrf)])
def register(
    request: Request, name: str = Form(...), password: str = Form(...), display: str = Form(""), db=Depends(get_db)
):
    """A new applicant account: a few per address per hour (429 after); a name taken in any form gets
    the same answer as every other name that cannot be had."""
    registration_throttle(request).check(client_address(request))
    try:
        with throttle(request).hashing_slot():
            user, _ = add_user(db, name, "applicant", password, display=display.strip()[:100])
    except NameTaken:
        return render(request, "register.html", {"error": NAME_UNAVAILABLE, "name": name}, status_code=400)
    except AccountError as e:
        return render(request, "register.html", {"error": str(e), "name": name}, status_code=400)
    sign_in(request, user)
    return RedirectResponse("/cases", status_code=303)


@router.get("/c/{token}", include_in_schema=False)
def case_link(token: str, request: Request, db=Depends(get_db)):
    """The case link: whoever holds it works on that case (no account needed)."""
    case = case_by_token(db, token)
    if case is None:
        raise HTTPException(
            404,
            "这个申请链接无效，可能复制时少了字符。请从受理回执或提交时保存的链接重新复制完整地址；"
            "注册过账号的，可登录后在“我的申请”中找到；仍找不到请联系秘书处。",
        )
    remember_case(request, token)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)
