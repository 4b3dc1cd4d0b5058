"""The 征求意见汇总处理表 assembled from what is stored: the current comments, their copy/campaign
groups and every sheet received (forms.register lays it out)."""

from __future__ import annotations

from dataclasses import dataclass

from extractors.comments.duplicates import DuplicateGroup, Item, canon, find_duplicates
from forms.register import RegisterData, build_register
from intake.clock import today as clock_today
from intake.comments.store import Draft, comments, get_draft, sheets


def duplicate_groups(rows: list[dict]) -> list[DuplicateGroup]:
    items = [
        Item(key=r["id"], text=r["comment"], clause=r["clause"], source=canon(r["submitter"]) or r["file"])
        for r in rows
    ]
    return find_duplicates(items)


def group_of(db, draft_id: int, item_id: int, rows: list[dict] | None = None) -> list[int]:
    """Every comment in the copy/similar group of `item_id` (itself alone when ungrouped); `rows` are
    the draft's comments when the caller has them already."""
    rows = comments(db, draft_id) if rows is None else rows
    for g in duplicate_groups(rows):
        if item_id in g.members:
            return [m for m in g.members if isinstance(m, int)]
    return [item_id]


@dataclass
class Computed:
    """What one request computes once and every view of it shares."""

    draft: Draft
    rows: list[dict]
    groups: list[DuplicateGroup]
    sheets: list[dict]


def compute(db, draft_id: int) -> Computed:
    """The draft, its current comments, their duplicate groups and its sheets: once per request."""
    rows = comments(db, draft_id)
    return Computed(get_draft(db, draft_id), rows, duplicate_groups(rows), sheets(db, draft_id))


def register_data(
    db, draft_id: int, handler: str | None = None, filled: str | None = None, computed: Computed | None = None
) -> RegisterData:
    """Everything the 征求意见汇总处理表 shows, with the contract's summary."""
    c = computed or compute(db, draft_id)
    return build_register(
        draft_title=c.draft.title,
        drafting_unit=c.draft.drafting_unit or "",
        handler=handler or c.draft.handler or "",
        filled=filled or clock_today().isoformat(),
        deadline=c.draft.deadline,
        comments=c.rows,
        groups=c.groups,
        sheets=c.sheets,
    )
