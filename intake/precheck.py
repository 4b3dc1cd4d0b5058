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

The documents are read ones (DocumentFacts), in one shape: a face holding file paths reads them first
(`intake.reading.pipeline.extract_files`), a store holding their JSON turns it back into DocumentFacts
where it loads it. A correction ({sha256, field, value}, made by the applicant in the chat) replaces
the value read from that document, at full confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from checklists.engine import Evaluation, evaluate
from checklists.factsfile import FactsError, validate_facts
from checklists.scheme import Scheme, load_scheme
from extractors.application_form import ITEM_ROWS, facts_from_documents
from extractors.facts import DocumentFacts
from forms.itemrows import form_facts

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
    documents: Sequence[DocumentFacts],
    stated: dict | None = None,
    as_of: date | str | None = None,
    overrides: dict | None = None,
    origin: str = "facts",
    corrections: Sequence[dict] = (),
) -> Precheck:
    """Evaluate `scheme` on read `documents` and the `stated` facts.
    Raises checklists' UnknownScheme for an unknown scheme, FactsError for bad facts or overrides."""
    if isinstance(scheme, str):
        scheme = load_scheme(scheme)
    stated = checked_facts(scheme, stated or {}, origin)
    docs = [_corrected(d, corrections) for d in documents]
    facts, warnings = declared_facts(scheme, [d.to_json() for d in docs], stated)
    ev = evaluate(scheme, docs, engine_facts(facts), as_of=as_of, overrides=overrides or None)
    return Precheck(ev, facts, warnings)


def evaluator(
    scheme: Scheme | str,
    overrides: dict | None = None,
    under: dict | None = None,
    over: dict | None = None,
    origin="facts",
):
    """The evaluation as a callable for those who hold documents and facts of their own (the
    assistant): (documents, facts, corrections, as_of) → the contract's `intake check` object.
    The documents are the `intake extract` objects the assistant keeps in its saved conversation.
    A case's facts go `under` theirs and its applicant and product `over` them, as in its report."""

    def run(documents: Sequence[dict], facts: dict, corrections: Sequence[dict], as_of: date | str | None) -> dict:
        stated = {**(under or {}), **facts, **(over or {})}
        docs = [DocumentFacts.from_json(d) for d in documents]
        return precheck(scheme, docs, stated, as_of, overrides, origin, corrections).to_json()

    return run


def _corrected(doc: DocumentFacts, fixes: Sequence[dict]) -> DocumentFacts:
    """A value the applicant corrected replaces the one read from that document."""
    mine = {c["field"]: c["value"] for c in fixes if c.get("sha256") == doc.sha256 and c.get("field") in doc.fields}
    if not mine:
        return doc
    fields = {k: replace(f, value=mine[k], confidence=1.0) if k in mine else f for k, f in doc.fields.items()}
    return replace(doc, fields=fields)


def checked_facts(scheme: Scheme, stated: dict, origin: str = "facts") -> dict:
    """The stated facts checked against `scheme` (FactsError names a bad key and its accepted values);
    a face checks them before it reads any file, so a bad argument costs no reading."""
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
    """(facts, warnings): facts from uploaded application forms — their answered item rows named by
    `scheme`'s items (forms.itemrows) — checked one key at a time against `scheme` (None to skip the
    check and the rows), under `stated`."""
    if scheme is None:
        typed = {k: v for k, v in facts_from_documents(documents).items() if k != ITEM_ROWS}
        return merge_declared(typed, stated), []
    typed, warnings = form_facts(scheme.id, documents)
    from_forms: dict = {}
    for key, value in typed.items():
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
