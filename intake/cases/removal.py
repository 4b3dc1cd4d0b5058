"""Taking a document out of a case before submission: delete (a useless or mistaken file) and replace
(a newer certificate for an expired one). Both are audit-logged; the stored original stays (the
blob store never deletes). A submitted case refuses: the case's state is checked in the same
statement as the delete, so a submit in between cannot slip through."""

from __future__ import annotations

from intake.cases.case import Case, CaseError, get_case, log, touch
from intake.errors import NotFound


def delete_document(db, case: Case, doc_id: int, who: str, why: str = "删除材料") -> str:
    """Delete one document of a draft case; returns its file name."""
    row = db.execute("select file_name from documents where id = ? and case_id = ?", [doc_id, case.id]).fetchone()
    if row is None:
        raise NotFound("没有这个文件（可能已经删除）")
    with db.conn:
        cur = db.conn.execute(
            "delete from documents where id = ? and case_id = ?"
            " and exists (select 1 from cases where id = ? and status in ('draft', 'correcting'))",
            [doc_id, case.id, case.id],
        )
    if cur.rowcount == 0:
        current = get_case(db, case.id)
        raise CaseError(f"申请已{current.status_label}，材料不能再删除或替换")
    touch(db, case.id)
    log(db, case.id, who, "delete", f"{why}：{row[0]}")
    return row[0]


def replaced(db, case: Case, old_id: int, new_name: str, who: str) -> str:
    """After the new file is stored: the old one goes, logged as a replacement."""
    return delete_document(db, case, old_id, who, why=f"替换为“{new_name}”")
