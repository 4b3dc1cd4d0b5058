"""Downloads of a case: the gap report (HTML/DOCX, forms.gap_report) and the pre-filled
application (DOCX, forms.application). Raises Unavailable with a sentence for the user when the
file cannot be made (a template missing or broken)."""

from __future__ import annotations

from forms.application import FormError, form_bytes
from forms.gap_report import render_gap_report_docx, render_gap_report_html
from intake.cases.crosscheck import particulars
from intake.errors import Unavailable

__all__ = ["Unavailable", "application_docx", "gap_report_docx", "gap_report_html"]


def _applicant(case, report: dict) -> dict:
    """The same names in the gap report and the form (intake.cases.crosscheck.particulars)."""
    return particulars(case.applicant, case.product, report)


def _as_evaluated(report: dict) -> dict:
    """The report as the evaluation wrote it: an overridden item's reason already says 人工复核（秘书处）
    with the note; the staff pages' `override` (the account, the UTC time) is theirs, not the download's."""
    items = [{k: v for k, v in i.items() if k != "override"} for i in report.get("items") or []]
    return {**report, "items": items}


def gap_report_html(report: dict, case) -> str:
    report = _as_evaluated(report)
    try:
        return render_gap_report_html(report, _applicant(case, report))
    except FormError as e:
        raise Unavailable(f"差距报告无法生成：{e}") from e


def gap_report_docx(report: dict, case) -> bytes:
    report = _as_evaluated(report)
    try:
        return render_gap_report_docx(report, _applicant(case, report))
    except FormError as e:
        raise Unavailable(f"差距报告无法生成：{e}") from e


def application_docx(report: dict, case) -> bytes:
    docs = [d for d in report.get("documents", []) if d.get("state") == "read"]
    try:
        named = _applicant(case, report)
        facts = {
            **case.facts,
            **({"applicant": named["org_name"]} if "org_name" in named else {}),
            **({"product": named["product"]} if "product" in named else {}),
        }
        return form_bytes(case.scheme, docs, facts, report)
    except FormError as e:
        raise Unavailable(f"申报书无法生成：{e}") from e
