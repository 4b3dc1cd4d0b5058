"""For whoever runs the service: /healthz (is it working?), /metrics (Prometheus text format) and
one structured log line per request (JSON on the `intake.requests` logger; the route's pattern,
never its path: a case link's token must not end up in a log).

Metrics: intake_queue_depth, intake_reader_threads_alive, intake_disk_free_bytes,
intake_read_seconds / intake_ocr_read_seconds (histograms), intake_read_failures_total{reason},
intake_http_requests_total{method,route,status}, intake_http_request_seconds{route}."""

from __future__ import annotations

import json
import logging
import os
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from intake.store.blobs import BlobStore, free_bytes
from intake.store.db import open_db

from .errors import route_of

router = APIRouter(tags=["operations"])
requests_log = logging.getLogger("intake.requests")

READ_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300)
# reason label ← words of the sentence a failed read carries (the sentence itself is for people)
FAILURE_REASONS = [
    ("文件解压后过大", "too_large_inflated"),
    ("超时", "timeout"),
    ("内存", "memory"),
    ("超过上限", "too_large"),
    ("加密", "encrypted"),
    ("密码", "encrypted"),
    ("不支持", "unsupported"),
    ("损坏", "corrupt"),
    ("不完整", "corrupt"),
    ("为空", "empty"),
    ("意外退出", "crashed"),
    ("内部错误", "internal"),
]


def failure_reason(error: str | None) -> str:
    return next((label for words, label in FAILURE_REASONS if words in (error or "")), "other")


class Metrics:
    def __init__(self, app):
        self.registry = r = CollectorRegistry()
        reader, data, limits = app.state.reader, app.state.data, app.state.limits
        Gauge("intake_queue_depth", "documents waiting to be read", registry=r).set_function(reader.depth)
        Gauge("intake_reader_threads_alive", "reader threads running", registry=r).set_function(reader.alive)
        Gauge("intake_disk_free_bytes", "free space on the data directory's disk", registry=r).set_function(
            lambda: free_bytes(data)
        )
        Gauge("intake_disk_floor_bytes", "uploads are refused under this much free space", registry=r).set(
            limits.min_free_bytes
        )
        self.read_seconds = Histogram(
            "intake_read_seconds", "time to read one document (worker)", buckets=READ_BUCKETS, registry=r
        )
        self.ocr_seconds = Histogram(
            "intake_ocr_read_seconds", "time to read one document that needed OCR", buckets=READ_BUCKETS, registry=r
        )
        self.failures = Counter(
            "intake_read_failures", "documents that could not be read, by reason", ["reason"], registry=r
        )
        self.requests = Counter("intake_http_requests", "requests answered", ["method", "route", "status"], registry=r)
        self.request_seconds = Histogram(
            "intake_http_request_seconds", "time to answer a request", ["route"], registry=r
        )
        reader.observers.append(self.observe)

    def observe(
        self, event: str, seconds: float = 0.0, ocr: bool = False, error: str | None = None, reason: str | None = None
    ) -> None:
        """Called by the reader threads (intake.reading.readers.DocumentReader.observers)."""
        if event == "read":
            (self.ocr_seconds if ocr else self.read_seconds).observe(seconds)
            if error:
                self.failures.labels(failure_reason(error)).inc()
        elif event == "failed":
            self.failures.labels(reason or "other").inc()


# the method label's values: anything else a client makes up is counted as "other" (one label, not one
# per invented method, so the series cannot grow without bound)
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


def install(app) -> None:
    app.state.metrics = Metrics(app)
    app.include_router(router)

    @app.middleware("http")
    async def request_log(request: Request, call_next):
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            seconds = time.perf_counter() - started
            route = route_of(request)
            metrics = request.app.state.metrics
            metrics.requests.labels(method_label(request.method), route, str(status)).inc()
            metrics.request_seconds.labels(route).observe(seconds)
            requests_log.info(
                json.dumps(
                    {
                        "method": method_label(request.method),
                        "route": route,
                        "status": status,
                        "ms": round(seconds * 1000, 1),
                        "client": request.client.host if request.client else None,
                    },
                    ensure_ascii=False,
                )
            )


@router.get("/healthz")
def healthz(request: Request):
    """200 when the database answers, every reader thread runs, the disk has room and no stored original
    was found damaged; 503 otherwise, with what is wrong."""
    state = request.app.state
    checks: dict = {}
    try:
        db = open_db(state.data)
        try:
            db.execute("select 1").fetchone()
        finally:
            db.conn.close()
        checks["database"] = "ok"
    except Exception as e:
        checks["database"] = f"error: {type(e).__name__}: {e}"
    damaged = BlobStore(state.data, min_free=0).damaged()
    checks["files"] = {"damaged": len(damaged), "examples": damaged[:5]}
    expected = len(state.reader.threads)
    alive = state.reader.alive()
    free = free_bytes(state.data)
    checks.update(
        {
            "readers": {"alive": alive, "expected": expected},
            "disk": {"free_bytes": free, "floor_bytes": state.limits.min_free_bytes},
            "queue_depth": state.reader.depth(),
        }
    )
    problems = [
        p
        for p, bad in (
            ("database", checks["database"] != "ok"),
            ("readers", alive < expected),
            ("disk", free < state.limits.min_free_bytes),
            ("files", bool(damaged)),
        )
        if bad
    ]
    return JSONResponse(
        {"status": "ok" if not problems else "fail", "problems": problems, **checks},
        status_code=200 if not problems else 503,
        headers={"Cache-Control": "no-store"},
    )


def metrics_allowed() -> set[str]:
    """INTAKE_METRICS_FROM: addresses that may read /metrics (default: this machine only)."""
    return {a.strip() for a in os.environ.get("INTAKE_METRICS_FROM", "127.0.0.1,::1").split(",") if a.strip()}


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request):
    if (request.client.host if request.client else "") not in metrics_allowed():
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
