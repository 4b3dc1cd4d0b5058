"""Does a scheme's folder agree with itself and with the shared vocabulary and facts schema?

    problems("jiangsu")   # [] when checklist, clauses, procedure and form agree

Each part of a scheme is written once; what one part names, another must have: a form item is a
checklist item (in the same order), a declaration offered in the procedure is an item a declaration
covers, every clause cited is in clauses.yaml, every document type is in the vocabulary, a table a
rule reads is in the checklist, no part repeats what another owns (levels, clauses of form items),
and the optional interview.yaml words only questions the checklist asks (or yes/no facts of the schema),
each with its polarity, and cites only items and clauses the scheme has.
"""

from __future__ import annotations

from .clauses import find_clause, load_clauses
from .factschema import schema, used_facts
from .registry import read_part
from .rules import RULES
from .scheme import SchemeError, load_scheme
from .vocabulary import DOC_TYPES

PROCEDURE_KEYS = ("name", "source", "summary", "states")
FORM_KEYS = ("form_code", "title", "items", "pledge")


def problems(scheme_id: str) -> list[str]:
    try:
        scheme = load_scheme(scheme_id)
    except SchemeError as e:
        return [f"checklist: {e}"]
    out: list[str] = []
    out += _clauses(scheme)
    out += _tables(scheme)
    out += _procedure(scheme)
    out += _form(scheme)
    out += _interview(scheme)
    unknown = [k for k in used_facts(scheme) if k not in schema()]
    out += [f"checklist: fact {k!r} is not in the facts schema (checklists/facts.yaml)" for k in unknown]
    return out


def _clauses(scheme) -> list[str]:
    try:
        load_clauses(scheme.id)
    except KeyError as e:
        return [f"clauses: {e}"]
    return [
        f"checklist: {it.id} cites clause {it.clause!r}, which clauses.yaml does not have"
        for it in scheme.items
        if find_clause(scheme.id, it.clause) is None
    ]


def _tables(scheme) -> list[str]:
    out = []
    for it in scheme.items:
        for key in ("table", "issuer_table"):
            name = it.params.get(key)
            if name and name not in scheme.tables:
                out.append(f"checklist: {it.id} reads table {name!r}, which the checklist's `tables` lacks")
    return out


def _declaration_items(scheme) -> set[str]:
    return {
        it.id
        for it in scheme.items
        if "declarations" in RULES[it.rule].reads or any(a.key == f"declarations.{it.id}" for a in it.asks)
    }


def _part(scheme, name: str, keys) -> tuple[dict, list[str]]:
    """A part file of the scheme and what is wrong with its shape: missing, a required key missing,
    or the levels (which have one home, checklist.yaml) repeated in it."""
    data = read_part(scheme.id, name)
    if not data:
        return {}, [f"{name}: {name}.yaml is missing"]
    out = [f"{name}: missing `{k}`" for k in keys if not data.get(k)]
    if "levels" in data:
        out.append(f"{name}: `levels` belongs to checklist.yaml (one home): remove it here")
    return data, out


def _procedure(scheme) -> list[str]:
    proc, out = _part(scheme, "procedure", PROCEDURE_KEYS)
    if not proc:
        return out
    states = proc.get("states") or []
    ids = [s.get("id") for s in states]
    if len(ids) != len(set(ids)):
        out.append("procedure: a state id is listed twice")
    if sum(1 for s in states if s.get("final")) != 1:
        out.append("procedure: exactly one state should be `final`")
    allowed = _declaration_items(scheme)
    for iid in proc.get("declarations") or {}:
        if iid not in allowed:
            out.append(f"procedure: declaration {iid!r} is not a checklist item a declaration covers")
    return out


def _form(scheme) -> list[str]:
    form, out = _part(scheme, "form", FORM_KEYS)
    if not form:
        return out
    if form.get("scheme") not in (None, scheme.id):
        out.append(f"form: `scheme: {form['scheme']}` is not the folder's scheme {scheme.id!r}")
    items = form.get("items") or []
    ids = [it.get("id") for it in items]
    checklist_ids = [it.id for it in scheme.items]
    if ids != checklist_ids:
        missing = [i for i in checklist_ids if i not in ids]
        extra = [i for i in ids if i not in checklist_ids]
        out.append(f"form: items should be the checklist's, in its order (missing {missing}, unknown {extra})")
    for it in items:
        if "clause" in it:
            out.append(f"form: {it.get('id')} repeats a clause; the checklist's is used")
        for t in it.get("evidence") or []:
            if t not in DOC_TYPES:
                out.append(f"form: {it.get('id')} names document type {t!r}, not in the vocabulary")
    declared = {it["id"] for it in items if it.get("declaration")}
    offered = set(read_part(scheme.id, "procedure").get("declarations") or {})
    if declared != offered:
        out.append(f"form: declaration items {sorted(declared)} differ from the procedure's {sorted(offered)}")
    for field, refs in (form.get("field_items") or {}).items():
        for iid in refs or []:
            if iid not in checklist_ids:
                out.append(f"form: field {field!r} names unknown item {iid!r}")
    return out


POLARITIES = ("positive", "negative")


def _interview(scheme) -> list[str]:
    talk = read_part(scheme.id, "interview")
    if not talk:
        return []  # optional: the checklist's own questions are asked as written
    out: list[str] = []
    yes_no_asks = {a.key for it in scheme.items for a in it.asks if a.kind == "yes_no"}
    facts = schema()
    for key, spec in (talk.get("yes_no") or {}).items():
        if key not in yes_no_asks and not (key in facts and facts[key].type == "bool"):
            out.append(f"interview: yes_no {key!r} is neither a yes/no question of the checklist nor a yes/no fact")
        if not isinstance(spec, dict) or not str(spec.get("ask") or "").strip():
            out.append(f"interview: yes_no {key!r} has no `ask`")
            continue
        if spec.get("polarity", "positive") not in POLARITIES:
            out.append(f"interview: yes_no {key!r} polarity {spec.get('polarity')!r} is not one of {POLARITIES}")
        if spec.get("polarity") == "negative" and not (spec.get("said_yes") and spec.get("said_no")):
            out.append(f"interview: yes_no {key!r} is negative but lacks said_yes/said_no (the words that confirm it)")
    items = {it.id for it in scheme.items}
    for n, spec in enumerate(talk.get("numbers") or [], 1):
        if spec.get("item") and spec["item"] not in items:
            out.append(f"interview: numbers #{n} names item {spec['item']!r}, which the checklist lacks")
        for clause in spec.get("clauses") or []:
            if find_clause(scheme.id, str(clause)) is None:
                out.append(f"interview: numbers #{n} cites clause {clause!r}, which clauses.yaml does not have")
    if "contact" in talk and not str(talk["contact"] or "").strip():
        out.append("interview: `contact` is empty")
    return out
