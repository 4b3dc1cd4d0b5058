"""The web service: `create_app(data)` builds the FastAPI application over one data directory.

Routes (web/routes/) are thin: each reads the request, calls intake/, renders a template or JSON."""

from __future__ import annotations

import os
import secrets
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from intake.cases.queue import DailyPass
from intake.config import Limits, data_dir
from intake.reading.readers import DocumentReader

from . import errors, operations
from .app_limits import BodyLimit
from .previews import PreviewPool
from .session import COOKIE, ForwardedFrom, SecureCookie
from .throttle import LoginThrottle, RegistrationThrottle

HERE = Path(__file__).parent
# Scripts only from our own /static (no inline script can run even if escaping ever failed);
# inline styles are allowed because the generated gap report is one self-contained HTML file.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def session_secret(data: Path) -> str:
    """A random secret made on first start and kept (mode 600) in the data directory."""
    path = data / "session.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def make_reader(data: Path, limits: Limits, reader_threads: int | None, broker: str | None, public_url: str | None):
    """The embedded readers (threads of this process), or, when a broker is configured
    (INTAKE_BROKER), jobs for `intake worker`s that fetch originals from INTAKE_PUBLIC_URL."""
    from intake.reading.broker import broker_url

    url = broker_url(broker)
    if not url:
        return DocumentReader(data, limits, threads=reader_threads)
    from intake.reading.broker import BrokerReader

    public = public_url or os.environ.get("INTAKE_PUBLIC_URL") or "http://127.0.0.1:8000"
    return BrokerReader(data, limits, url, public)


def _migrate_store(data: Path) -> None:
    """The store's schema brought up to date before the first request (opening it migrates it)."""
    from intake.store.db import open_db

    open_db(data).conn.close()


def trusted_proxies() -> set[str]:
    """INTAKE_TRUSTED_PROXIES: addresses of reverse proxies whose X-Forwarded-For/-Proto are believed
    (comma-separated; default 127.0.0.1, a proxy on the same machine)."""
    return {a.strip() for a in os.environ.get("INTAKE_TRUSTED_PROXIES", "127.0.0.1").split(",") if a.strip()}


def create_app(
    data: str | os.PathLike | None = None,
    limits: Limits | None = None,
    reader_threads: int | None = None,
    broker: str | None = None,
    public_url: str | None = None,
) -> FastAPI:
    data = data_dir(data)
    limits = limits or Limits.from_env()
    _migrate_store(data)
    reader = make_reader(data, limits, reader_threads, broker, public_url)
    daily = DailyPass(data)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        reader.start()
        daily.start()
        yield
        daily.stop()
        reader.stop()

    app = FastAPI(title="intake", description="申报材料预审、标准征求意见、秘书处审核 — JSON API", lifespan=lifespan)
    app.state.data = data
    app.state.limits = limits
    app.state.reader = reader
    app.state.previews = PreviewPool(data / "previews", limits)
    app.state.login_throttle = LoginThrottle()
    app.state.registration_throttle = RegistrationThrottle(limits.registrations_per_address_hour)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(data),
        session_cookie=COOKIE,
        same_site="lax",
        https_only=False,
        max_age=14 * 24 * 3600,
    )
    app.add_middleware(SecureCookie, always=os.environ.get("INTAKE_HTTPS", "") == "1")
    app.add_middleware(BodyLimit, max_file_bytes=limits.max_bytes, routes=app)
    app.add_middleware(ForwardedFrom, trusted=trusted_proxies())
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from .routes import api, applicant, auth, blobs, committee, library, secretariat

    for module in (auth, applicant, library, secretariat, committee, api, blobs):
        app.include_router(module.router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith(("/docs", "/redoc")):  # Swagger UI loads its own assets
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    errors.install(app)
    operations.install(app)
    return app
