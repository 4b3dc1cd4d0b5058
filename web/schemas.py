"""The JSON API's request and response models: the typed boundary of the web face."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model


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
    scheme: str = Field(..., description="a scheme of the registry (GET /api/schemes)")
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


def _fact_field(spec):
    """The request model's field for one key of the facts schema (checklists/facts.yaml)."""
    types = {
        "bool": bool,
        "level": str,
        "declarations": dict[str, bool],
        "scores": dict[str, float],
        "scale": ScaleFact,
        "exemptions": list[str],
        "date": date,
        "text": str,
        "by_year": dict[str, float],
        "object": dict,
    }
    if spec.type == "choice":
        kind = Literal[tuple(spec.values)]
    elif spec.type == "fraction":
        return (float | None, Field(None, ge=0, le=1, description=spec.description))
    else:
        kind = types[spec.type]
    return (kind | None, Field(None, description=spec.description))


class ScaleFact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: str = Field(..., max_length=50)
    value: float
    unit: str = Field("", max_length=10)


def _facts_model() -> type[BaseModel]:
    """The keys a case accepts (CASE_FACT_KEYS: the schema's, less scores and the case's own columns),
    typed from the facts schema: a key the schema names cannot be dropped here, an unknown key is refused."""
    from checklists.factschema import schema
    from intake.cases.case import FACT_KEYS as CASE_FACT_KEYS

    fields = {k: _fact_field(schema()[k]) for k in CASE_FACT_KEYS if k != "scores"}
    return create_model(
        "Facts",
        __config__=ConfigDict(extra="forbid"),
        __doc__="The contract's --facts keys (absent or null: unchanged / removed).",
        **fields,
    )


Facts = _facts_model()


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
