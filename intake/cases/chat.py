"""The assistant (intake.assistant) attached to a case: its conversation state is kept per case,
synced with the case's read documents and declared facts before each turn; answers the applicant
gives in the chat become the case's declared facts (so the report and the secretariat see them)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator

from intake.assistant import Assistant
from intake.cases.case import FACT_KEYS, Case, applicant_change, documents
from intake.cases.report import case_evaluator, read_documents
from intake.clock import now

_locks: dict[int, threading.Lock] = {}
_guard = threading.Lock()


def _lock(case_id: int) -> threading.Lock:
    with _guard:
        return _locks.setdefault(case_id, threading.Lock())


def transcript(db, case_id: int) -> list[dict]:
    row = next(db["case_chat"].rows_where("case_id = ?", [case_id]), None)
    return json.loads(row["transcript"]) if row else []


def case_assistant(db, case: Case, state: dict | None, but: str | None = None) -> Assistant:
    """The assistant on a case: its conversation synced with the case's read documents (`but` the one
    with this sha256, just read, which it is about to be told of) and stated facts, its verdicts from
    the case's own evaluation (the one its report shows)."""
    bot = Assistant(case.scheme, state, evaluator=case_evaluator(db, case))
    docs = [d for d in read_documents(documents(db, case.id)) if but is None or d.sha256 != but]
    bot.sync(documents=docs, facts={k: v for k, v in case.facts.items() if k != "scores"})
    return bot


def document_read(db, case_id: int, doc: dict) -> None:
    """A document of the case was read: the assistant says what it recognised, in the transcript."""
    from intake.cases.case import get_case

    case = get_case(db, case_id)
    with _lock(case.id):
        row = next(db["case_chat"].rows_where("case_id = ?", [case.id]), None)
        bot = case_assistant(db, case, json.loads(row["state"]) if row else None, but=doc.get("sha256"))
        reply = bot.on_upload(doc)
        history = json.loads(row["transcript"]) if row else []
        # Files read with no message in between are one batch: its summary replaces the previous one.
        if history and history[-1].get("kind") == "uploads":
            history.pop()
        history.append({"role": "assistant", "kind": "uploads", "text": reply.text, "at": now()})
        db.table("case_chat").upsert(
            {
                "case_id": case.id,
                "state": json.dumps(bot.state, ensure_ascii=False),
                "transcript": json.dumps(history[-200:], ensure_ascii=False),
                "updated": now(),
            },
            pk="case_id",
        )


def chat(db, case: Case, message: str, who: str, may_edit: bool) -> dict:
    """One turn: returns the reply's JSON plus `changed` (the case's facts changed)."""
    with _lock(case.id):
        row = next(db["case_chat"].rows_where("case_id = ?", [case.id]), None)
        state = json.loads(row["state"]) if row else None
        history = json.loads(row["transcript"]) if row else []
        saved = row["state"] if row else None
        bot = case_assistant(db, case, state)
        before = list(bot.state.get("corrections") or [])
        reply = bot.reply(message[:2000])
        changed = False
        if may_edit and (bot.state.get("corrections") or []) != before:  # a corrected value changes the report
            detail = json.dumps(bot.state["corrections"][-1:], ensure_ascii=False)[:500]
            applicant_change(db, case.id, who, "chat-correction", detail)
            changed = True
        if may_edit:
            new = {k: v for k, v in bot.facts().items() if k in FACT_KEYS and k != "scores"}
            merged = {**case.facts, **new}
            if merged != case.facts:
                applicant_change(db, case.id, who, "chat-facts", json.dumps(new, ensure_ascii=False)[:500], merged)
                changed = True
        history += [
            {"role": "user" if may_edit else "staff", "text": message[:2000], "at": now(), "who": who},
            {"role": "assistant", "text": reply.text, "at": now()},
        ]
        # staff may ask the assistant on a case, but only the applicant's turns move the interview on
        keep = json.dumps(bot.state, ensure_ascii=False) if may_edit or saved is None else saved
        db.table("case_chat").upsert(
            {
                "case_id": case.id,
                "state": keep,
                "transcript": json.dumps(history[-200:], ensure_ascii=False),
                "updated": now(),
            },
            pk="case_id",
        )
    return {**reply.to_json(), "reply": reply.text, "changed": changed}


def corrections(db, case_id: int) -> list[dict]:
    """Values read from the case's documents that the applicant corrected in the chat:
    [{sha256, file, field, original, value, source, at}]."""
    row = next(db["case_chat"].rows_where("case_id = ?", [case_id]), None)
    return list(json.loads(row["state"]).get("corrections") or []) if row else []


_PIECE = re.compile(r"[^\n。！？!?；;]*(?:[。！？!?；;]+[”’」』）)]*\n?|\n|$)")


def chunks(text: str) -> list[str]:
    """The reply cut after each sentence end or line break; joined again they give `text` exactly."""
    return [p for p in _PIECE.findall(text) if p]


def sse_events(result: dict) -> Iterator[str]:
    """A chat turn's result as Server-Sent Events: `chunk` {text} per sentence/line, then `done`
    with the whole JSON reply. Data are JSON, so newlines and markup in a message travel safely."""
    for piece in chunks(result["reply"]):
        yield "event: chunk\ndata: " + json.dumps({"text": piece}, ensure_ascii=False) + "\n\n"
    yield "event: done\ndata: " + json.dumps(result, ensure_ascii=False) + "\n\n"
