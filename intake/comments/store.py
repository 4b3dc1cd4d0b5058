"""Public comments on a draft standard: storage and the committee's operations.

The web pages and `intake comments …` call these functions:

    draft = publish_draft(db, blobs, data, "draft.docx", deadline="2026-01-08")
    receipt = submit_online(db, draft.id, submitter="…", comments=[{"clause": "8.2", "comment": "…"}])
    results = import_sheets(db, blobs, draft.id, [("a.docx", data, None)])   # -> [SheetImport]
    reg = register_data(db, draft.id)                                         # -> forms.register.RegisterData
    dispose(db, comment_id, "部分采纳", reason="…", by="王伟")
    write_register_docx(reg, "register.docx"); write_register_csv(reg, "register.csv")

Tables (sqlite-utils): comment_drafts, comment_sheets, comment_items, comment_dispositions.
Every original is stored content-addressed (intake.store.blobs) before it is parsed, so a
file that cannot be read is still kept. The same bytes imported twice are one sheet; a different
sheet of the same unit put in by the same known submitter (account or committee) is a new version
and supersedes the old one; from anyone else it is kept beside it, flagged (intake.comments.supersede).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

import sqlite_utils

from extractors.comments import CommentSheet, DraftStandard, markdown_document, parse_sheet, read_draft
from extractors.comments.clauses import parse_refs, primary
from extractors.comments.duplicates import DuplicateGroup, Item, canon, find_duplicates
from extractors.comments.sheet import normalised
from extractors.model import Document
from forms.register import RegisterData, build_register
from intake.clock import now
from intake.clock import today as beijing_today  # the day is Beijing's
from intake.comments.fields import check_online_sheet
from intake.comments.supersede import possible_duplicates, replace_earlier, uploader
from intake.config import Limits
from intake.errors import BadInput
from intake.reading.pipeline import ReadError, read_files_with
from intake.store.blobs import BlobStore, Damaged

DECISIONS = ("采纳", "部分采纳", "未采纳")


class CommentsError(BadInput):
    """A request the committee must correct (unknown draft, missing reason …)."""


RAW_TEXTS = ("comment_raw", "reason_raw", "original_raw", "suggestion_raw")  # as the commenter wrote them


# ---------------------------------------------------------------------------
# drafts


@dataclass
class Draft:
    id: int
    sha256: str
    file: str
    title: str
    deadline: str | None
    drafting_unit: str | None
    handler: str | None
    standard: DraftStandard
    version: str | None = None
    created: str | None = None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "file": self.file,
            "title": self.title,
            "deadline": self.deadline,
            "drafting_unit": self.drafting_unit,
            "handler": self.handler,
            "clauses": [c.to_json() for c in (self.standard.clauses[i] for i in self.standard.ids())],
            "warnings": self.standard.warnings,
        }


def read_draft_bytes(data: bytes, filename: str, limits: Limits | None = None) -> DraftStandard:
    """The clause tree of a draft in DOCX, PDF, .doc, Markdown or text (read in a time-limited worker)."""
    doc = _read_one(data, filename, limits)
    if isinstance(doc, ReadError):
        raise CommentsError(doc.error)
    if doc.format == "text":  # Markdown headings (#, -, **) are stripped line by line
        doc = markdown_document(doc.text, filename)
    return read_draft(doc)


def _read_one(data: bytes, filename: str, limits: Limits | None) -> Document | ReadError:
    return read_files_with(_read_draft_in_worker, [(filename, data)], limits, workers=1)[0]


def _read_draft_in_worker(data: bytes, name: str, rlimits) -> Document:
    from extractors.comments.numbering import docx_numbered_lines
    from extractors.read import read_document

    doc = read_document(data, name, rlimits)
    if doc.format == "docx":  # numbers from Word's automatic numbering are not in the text
        doc.metadata["numbered_lines"] = docx_numbered_lines(data)
    if doc.format in ("docx", "doc", "odt", "rtf", "wps"):  # the Title-styled paragraph names the draft
        from extractors.comments.title import docx_styled_titles

        styled = docx_styled_titles(doc.metadata.get("docx_bytes") or data)
        doc.metadata["title_styled"], doc.metadata["headings"] = styled["title"], styled["headings"]
    return doc


def _read_sheet_in_worker(data: bytes, name: str, rlimits) -> Document:
    from extractors.comments.signature import docx_signature_image
    from extractors.read import read_document

    doc = read_document(data, name, rlimits)
    if doc.format == "docx":
        doc.metadata["signature_image"] = docx_signature_image(data)
    elif doc.format == "pdf":  # an image or red seal ink in the signature cell
        from extractors.comments.signature import pdf_signature_image

        doc.metadata["signature_image"] = pdf_signature_image(data, doc)
    return doc


def _parse_sheet_in_worker(data: bytes, name: str, rlimits, expected_title: str | None) -> CommentSheet:
    return parse_sheet(_read_sheet_in_worker(data, name, rlimits), expected_title=expected_title)


def parse_stored_sheets(
    blobs: BlobStore, items: list[tuple[str, str]], expected_title: str | None, limits: Limits | None = None
) -> list[CommentSheet]:
    """Each stored sheet [(file name, sha256)] read and parsed in its time-limited worker process: the
    parsing holds no server thread, and a sheet gets INTAKE_FILE_SECONDS in all (读取超时 past it). A file
    no longer matching its sha256, or that cannot be read, becomes a sheet with the error, naming it."""
    out: list[CommentSheet | None] = [None] * len(items)
    readable = []
    for n, (name, sha) in enumerate(items):
        if blobs.has(sha) and not blobs.verify(sha):
            out[n] = CommentSheet(file=name, sha256=sha, error=f"{name}: {Damaged(name)}", is_comment_sheet=False)
        else:
            readable.append(n)
    paths = [(items[n][0], blobs.path(items[n][1])) for n in readable]
    parsed = read_files_with(_parse_sheet_in_worker, paths, limits, extra=(expected_title,)) if paths else []
    for n, got in zip(readable, parsed):
        name, sha = items[n]
        if isinstance(got, ReadError):
            out[n] = CommentSheet(file=name, sha256=sha, error=got.error, is_comment_sheet=False)
        else:
            sheet = cast(CommentSheet, got)
            if sheet.error:
                sheet.error = f"{name}: {sheet.error}"
            out[n] = sheet
    return [s for s in out if s is not None]


def read_sheets(items, limits: Limits | None = None) -> list[Document | ReadError]:
    """Each sheet (a path or (name, bytes)) read in a time-limited worker, stamp images noted."""
    return read_files_with(_read_sheet_in_worker, items, limits)


def publish_draft(
    db,
    blobs: BlobStore,
    data: bytes,
    filename: str,
    title: str | None = None,
    deadline: str | None = None,
    drafting_unit: str | None = None,
    handler: str | None = None,
    limits: Limits | None = None,
    version: str | None = None,
) -> Draft:
    """Store a draft and its clause tree; the same bytes give the same draft (settings updated)."""
    sha = blobs.put_bytes(data)
    existing = list(db["comment_drafts"].rows_where("sha256 = ?", [sha], order_by="id", limit=1))
    if existing:
        row = existing[0]
        changes = {
            k: v
            for k, v in {
                "title": title,
                "deadline": _iso(deadline) if deadline else None,
                "drafting_unit": drafting_unit,
                "handler": handler,
                "version": version,
            }.items()
            if v
        }
        if changes:
            db.table("comment_drafts").update(row["id"], changes)
        return get_draft(db, row["id"])
    standard = read_draft_bytes(data, filename, limits)
    row = {
        "sha256": sha,
        "file": filename,
        "title": title or standard.title or filename,
        "code": standard.code,
        "deadline": _iso(deadline) if deadline else standard.deadline,
        "drafting_unit": drafting_unit or standard.drafting_unit,
        "handler": handler,
        "tree": json.dumps(standard.to_json(), ensure_ascii=False),
        "created": now(),
        "version": version,
    }
    draft_id = db.table("comment_drafts").insert(row).last_pk
    return get_draft(db, draft_id)


def get_draft(db, draft_id: int) -> Draft:
    try:
        row = db.table("comment_drafts").get(draft_id)
    except sqlite_utils.db.NotFoundError:
        raise CommentsError(f"没有第 {draft_id} 号征求意见稿") from None
    standard = DraftStandard.from_json(json.loads(row["tree"]))
    return Draft(
        id=row["id"],
        sha256=row["sha256"],
        file=row["file"],
        title=row["title"],
        deadline=row["deadline"],
        drafting_unit=row["drafting_unit"],
        handler=row["handler"],
        standard=standard,
        version=row.get("version"),
        created=row.get("created"),
    )


def list_drafts(db) -> list[dict]:
    """Every draft, with what tells two drafts of one standard apart: `version` (as the committee named
    it, else 第N稿 by publication order), the publication date, the deadline and the file."""
    out = [
        {k: r.get(k) for k in ("id", "file", "title", "code", "deadline", "drafting_unit", "created", "version")}
        for r in db["comment_drafts"].rows_where(order_by="id")
    ]
    seen: dict[str, int] = {}
    for d in out:
        seen[d["title"]] = seen.get(d["title"], 0) + 1
        d["nth"] = seen[d["title"]]
        d["published"] = (d["created"] or "")[:10]
    for d in out:
        d["same_title"] = seen[d["title"]] > 1
        if not d["version"] and d["same_title"]:
            d["version"] = f"第{d['nth']}稿"
    return out


def update_draft(
    db,
    draft_id: int,
    title: str | None = None,
    deadline: str | None = None,
    drafting_unit: str | None = None,
    version: str | None = None,
) -> Draft:
    """The committee corrects what was read from the draft (its title above all) or sets a version."""
    get_draft(db, draft_id)
    if title is not None and not title.strip():
        raise CommentsError("标准名称不能为空")
    try:
        iso = _iso(deadline) if deadline else None
    except ValueError:
        raise CommentsError(f"截止日期“{deadline}”不是有效日期（应为 年-月-日）") from None
    changes = {
        k: v.strip() if isinstance(v, str) else v
        for k, v in {"title": title, "deadline": iso, "drafting_unit": drafting_unit, "version": version}.items()
        if v is not None
    }
    if changes:
        db.table("comment_drafts").update(draft_id, changes)
    return get_draft(db, draft_id)


# ---------------------------------------------------------------------------
# sheets


@dataclass
class SheetImport:
    file: str
    sha256: str
    receipt: str
    sheet_id: int
    status: str  # new | duplicate (same bytes already imported) | revision (supersedes an older sheet) | error
    late: bool = False
    error: str | None = None
    supersedes: list[str] = field(default_factory=list)  # receipts of the versions it replaces
    sheet: CommentSheet | None = None
    received: str | None = None  # the date lateness is judged by
    received_from: str = (
        ""  # sheet (its own date) | given (收到日期 / --received) | file (its time) | web | online | today
    )

    def to_json(self) -> dict:
        out = (
            self.sheet.to_json()
            if self.sheet
            else {"file": self.file, "sha256": self.sha256, "error": self.error, "comments": [], "warnings": []}
        )
        out.update(
            {
                "file": self.file,
                "sha256": self.sha256,
                "error": self.error,
                "receipt": self.receipt,
                "status": self.status,
                "late": self.late,
                "supersedes": self.supersedes,
                "received": self.received,
                "received_from": self.received_from,
            }
        )
        return out


def _iso(d: str | date | datetime | None) -> str | None:
    if d is None or d == "":
        return None
    if isinstance(d, datetime):
        return d.date().isoformat()
    if isinstance(d, date):
        return d.isoformat()
    return date.fromisoformat(str(d)[:10]).isoformat()


def _receipt(draft_id: int, sheet_id: int) -> str:
    return f"YJ{draft_id:03d}-{sheet_id:05d}"


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
        row = next(db["comment_sheets"].rows_where("draft_id = ? and sha256 = ?", [draft_id, sha]), None)
        if row:
            results[i] = _duplicate(db, name, row)
        else:
            batch.add(sha)
            to_read.append((i, name, sha, received))
    sheets = parse_stored_sheets(blobs, [(name, sha) for _, name, sha, _ in to_read], draft.title, limits)
    for (i, name, sha, received), sheet in zip(to_read, sheets):
        results[i] = _store_sheet(db, draft, sheet, name, sha, received, source, submitted_by)
    for i, name, sha in again:
        row = next(db["comment_sheets"].rows_where("draft_id = ? and sha256 = ?", [draft_id, sha]))
        results[i] = _duplicate(db, name, row)
    return results


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


def _duplicate(db, name: str, row: dict) -> SheetImport:
    r = SheetImport(
        name,
        row["sha256"],
        row["receipt"],
        row["id"],
        "duplicate",
        bool(row["late"]),
        row["error"],
        sheet=_stored_sheet(db, row),
        received=row["received"],
        received_from=row["received_from"] or "",
    )
    if r.sheet:
        r.sheet.warnings.append(f"此前已收到相同文件（{row['file']}，回执 {row['receipt']}），未重复登记")
    return r


def _store_sheet(
    db,
    draft: Draft,
    sheet: CommentSheet,
    name: str,
    sha: str,
    received: str | None,
    source: str,
    submitted_by: str | None = None,
) -> SheetImport:
    received_on = sheet.date or _iso(received) or beijing_today().isoformat()
    received_from = "sheet" if sheet.date else (source if received else "today")
    late = bool(draft.deadline and received_on > draft.deadline and not sheet.error)
    key = canon(sheet.submitter)
    try:
        by = uploader(source, submitted_by)
        return _insert_sheet(db, draft, sheet, name, sha, source, received_on, received_from, late, key, by)
    except sqlite3.IntegrityError:  # the same bytes stored meanwhile by another request
        row = next(db["comment_sheets"].rows_where("draft_id = ? and sha256 = ?", [draft.id, sha]), None)
        if row is None:
            raise
        return _duplicate(db, name, row)


def _insert_sheet(
    db,
    draft: Draft,
    sheet: CommentSheet,
    name: str,
    sha: str,
    source: str,
    received_on: str,
    received_from: str,
    late: bool,
    key: str,
    submitted_by: str | None = None,
) -> SheetImport:
    with db.conn:
        sheet_id = (
            db.table("comment_sheets")
            .insert(
                {
                    "draft_id": draft.id,
                    "receipt": f"pending-{sha}",
                    "sha256": sha,
                    "file": name,
                    "source": source,
                    "received": received_on,
                    "received_from": received_from,
                    "late": int(late),
                    "version": 1,
                    "superseded_by": None,
                    "submitter": sheet.submitter,
                    "submitter_key": key,
                    "submitter_kind": sheet.submitter_kind,
                    "contact_person": sheet.contact_person,
                    "contact": sheet.contact,
                    "signed": int(sheet.signed),
                    "standard_title": sheet.standard_title,
                    "sheet_date": sheet.date,
                    "error": sheet.error,
                    "warnings": json.dumps(sheet.warnings, ensure_ascii=False),
                    "review": None if sheet.error else sheet.review,
                    "submitter_raw": sheet.submitter_raw or sheet.submitter,
                    "submitted_by": submitted_by,
                    "created": now(),
                },
                alter=True,
            )
            .last_pk
        )
        receipt = _receipt(draft.id, sheet_id)
        db.table("comment_sheets").update(sheet_id, {"receipt": receipt})
        supersedes: list[str] = []
        status = "error" if sheet.error else "new"
        if key and not sheet.error and not (sheet.review and not sheet.comments):  # an unread sheet replaces nothing
            supersedes, _ = replace_earlier(db, draft.id, sheet_id, key, submitted_by)
            status = "revision" if supersedes else status
        db.table("comment_items").insert_all([_item_row(draft, sheet_id, c) for c in sheet.comments], alter=True)
    return SheetImport(
        name, sha, receipt, sheet_id, status, late, sheet.error, supersedes, sheet, received_on, received_from
    )


def _item_row(draft: Draft, sheet_id: int, c) -> dict:
    valid, nearest = check_clause(draft.standard, c.clauses, c.clause_raw)
    return {
        "sheet_id": sheet_id,
        "draft_id": draft.id,
        "seq": c.seq,
        "seq_raw": c.seq_raw,
        "clause": c.clause,
        "clause_raw": c.clause_raw,
        "clauses": json.dumps(c.clauses, ensure_ascii=False),
        "comment": c.comment,
        "reason": c.reason,
        "original": c.original,
        "suggestion": c.suggestion,
        "page": c.page,
        "valid": int(valid),
        "nearest": nearest,
        "proposer": c.proposer,
        **{k: getattr(c, k) for k in RAW_TEXTS},
    }


def check_clause(standard: DraftStandard, refs: list[str], raw: str = "") -> tuple[bool, str | None]:
    """(every reference names a real clause, the nearest real clause for the first one that does not)."""
    if not refs:
        hit = standard.find_by_title(raw) if raw else None
        return (True, None) if hit else (False, None)
    for r in refs:
        chk = standard.check(r)
        if not chk.valid:
            return False, chk.suggestion
    return True, None


def _stored_sheet(db, row: dict) -> CommentSheet:
    from extractors.comments.sheet import Comment

    sheet = CommentSheet(
        file=row["file"],
        sha256=row["sha256"],
        error=row["error"],
        is_comment_sheet=not row["error"],
        standard_title=row["standard_title"] or "",
        submitter=row["submitter"] or "",
        submitter_kind=row["submitter_kind"] or "organisation",
        contact_person=row["contact_person"] or "",
        contact=row["contact"] or "",
        signed=bool(row["signed"]),
        date=row["sheet_date"],
        warnings=json.loads(row["warnings"] or "[]"),
        review=row.get("review"),
        submitter_raw=row.get("submitter_raw") or "",
    )
    for it in db["comment_items"].rows_where("sheet_id = ?", [row["id"]], order_by="seq"):
        sheet.comments.append(
            Comment(
                seq=it["seq"],
                clause=it["clause"],
                clause_raw=it["clause_raw"],
                comment=it["comment"],
                reason=it["reason"],
                clauses=json.loads(it["clauses"] or "[]"),
                seq_raw=it["seq_raw"] or "",
                original=it["original"] or "",
                suggestion=it["suggestion"] or "",
                page=it["page"],
                proposer=it.get("proposer") or "",
                **{k: it.get(k) or "" for k in RAW_TEXTS},
            )
        )
    return sheet


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
    from extractors.comments.sheet import Comment

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
    import hashlib

    sha = hashlib.sha256(payload).hexdigest()
    existing = next(db["comment_sheets"].rows_where("draft_id = ? and sha256 = ?", [draft_id, sha]), None)
    if existing:  # the same form posted twice
        return SheetImport("online", sha, existing["receipt"], existing["id"], "duplicate", bool(existing["late"]))
    sheet.sha256 = sha
    received = received or beijing_today().isoformat()
    return _store_sheet(db, draft, sheet, "online", sha, received, "online", submitted_by)


def sheets(db, draft_id: int, include_superseded: bool = True) -> list[dict]:
    where = "draft_id = ?" + ("" if include_superseded else " and superseded_by is null")
    out = []
    for r in db["comment_sheets"].rows_where(where, [draft_id], order_by="id"):
        r = dict(r)
        r["warnings"] = json.loads(r["warnings"] or "[]")
        r["comments"] = db["comment_items"].count_where("sheet_id = ?", [r["id"]])
        r["possible_duplicates"] = possible_duplicates(r)
        out.append(r)
    return out


def sheet_by_receipt(db, receipt: str) -> dict | None:
    return next(db["comment_sheets"].rows_where("receipt = ?", [receipt]), None)


# ---------------------------------------------------------------------------
# comments, duplicates, dispositions


def comments(db, draft_id: int) -> list[dict]:
    """The current comments (superseded and unreadable sheets left out) with their sheet and disposition."""
    rows = db.execute_returning_dicts(
        """select i.*, s.file, s.receipt, s.submitter, s.submitter_raw, s.submitter_kind, s.received, s.late,
                  s.id as sheet_id
           from comment_items i join comment_sheets s on s.id = i.sheet_id
           where i.draft_id = ? and s.superseded_by is null and s.error is null
           order by s.id, i.seq""",
        [draft_id],
    )
    last = {}
    for d in db.execute_returning_dicts(
        """select d.* from comment_dispositions d join comment_items i on i.id = d.item_id
               where i.draft_id = ? order by d.id""",
        [draft_id],
    ):
        last[d["item_id"]] = d
    for r in rows:
        r["clauses"] = json.loads(r["clauses"] or "[]")
        r["sheet_submitter"] = r["submitter"]
        if r.get("proposer"):  # a consolidated sheet names who made each comment
            r["submitter"] = r["proposer"]
        d = last.get(r["id"])
        r["decision"] = d["decision"] if d else None
        r["decision_reason"] = d["reason"] if d else None
        r["decided_by"] = d["by"] if d else None
    return rows


def duplicate_groups(rows: list[dict]) -> list[DuplicateGroup]:
    items = [
        Item(key=r["id"], text=r["comment"], clause=r["clause"], source=canon(r["submitter"]) or r["file"])
        for r in rows
    ]
    return find_duplicates(items)


def dispose(db, item_ids: int | list[int], decision: str, reason: str = "", by: str = "") -> int:
    """Record 采纳 / 部分采纳 / 未采纳 for one or more comments; a reason is required unless 采纳."""
    ids = [item_ids] if isinstance(item_ids, int) else list(item_ids)
    if decision not in DECISIONS:
        raise CommentsError(f"处理意见应为{'、'.join(DECISIONS)}之一，不能是“{decision}”")
    if decision != "采纳" and not (reason or "").strip():
        raise CommentsError(
            f"“{decision}”须说明理由：请在理由栏写明为什么{'只部分采纳' if decision == '部分采纳' else '不采纳'}"
        )
    for i in ids:
        if not db["comment_items"].count_where("id = ?", [i]):
            raise CommentsError(f"没有第 {i} 号意见")
    at = now()
    db.table("comment_dispositions").insert_all(
        [{"item_id": i, "decision": decision, "reason": (reason or "").strip(), "by": by, "at": at} for i in ids]
    )
    return len(ids)


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
        filled=filled or beijing_today().isoformat(),
        deadline=draft.deadline,
        comments=rows,
        groups=groups,
        sheets=all_sheets,
    )
