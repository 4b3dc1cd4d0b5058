"""The store itself: one row per document an applicant holds (keyed by content: the same bytes twice
are one document), its reading, validity, and the newer document that replaced it.

A holder is an account (`user:<id>`) or, for a visitor without one, a random key kept in their
session (`link:<key>`), as case links are. Reading happens when the document is added, in the same
time-limited worker as every other read; bytes already read anywhere in the service are not read
again (the store is content-addressed)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import BinaryIO

from checklists.factschema import company_facts as company_facts_of
from checklists.factsfile import FactsError, validate_facts
from checklists.registry import scheme_ids
from checklists.scheme import list_schemes, load_scheme
from extractors.facts import DocumentFacts
from intake.clock import now
from intake.config import Limits
from intake.errors import NotFound
from intake.reading.readers import read_file
from intake.reading.uploads import HEAD_BYTES, clean_name, sniff_kind
from intake.store.accounts import User
from intake.store.blobs import BlobStore, TooLarge

TABLE = "library"


def holder_of(user: User | None, key: str | None) -> str | None:
    """The store of a signed-in applicant is their account's; a visitor's is their session key's."""
    if user is not None and not user.is_staff:
        return f"user:{user.id}"
    return f"link:{key}" if key else None


def new_key() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class Added:
    id: int | None
    file_name: str
    error: str | None
    again: bool = False  # the same content was already in the store

    def to_json(self) -> dict:
        return {"id": self.id, "file": self.file_name, "error": self.error, "already_held": self.again}


def add_file(
    db, store: BlobStore, holder: str, stream: BinaryIO, file_name: str, limits: Limits, read_now: bool = True
) -> Added:
    """Keep one uploaded file in the holder's store. Bytes read before anywhere in the service take that
    reading; others are read now, or with `read_now=False` left `queued` for `read_pending`. Refused with
    a sentence past the per-file cap or the store's allowance (the case allowance)."""
    name = clean_name(file_name)
    room = limits.case_max_bytes - held_bytes(db, holder)
    if room <= 0:
        return Added(None, name, f"{name}：证照库的文件总量已达上限（{limits.case_max_bytes // 2**20} MB），未保存")
    try:
        sha, size = store.put_stream(stream, max_bytes=min(limits.max_bytes, room))
    except TooLarge:
        return Added(None, name, f"{name}：文件超过 {min(limits.max_bytes, room) // 2**20} MB 的上限，未保存")
    old = db.execute(f"select id from {TABLE} where holder = ? and sha256 = ?", [holder, sha]).fetchone()
    if old:
        return Added(old[0], name, None, again=True)
    with open(store.path(sha), "rb") as f:
        kind, error = sniff_kind(f.read(HEAD_BYTES), name)
    row = {"holder": holder, "sha256": sha, "file_name": name, "size": size, "kind": kind, "added": now()}
    row_id = db.table(TABLE).insert({**row, "state": "queued", "replaced_by": None}).last_pk
    if error:
        _record(db, row_id, None, f"{name}：{error}")
    elif (facts := _known_reading(db, sha, name)) is not None:
        _record(db, row_id, facts, None)
    elif read_now:
        read_pending(db, store, limits, [row_id])
    return Added(row_id, name, db.table(TABLE).get(row_id)["error"])


def pending(db, ids: list[int] | None = None) -> list[int]:
    """The documents kept but not read yet (all of them, or those of `ids`)."""
    rows = db.execute(f"select id from {TABLE} where state = 'queued' order by id").fetchall()
    return [r[0] for r in rows if ids is None or r[0] in ids]


def read_pending(db, store: BlobStore, limits: Limits, ids: list[int] | None = None) -> int:
    """Read the queued documents (in the time-limited worker, as every read) and record each."""
    done = 0
    for row_id in pending(db, ids):
        r = db.table(TABLE).get(row_id)
        facts = _known_reading(db, r["sha256"], r["file_name"])
        if facts is None:
            facts = read_file(store.path(r["sha256"]), r["file_name"], r["sha256"], limits)
            facts["file"], facts["sha256"] = r["file_name"], r["sha256"]
        _record(db, row_id, facts, facts.get("error"))
        done += 1
    return done


def _record(db, row_id: int, facts: dict | None, error: str | None) -> None:
    db.table(TABLE).update(
        row_id,
        {
            "state": "failed" if error else "read",
            "error": error,
            "facts": json.dumps(facts, ensure_ascii=False) if facts else None,
            "doc_type": (facts or {}).get("type") or "",
            "valid_until": _valid_until(facts),
        },
    )


def _known_reading(db, sha: str, name: str) -> dict | None:
    """What was read of these bytes before, anywhere in the service (content-addressed), renamed."""
    done = {TABLE: " and state = 'read'", "documents": " and state = 'read'"}  # not a document mid-OCR
    for table, finished in done.items():
        cond = f"facts is not null and (error is null or error = ''){finished}"
        row = db.execute(f"select facts from {table} where sha256 = ? and {cond} limit 1", [sha]).fetchone()
        if row:
            return {**json.loads(row[0]), "file": name}
    return None


def _valid_until(facts: dict | None) -> str | None:
    field = ((facts or {}).get("fields") or {}).get("valid_until") or {}
    v = field.get("value") if isinstance(field, dict) else None
    return str(v) if v else None


def held_bytes(db, holder: str) -> int:
    row = db.execute(f"select coalesce(sum(size), 0) from {TABLE} where holder = ?", [holder]).fetchone()
    return int(row[0])


def held(db, holder: str | None, current_only: bool = True) -> list[dict]:
    """The holder's documents, oldest first; without the replaced ones unless asked."""
    if holder is None:
        return []
    where = "holder = ?" + (" and replaced_by is null" if current_only else "")
    out = []
    for r in db[TABLE].rows_where(where, [holder], order_by="id"):
        r = dict(r)
        r["facts"] = json.loads(r["facts"]) if r.get("facts") else None
        out.append(r)
    return out


def get_held(db, holder: str | None, doc_id: int) -> dict:
    for d in held(db, holder, current_only=False):
        if d["id"] == doc_id:
            return d
    raise NotFound("证照库中没有这个文件")


def as_documents(rows: list[dict]) -> list[DocumentFacts]:
    """The stored readings, as the evaluation takes them (an unreadable file keeps its error)."""
    out = []
    for r in rows:
        if r["state"] == "queued":
            continue  # not read yet: it joins the comparison once it is
        facts = r["facts"] or {"file": r["file_name"], "sha256": r["sha256"], "error": r["error"]}
        out.append(DocumentFacts.from_json(facts))
    return out


def replace(db, holder: str, old_id: int, new_id: int) -> None:
    """`new_id` replaces `old_id` in the store (a renewed certificate): the old one stays on record."""
    get_held(db, holder, old_id)
    get_held(db, holder, new_id)
    if old_id != new_id:
        db.table(TABLE).update(old_id, {"replaced_by": new_id})


def company_facts(db, holder: str | None) -> dict:
    """What the company stated about itself once (sector, product kind, membership …)."""
    if holder is None:
        return {}
    row = db.execute("select facts from library_facts where holder = ?", [holder]).fetchone()
    return json.loads(row[0]) if row and row[0] else {}


def set_company_facts(db, holder: str, facts: dict) -> dict:
    """Keep the company's facts (None clears one); only the company facts of the schema, checked as
    every scheme checks them. Raises FactsError naming the key."""
    keys = {f.key for f in company_fact_specs()}
    wrong = sorted(set(facts) - keys)
    if wrong:
        raise FactsError(f"不是关于企业本身的事实：{', '.join(wrong)}")
    merged = {k: v for k, v in {**company_facts(db, holder), **facts}.items() if v is not None}
    validate_facts(load_scheme(scheme_ids()[0]), merged, "基本情况")  # company facts do not depend on the scheme
    row = {"holder": holder, "facts": json.dumps(merged, ensure_ascii=False), "updated": now()}
    db.table("library_facts").upsert(row, pk="holder")
    return merged


def company_fact_specs() -> list:
    return company_facts_of(list_schemes())


def adopt(db, visitor: str, account: str) -> None:
    """A visitor who signs in brings their store into their account's: documents the account holds
    already (same content) are kept once, the account's answers win over the visitor's."""
    if visitor == account:
        return
    mine = dict(db.execute(f"select sha256, id from {TABLE} where holder = ?", [account]).fetchall())
    with db.conn:
        for row_id, sha in db.execute(f"select id, sha256 from {TABLE} where holder = ?", [visitor]).fetchall():
            if sha in mine:  # held twice: the account's row stands for both
                db.execute(f"update {TABLE} set replaced_by = ? where replaced_by = ?", [mine[sha], row_id])
                db.execute(f"delete from {TABLE} where id = ?", [row_id])
            else:
                db.execute(f"update {TABLE} set holder = ? where id = ?", [account, row_id])
        db.execute("update or ignore library_cases set holder = ? where holder = ?", [account, visitor])
        db.execute("delete from library_cases where holder = ?", [visitor])
    facts = {**company_facts(db, visitor), **company_facts(db, account)}
    if facts:
        set_company_facts(db, account, facts)
    db.execute("delete from library_facts where holder = ?", [visitor])
    db.conn.commit()
