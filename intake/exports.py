"""Downloads of a case: the gap report (HTML/DOCX, forms.gap_report) and the pre-filled
application (DOCX, forms.application). Raises Unavailable with a sentence for the user when that
part is not installed or cannot make the file."""
from __future__ import annotations


class Unavailable(RuntimeError):
    pass


def _applicant(case) -> dict:
    return {k: v for k, v in {"org_name": case.applicant, "product": case.product}.items() if v}


def gap_report_html(report: dict, case) -> str:
    try:
        from forms.gap_report import render_gap_report_html
    except ImportError:
        raise Unavailable("差距报告生成模块尚未安装") from None
    return render_gap_report_html(report, _applicant(case))


def gap_report_docx(report: dict, case) -> bytes:
    try:
        from forms.gap_report import render_gap_report_docx
    except ImportError:
        raise Unavailable("差距报告生成模块尚未安装") from None
    return render_gap_report_docx(report, _applicant(case))


def application_docx(report: dict, case) -> bytes:
    try:
        from forms.application import form_bytes
    except ImportError:
        raise Unavailable("申报书生成模块尚未安装") from None
    docs = [d for d in report.get("documents", []) if d.get("state") == "read"]
    facts = dict(case.facts)
    return form_bytes(case.scheme, docs, facts, report)
