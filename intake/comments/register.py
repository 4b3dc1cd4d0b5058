"""The 征求意见汇总处理表 assembled from what is stored: the current comments, their copy/campaign
groups and every sheet received (forms.register lays it out)."""

from __future__ import annotations

from datetime import date

from extractors.comments.duplicates import DuplicateGroup, Item, canon, find_duplicates
from forms.register import RegisterData, build_register
from intake.comments.store import comments, get_draft, sheets


def duplicate_groups(rows: list[dict]) -> list[DuplicateGroup]:
    items = [
        Item(key=r["id"], text=r["comment"], clause=r["clause"], source=canon(r["submitter"]) or r["file"])
        for r in rows
    ]
    return find_duplicates(items)


def group_of(db, draft_id: int, item_id: int) -> list[int]:
    """Every comment in the copy/similar group of `item_id` (itself alone when ungrouped)."""
    rows = comments(db, draft_id)
    for g in duplicate_groups(rows):
        if item_id in g.members:
            return [m for m in g.members if isinstance(m, int)]
    return [item_id]


def register_data(db, draft_id: int, handler: str | None = None, filled: str | None = None) -> RegisterData:
    """Everything the 征求意见汇总处理表 shows, with the contract's summary."""
    draft = get_draft(db, draft_id)
    rows = comments(db, draft_id)
    groups = duplicate_groups(rows)
    all_sheets = sheets(db, draft_id)
    return build_register(
        draft_title=draft.title,
        drafting_unit=draft.drafting_unit or "",
        handler=handler or draft.handler or "",
        filled=filled or date.today().isoformat(),
        deadline=draft.deadline,
        comments=rows,
        groups=groups,
        sheets=all_sheets,
    )
