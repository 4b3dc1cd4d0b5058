"""The pre-check: read documents + the applicant's corrections of them + declared facts + overrides +
a date → the checklist's verdicts. The one evaluation: `intake check`, `intake form`, the web's case
report, the queue's summaries and the assistant (which is handed `evaluator`) all call `precheck`;
nothing else runs the checklist engine.

The declared facts are what the applicant typed into an uploaded application form, overridden key by
key by what they stated directly (--facts, the facts form, the chat). A value typed into a form that
the scheme cannot take (a sector name that is not one of the choices, say) is dropped with a
warning: it is document content, not a bad argument. Stated facts are validated once, here, on the
way in (`FactsError` — a BadInput — names the key and the accepted values).

    result = precheck("jinzhi", documents, {"sector": "manufacturing"}, as_of="2026-03-01")
    result.evaluation.to_json(); result.facts; result.warnings

A correction ({sha256, field, value}, made by the applicant in the chat) replaces the value read
from that document; the read value stays on the field (`read_value`, `corrected`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from os import PathLike

from checklists.engine import Evaluation, evaluate
from checklists.factsfile import FactsError, validate_facts
from checklists.scheme import Scheme, load_scheme
from extractors.application_form import facts_from_documents
from extractors.facts import DocumentFacts

# keys of the declared facts that the checklists engine does not read (only the forms do)
FORM_ONLY_KEYS = ("form", "self_assessment")


@dataclass
class Precheck:
    evaluation: Evaluation
    facts: dict  # the declared facts used: forms' values under the stated ones
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        out = self.evaluation.to_json()
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


def precheck(
    scheme: Scheme | str,
    documents: Sequence[DocumentFacts | dict | str | PathLike],
    stated: dict | None = None,
    as_of: date | str | None = None,
    overrides: dict | None = None,
    origin: str = "facts",
    corrections: Sequence[dict] = (),
) -> Precheck:
    """Evaluate `scheme` on `documents` — read ones (DocumentFacts or their JSON) or file paths, which
    are read here in the time-limited workers after the facts are checked — and the `stated` facts.
    Raises checklists' UnknownScheme for an unknown scheme, FactsError for bad facts or overrides."""
    if isinstance(scheme, str):
        scheme = load_scheme(scheme)
    stated = _validated(scheme, stated or {}, origin)
    docs = [_corrected(d, corrections) for d in _read(documents)] if corrections else _read(documents)
    facts, warnings = declared_facts(scheme, [d.to_json() for d in docs], stated)
    ev = evaluate(scheme, docs, engine_facts(facts), as_of=as_of, overrides=overrides or None)
    return Precheck(ev, facts, warnings)


def read_documents(documents) -> list[DocumentFacts]:
    """Documents as DocumentFacts: file paths read (once, in the time-limited workers), the rest taken as given."""
    return _read(documents)


def _read(documents) -> list[DocumentFacts]:
    from intake.reading.pipeline import extract_files  # the readers' stack, only when there are files

    paths = [d for d in documents if isinstance(d, (str, PathLike))]
    read = iter(extract_files(paths) if paths else [])
    return [
        next(read)
        if isinstance(d, (str, PathLike))
        else d
        if isinstance(d, DocumentFacts)
        else DocumentFacts.from_json(d)
        for d in documents
    ]


def evaluator(
    scheme: Scheme | str,
    overrides: dict | None = None,
    under: dict | None = None,
    over: dict | None = None,
    origin="facts",
):
    """The evaluation as a callable for those who hold documents and facts of their own (the
    assistant): (documents, facts, corrections, as_of) → the contract's `intake check` object.
    A case's facts go `under` theirs and its applicant and product `over` them, as in its report."""

    def run(documents: Sequence, facts: dict, corrections: Sequence[dict], as_of: date | str | None) -> dict:
        stated = {**(under or {}), **facts, **(over or {})}
        return precheck(scheme, documents, stated, as_of, overrides, origin, corrections).to_json()

    return run


def apply_corrections(doc: dict, fixes: Sequence[dict]) -> dict:
    """A value the applicant corrected replaces the one read; the read one is kept beside it."""
    fields = doc.get("fields") or {}
    mine = [c for c in fixes if c.get("sha256") == doc.get("sha256") and c.get("field") in fields]
    if not mine:
        return doc
    doc = {**doc, "fields": {k: dict(v) for k, v in fields.items()}}
    for c in mine:
        f = doc["fields"][c["field"]]
        f["read_value"], f["value"], f["confidence"], f["corrected"] = f.get("value"), c["value"], 1.0, True
    return doc


def _corrected(doc: DocumentFacts, fixes: Sequence[dict]) -> DocumentFacts:
    if not any(c.get("sha256") == doc.sha256 for c in fixes):
        return doc
    return DocumentFacts.from_json(apply_corrections(doc.to_json(), fixes))


def _validated(scheme: Scheme, stated: dict, origin: str) -> dict:
    checked = validate_facts(scheme, engine_facts(stated), origin)
    if isinstance(stated.get("applicant"), dict):  # the form's applicant block (name, contacts) stays whole
        checked["applicant"] = stated["applicant"]
    return checked


def merge_declared(from_forms: dict, stated: dict) -> dict:
    """`stated` wins key by key; nested objects (declarations, form …) are merged."""
    out = dict(from_forms)
    for k, v in (stated or {}).items():
        out[k] = {**out[k], **v} if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def declared_facts(scheme: Scheme | None, documents: list[dict], stated: dict) -> tuple[dict, list[str]]:
    """(facts, warnings): facts from uploaded application forms, checked one key at a time against
    `scheme` (None to skip the check), under `stated`."""
    from_forms, warnings = {}, []
    for key, value in facts_from_documents(documents).items():
        if scheme is None:
            from_forms[key] = value
            continue
        try:
            from_forms.update(validate_facts(scheme, {key: value}, "申请表"))
        except FactsError as e:
            warnings.append(f"{e}（已忽略申请表中的这一项）")
    return merge_declared(from_forms, stated), warnings


def engine_facts(facts: dict) -> dict:
    """Declared facts as the checklists engine takes them: {"applicant": {...}} reduced to the name."""
    out = dict(facts)
    if isinstance(out.get("applicant"), dict):
        name = out["applicant"].get("org_name")
        if name:
            out["applicant"] = name
        else:
            out.pop("applicant")
    return out
