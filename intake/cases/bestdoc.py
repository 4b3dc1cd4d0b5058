"""Which document the evaluation uses when a case holds several of one type (two licences, an old and
a new certificate): per type, the best first — the holder is the applicant, it is valid on the
evaluation date, the most fields were read. The others stay in the case; the report says which one
was used and why the others were set aside, from the comparison that chose."""

from __future__ import annotations

from datetime import date

from intake.cases.todo import document_problems


def _standing(doc: dict, problems: list[dict]) -> list[tuple[object, str]]:
    """The comparison that chooses, criterion by criterion in order (a lower key is better): (key, what a
    document that loses on this criterion is told)."""
    kinds = {p["problem"] for p in problems}
    return [
        ("other_holder" in kinds, "持有人不是贵单位"),
        (bool(kinds & {"expired", "not_yet_valid"}), "已过期" if "expired" in kinds else "尚未生效"),
        (-len(doc.get("fields") or {}), "读出的信息较少"),
    ]


def _rank(doc: dict, problems: list[dict]) -> tuple:
    return tuple(key for key, _ in _standing(doc, problems))


def _set_aside(doc: dict, problems: list[dict], used: dict, used_problems: list[dict]) -> str:
    """Why `doc` was not used: the first criterion it lost on to `used`; on a tie, the upload order
    decided (the same file twice, or two that read equally well)."""
    for (mine, why), (theirs, _) in zip(_standing(doc, problems), _standing(used, used_problems), strict=True):
        if mine != theirs:
            return f"预审未采用：这一份{why}，采用的是“{used.get('file', '')}”"
    if doc.get("sha256") and doc.get("sha256") == used.get("sha256"):
        return f"预审未采用：与“{used.get('file', '')}”是同一个文件，采用的是先上传的那一份"
    return f"预审未采用：与“{used.get('file', '')}”读出的信息一样多，采用的是先上传的那一份"


def best_first(read: list[dict], applicant: str, as_of: date) -> tuple[list[dict], dict[int, dict]]:
    """(the read documents, best of each type first; {position in `read`: {"used": bool, "text": what the
    applicant reads, "instead": the file used}} for every document whose type occurs more than once).
    By position, not by content: the same file uploaded twice is two documents, one used and one set
    aside."""
    report = {"documents": [{**d, "document_id": i, "state": "read"} for i, d in enumerate(read)]}
    problems = document_problems(report, applicant, as_of)
    ranked = sorted(range(len(read)), key=lambda i: _rank(read[i], problems.get(i, [])))
    order: dict[str, list[int]] = {}
    for i in ranked:
        order.setdefault(read[i].get("type") or "", []).append(i)
    first_seen = list(dict.fromkeys(d.get("type") or "" for d in read))
    out = [read[i] for t in first_seen for i in order[t]]
    notes: dict[int, dict] = {}
    for t, (best, *rest) in order.items():
        if not rest or t in ("", "other"):
            continue
        notes[best] = {"used": True, "text": "预审采用这一份", "instead": ""}
        for i in rest:
            text = _set_aside(read[i], problems.get(i, []), read[best], problems.get(best, []))
            notes[i] = {"used": False, "text": text, "instead": read[best].get("file", "")}
    return out, notes
