"""Comments on a draft standard kept in SQLite: drafts, sheets, their comments and the committee's
decisions. Reading files is intake.comments.reading; the ways comments come in are
intake.comments.imports; the register is assembled in intake.comments.register.

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

import sqlite_utils

from extractors.comments import CommentSheet, DraftStandard
from extractors.comments.duplicates import canon
from extractors.comments.sheet import Comment
from intake.clock import now
from intake.clock import today as beijing_today  # the day is Beijing's
from intake.comments.supersede import possible_duplicates, replace_earlier, uploader
from intake.errors import BadInput

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


def draft_by_sha(db, sha: str) -> int | None:
    """The draft already published from these bytes."""
    row = next(db["comment_drafts"].rows_where("sha256 = ?", [sha], order_by="id", limit=1), None)
    return row["id"] if row else None


def insert_draft(
    db,
    sha: str,
    filename: str,
    standard: DraftStandard,
    title: str | None = None,
    deadline: str | None = None,
    drafting_unit: str | None = None,
    handler: str | None = None,
    version: str | None = None,
) -> Draft:
    """A newly published draft: what the committee typed wins over what was read from the file."""
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
    counts = _counts(db)
    for d in out:
        d["received"], d["decided"] = counts.get(d["id"], (0, 0))
        d["same_title"] = seen[d["title"]] > 1
        if not d["version"] and d["same_title"]:
            d["version"] = f"第{d['nth']}稿"
    return out


def _counts(db) -> dict[int, tuple[int, int]]:
    """Per draft: (current comments received, of them decided)."""
    rows = db.execute(
        """select i.draft_id, count(distinct i.id), count(distinct d.item_id)
           from comment_items i join comment_sheets s on s.id = i.sheet_id
           left join comment_dispositions d on d.item_id = i.id
           where s.superseded_by is null and s.error is null group by i.draft_id"""
    ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def update_draft(
    db,
    draft_id: int,
    title: str | None = None,
    deadline: str | None = None,
    drafting_unit: str | None = None,
    version: str | None = None,
    handler: str | None = None,
) -> Draft:
    """The committee corrects what was read from the draft (its title above all) or sets a version;
    None leaves a setting as it is."""
    get_draft(db, draft_id)
    if title is not None and not title.strip():
        raise CommentsError("标准名称不能为空")
    try:
        iso = _iso(deadline) if deadline else None
    except ValueError:
        raise CommentsError(f"截止日期“{deadline}”不是有效日期（应为 年-月-日）") from None
    changes = {
        k: v.strip() if isinstance(v, str) else v
        for k, v in {
            "title": title,
            "deadline": iso,
            "drafting_unit": drafting_unit,
            "version": version,
            "handler": handler,
        }.items()
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


def sheet_row(db, draft_id: int, sha: str) -> dict | None:
    """The sheet of these bytes already registered on the draft."""
    return next(db["comment_sheets"].rows_where("draft_id = ? and sha256 = ?", [draft_id, sha]), None)


def duplicate(db, name: str, row: dict) -> SheetImport:
    """A file whose bytes were registered before: its earlier receipt, nothing stored twice."""
    r = SheetImport(
        name,
        row["sha256"],
        row["receipt"],
        row["id"],
        "duplicate",
        bool(row["late"]),
        row["error"],
        sheet=stored_sheet(db, row),
        received=row["received"],
        received_from=row["received_from"] or "",
    )
    if r.sheet:
        r.sheet.warnings.append(f"此前已收到相同文件（{row['file']}，回执 {row['receipt']}），未重复登记")
    return r


def store_sheet(
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
        row = sheet_row(db, draft.id, sha)
        if row is None:
            raise
        return duplicate(db, name, row)


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
        "confidence": c.confidence,
        "region": json.dumps(c.region) if c.region else None,
        "image": c.image or None,
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


def stored_sheet(db, row: dict) -> CommentSheet:
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
                confidence=it.get("confidence"),
                region=json.loads(it["region"]) if it.get("region") else None,
                image=it.get("image") or "",
            )
        )
    return sheet


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
    checked = _checked(db, draft_id)
    for r in rows:
        r["clauses"] = json.loads(r["clauses"] or "[]")
        r["checked"] = checked.get(r["id"])
        r["to_check"] = to_check(r)
        r["sheet_submitter"] = r["submitter"]
        if r.get("proposer"):  # a consolidated sheet names who made each comment
            r["submitter"] = r["proposer"]
        d = last.get(r["id"])
        r["decision"] = d["decision"] if d else None
        r["decision_reason"] = d["reason"] if d else None
        r["decided_by"] = d["by"] if d else None
    return rows


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


# ---------------------------------------------------------------------------
# comments read from scans: the committee's check

CHECKED_FIELDS = ("comment", "clause", "reason")


def to_check(row: dict) -> bool:
    """请核对: read from a scan below the review threshold, and not yet confirmed or corrected."""
    conf = row.get("confidence")
    return conf is not None and conf < review_below() and not row.get("checked")


def review_below() -> float:
    """The OCR's review threshold (extractors/data/ocr.yaml): below it a read text is not taken as written."""
    from extractors.ocr import load_settings

    return load_settings().review_below


def _checked(db, draft_id: int) -> dict[int, dict]:
    """The last check of each comment of the draft: {item_id: {by, at, corrected}}."""
    out: dict[int, dict] = {}
    for c in db.execute_returning_dicts(
        """select c.* from comment_checks c join comment_items i on i.id = c.item_id
           where i.draft_id = ? order by c.id""",
        [draft_id],
    ):
        prev = out.get(c["item_id"], {})
        out[c["item_id"]] = {
            "by": c["by"],
            "at": c["at"],
            "corrected": prev.get("corrected") or c["field"] != "confirmed",
        }
    return out


def check_comment(db, draft_id: int, item_id: int, by: str, **corrected: str) -> list[dict]:
    """The committee confirms a comment read from a scan (nothing given) or corrects it
    (comment=…, clause=…, reason=…). A correction replaces the text everywhere it is shown; the
    text that was read is kept in comment_checks, the audit trail. Returns the checks recorded."""
    item = next(db["comment_items"].rows_where("id = ? and draft_id = ?", [item_id, draft_id]), None)
    if item is None:
        raise CommentsError(f"第 {draft_id} 号征求意见稿没有第 {item_id} 号意见")
    unknown = set(corrected) - set(CHECKED_FIELDS)
    if unknown:
        raise CommentsError(f"不能更正“{'、'.join(sorted(unknown))}”")
    at, changes, checks = now(), {}, []
    for name, value in corrected.items():
        value = (value or "").strip()
        old = item[name + "_raw"] if name != "clause" else item["clause_raw"]
        if name == "comment" and not value:
            raise CommentsError("意见内容不能为空")
        if value == (old or ""):
            continue
        checks.append({"item_id": item_id, "field": name, "old": old or "", "new": value, "by": by, "at": at})
        changes.update(_corrected_columns(db, name, value, item))
    if not checks:
        checks.append({"item_id": item_id, "field": "confirmed", "old": "", "new": "", "by": by, "at": at})
    with db.conn:
        if changes:
            db.table("comment_items").update(item_id, changes)
        db.table("comment_checks").insert_all(checks)
    return checks


def _corrected_columns(db, name: str, value: str, item: dict) -> dict:
    from extractors.comments.clauses import parse_refs, primary
    from extractors.comments.sheet import normalised

    if name == "clause":
        refs = parse_refs(value)
        valid, nearest = check_clause(get_draft(db, item["draft_id"]).standard, refs, value)
        return {
            "clause_raw": value,
            "clause": primary(refs),
            "clauses": json.dumps(refs, ensure_ascii=False),
            "valid": int(valid),
            "nearest": nearest,
        }
    return {name + "_raw": value, name: normalised(value)}


def checks(db, item_id: int) -> list[dict]:
    """The audit trail of a comment read from a scan: every confirmation and correction, oldest first."""
    return list(db["comment_checks"].rows_where("item_id = ?", [item_id], order_by="id"))


def item_image(db, draft_id: int, item_id: int) -> str | None:
    """The sha256 of the picture of a comment's rows on its scanned sheet, if one was kept."""
    row = next(db["comment_items"].rows_where("id = ? and draft_id = ?", [item_id, draft_id]), None)
    return row.get("image") if row else None
