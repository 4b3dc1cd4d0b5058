"""The pre-check report as an applicant reads it: questions instead of items that only wait for a
fact (an unknown sector is asked once, not listed as nine missing items), branches that do not
apply left out, engine wording in plain Chinese, the cross-checks and deadline notes beside it.
The staff pages show the report as it is (ids, every item, the engine's words)."""

from __future__ import annotations

from intake.cases.crosscheck import cross_checks

from .labels import FACT_LABELS, FACT_QUESTIONS, OUTCOME_LABELS, plain

SHOWN = [("not_met", "不满足"), ("missing", "缺少材料"), ("review", "需人工审核"), ("met", "满足")]


def _is_question(item: dict) -> bool:
    """Missing only for want of an answer (a fact or a declaration), not of a document."""
    needs = item.get("needs") or []
    return item["status"] == "missing" and bool(needs) and all(n.get("kind") != "upload" for n in needs)


def questions(items: list[dict]) -> list[dict]:
    """One question per fact the items wait for, with the requirements it decides."""
    out: dict[str, dict] = {}
    for i in items:
        if not _is_question(i):
            continue
        for n in i["needs"]:
            root = n["key"].split(".")[0]
            if root == "declarations":
                q = out.setdefault(
                    "declarations",
                    {"key": "declarations", "label": "申请人声明", "question": "请确认以下声明是否属实", "affects": []},
                )
            elif root in FACT_QUESTIONS:
                q = out.setdefault(
                    root, {"key": root, "label": FACT_LABELS[root], "question": FACT_QUESTIONS[root], "affects": []}
                )
            else:
                q = out.setdefault(
                    n["key"],
                    {
                        "key": n["key"],
                        "label": plain(n.get("question")),
                        "question": plain(n.get("question")),
                        "affects": [],
                    },
                )
            if i["title"] not in q["affects"]:
                q["affects"].append(i["title"])
    return list(out.values())


def still_reading(report: dict) -> int:
    """Documents of the case not read yet (queued or being read)."""
    return sum(1 for d in report.get("documents") or [] if d.get("state") in ("queued", "reading"))


def applicant_view(report: dict, applicant: str, product: str) -> dict:
    items = [
        {**i, "reason": plain(i.get("reason"))}
        for i in report.get("items") or []
        if i["status"] != "not_applicable" and not _is_question(i)
    ]
    groups = [(key, label, [i for i in items if i["status"] == key]) for key, label in SHOWN]
    outcome = report.get("outcome") or {}
    blockers = [i for i in items if i["status"] == "not_met"]
    return {
        "groups": groups,
        "questions": questions(report.get("items") or []),
        "checks": cross_checks(applicant, product, report),
        "notes": [plain(n) for n in outcome.get("notes") or []],
        "outcome_label": OUTCOME_LABELS.get(outcome.get("status"), ""),
        "blockers": blockers,
        "missing": [i for i in items if i["status"] == "missing"],
        "review": [i for i in items if i["status"] == "review"],
        "documents_reading": still_reading(report),
    }


def progress(report: dict, todo: dict) -> dict:
    """What the page polls while documents are read (GET /cases/{id}/progress.json): small, so it
    can be asked every second; the page fetches the list itself only when the case changed. `todo`
    is the to-do list (intake.cases.todo); `waiting` counts its uploads a document still being read
    may settle (shown 读取中)."""
    docs = report.get("documents") or []
    reading = still_reading(report)
    return {
        "complete": bool((report.get("case") or {}).get("complete")),
        "documents": len(docs),
        "read": sum(1 for d in docs if d.get("state") in ("read", "failed")),
        "reading": reading,
        "todo": todo["count"],
        "waiting": sum(1 for ln in todo["lines"] if ln["kind"] == "upload") if reading else 0,
    }
