"""The 受理编号 and the 受理回执 of a submitted case. The number is derived, not stored: the Beijing
day of the first submission and the case's sequence (2026120600003) — stable across 补正 rounds."""

from __future__ import annotations

from forms.receipt import receipt_docx
from intake.cases.case import Case
from intake.clock import day_of


def receipt_number(case: Case) -> str | None:
    if not case.submitted_at:
        return None
    return f"{day_of(case.submitted_at):%Y%m%d}{case.id:05d}"


def receipt(case: Case, scheme_name: str, files: list[str], link: str, submitted: str) -> bytes:
    rows = [
        ("受理编号", receipt_number(case) or ""),
        ("申请单位", case.applicant),
        ("申报产品", case.product),
        ("提交时间", submitted),
        ("当前状态", case.status_label),
    ]
    return receipt_docx(scheme_name, rows, files, link)
