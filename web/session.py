"""The visitor's session: who is signed in, and which case links they hold. One module for the
HTML and the JSON routes, so signing in keeps the case links either way.

Signing in is kept on the server (intake.store.sessions): the cookie carries a random key, and
logging out, a password change, a disabled account or "sign out everywhere" deletes its row, so a
copied cookie stops working at once. The cookie is `Secure` whenever the request came over HTTPS
(directly, through a trusted proxy's X-Forwarded-Proto, or INTAKE_HTTPS=1).

Case links (tokens) are kept in the session (the last 20) and can also be sent per request in the
X-Case-Token header by a script."""

from __future__ import annotations

from fastapi import Request

from intake.store import sessions
from intake.store.accounts import User
from intake.store.db import open_db

MAX_CASE_LINKS = 20
LIBRARY_KEY = "library"  # a visitor's 证照库 key (web/routes/library.py), until they sign in
COOKIE = "intake_session"


def case_tokens(request: Request) -> list[str]:
    tokens = [t for t in (request.session.get("tokens") or []) if isinstance(t, str)]
    header = request.headers.get("x-case-token")
    if header:
        tokens.append(header)
    return tokens


def remember_case(request: Request, token: str) -> None:
    """This visitor holds the case link `token` from now on (most recent last)."""
    tokens = [t for t in (request.session.get("tokens") or []) if t != token]
    request.session["tokens"] = (tokens + [token])[-MAX_CASE_LINKS:]


def _db(request: Request):
    return open_db(request.app.state.data)


def client_address(request: Request) -> str:
    """The visitor's address (a trusted proxy's X-Forwarded-For already applied by the app)."""
    return request.client.host if request.client else ""


def sign_in(request: Request, user: User) -> None:
    """A new session on sign-in (no fixation); the case links already held are kept."""
    tokens = list(request.session.get("tokens") or [])
    db = _db(request)
    try:
        sessions.end_session(db, request.session.get("sid"))
        key = sessions.start_session(db, user.id, client_address(request))
        _bring_store(db, request, user)
    finally:
        db.conn.close()
    request.session.clear()
    request.session.update({"sid": key, "tokens": tokens})
    request.state.uid = user.id


def _bring_store(db, request: Request, user: User) -> None:
    """The 证照库 a visitor filled before signing in becomes their account's (intake.library)."""
    from intake.library.store import adopt

    key = request.session.get(LIBRARY_KEY)
    if isinstance(key, str) and not user.is_staff:
        adopt(db, f"link:{key}", f"user:{user.id}")


def sign_out(request: Request) -> None:
    db = _db(request)
    try:
        sessions.end_session(db, request.session.get("sid"))
    finally:
        db.conn.close()
    request.session.clear()
    request.state.uid = None


def sign_out_everywhere(request: Request, user: User) -> int:
    """End every session of this account (this one included); returns how many ended."""
    db = _db(request)
    try:
        n = sessions.end_all_sessions(db, user.id)
    finally:
        db.conn.close()
    request.session.clear()
    request.state.uid = None
    return n


def user_id(request: Request) -> int | None:
    """The signed-in account's id, looked up once per request; None when the session has ended."""
    if hasattr(request.state, "uid"):
        return request.state.uid
    key = request.session.get("sid")
    uid = None
    if key:
        db = _db(request)
        try:
            uid = sessions.session_user_id(db, key)
        finally:
            db.conn.close()
    request.state.uid = uid
    return uid


class SecureCookie:
    """ASGI middleware: the session cookie gets `Secure` on a request that came over HTTPS
    (scope scheme, set from a trusted proxy by ForwardedFrom) or always when `always` is set."""

    def __init__(self, app, always: bool = False):
        self.app, self.always = app, always

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not (self.always or scope.get("scheme") == "https"):
            return await self.app(scope, receive, send)

        async def secure_send(message):
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (
                        k,
                        v + b"; Secure"
                        if k.lower() == b"set-cookie"
                        and v.startswith(COOKIE.encode() + b"=")
                        and b"secure" not in v.lower()
                        else v,
                    )
                    for k, v in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, secure_send)


class ForwardedFrom:
    """ASGI middleware: behind a reverse proxy listed in `trusted` (addresses), take the visitor's
    address from X-Forwarded-For and the scheme from X-Forwarded-Proto; from anyone else, ignore both."""

    def __init__(self, app, trusted: set[str]):
        self.app, self.trusted = app, trusted

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket") and scope.get("client") and scope["client"][0] in self.trusted:
            headers = dict(scope.get("headers") or [])
            proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").split(",")[0].strip().lower()
            forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
            if proto in ("http", "https"):
                scope["scheme"] = proto
            hops = [h.strip() for h in forwarded.split(",") if h.strip()]
            while hops and hops[-1] in self.trusted:  # the nearest address not one of our proxies
                hops.pop()
            if hops:
                scope["client"] = (hops[-1], 0)
        await self.app(scope, receive, send)
