"""Public comments on draft standards. `store` keeps drafts, sheets, comments and the committee's
decisions in SQLite; `reading` reads drafts and sheets in time-limited workers; `imports` is every way
comments come in (a published draft, sheet files, streamed uploads, the online form); `register`
assembles the 征求意见汇总处理表; `desk` is what the committee's desk and the public draft page show.
May import extractors.comments, forms.register, intake.store and intake.reading; never a face."""

from intake.comments.imports import import_blob, import_sheets, import_stored, publish_draft, submit_online
from intake.comments.reading import read_draft_bytes, read_sheets
from intake.comments.register import duplicate_groups, group_of, register_data
from intake.comments.store import (
    DECISIONS,
    CommentsError,
    Draft,
    SheetImport,
    check_clause,
    comments,
    dispose,
    get_draft,
    list_drafts,
    sheet_by_receipt,
    sheets,
    update_draft,
)

__all__ = [
    "DECISIONS",
    "CommentsError",
    "Draft",
    "SheetImport",
    "check_clause",
    "comments",
    "dispose",
    "duplicate_groups",
    "get_draft",
    "group_of",
    "import_blob",
    "import_sheets",
    "import_stored",
    "list_drafts",
    "publish_draft",
    "read_draft_bytes",
    "read_sheets",
    "register_data",
    "sheet_by_receipt",
    "sheets",
    "submit_online",
    "update_draft",
]
