"""Cases: one applicant's application to one scheme, its documents, declared facts,
reviewer overrides (with an audit log), the credit scoring worksheet and the procedure state.

Access is decided here too (`can_view` / `can_edit`), so the web and any script share one rule."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from checklists.factsfile import FACT_KEYS as ENGINE_FACT_KEYS
from checklists.factsfile import FactsError, validate_facts
from checklists.registry import scheme_ids
from checklists.scheme import load_scheme
from intake.cases.procedures import certificate_dates, procedure, publicity_ends
from intake.clock import day_of, now
from intake.clock import today as beijing_today
from intake.errors import BadInput, Conflict, NotAllowed, NotFound, OverQuota
from intake.store.accounts import User

STATUSES = {
    "draft": "草稿",
    "submitted": "已提交",
    "correcting": "待补正",
    "in_review": "审核中",
    "approved": "已通过",
    "rejected": "未通过",
    "withdrawn": "已撤回",
}
DOC_STATES = {"queued": "排队中", "reading": "读取中", "read": "已读取", "failed": "读取失败"}
ITEM_STATUSES = ("met", "not_met", "missing", "review", "not_applicable")
# the checklists' facts keys, less those a case keeps in columns of its own (applicant, product)
FACT_KEYS = tuple(k for k in ENGINE_FACT_KEYS if k not in ("applicant", "product"))


class CaseError(BadInput):
    pass


@dataclass
class Case:
    id: int
    token: str
    scheme: str
    applicant: str
    product: str
    owner_id: int | None
    status: str
    procedure_state: str
    state_since: str | None
    certificate_issued: str | None
    facts: dict
    version: int
    created: str
    submitted_at: str | None
    updated: str

    @property
    def editable(self) -> bool:
        """A draft, or a case sent back for 补正 (what may change then: intake.cases.correction)."""
        return self.status in ("draft", "correcting")

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    def days_waiting(self, today: date | None = None) -> int | None:
        if not self.submitted_at:
            return None
        return ((today or beijing_today()) - day_of(self.submitted_at)).days

    def procedure_view(self, today: date | None = None) -> dict:
        proc = procedure(self.scheme)
        cur = proc.state(self.procedure_state)
        out = {
            "states": [{"id": s.id, "name": s.name, "clause": s.clause, "objection": s.objection} for s in proc.states],
            "current": cur.id,
            "current_name": cur.name,
            "since": self.state_since,
            "next": [{"id": s.id, "name": s.name} for s in proc.next_states(cur.id)],
            "publicity_ends": None,
            "publicity_over": False,
            "publicity_days": cur.days if cur.publicity else None,
            "certificate": None,
        }
        if cur.publicity and self.state_since:
            end = publicity_ends(cur, date.fromisoformat(self.state_since[:10]))
            out["publicity_ends"] = end.isoformat() if end else None
            out["publicity_over"] = bool(end) and (today or beijing_today()) > end
        if self.certificate_issued:
            cert = certificate_dates(proc, date.fromisoformat(self.certificate_issued))
            if cert:
                t = (today or beijing_today()).isoformat()
                renew_by = cert.get("renew_by")
                cert["expired"] = t > cert["valid_until"]
                cert["renewal_overdue"] = bool(renew_by) and renew_by < t <= cert["valid_until"]
                cert["renewal_due"] = bool(renew_by) and _months_before(renew_by, 3) <= t <= renew_by
            out["certificate"] = cert
        return out

    def summary(self, today: date | None = None) -> dict:
        return {
            "id": self.id,
            "scheme": self.scheme,
            "applicant": self.applicant,
            "product": self.product,
            "status": self.status,
            "status_label": self.status_label,
            "procedure_state": self.procedure_state,
            "created": self.created,
            "submitted_at": self.submitted_at,
            "days_waiting": self.days_waiting(today),
        }


def _months_before(iso: str, months: int) -> str:
    from intake.cases.procedures import add_months

    return add_months(date.fromisoformat(iso), -months).isoformat()


def _case(row: dict) -> Case:
    return Case(
        id=row["id"],
        token=row["token"],
        scheme=row["scheme"],
        applicant=row.get("applicant") or "",
        product=row.get("product") or "",
        owner_id=row.get("owner_id"),
        status=row["status"],
        procedure_state=row["procedure_state"],
        state_since=row.get("state_since"),
        certificate_issued=row.get("certificate_issued"),
        facts=json.loads(row.get("facts") or "{}"),
        version=row.get("version") or 0,
        created=row["created"],
        submitted_at=row.get("submitted_at"),
        updated=row.get("updated") or row["created"],
    )


def open_case(
    db: sqlite_utils.Database, scheme: str, applicant: str = "", product: str = "", owner: User | None = None
) -> Case:
    """A new draft case. Staff accounts review cases; they cannot be applicants."""
    if owner is not None and owner.is_staff:
        raise NotAllowed("工作人员账号不能作为申请人开立申请")
    if scheme not in scheme_ids("procedure"):
        raise CaseError(f"未知的评价项目 {scheme!r}")
    proc = procedure(scheme)
    t = now()
    row = {
        "token": secrets.token_urlsafe(24),
        "scheme": scheme,
        "applicant": applicant.strip()[:200],
        "product": product.strip()[:200],
        "owner_id": owner.id if owner else None,
        "status": "draft",
        "procedure_state": proc.first().id,
        "state_since": None,
        "certificate_issued": None,
        "facts": "{}",
        "version": 1,
        "created": t,
        "submitted_at": None,
        "updated": t,
    }
    cid = db.table("cases").insert(row).last_pk
    log(db, cid, owner.name if owner else "申请人", "open", f"{proc.name}")
    return get_case(db, cid)


# the same words for a case that does not exist and one this visitor may not see (ids cannot be probed);
# what an applicant who opened the address on another device or browser does next
NO_SUCH_CASE = (
    "没有这个申请，或在这个浏览器里打不开它。请用受理回执上或提交时保存的专用链接打开；"
    "注册过账号的，可登录后在“我的申请”中找到；仍找不到请联系秘书处。"
)


def get_case(db: sqlite_utils.Database, case_id: int) -> Case:
    try:
        rows = list(db["cases"].rows_where("id = ?", [case_id], limit=1))
    except OverflowError:  # an id past SQLite's integers cannot exist
        rows = []
    if not rows:
        raise NotFound(NO_SUCH_CASE)
    return _case(rows[0])


def case_version(db: sqlite_utils.Database, case_id: int) -> int:
    """How many times the case has changed: what a page that waits for news compares."""
    row = db.execute("select version from cases where id = ?", [case_id]).fetchone()
    return int(row[0] or 0) if row else -1


def case_by_token(db: sqlite_utils.Database, token: str) -> Case | None:
    if not token or len(token) > 100:
        return None
    rows = list(db["cases"].rows_where("token = ?", [token], limit=1))
    if not rows or not secrets.compare_digest(rows[0]["token"], token):
        return None
    return _case(rows[0])


def can_view(user: User | None, case: Case, tokens: list[str] | tuple = ()) -> bool:
    """Applicants see their own cases (owner or case link); the secretariat and admins see all;
    committee members see none."""
    if user is not None and user.can_review_cases():
        return True
    if user is not None and user.role == "committee":
        return False
    if user is not None and case.owner_id is not None and case.owner_id == user.id:
        return True
    return any(secrets.compare_digest(t, case.token) for t in tokens if isinstance(t, str))


def case_for(db: sqlite_utils.Database, case_id: int, user: User | None, tokens=()) -> Case:
    """The case, if this visitor may see it. Someone else's case is NotFound, like a case that does not
    exist, so ids cannot be probed; a committee member is refused every case id alike."""
    if user is not None and user.role == "committee":
        raise NotAllowed("标准委员会成员不能查看申报材料")
    case = get_case(db, case_id)
    if not can_view(user, case, tokens):
        raise NotFound(NO_SUCH_CASE)
    return case


def case_to_edit(user: User | None, case: Case, tokens=()) -> Case:
    """The case, if this visitor may change it: the applicant, while it is a draft."""
    if not can_edit(user, case, tokens):
        raise Conflict(
            f"这份申请{case.status_label}（可能是在另一个窗口里办理的），这个页面上的内容已过时，不能再修改。"
            if not case.editable
            else "无权修改"
        )
    return case


def can_edit(user: User | None, case: Case, tokens=()) -> bool:
    """Only the applicant, and only while the case is a draft."""
    if user is not None and user.is_staff:
        return False
    return case.editable and can_view(user, case, tokens)


def cases_for(db: sqlite_utils.Database, user: User | None, tokens=()) -> list[Case]:
    out = []
    if user is not None and user.role == "applicant":
        out = [_case(r) for r in db["cases"].rows_where("owner_id = ?", [user.id], order_by="id desc")]
    seen = {c.id for c in out}
    for t in tokens:
        c = case_by_token(db, t)
        if c and c.id not in seen:
            out.append(c)
            seen.add(c.id)
    return out


def touch(db: sqlite_utils.Database, case_id: int, **changes) -> None:
    db.execute("update cases set version = coalesce(version, 0) + 1, updated = ? where id = ?", [now(), case_id])
    if changes:
        db.table("cases").update(case_id, changes)
    _refresh_queue_row(db, case_id)


def _refresh_queue_row(db: sqlite_utils.Database, case_id: int) -> None:
    """A case in the secretariat's queue keeps its outcome summary current (intake.cases.queue)."""
    row = db.execute("select status from cases where id = ?", [case_id]).fetchone()
    if row and row[0] != "draft":
        from intake.cases.queue import refresh_outcome

        refresh_outcome(db, case_id, cache=True)


def log(db: sqlite_utils.Database, case_id: int, user: str, action: str, detail: str = "") -> None:
    db.table("audit").insert({"case_id": case_id, "user": user, "action": action, "detail": detail, "created": now()})


def audit_log(db: sqlite_utils.Database, case_id: int) -> list[dict]:
    return list(db["audit"].rows_where("case_id = ?", [case_id], order_by="id"))


# --- applicant's side -------------------------------------------------------------

# a declared fact is a short answer: one value as JSON, and all of them together, are capped (and count
# toward the case's byte allowance with its files)
MAX_FACT_CHARS = 4000
MAX_FACTS_CHARS = 64 * 1024


@contextmanager
def draft_write(db: sqlite_utils.Database, case_id: int) -> Iterator[Case]:
    """The one guard for every change to what an applicant submits (details, facts, documents):

        with draft_write(db, case.id) as fresh:   # Conflict (409) unless the case is still a draft
            ...writes with db.execute (see below)...

    The case's state is read and the body's writes are made in one SQLite write transaction (BEGIN
    IMMEDIATE: no other writer between the check and the writes), so a request that loaded the case
    before it was submitted cannot change it after. The writes inside must not commit on their own:
    sqlite-utils' insert/update do (`with conn:`), so use db.execute (`_insert`, `_update_case`, `_log`).
    Rolled back when the body raises."""
    conn = db.conn
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        case = get_case(db, case_id)
        if not case.editable:
            raise Conflict(f"申请{case.status_label}，不能再修改")
        yield case
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def _insert(db: sqlite_utils.Database, table: str, row: dict) -> int:
    columns = ", ".join(f'"{k}"' for k in row)
    cursor = db.execute(f'insert into "{table}" ({columns}) values ({", ".join("?" * len(row))})', list(row.values()))
    return int(cursor.lastrowid or 0)


def _update_case(db: sqlite_utils.Database, case_id: int, **changes) -> None:
    """touch() inside a transaction: the version and time moved on, `changes` written."""
    sets = ", ".join(f'"{k}" = ?' for k in changes)
    db.execute(
        f"update cases set version = coalesce(version, 0) + 1, updated = ?{', ' + sets if sets else ''} where id = ?",
        [now(), *changes.values(), case_id],
    )


def _log(db: sqlite_utils.Database, case_id: int, user: str, action: str, detail: str = "") -> None:
    _insert(db, "audit", {"case_id": case_id, "user": user, "action": action, "detail": detail, "created": now()})


def case_bytes(db: sqlite_utils.Database, case_id: int) -> int:
    """What the case takes toward its allowance: every file uploaded (read or not) and its declared facts."""
    facts = db.execute("select coalesce(length(cast(facts as blob)), 0) from cases where id = ?", [case_id]).fetchone()
    return _file_bytes(db, case_id) + int(facts[0] if facts else 0)


def _file_bytes(db: sqlite_utils.Database, case_id: int) -> int:
    return int(db.execute("select coalesce(sum(size), 0) from documents where case_id = ?", [case_id]).fetchone()[0])


def update_details(db, case: Case, applicant: str, product: str, who: str) -> None:
    with draft_write(db, case.id):
        _update_case(db, case.id, applicant=applicant.strip()[:200], product=product.strip()[:200])
        _log(db, case.id, who, "details", f"{applicant[:200]} / {product[:200]}")


def set_facts(db, case: Case, facts: dict, who: str, max_case_bytes: int | None = None) -> dict:
    """Replace the applicant's declared facts (the contract's --facts keys); unknown keys are refused,
    and so is a value longer than MAX_FACT_CHARS, or facts past the case's allowance (its files count)."""
    unknown = set(facts) - (set(FACT_KEYS) - {"scores"})
    if unknown:
        raise CaseError(f"未知的事实项：{', '.join(sorted(unknown))}")
    _check_fact_sizes(facts)
    with draft_write(db, case.id) as fresh:
        merged = {**fresh.facts, **{k: v for k, v in facts.items() if v is not None}}
        for k, v in facts.items():
            if v is None:
                merged.pop(k, None)
        try:  # the facts schema's rules, as for a facts file: a value the scheme cannot take is refused
            validate_facts(load_scheme(fresh.scheme), {k: v for k, v in merged.items() if k != "scores"}, "事实")
        except FactsError as e:
            raise CaseError(str(e)) from None
        stored = json.dumps(merged, ensure_ascii=False)
        _check_case_room(db, fresh.id, len(stored.encode()), max_case_bytes)
        _update_case(db, case.id, facts=stored)
        _log(db, case.id, who, "facts", json.dumps(dict(facts), ensure_ascii=False)[:500])
    return merged


def _check_fact_sizes(facts: dict) -> None:
    for k, v in facts.items():
        size = len(json.dumps(v, ensure_ascii=False, default=str))
        if size > MAX_FACT_CHARS:
            raise CaseError(f"事实项“{k}”的内容过长（{size} 个字符，不超过 {MAX_FACT_CHARS} 个）")
    if len(json.dumps(facts, ensure_ascii=False, default=str)) > MAX_FACTS_CHARS:
        raise CaseError(f"填写的事实内容过多（合计不超过 {MAX_FACTS_CHARS // 1024}K 个字符）")


def _check_case_room(db, case_id: int, facts_bytes: int, max_case_bytes: int | None) -> None:
    from intake.config import Limits

    limit = max_case_bytes or Limits.from_env().case_max_bytes
    if _file_bytes(db, case_id) + facts_bytes > limit:
        raise OverQuota(f"本案件的文件与填写内容总量已达上限（{limit // (1024 * 1024)} MB），未保存")


def applicant_change(db, case_id: int, who: str, action: str, detail: str, facts: dict | None = None) -> None:
    """A change an applicant makes elsewhere than the forms (the chat's corrections and facts), under the
    same guard: refused (Conflict) once the case is submitted, whenever the turn began."""
    with draft_write(db, case_id):
        _update_case(db, case_id, **({} if facts is None else {"facts": json.dumps(facts, ensure_ascii=False)}))
        _log(db, case_id, who, action, detail)


def submit(db, case: Case, who: str) -> Case:
    with draft_write(db, case.id):
        _update_case(db, case.id, status="submitted", submitted_at=now(), state_since=beijing_today().isoformat())
        _log(db, case.id, who, "submit", "提交秘书处")
    _refresh_queue_row(db, case.id)
    return get_case(db, case.id)


# --- documents ---------------------------------------------------------------------


def add_document(
    db,
    case: Case,
    sha256: str,
    file_name: str,
    size: int,
    kind: str | None,
    error: str | None = None,
    who: str = "申请人",
) -> int:
    """Record an uploaded file (already stored). A file of an unsupported type is recorded as
    failed with the reason; the original stays stored either way. Refused (Conflict) once the case
    is no longer a draft, checked in the same transaction as the write (draft_write)."""
    row = {
        "case_id": case.id,
        "sha256": sha256,
        "file_name": file_name[:255],
        "size": size,
        "kind": kind or "",
        "state": "failed" if error else "queued",
        "error": error,
        "facts": None,
        "pages": None,
        "created": now(),
        "read_at": now() if error else None,
    }
    with draft_write(db, case.id):
        did = _insert(db, "documents", row)
        _update_case(db, case.id)
        _log(db, case.id, who, "upload", file_name[:255] + (f"（{error}）" if error else ""))
    return did


def documents(db, case_id: int) -> list[dict]:
    out = []
    for r in db["documents"].rows_where("case_id = ?", [case_id], order_by="id"):
        r = dict(r)
        r["facts"] = json.loads(r["facts"]) if r.get("facts") else None
        r["state_label"] = DOC_STATES.get(r["state"], r["state"])
        out.append(r)
    return out


def get_document(db, case_id: int, doc_id: int) -> dict:
    for d in documents(db, case_id):
        if d["id"] == doc_id:
            return d
    raise NotFound("没有这个文件")


def set_document_state(
    db, doc_id: int, state: str, error: str | None = None, facts: dict | None = None, pages: int | None = None
) -> None:
    changes: dict[str, object] = {"state": state, "error": error}
    if facts is not None:
        changes["facts"] = json.dumps(facts, ensure_ascii=False)
    if pages is not None:
        changes["pages"] = pages
    if state in ("read", "failed"):
        changes["read_at"] = now()
    row = db.execute("select case_id from documents where id = ?", [doc_id]).fetchone()
    if row is None:
        return  # deleted by the applicant while it was being read: nothing to record
    db.table("documents").update(doc_id, changes)
    touch(db, row[0])


def pending_documents(db) -> list[int]:
    return [r["id"] for r in db["documents"].rows_where("state in ('queued', 'reading')", order_by="id")]


# --- secretariat's side ------------------------------------------------------------


def add_override(db, case: Case, item_id: str, status: str, note: str, who: User) -> None:
    if not who.can_review_cases():
        raise CaseError("只有秘书处可以改判")
    if status not in ITEM_STATUSES:
        raise CaseError("请选择改判结论（满足、不满足、缺少材料、需人工审核或不适用）")
    note = (note or "").strip()
    if not note:
        raise CaseError("改判必须填写说明")
    db.table("overrides").insert(
        {
            "case_id": case.id,
            "item_id": item_id,
            "status": status,
            "note": note[:2000],
            "user": who.name,
            "created": now(),
        }
    )
    touch(db, case.id)
    log(db, case.id, who.name, "override", f"{item_id} → {status}：{note[:500]}")


def overrides(db, case_id: int) -> dict[str, dict]:
    """The latest override per item."""
    out = {}
    for r in db["overrides"].rows_where("case_id = ?", [case_id], order_by="id"):
        out[r["item_id"]] = dict(r)
    return out


def set_scores(db, case: Case, scores: dict[str, float], who: User) -> dict:
    """The credit worksheet: evaluator's fraction (0..1) per scored item, kept as facts['scores']."""
    if not who.can_review_cases():
        raise CaseError("只有秘书处可以评分")
    clean = {}
    for k, v in scores.items():
        if v is None or v == "":
            continue
        v = float(v)
        if not 0 <= v <= 1:
            raise CaseError(f"{k}: 评分比例须在0到1之间")
        clean[k] = v
    facts = {**case.facts, "scores": clean}
    touch(db, case.id, facts=json.dumps(facts, ensure_ascii=False))
    log(db, case.id, who.name, "scores", json.dumps(clean, ensure_ascii=False)[:800])
    return clean


def move_state(db, case: Case, state_id: str, who: User, note: str = "", on: date | None = None) -> Case:
    if not who.can_review_cases():
        raise CaseError("只有秘书处可以推进程序")
    proc = procedure(case.scheme)
    allowed = {s.id for s in proc.next_states(case.procedure_state)} | {case.procedure_state}
    if state_id not in allowed and not (proc.state(case.procedure_state).objection and state_id):
        raise CaseError(f"不能从“{proc.state(case.procedure_state).name}”直接进入该环节")
    try:
        target = proc.state(state_id)
    except KeyError:
        raise CaseError(f"没有这个程序环节：{state_id}") from None
    day = (on or beijing_today()).isoformat()
    changes = {"procedure_state": state_id, "state_since": day}
    if case.status == "submitted":
        changes["status"] = "in_review"
    if target.final:
        changes["status"] = "approved"
        if proc.validity_years:
            changes["certificate_issued"] = day
    touch(db, case.id, **changes)
    log(
        db,
        case.id,
        who.name,
        "state",
        f"{proc.state(case.procedure_state).name} → {target.name}" + (f"：{note}" if note else ""),
    )
    return get_case(db, case.id)


def decide(db, case: Case, status: str, note: str, who: User) -> Case:
    if not who.can_review_cases():
        raise CaseError("只有秘书处可以作出结论")
    if status not in ("approved", "rejected", "in_review"):
        raise CaseError("请选择审核结论（通过、不通过或审核中）")
    if not note.strip():
        raise CaseError("必须填写说明")
    touch(db, case.id, status=status)
    log(db, case.id, who.name, "decide", f"{STATUSES[status]}：{note[:500]}")
    return get_case(db, case.id)
