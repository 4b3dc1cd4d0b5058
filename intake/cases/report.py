"""A case's pre-check report in the contract's `intake check` shape: the checklist engine run on
the case's read documents and declared facts, then the secretariat's overrides laid on top
(each overridden item keeps the engine's verdict beside the new one)."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from datetime import date

from checklists.clauses import UnknownScheme
from checklists.factsfile import FactsError
from checklists.vocabulary import STATUS_ZH
from extractors import ocr
from extractors.facts import DocumentFacts
from intake.cases.bestdoc import best_first
from intake.cases.case import Case, documents, overrides
from intake.cases.procedures import procedure
from intake.clock import today
from intake.precheck import precheck

ORIGIN = "补充信息"  # where a case's stated facts come from, as a bad one's message names it
GROUPS = list(STATUS_ZH.items())  # the vocabulary's order: the gaps first
STATUS_LABELS = dict(GROUPS)

_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def evaluate_case(
    scheme: str, docs: list[DocumentFacts], facts: dict, as_of: date, overrides: dict | None = None, corrections=()
) -> dict:
    """The one evaluation (`intake.precheck`) on read documents, the applicant's corrections, declared
    facts and the secretariat's overrides; a report saying why when it cannot run."""
    try:
        result = precheck(scheme, docs, facts, as_of, overrides, ORIGIN, corrections)
    except FactsError as e:
        return _empty(scheme, docs, facts, as_of, f"补充信息有误：{e}")
    except UnknownScheme:
        return _empty(scheme, docs, facts, as_of, "本评价项目没有清单，暂无逐项结论")
    except Exception as e:  # an engine bug must not take the case page down; the secretariat sees why
        logging.getLogger("intake.cases.report").exception("evaluating %s", scheme)
        return _empty(scheme, docs, facts, as_of, f"清单引擎出错（{type(e).__name__}），暂无逐项结论")
    return result.to_json()


def _empty(scheme, docs, facts, as_of, why) -> dict:
    return {
        "scheme": scheme,
        "as_of": as_of.isoformat(),
        "outcome": {"status": "incomplete", "level": None, "score": None, "grade": None},
        "items": [],
        "documents": [d.to_json() for d in docs],
        "facts": facts,
        "warnings": [why],
    }


def case_report(db, case: Case, as_of: date | None = None, cache: bool = True) -> dict:
    """`cache=False` for a one-off (the queue's summaries) that should not evict the pages' reports."""
    as_of = as_of or today()
    key = (_db_file(db), case.id, case.version, as_of.isoformat())
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return with_ocr_progress(_cache[key])
    docs = documents(db, case.id)
    fixes = applicant_corrections(db, case.id)
    latest = overrides(db, case.id)
    read, chosen = best_first(_readings(docs), case.applicant, as_of)
    report = evaluate_case(case.scheme, as_read(read), case_facts(case), as_of, engine_overrides(latest), fixes)
    by_document = {d["id"]: chosen[n] for n, d in enumerate(_read_rows(docs)) if n in chosen}
    report["documents"] = [_with_choice(_doc_json(d), by_document) for d in docs]
    report["corrections"] = fixes
    for item in report.get("items", []):
        o = latest.get(item["id"])
        if o:
            item["override"] = {"status": o["status"], "note": o["note"], "user": o["user"], "at": o["created"]}
    report["case"] = {
        "id": case.id,
        "status": case.status,
        "applicant": case.applicant,
        "scheme_name": procedure(case.scheme).name,
        "version": case.version,  # what a page waiting for news (progress.json?after=) compares
        "complete": all(d["state"] in ("read", "failed") for d in docs),
    }
    if not cache:
        return report
    with _lock:
        _cache[key] = report
        while len(_cache) > 500:
            _cache.popitem(last=False)
    return with_ocr_progress(report)


def with_ocr_progress(report: dict) -> dict:
    """The report with `ocr_progress` on each document still being read that needs OCR. Progress
    is not part of the case's version (the cached report): it is looked up on every request."""
    docs = report.get("documents") or []
    if not any(d["state"] in ("queued", "reading") for d in docs):
        return report
    return {**report, "documents": [_with_progress(d) for d in docs]}


def _with_progress(doc: dict) -> dict:
    if doc["state"] not in ("queued", "reading"):
        return doc
    pending = doc.get("ocr_pending") or []
    if doc["state"] == "queued" and not pending:
        return doc  # not started yet: an event on file would be from another read of the same file
    event = ocr.progress_of(doc["sha256"])
    if not event or not event.get("total") or event.get("status") == "unavailable":
        return doc
    total, done = int(event["total"]), int(event.get("done") or 0)
    if doc["state"] == "queued":
        done = max(0, total - len(pending))
        text = f"识别中：已完成 {done}/{total} 页，排队继续识别"
    else:
        page = min(total, done + 1) if event["status"] == "running" else done
        text = f"识别中：第 {page}/{total} 页"
    return {
        **doc,
        "ocr_progress": {
            "done": done,
            "total": total,
            "page": event.get("page"),
            "status": event.get("status"),
            "text": text,
        },
    }


def _with_choice(doc: dict, chosen: dict[int, dict]) -> dict:
    """`choice` on a document whose type the case holds more than once: used, or set aside and why."""
    note = chosen.get(doc["document_id"])
    return {**doc, "choice": note} if note and doc.get("state") == "read" else doc


def read_documents(docs: list[dict]) -> list[DocumentFacts]:
    """A case's documents that have been read, as the evaluation takes them."""
    return as_read(_readings(docs))


def _readings(docs: list[dict]) -> list[dict]:
    """The stored readings (`intake extract` objects) of a case's documents that have been read."""
    return [d["facts"] for d in _read_rows(docs)]


def _read_rows(docs: list[dict]) -> list[dict]:
    return [d for d in docs if d["state"] == "read" and d["facts"]]


def as_read(readings: list[dict]) -> list[DocumentFacts]:
    """Stored readings turned back into DocumentFacts: the storage boundary, here and only here."""
    return [DocumentFacts.from_json(d) for d in readings]


def case_facts(case: Case) -> dict:
    """The stated facts a case is evaluated on: its own, its applicant and product."""
    return {**case.facts, **_named(case)}


def _named(case: Case) -> dict:
    return {k: v for k, v in (("applicant", case.applicant), ("product", case.product)) if v}


REVIEWER = "秘书处"  # who overrode, as the engine's reason names it to the applicant: the role, not the account


def engine_overrides(latest: dict[str, dict]) -> dict:
    return {k: {"status": o["status"], "note": o["note"], "by": REVIEWER} for k, o in latest.items()}


def case_evaluator(db, case: Case):
    """The case's evaluation as the assistant asks for it: the inputs of `case_report`, with the
    conversation's documents, facts and corrections (facts told in the chat over the case's own)."""
    from intake.precheck import evaluator

    return evaluator(case.scheme, engine_overrides(overrides(db, case.id)), case.facts, _named(case), ORIGIN)


def applicant_corrections(db, case_id: int) -> list[dict]:
    from intake.cases.chat import corrections

    return corrections(db, case_id)


def _db_file(db) -> str:
    """The database file: cache keys must not mix two data directories (tests run several)."""
    return db.execute("PRAGMA database_list").fetchone()[2] or f"memory:{id(db.conn)}"


def _doc_json(d: dict) -> dict:
    facts = d.get("facts") or {}
    out = {
        **{k: v for k, v in facts.items()},
        "file": d["file_name"],
        "sha256": d["sha256"],
        "document_id": d["id"],
        "state": d["state"],
        "error": d.get("error") or facts.get("error"),
    }
    out.setdefault("type", facts.get("type") if facts else None)
    out.setdefault("fields", {})
    out.setdefault("pages", d.get("pages") or 0)
    return out


def grouped(report: dict) -> list[tuple[str, str, list[dict]]]:
    return [(key, label, [i for i in report.get("items", []) if i["status"] == key]) for key, label in GROUPS]


def blockers(report: dict) -> list[dict]:
    """The items that make the pre-check say 不符合条件 (not_met), when it says so; else none."""
    if (report.get("outcome") or {}).get("status") != "not_eligible":
        return []
    return [i for i in report.get("items", []) if i["status"] == "not_met"]


def submit_checked(db, case: Case, who: str, acknowledged: int | None):
    """Submit, but a case the pre-check finds 不符合条件 only with the applicant's acknowledgement
    of the blockers they were shown: `acknowledged` must be their number."""
    from intake.cases.case import CaseError, submit

    found = blockers(case_report(db, case))
    if found and acknowledged != len(found):
        raise CaseError(
            f"预审发现 {len(found)} 项不满足条件。请在“提交”一步逐项阅读，并勾选“已知悉”后再提交"
            f"（接口：acknowledge_blockers = {len(found)}）。"
        )
    if case.status == "correcting":
        from intake.cases.correction import resubmit

        return resubmit(db, case, who)
    return submit(db, case, who)
