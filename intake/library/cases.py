"""The store at work: every scheme compared on the documents held, a case for any scheme started
from them (attached as already read: no second upload, no second reading), which cases use each
document, and a renewed document offered to the open cases still using the old one."""

from __future__ import annotations

from datetime import date

from checklists.factschema import used_facts
from checklists.scheme import load_scheme
from intake.cases.case import Case, add_document, get_case, open_case, set_document_state, set_facts
from intake.comparison import Comparison, compare
from intake.errors import Conflict
from intake.store.accounts import User

from .store import as_documents, company_facts, get_held, held

USES = "library_cases"  # the cases started from a store (a visitor's store has no account to find them by)
OPEN = ("draft", "submitted", "in_review")


def compare_held(db, holder: str | None, stated: dict | None = None, as_of: date | str | None = None) -> Comparison:
    """Every scheme on the holder's current documents (read when they were added) and the facts the
    company stated once, under `stated`."""
    return compare(as_documents(held(db, holder)), {**company_facts(db, holder), **(stated or {})}, as_of)


def start_case(
    db, holder: str, scheme: str, owner: User | None, applicant: str = "", product: str = ""
) -> tuple[Case, list[int]]:
    """A draft case for `scheme` holding every current document of the store, as read; also the ids of
    the case's documents still to read (kept, but not read yet: for the case's reader)."""
    case = open_case(db, scheme, applicant, product, owner=owner)
    db.table(USES).insert({"holder": holder, "case_id": case.id}, replace=True)
    to_read = []
    for d in held(db, holder):
        doc_id = attach(db, case, d)
        if d["state"] == "queued":
            to_read.append(doc_id)
    used = set(used_facts(load_scheme(scheme)))
    facts = {k: v for k, v in company_facts(db, holder).items() if k in used}
    if facts:  # asked once for the company, not again in each case
        set_facts(db, get_case(db, case.id), facts, owner.name if owner else "申请人（证照库）")
    return get_case(db, case.id), to_read


def attach(db, case: Case, d: dict) -> int:
    """Put a stored document into a case with its reading (the reader does not read it again); one
    not read yet goes in queued."""
    doc_id = add_document(db, case, d["sha256"], d["file_name"], d["size"], d["kind"], None)
    if d["state"] == "queued":
        return doc_id
    if d["facts"] and not d["error"]:
        set_document_state(db, doc_id, "read", facts=d["facts"], pages=d["facts"].get("pages"))
    else:
        set_document_state(db, doc_id, "failed", error=d["error"] or "无法读取", facts=d["facts"])
    return doc_id


def holder_cases(db, holder: str | None) -> list[Case]:
    """The cases of this store: started from it, or the account's own."""
    if holder is None:
        return []
    ids = {r[0] for r in db.execute(f"select case_id from {USES} where holder = ?", [holder]).fetchall()}
    if holder.startswith("user:"):
        ids |= {r[0] for r in db.execute("select id from cases where owner_id = ?", [int(holder[5:])]).fetchall()}
    return [get_case(db, i) for i in sorted(ids)]


def uses(db, holder: str | None) -> dict[str, list[Case]]:
    """sha256 → the store's cases holding a document with that content."""
    out: dict[str, list[Case]] = {}
    for case in holder_cases(db, holder):
        for (sha,) in db.execute("select distinct sha256 from documents where case_id = ?", [case.id]).fetchall():
            out.setdefault(sha, []).append(case)
    return out


def offers(db, holder: str | None) -> list[dict]:
    """Renewed documents not yet in the open draft cases that use the one they replaced."""
    by_id = {d["id"]: d for d in held(db, holder, current_only=False)}
    used = uses(db, holder)
    out = []
    for old in by_id.values():
        new = by_id.get(old["replaced_by"]) if old["replaced_by"] else None
        if new is None:
            continue
        for case in used.get(old["sha256"], []):
            if case.editable and case.id not in {c.id for c in used.get(new["sha256"], [])}:
                out.append({"case": case, "old": old, "new": new})
    return out


def take_offer(db, holder: str, case: Case, old_id: int) -> int:
    """Add the document that replaced `old_id` to `case` (removing the old one is the case's own step)."""
    old = get_held(db, holder, old_id)
    new = get_held(db, holder, old["replaced_by"]) if old["replaced_by"] else None
    if new is None or not any(o["case"].id == case.id and o["old"]["id"] == old_id for o in offers(db, holder)):
        raise Conflict("这份文件没有可用的新版本，或该申请已不能修改")
    return attach(db, case, new)
