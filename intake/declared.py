"""The declared facts a pre-check uses: what the applicant typed into an uploaded
application form, overridden by what they stated directly (--facts, the facts form,
the chat). One function for the CLI's `check` and `form` and for the web's case report.

A value typed into a form that the scheme cannot take (a sector name that is not one of
the choices, say) is dropped with a warning: it is document content, not a bad argument.
"""
from __future__ import annotations

from extractors.application_form import facts_from_documents

# keys of the declared facts that the checklists engine does not read (only the forms do)
FORM_ONLY_KEYS = ("form", "self_assessment")


def merge_declared(from_forms: dict, stated: dict) -> dict:
    """`stated` wins key by key; nested objects (declarations, form …) are merged."""
    out = dict(from_forms)
    for k, v in (stated or {}).items():
        out[k] = {**out[k], **v} if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def declared_facts(scheme, documents: list[dict], stated: dict) -> tuple[dict, list[str]]:
    """(facts, warnings): facts from uploaded application forms, checked one key at a time
    against `scheme` (a checklists Scheme, or None to skip the check), under `stated`."""
    from checklists.factsfile import FactsError, validate_facts

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


def facts_for_engine(facts: dict) -> dict:
    """Declared facts as `checklists.evaluate` takes them: {"applicant": {...}} reduced to the name."""
    out = dict(facts)
    if isinstance(out.get("applicant"), dict):
        name = out["applicant"].get("org_name")
        if name:
            out["applicant"] = name
        else:
            out.pop("applicant")
    return out
