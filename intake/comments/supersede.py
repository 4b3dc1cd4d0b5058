"""Which sheet replaces which. A unit's name on a sheet proves nothing (anyone can type it), so a sheet
supersedes an earlier one of the same unit only when the same known submitter put both in: the same
signed-in account, or the committee (its desk upload and `intake comments` import). Anything else
with the same unit's name is kept beside the earlier sheet and flagged as a possible duplicate for the
committee, who can decide on the desk which replaces which (`replace_sheet`)."""

from __future__ import annotations

import json

from intake.errors import BadInput

COMMITTEE = "committee"
COMMITTEE_SOURCES = ("upload", "given")  # `intake comments` import, the desk's upload


def uploader(source: str, submitted_by: str | None = None) -> str | None:
    """Who put the sheet in: `account:ID` (a signed-in visitor), the committee, or None (anonymous)."""
    if submitted_by:
        return submitted_by
    return COMMITTEE if source in COMMITTEE_SOURCES else None


def replace_earlier(db, draft_id: int, sheet_id: int, key: str, by: str | None) -> tuple[list[str], list[str]]:
    """After storing sheet `sheet_id` of unit `key`: (receipts it superseded, receipts it may duplicate).
    Only the current sheets `by` itself put in are superseded; the others are noted on the new sheet."""
    same_unit = db.execute_returning_dicts(
        """select id, receipt, version, submitted_by from comment_sheets
           where draft_id = ? and submitter_key = ? and id != ? and superseded_by is null and error is null
           order by id""",
        [draft_id, key, sheet_id],
    )
    mine = [o for o in same_unit if by and o["submitted_by"] == by]
    others = [o["receipt"] for o in same_unit if o not in mine]
    if mine:
        version = max(o["version"] or 1 for o in mine) + 1
        db.execute("update comment_sheets set version = ? where id = ?", [version, sheet_id])
        db.execute(
            f"update comment_sheets set superseded_by = ? where id in ({', '.join('?' * len(mine))})",
            [sheet_id, *(o["id"] for o in mine)],
        )
    if others:
        db.execute(
            "update comment_sheets set possible_duplicate_of = ? where id = ?",
            [json.dumps(others, ensure_ascii=False), sheet_id],
        )
    return [o["receipt"] for o in mine], others


def possible_duplicates(row: dict) -> list[str]:
    return json.loads(row.get("possible_duplicate_of") or "[]")


def replace_sheet(db, draft_id: int, newer_id: int, older_id: int) -> None:
    """The committee's decision on the desk: sheet `newer_id` replaces `older_id` (either order in time)."""
    rows = {
        r["id"]: r
        for r in db.execute_returning_dicts(
            "select * from comment_sheets where draft_id = ? and id in (?, ?)", [draft_id, newer_id, older_id]
        )
    }
    newer, older = rows.get(newer_id), rows.get(older_id)
    if newer is None or older is None or newer_id == older_id:
        raise BadInput("没有这两份意见表")
    if newer["superseded_by"] or older["superseded_by"] or newer["error"] or older["error"]:
        raise BadInput(f"{older['receipt']} 或 {newer['receipt']} 已被替代或无法读取，不能再替代")
    with db.conn:
        db.execute(
            "update comment_sheets set version = ?, possible_duplicate_of = ? where id = ?",
            [
                max(newer["version"] or 1, (older["version"] or 1) + 1),
                _without(newer, older["receipt"]),
                newer_id,
            ],
        )
        db.execute(
            "update comment_sheets set superseded_by = ?, possible_duplicate_of = ? where id = ?",
            [newer_id, _without(older, newer["receipt"]), older_id],
        )


def _without(row: dict, receipt: str) -> str | None:
    left = [r for r in possible_duplicates(row) if r != receipt]
    return json.dumps(left, ensure_ascii=False) if left else None
