"""Which document the evaluation uses when a case holds several of one type (two licences, an old and
a new certificate): per type, the best first — the holder is the applicant, it is valid on the
evaluation date, the most fields were read. The others stay in the case; the report says which one
was used and why the others were set aside."""

from __future__ import annotations

from datetime import date

from intake.cases.todo import document_problems

SET_ASIDE = {"other_holder": "持有人不是贵单位", "expired": "已过期", "not_yet_valid": "尚未生效"}


def _rank(doc: dict, problems: list[dict]) -> tuple:
    kinds = {p["problem"] for p in problems}
    return ("other_holder" in kinds, bool(kinds & {"expired", "not_yet_valid"}), -len(doc.get("fields") or {}))


def best_first(read: list[dict], applicant: str, as_of: date) -> tuple[list[dict], dict[int, dict]]:
    """(the read documents, best of each type first; {position in `read`: {"used": bool, "why": …}} for
    every document whose type occurs more than once). By position, not by content: the same file uploaded
    twice is two documents, one used and one set aside."""
    report = {"documents": [{**d, "document_id": i, "state": "read"} for i, d in enumerate(read)]}
    problems = document_problems(report, applicant, as_of)
    ranked = sorted(range(len(read)), key=lambda i: _rank(read[i], problems.get(i, [])))
    order: dict[str, list[int]] = {}
    for i in ranked:
        order.setdefault(read[i].get("type") or "", []).append(i)
    first_seen = list(dict.fromkeys(d.get("type") or "" for d in read))
    out = [read[i] for t in first_seen for i in order[t]]
    notes: dict[int, dict] = {}
    for t, idx in order.items():
        if len(idx) < 2 or t in ("", "other"):
            continue
        for n, i in enumerate(idx):
            why = [SET_ASIDE[p["problem"]] for p in problems.get(i, []) if p["problem"] in SET_ASIDE]
            notes[i] = {
                "used": n == 0,
                "why": "；".join(why) if n else "",
                "instead": "" if n == 0 else read[idx[0]].get("file", ""),
            }
    return out, notes
