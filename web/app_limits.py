"""Request-size limits applied before a body is read (FastAPI parses a form before any dependency runs),
and the allowance of visitors without an account (cases per address per day)."""

from __future__ import annotations

from fastapi import Depends, Request
from starlette.responses import JSONResponse

from intake.store.accounts import User
from intake.store.quotas import check_case_quota, record_case_opening

from .deps import current_user, get_db
from .session import client_address

MAX_FILES_PER_REQUEST = 20


class BodyLimit:
    """ASGI middleware: a request whose declared body exceeds 20 files at the per-file cap (plus
    1 MB of form overhead) is answered 413 without reading it; a body without Content-Length is
    counted as it streams and cut off at the same size."""

    def __init__(self, app, max_file_bytes: int):
        self.app = app
        self.limit = MAX_FILES_PER_REQUEST * max_file_bytes + 1024 * 1024

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        try:
            length = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            length = 0
        if length > self.limit:
            return await self._refuse(scope, receive, send)
        seen, over, started = 0, False, False

        async def counted():
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
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
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope, receive, send):
        mb = (self.limit - 1024 * 1024) // MAX_FILES_PER_REQUEST // 1048576
        await JSONResponse(
            {"detail": f"一次上传的总量过大（每个文件不超过 {mb} MB，每次最多 {MAX_FILES_PER_REQUEST} 个文件）"},
            status_code=413,
        )(scope, receive, send)


class TooLargeBody(Exception):
    pass


def case_quota(request: Request, db=Depends(get_db), user: User | None = Depends(current_user)):
    """Dependency of the routes that open a case: a visitor without an account may open
    `limits.cases_per_address_day` cases a day from one address (429 after); counted once opened."""
    if user is not None:
        yield
        return
    address = client_address(request)
    check_case_quota(db, address, request.app.state.limits.cases_per_address_day)
    yield
    record_case_opening(db, address)
