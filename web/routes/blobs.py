"""Originals for the reading workers: `GET /blobs/{sha256}?expires=…&sig=…`, a link the web service
signed when it sent the job (intake.reading.broker). No session: the signature is the permission,
for that one file, until it expires."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from intake.reading.broker import link_key, link_valid
from intake.store.blobs import BlobStore

router = APIRouter(tags=["workers"])


@router.get("/blobs/{sha256}", include_in_schema=False)
def original(sha256: str, request: Request, expires: int = 0, sig: str = ""):
    if not link_valid(link_key(request.app.state.data), sha256, expires, sig):
        raise HTTPException(403, "链接无效或已过期")
    path = BlobStore(request.app.state.data).checked_path(sha256)  # 404 gone, 503 damaged (never sent)
    return FileResponse(path, media_type="application/octet-stream", headers={"Cache-Control": "no-store"})
