"""The standards committee's comment desk (drafts, public pages, the register)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from intake.accounts import User

from ..deps import render, require_committee

router = APIRouter(tags=["committee"])


@router.get("/committee", include_in_schema=False)
def desk(request: Request, user: User = Depends(require_committee)):
    return render(request, "committee.html", {"drafts": []})
