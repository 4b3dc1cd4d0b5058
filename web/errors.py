"""The application's errors (intake.errors) as answers: one place instead of try/except in each
route. JSON for the API and scripts, the error page for a browser."""

from __future__ import annotations

import errno
import logging
import re
import sqlite3

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from intake.errors import BadInput, Conflict, IntakeError, NotAllowed, NotFound, OverQuota, StorageFull, Unavailable

STATUS = {
    NotFound: 404,
    NotAllowed: 403,
    Conflict: 409,
    BadInput: 400,
    StorageFull: 507,
    Unavailable: 503,
    OverQuota: 429,
}
log = logging.getLogger("intake.web")


def disk_full(exc: BaseException) -> bool:
    """ENOSPC/EDQUOT from a write, or SQLite's "database or disk is full"."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(exc, sqlite3.OperationalError) and "full" in str(exc)


def route_of(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "path", None) or "unmatched"


def status_of(exc: IntakeError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 500)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", "")


def answer(request: Request, status: int, detail, headers: dict | None = None):
    if wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    from .deps import render

    return render(
        request, "error.html", {"status": status, "detail": detail, "next": next_step(request, status)}, status
    )


def next_step(request: Request, status: int) -> list[tuple[str, str]]:
    """What to do from here, for a person: a stale tab goes back to the case as it is now; a bad case
    link, or a case address opened where it cannot be seen, to 我的申请 (where a signed-in applicant finds
    their cases) or the secretariat."""
    m = re.match(r"/cases/(\d+)", request.url.path)
    if m and status in (400, 409):
        return [(f"/cases/{m.group(1)}", "打开这份申请，查看当前状态")]
    if (request.url.path.startswith("/c/") or m) and status == 404:
        return [("/cases", "我的申请"), ("/login", "登录后查看")]
    return []


def install(app: FastAPI) -> None:
    @app.exception_handler(IntakeError)
    async def application_error(request: Request, exc: IntakeError):
        retry = getattr(exc, "retry_after", None)  # a busy resource says when to come back
        return answer(request, status_of(exc), str(exc), {"Retry-After": str(retry)} if retry else None)

    @app.exception_handler(OSError)
    @app.exception_handler(sqlite3.OperationalError)
    async def storage_error(request: Request, exc: Exception):
        if disk_full(exc):
            log.error("disk full: %s %s: %s", request.method, route_of(request), exc)  # the pattern: no token
            return answer(request, 507, str(StorageFull()))
        raise exc

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return answer(request, exc.status_code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        """A malformed form or query from a browser (`?page=abc`) gets the error page in Chinese;
        the API keeps FastAPI's field-by-field JSON."""
        if wants_json(request):
            return await request_validation_exception_handler(request, exc)
        return answer(request, 422, "")
