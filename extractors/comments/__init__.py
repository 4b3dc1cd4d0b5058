"""Public comments on draft standards: sheet parser, clause references, draft clause tree, duplicates.

Pure functions over `extractors.model.Document`; storage, reading in workers and the register live in `intake.comments`.
"""

from .clauses import parse_refs, sort_key
from .draft import Clause, DraftStandard, RefCheck, markdown_document, read_draft
from .sheet import Comment, CommentSheet, check_title, parse_sheet, split_numbered

__all__ = [
    "parse_refs",
    "sort_key",
    "Clause",
    "DraftStandard",
    "RefCheck",
    "markdown_document",
    "read_draft",
    "Comment",
    "CommentSheet",
    "check_title",
    "parse_sheet",
    "split_numbered",
]
