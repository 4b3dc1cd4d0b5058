"""The JSON API's request and response models: the typed boundary of the web face."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


class Scheme(BaseModel):
    id: str
    name: str
    source: str
    levels: list[str]
    summary: str
    deadline: str | None
    validity_years: int | None
    states: list[str]
    declarations: dict[str, str]


class SessionInfo(BaseModel):
    user: str | None
    role: str | None
    csrf: str


class Login(BaseModel):
    name: str
    password: str


class NewCase(BaseModel):
    scheme: Literal["jinzhi", "credit", "nonferrous", "jiangsu", "trace"]
    applicant: str = Field("", max_length=200)
    product: str = Field("", max_length=200)


class CaseSummary(BaseModel):
    id: int
    scheme: str
    applicant: str
    product: str
    status: str
    status_label: str
    procedure_state: str
    created: str
    submitted_at: str | None
    days_waiting: int | None


class CaseCreated(CaseSummary):
    token: str
    link: str


class Facts(BaseModel):
    """The contract's --facts keys (absent or null: unchanged / removed)."""
    sector: Literal["agriculture", "manufacturing", "services"] | None = None
    product_kind: Literal["consumer", "production_material"] | None = None
    org_kind: Literal["enterprise", "cooperative", "other"] | None = None
    association_member: bool | None = None
    target_level: str | None = None
    declarations: dict[str, bool] | None = None
    scale: dict | None = None
    exemptions: list[str] | None = None
    sells_online: bool | None = None
    code_coverage: float | None = Field(None, ge=0, le=1)


class Override(BaseModel):
    item_id: str
    status: Literal["met", "not_met", "missing", "review", "not_applicable"]
    note: str = Field(..., min_length=1, max_length=2000)


class Scores(BaseModel):
    scores: dict[str, float]


class ChatMessage(BaseModel):
    message: str = Field(..., max_length=2000)


class StateChange(BaseModel):
    state: str
    note: str = ""
    on: date | None = None


class SubmitCase(BaseModel):
    acknowledge_blockers: int | None = Field(None, ge=0, description="the number of not_met items acknowledged")
