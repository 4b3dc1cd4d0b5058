"""The visitor's session: who is signed in, and which case links they hold. One module for the
HTML and the JSON routes, so signing in keeps the case links either way.

Case links (tokens) are kept in the session (the last 20) and can also be sent per request in the
X-Case-Token header by a script."""
from __future__ import annotations

from fastapi import Request

from intake.store.accounts import User

MAX_CASE_LINKS = 20


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


def sign_in(request: Request, user: User) -> None:
    """A new session on sign-in (no fixation); the case links already held are kept."""
    tokens = list(request.session.get("tokens") or [])
    request.session.clear()
    request.session.update({"uid": user.id, "tokens": tokens})


def sign_out(request: Request) -> None:
    request.session.clear()


def user_id(request: Request) -> int | None:
    uid = request.session.get("uid")
    return uid if isinstance(uid, int) else None
