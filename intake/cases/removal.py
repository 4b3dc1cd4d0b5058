"""Taking a document out of a case before submission: delete (a useless or mistaken file) and replace
(a newer certificate for an expired one). Both are audit-logged; the stored original stays (the
blob store never deletes). A submitted case refuses: the state is checked in the same transaction as
the delete (intake.cases.case.draft_write), so a submit in between cannot slip through."""

from __future__ import annotations

from intake.cases.case import Case, _log, _update_case, draft_write
from intake.errors import NotFound


def delete_document(db, case: Case, doc_id: int, who: str, why: str = "删除材料") -> str:
    """Delete one document of a draft case (or one sent back for 补正); returns its file name."""
    with draft_write(db, case.id):
        row = db.execute("select file_name from documents where id = ? and case_id = ?", [doc_id, case.id]).fetchone()
        if row is None:
            raise NotFound("没有这个文件（可能已经删除）")
        db.execute("delete from documents where id = ? and case_id = ?", [doc_id, case.id])
        _update_case(db, case.id)
        _log(db, case.id, who, "delete", f"{why}：{row[0]}")
    return row[0]


def replaced(db, case: Case, old_id: int, new_name: str, who: str) -> str:
    """After the new file is stored: the old one goes, logged as a replacement."""
    return delete_document(db, case, old_id, who, why=f"替换为“{new_name}”")
