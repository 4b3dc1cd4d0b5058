"""The form specifications: each scheme's `form.yaml` in its registry folder
(checklists/schemes/<id>/form.yaml) plus forms/specs/common.yaml for what every form shares.

Labels of document types, verdicts and outcomes come from the one vocabulary
(checklists/vocabulary.yaml), the scheme's name from its procedure, the levels a form may offer
from its checklist — never written twice."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from checklists.registry import UnknownScheme, read_part, require, scheme_ids
from checklists.scheme import load_scheme
from checklists.vocabulary import DOC_TYPES, OUTCOME_ZH, STATUS_ORDER, STATUS_ZH
from extractors.application_form import spec as reader_spec
from extractors.fields.dates import chinese_day

SPEC_DIR = Path(__file__).parent / "specs"
TEMPLATE_DIR = Path(__file__).parent / "templates"


__all__ = ["UnknownScheme"]  # the registry's: a scheme without a form is unknown to the forms

SCHEMES = tuple(scheme_ids("form"))  # those present at import (tests parametrize over them)


@cache
def common() -> dict:
    c = yaml.safe_load((SPEC_DIR / "common.yaml").read_text(encoding="utf-8"))
    c["document_types"] = dict(DOC_TYPES)
    c["item_status"] = dict(STATUS_ZH)
    c["outcome_status"] = dict(OUTCOME_ZH)
    c["status_order"] = list(STATUS_ORDER)
    c["scheme_names"] = _SchemeNames()
    return c


class _SchemeNames(dict):
    """scheme id → its name (the procedure's), looked up in the registry when asked."""

    def get(self, key, default=None):
        try:
            return read_part(key, "procedure").get("name") or load_scheme(key).name
        except (KeyError, ValueError):
            return default

    def __getitem__(self, key):
        name = self.get(key)
        if name is None:
            raise KeyError(key)
        return name


def scheme_spec(scheme_id: str) -> dict:
    require(scheme_id, "form")
    spec = dict(read_part(scheme_id, "form"))
    spec["scheme"] = scheme_id
    s = load_scheme(scheme_id)
    spec["levels"] = [] if s.stages else list(s.level_names)
    # an item's clause is the checklist's: the form words the item, it does not renumber it
    spec["items"] = [{**it, "clause": s.item(it["id"]).clause} for it in spec["items"]]
    ids = [it["id"] for it in spec["items"]]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{scheme_id}/form.yaml: duplicate item id")
    # a checklist item the form.yaml does not word still gets its row, in the checklist's words
    spec["items"] += [
        {"id": it.id, "clause": it.clause, "title": it.title, "evidence": []} for it in s.items if it.id not in ids
    ]
    return spec


def all_fields(spec: dict) -> list[dict]:
    """Applicant, product and the scheme's extra fields, in form order."""
    c = common()
    return list(c["applicant_fields"]) + list(c["product_fields"]) + list(spec.get("extra_fields") or [])


def template_path(scheme_id: str) -> Path:
    return TEMPLATE_DIR / f"application_{scheme_id}.docx"


def field_kind(fspec: dict) -> str | None:
    """A form field's kind: its form.yaml's, else the reader's (extractors/data/application_form.yaml)."""
    return fspec.get("kind") or (reader_spec()["fields"].get(fspec.get("key")) or {}).get("kind")


def shown_value(value, fspec: dict) -> str:
    """A field's value as people read it in a form or report: a day as 2012年5月16日, 是/否, a choice's
    Chinese, a percentage, lists and mappings joined."""
    kind = field_kind(fspec)
    if kind == "date":
        return chinese_day(value)
    if kind == "bool" and isinstance(value, bool):
        return "是" if value else "否"
    if kind == "choice":
        return fspec["choices"].get(value, str(value))
    if kind == "percent" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value * 100:g}%"
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value if value is not None else "")


def applicant_fields() -> list[dict]:
    """The applicant's particulars as every form and report lists them, and the product applied for."""
    c = common()
    return list(c["applicant_fields"]) + [f for f in c["product_fields"] if f["key"] == "product"]


def asked_only(fspec: dict) -> bool:
    """A field the applicant is asked for and no document gives (联系人, 电话): empty means not filled in, not
    unread."""
    sources = [f if isinstance(f, str) else f.get("source", "") for f in fspec.get("from") or ()]
    return all(s.split(".", 1)[0] in ("declared", "application_form") for s in sources)
