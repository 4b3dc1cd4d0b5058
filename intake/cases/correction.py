"""补正: the secretariat sends a 补正通知 naming items and a deadline; the case goes back to the
applicant (待补正), who can change only what serves those items — upload, replace or delete documents
and answer those items' questions — and resubmits; the secretariat sees what changed since the notice.

Kept in the audit log (action `correction` with the notice as JSON, `resubmit` when it comes back):
the notice and the changes are one history, read back from it; no second store."""

from __future__ import annotations

import json
from datetime import date

from intake.cases.case import Case, CaseError, audit_log, get_case, log, touch
from intake.clock import today

OPEN_TO_CORRECTION = ("submitted", "in_review")
CHANGES = ("upload", "delete", "facts", "details", "chat-correction", "chat-facts")


def request_correction(db, case: Case, item_ids: list[str], deadline: str, note: str, who: str, titles: dict) -> Case:
    """Send the notice: at least one item of this case's pre-check, a deadline not in the past."""
    if case.status not in OPEN_TO_CORRECTION:
        raise CaseError(f"申请{case.status_label}，不能发出补正通知")
    items = [i for i in dict.fromkeys(item_ids) if i in titles]
    if not items:
        raise CaseError("请至少勾选一项需要补正的要求")
    try:
        due = date.fromisoformat(deadline)
    except ValueError:
        raise CaseError("请填写补正截止日期") from None
    if due < today():
        raise CaseError("补正截止日期不能早于今天")
    notice = {"items": items, "titles": [titles[i] for i in items], "deadline": due.isoformat(), "note": note[:1000]}
    touch(db, case.id, status="correcting")
    log(db, case.id, who, "correction", json.dumps(notice, ensure_ascii=False))
    return get_case(db, case.id)


def notices(db, case_id: int) -> list[dict]:
    """Every 补正通知 of the case, oldest first: {at, by, items, titles, deadline, note, answered_at,
    changes: [audit rows between the notice and the resubmission]}."""
    out: list[dict] = []
    for row in audit_log(db, case_id):
        action = row.get("action")
        if action == "correction":
            notice = json.loads(row["detail"])
            out.append({**notice, "at": row["created"], "by": row["user"], "answered_at": None, "changes": []})
        elif out and out[-1]["answered_at"] is None:
            if action == "resubmit":
                out[-1]["answered_at"] = row["created"]
            elif action in CHANGES:
                out[-1]["changes"].append(row)
    return out


def open_notice(db, case: Case) -> dict | None:
    """The notice the applicant is answering now (the case is 待补正), else None."""
    if case.status != "correcting":
        return None
    found = notices(db, case.id)
    return found[-1] if found and found[-1]["answered_at"] is None else None


def resubmit(db, case: Case, who: str) -> Case:
    """Back to the secretariat; the first submission's time stays (已等待 counts from it)."""
    if case.status != "correcting":
        raise CaseError(f"申请{case.status_label}，不需要重新提交")
    touch(db, case.id, status="submitted")
    log(db, case.id, who, "resubmit", "补正后重新提交")
    return get_case(db, case.id)


def require_in_notice(db, case: Case, item_ids: set[str]) -> None:
    """While 待补正, only what serves the notice's items may change."""
    notice = open_notice(db, case)
    if notice is not None and not item_ids & set(notice["items"]):
        raise CaseError("补正期间只能修改补正通知列出的事项；其他内容如需修改，请联系秘书处")
