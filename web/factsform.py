"""The web facts form, derived from the facts schema (checklists/facts.yaml) and the scheme's data:
the scheme's own facts only (checklists.factschema.form_facts), each drawn by its type, and read back
by the same list — a key the schema names is never shown in one place and dropped in another."""

from __future__ import annotations

import re
from datetime import date

from checklists.factschema import form_facts, schema
from checklists.scheme import load_scheme
from intake.cases.case import CaseError
from intake.cases.procedures import applicable_levels, declarations
from intake.library.store import company_fact_specs


class FieldError(CaseError):
    """A value typed into one field of the form that cannot be taken: shown beside that field."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def fields_for(scheme_id: str, facts: dict | None = None) -> list[dict]:
    """[{key, type, label, question, choices: [(value, label)], asked}] in the schema's order; `asked` is
    false for a fact the stated `facts` make moot (the schema's not_asked_when)."""
    scheme = load_scheme(scheme_id)
    out = []
    for spec in form_facts(scheme):
        choices: list[tuple[str, str]] = list(spec.choices)
        if spec.type == "level":
            choices = [(lv, lv) for lv in applicable_levels(scheme_id)]
            if not choices:
                continue  # a scheme without levels to apply for offers none
        elif spec.type == "exemptions":
            choices = [(ex["name"], ex["name"]) for ex in scheme.exemptions]
        elif spec.type == "declarations":
            choices = list(declarations(scheme_id).items())
        elif spec.type == "scale":
            choices = [(name, name) for name in (scheme.tables.get("scale") or {})]
        if spec.type in ("exemptions", "declarations") and not choices:
            continue
        field = _field(spec, choices, facts)
        if spec.type == "exemptions":
            field["choice_hide_when"] = _exemptions_closed(scheme)
            field["choice_hidden"] = [v for v, rule in field["choice_hide_when"].items() if _closes(rule, facts or {})]
        out.append(field)
    return out


def _exemptions_closed(scheme) -> dict[str, dict[str, list[str]]]:
    """{exemption: {fact: values}} under which it is not offered: the values of the facts its item's
    applies_when names that the item does not apply to (another sector's exemptions)."""
    items = {it.id: it for it in scheme.items}
    specs = schema()
    out: dict[str, dict[str, list[str]]] = {}
    for ex in scheme.exemptions:
        item = items.get(ex.get("item"))
        when = item.applies_when if item else {}
        closed = {k: [v for v in specs[k].values if v not in allowed] for k, allowed in when.items() if k in specs}
        if any(closed.values()):
            out[ex["name"]] = {k: v for k, v in closed.items() if v}
    return out


def _closes(rule: dict, facts: dict) -> bool:
    return any(facts.get(k) in values for k, values in rule.items())


def fields_as_posted(scheme_id: str, facts: dict, form) -> list[dict]:
    """`fields_for` with the branches as the posted form answered them (a radio left unchosen is no
    answer), as app.js shows them live: the form sent back with a field error is right without
    JavaScript even when its answers differ from the saved ones."""
    keys = {k for f in fields_for(scheme_id) for k in f["hide_when"]}
    return fields_for(scheme_id, {**facts, **{k: form.get(k) for k in keys}})


def company_fields(facts: dict | None = None) -> list[dict]:
    """The facts about the company (the schema's `of: company`), asked once for every scheme."""
    return [_field(spec, list(spec.choices), facts) for spec in company_fact_specs()]


def _field(spec, choices: list[tuple[str, str]], facts: dict | None) -> dict:
    return {
        "key": spec.key,
        "type": spec.type,
        "label": spec.label,
        "question": spec.question or spec.label,
        "choices": choices,
        "asked": spec.asked_given(facts or {}),
        "hide_when": {k: list(v) for k, v in spec.not_asked_when},  # the page hides it as answers change
    }


def facts_from_form(scheme_id: str, form) -> dict:
    """The posted form → facts (None: cleared), for exactly the fields `fields_for` drew."""
    return read_fields(fields_for(scheme_id), form)


def read_fields(fields: list[dict], form) -> dict:
    """The posted form → facts (None: cleared), for exactly `fields`."""
    facts: dict = {}
    for f in fields:
        key, kind = f["key"], f["type"]
        raw = (form.get(key) or "").strip() if kind not in ("exemptions", "declarations") else ""
        if kind in ("choice", "level"):
            facts[key] = raw if raw in {v for v, _ in f["choices"]} else None
        elif kind == "bool":
            facts[key] = {"yes": True, "no": False}.get(raw)
        elif kind == "date":
            try:
                facts[key] = date.fromisoformat(raw).isoformat() if raw else None
            except ValueError:
                raise FieldError(key, f"{f['label']}请按 2024-03-01 的格式填写日期") from None
        elif kind == "fraction":
            facts[key] = _percent(raw.rstrip("%"), key, f["label"]) if raw else None
        elif kind == "exemptions":
            names = {v for v, _ in f["choices"]}
            facts[key] = [e for e in form.getlist(key) if e in names] or None
        elif kind == "declarations":
            facts[key] = {k: True for k, _ in f["choices"] if form.get(f"decl.{k}") == "yes"} or None
        elif kind == "scale":
            facts[key] = _scale(form)
    for f in fields:  # a branch the answers on this form close: not kept
        if _closes(f.get("hide_when") or {}, facts):
            facts[f["key"]] = None
        elif f["type"] == "exemptions" and facts[f["key"]]:
            closed = f.get("choice_hide_when") or {}
            facts[f["key"]] = [e for e in facts[f["key"]] if not _closes(closed.get(e) or {}, facts)] or None
    return facts


def _percent(raw: str, key: str, label: str) -> float:
    try:
        return float(raw) / 100
    except ValueError:
        raise FieldError(key, f"“{raw}”不是数字：{label}请填写百分数，如 95") from None


def _scale(form) -> dict | None:
    value = (form.get("scale_value") or "").strip()
    if not value:
        return None
    try:
        return {
            "category": (form.get("scale_category") or "")[:50],
            "value": float(value),
            "unit": (form.get("scale_unit") or "")[:10],
        }
    except ValueError:
        raise FieldError("scale", f"“{value[:50]}”不是数字：数量请填写具体数值，如 1200") from None


def contact_fields() -> list[dict]:
    """The applicant's contacts the application form needs and no document gives (联系人/电话/邮箱): the
    form spec's applicant fields whose every source is what the applicant states. Asked once, on 基本信息."""
    from forms.specs import common

    stated = ("declared.", "application_form.")
    return [
        {"key": f["key"], "label": f["label"]}
        for f in common()["applicant_fields"]
        if all(isinstance(s, str) and s.startswith(stated) for s in f["from"])
    ]


def contacts_from_form(form) -> dict:
    """{key: value} of the contact fields typed (empty ones left out); a phone or e-mail that cannot be
    one is a FieldError beside its field."""
    out = {}
    for f in contact_fields():
        raw = str(form.get(f"contact.{f['key']}") or "").strip()[:100]
        if not raw:
            continue
        if f["key"] == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", raw):
            raise FieldError(f"contact.{f['key']}", f"“{raw}”不像邮箱地址，请按 name@example.com 的格式填写")
        if f["key"] == "phone" and len(re.sub(r"\D", "", raw)) < 7:
            raise FieldError(f"contact.{f['key']}", f"“{raw}”不像电话号码，请填写带区号的固定电话或手机号")
        out[f["key"]] = raw
    return out
