"""The ways comments come in: a draft published, sheets as files (CLI, desk upload), sheets already
streamed into the blob store (public upload) and the online form. Each original is stored before it
is read; reading happens in workers (intake.comments.reading); rows are written by intake.comments.store."""

from __future__ import annotations

import hashlib
import json

from extractors.comments import CommentSheet
from extractors.comments.clauses import parse_refs, primary
from extractors.comments.sheet import Comment, normalised
from intake.clock import today as beijing_today  # the day is Beijing's
from intake.comments import store
from intake.comments.fields import check_online_sheet
from intake.comments.reading import parse_stored_sheets, read_draft_file
from intake.comments.store import CommentsError, Draft, SheetImport, get_draft
from intake.config import Limits
from intake.store.blobs import BlobStore


def publish_draft(db, blobs: BlobStore, data: bytes, filename: str, **settings) -> Draft:
    """Store a draft and its clause tree; the same bytes give the same draft (settings updated).
    `settings`: title, deadline, drafting_unit, handler, limits, version (as publish_stored)."""
    return publish_stored(db, blobs, blobs.put_bytes(data), filename, **settings)


def publish_stored(
    db,
    blobs: BlobStore,
    sha: str,
    filename: str,
    title: str | None = None,
    deadline: str | None = None,
    drafting_unit: str | None = None,
    handler: str | None = None,
    limits: Limits | None = None,
    version: str | None = None,
) -> Draft:
    """A draft already streamed into the blob store, read by its worker from there and published."""
    existing = store.draft_by_sha(db, sha)
    if existing is not None:
        return store.update_draft(
            db,
            existing,
            title=title or None,
            deadline=deadline or None,
            drafting_unit=drafting_unit or None,
            handler=handler or None,
            version=version or None,
        )
    standard = read_draft_file(blobs.path(sha), filename, limits)
    return store.insert_draft(
        db,
        sha,
        filename,
        standard,
        title=title,
        deadline=deadline,
        drafting_unit=drafting_unit,
        handler=handler,
        version=version,
    )


def import_sheets(
    db,
    blobs: BlobStore,
    draft_id: int,
    items: list[tuple[str, bytes, str | None]],
    source: str = "upload",
    limits: Limits | None = None,
    submitted_by: str | None = None,
) -> list[SheetImport]:
    """Store and parse filled comment sheets: [(file name, bytes, received date or None)].

    `received` is used when the sheet carries no date of its own (CLI: the file's
    modification time; web: the upload time; None: today).
    """
    get_draft(db, draft_id)
    stored = [(name, blobs.put_bytes(data), received) for name, data, received in items]  # kept whatever happens next
    return import_stored(db, blobs, draft_id, stored, source, limits, submitted_by)


def import_stored(
    db,
    blobs: BlobStore,
    draft_id: int,
    items: list[tuple[str, str, str | None]],
    source: str = "upload",
    limits: Limits | None = None,
    submitted_by: str | None = None,
) -> list[SheetImport]:
    """Like import_sheets for sheets already in the blob store: [(file name, sha256, received)].
    Each is read by its worker from the store, so the server never holds a sheet's bytes (the web
    upload streams into the store first)."""
    draft = get_draft(db, draft_id)
    results: list[SheetImport | None] = [None] * len(items)
    to_read, again, batch = [], [], set()
    for i, (name, sha, received) in enumerate(items):
        if sha in batch:
            again.append((i, name, sha))  # the same bytes twice in this batch
            continue
        row = store.sheet_row(db, draft_id, sha)
        if row:
            results[i] = store.duplicate(db, name, row)
        else:
            batch.add(sha)
            to_read.append((i, name, sha, received))
    sheets = parse_stored_sheets(blobs, [(name, sha) for _, name, sha, _ in to_read], draft.title, limits)
    for (i, name, sha, received), sheet in zip(to_read, sheets):
        _keep_pictures(blobs, sheet)
        results[i] = store.store_sheet(db, draft, sheet, name, sha, received, source, submitted_by)
    for i, name, sha in again:
        results[i] = store.duplicate(db, name, store.sheet_row(db, draft_id, sha))
    return results


def _keep_pictures(blobs: BlobStore, sheet: CommentSheet) -> None:
    """Each comment read from a scan keeps the picture of its rows, shown beside the text on the desk."""
    pictures = getattr(sheet, "pictures", None) or {}
    for c in sheet.comments:
        if pictures.get(c.seq):
            c.image = blobs.put_bytes(pictures[c.seq])


def import_blob(
    db,
    blobs: BlobStore,
    draft_id: int,
    sha256: str,
    filename: str,
    received: str | None = None,
    source: str = "upload",
    limits: Limits | None = None,
) -> SheetImport:
    """A sheet already streamed into the blob store (the web upload path) → parsed and registered."""
    return import_stored(db, blobs, draft_id, [(filename, sha256, received)], source, limits)[0]


def submit_online(
    db,
    draft_id: int,
    submitter: str,
    comments: list[dict],
    submitter_kind: str = "organisation",
    contact_person: str = "",
    contact: str = "",
    received: str | None = None,
    submitted_by: str | None = None,
) -> SheetImport:
    """A comment form filled in on the web: [{"clause": "8.2", "comment": "…", "reason": "…"}] → receipt."""
    draft = get_draft(db, draft_id)
    check_online_sheet(
        {"submitter": submitter, "contact_person": contact_person, "contact": contact}, comments, CommentsError
    )
    if not submitter.strip():
        raise CommentsError("请填写单位名称或专家姓名")
    if submitter_kind not in ("organisation", "expert"):
        raise CommentsError("类型应为“单位”或“专家”")
    items = [c for c in comments if (c.get("comment") or "").strip()]
    if not items:
        raise CommentsError("请至少填写一条修改意见")
    sheet = CommentSheet(
        file="online",
        sha256="",
        standard_title=draft.title,
        submitter=submitter.strip(),
        submitter_raw=submitter.strip(),
        submitter_kind=submitter_kind,
        contact_person=contact_person,
        contact=contact,
        signed=True,
    )
    for i, c in enumerate(items, start=1):
        refs = parse_refs(c.get("clause", ""))
        written, reason = c["comment"].strip(), (c.get("reason") or "").strip()
        sheet.comments.append(
            Comment(
                seq=i,
                clause=primary(refs),
                clause_raw=c.get("clause", ""),
                comment=normalised(written),
                reason=normalised(reason),
                clauses=refs,
                seq_raw=str(i),
                comment_raw=written,
                reason_raw=reason,
            )
        )
    payload = json.dumps(sheet.to_json(), ensure_ascii=False, sort_keys=True).encode()
    sha = hashlib.sha256(payload).hexdigest()
    existing = store.sheet_row(db, draft_id, sha)
    if existing:  # the same form posted twice
        return SheetImport("online", sha, existing["receipt"], existing["id"], "duplicate", bool(existing["late"]))
    sheet.sha256 = sha
    received = received or beijing_today().isoformat()
    return store.store_sheet(db, draft, sheet, "online", sha, received, "online", submitted_by)
