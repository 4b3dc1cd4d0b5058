"""Request-size limits applied before a body is read (FastAPI parses a form before any dependency runs),
and the allowance of visitors without an account (cases per address per day)."""

from __future__ import annotations

from fastapi import Depends, Request, params
from fastapi.routing import APIRoute
from starlette.responses import JSONResponse
from starlette.routing import Match

from intake.store.accounts import User
from intake.store.quotas import check_case_quota, record_case_opening

from .deps import current_user, get_db
from .session import client_address

MAX_FILES_PER_REQUEST = 20
SMALL_BODY = 1024 * 1024  # any body but an upload: JSON, forms (8 comments of 5,000 characters, URL-encoded, fit)


def _api_routes(routes):
    for r in routes:
        if isinstance(r, APIRoute):
            yield r
        sub = getattr(r, "original_router", None) or getattr(r, "app", None)
        if sub is not None and hasattr(sub, "routes"):
            yield from _api_routes(sub.routes)


def takes_files(route: APIRoute) -> bool:
    """The route declares a file field (File(...)): its body may be an upload."""
    return any(isinstance(f.field_info, params.File) for f in route.dependant.body_params)


class BodyLimit:
    """ASGI middleware: the body of a request is capped by its route, before it is read. A route that
    declares a file field takes 20 files at the per-file cap (plus 1 MB of form overhead); every other
    route (JSON, forms, a route that does not exist) takes SMALL_BODY. A declared body over the cap is
    answered 413 without reading it; a body without Content-Length is counted as it streams and cut
    off at the same size."""

    def __init__(self, app, max_file_bytes: int, routes=None):
        self.app = app
        self.routes = routes  # the application (its routes are read on the first request)
        self.upload_limit = MAX_FILES_PER_REQUEST * max_file_bytes + 1024 * 1024
        self.uploads: list[APIRoute] | None = None

    def limit(self, scope) -> int:
        if self.uploads is None:
            self.uploads = [r for r in _api_routes(self.routes.routes if self.routes else []) if takes_files(r)]
        upload = any(r.matches(scope)[0] == Match.FULL for r in self.uploads)
        return self.upload_limit if upload else SMALL_BODY

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit = self.limit(scope)
        headers = dict(scope.get("headers") or [])
        try:
            length = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return await self._refuse(scope, receive, send, limit)
        seen, over, started = 0, False, False

        async def counted():
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise TooLargeBody()
            return message

        async def guarded_send(message):
            # The form parser turns our exception into its own 400; once the body is over the
            # limit, whatever the application answers is replaced by the 413.
            nonlocal started
            if over:
                return
            started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except TooLargeBody:
            pass
        if over and not started:
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope, receive, send, limit: int):
        if limit == self.upload_limit:
            mb = (self.upload_limit - 1024 * 1024) // MAX_FILES_PER_REQUEST // 1048576
            detail = f"一次上传的总量过大（每个文件不超过 {mb} MB，每次最多 {MAX_FILES_PER_REQUEST} 个文件）"
        else:
            detail = f"请求内容过大（不超过 {limit // 1024} KB）"
        await JSONResponse({"detail": detail}, status_code=413)(scope, receive, send)


class TooLargeBody(Exception):
    pass


def case_quota(request: Request, db=Depends(get_db), user: User | None = Depends(current_user)):
    """Dependency of the routes that open a case: a visitor without an account may open
    `limits.cases_per_address_day` cases a day from one address, an account
    `limits.cases_per_account_day` (429 after); counted once opened."""
    limits = request.app.state.limits
    if user is not None:
        key, allowance = f"account:{user.id}", limits.cases_per_account_day
        message = f"此账号今天开立的申请已达 {allowance} 个的上限，请明天再试"
    else:
        key, allowance, message = client_address(request), limits.cases_per_address_day, None
    check_case_quota(db, key, allowance, message)
    yield
    record_case_opening(db, key)
