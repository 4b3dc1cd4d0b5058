"""Downloads of a case: the gap report (HTML/DOCX, forms.gap_report) and the pre-filled
application (DOCX, forms.application). Raises Unavailable with a sentence for the user when the
file cannot be made (a template missing or broken)."""
from __future__ import annotations

from forms.application import FormError, form_bytes
from forms.gap_report import render_gap_report_docx, render_gap_report_html

from intake.errors import Unavailable

__all__ = ["Unavailable", "application_docx", "gap_report_docx", "gap_report_html"]




def _applicant(case) -> dict:
    return {k: v for k, v in {"org_name": case.applicant, "product": case.product}.items() if v}


def gap_report_html(report: dict, case) -> str:
    try:
        return render_gap_report_html(report, _applicant(case))
    except FormError as e:
        raise Unavailable(f"差距报告无法生成：{e}") from e


def gap_report_docx(report: dict, case) -> bytes:
    try:
        return render_gap_report_docx(report, _applicant(case))
    except FormError as e:
        raise Unavailable(f"差距报告无法生成：{e}") from e


def application_docx(report: dict, case) -> bytes:
    docs = [d for d in report.get("documents", []) if d.get("state") == "read"]
    try:
        return form_bytes(case.scheme, docs, dict(case.facts), report)
    except FormError as e:
        raise Unavailable(f"申报书无法生成：{e}") from e
