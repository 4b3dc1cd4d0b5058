"""Runs the assistant's evaluation set (questions.yaml, interviews.yaml in this folder).

Held-out rule, fixed before tuning: within each scheme's list (questions) and within the list of
interviews, every third item (index % 3 == 2) is held out. Reports give per-item detail for the
tuned part only; the held-out part is reported as totals.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

HERE = Path(__file__).parent
DECLINED = ("原文未规定", "没有找到依据")


def held_out(index: int) -> bool:
    return index % 3 == 2


def questions() -> tuple[dict, dict]:
    data = yaml.safe_load((HERE / "questions.yaml").read_text(encoding="utf-8"))
    as_of = {k: str(v) for k, v in data.pop("as_of").items()}
    return data, as_of


@dataclass
class Tally:
    answerable: int = 0
    right: int = 0
    unanswerable: int = 0
    declined: int = 0
    stored: int = 0  # questions taken as answers (a fact stored that was not given)
    misses: list = field(default_factory=list)

    def count(self, scheme: str, item: dict, reply, ok: bool, stored: bool) -> None:
        self.stored += stored
        if item.get("decline"):
            self.unanswerable += 1
            self.declined += ok
        else:
            self.answerable += 1
            self.right += ok
        if not ok or stored:
            self.misses.append((scheme, item, reply.text))

    def line(self) -> str:
        a = f"{self.right}/{self.answerable} ({100 * self.right / max(self.answerable, 1):.0f}%)"
        d = f"{self.declined}/{self.unanswerable} ({100 * self.declined / max(self.unanswerable, 1):.0f}%)"
        return (
            f"answerable with right clause + key fact {a}; unanswerable/off-topic declined {d}; "
            f"facts stored from a question {self.stored}"
        )


def ask(scheme: str, as_of: str, q: str):
    """A fresh interview with a question pending, then the applicant's question; the reply and
    whether anything was stored."""
    from intake.assistant.engine import Assistant

    a = Assistant(scheme, as_of=as_of)
    a.reply("你好")
    before = copy.deepcopy(a.state["answers"]), copy.deepcopy(a.state["corrections"])
    r = a.reply(q)
    stored = (a.state["answers"], a.state["corrections"]) != before
    return r, stored


def judge(item: dict, reply) -> bool:
    from intake.assistant.retrieval import clause_key

    text = reply.text
    declined = any(w in text for w in DECLINED)
    if item.get("decline"):
        return declined
    want = {clause_key(c) for c in item["clause"]}
    cited = any(clause_key(q["clause"]) in want for q in reply.quotes)
    return cited and not declined and any(str(f) in text for f in item["fact"])


def run_questions() -> dict[str, Tally]:
    data, as_of = questions()
    out = {"tuned": Tally(), "held-out": Tally()}
    for scheme, items in data.items():
        for i, item in enumerate(items):
            t = out["held-out" if held_out(i) else "tuned"]
            r, stored = ask(scheme, as_of[scheme], item["q"])
            t.count(scheme, item, r, judge(item, r), stored)
    return out


# -- interviews --------------------------------------------------------------------------


def interviews() -> list[dict]:
    return yaml.safe_load((HERE / "interviews.yaml").read_text(encoding="utf-8"))


@dataclass
class InterviewResult:
    name: str
    turns: int = 0
    wrong: list = field(default_factory=list)  # expectations not met
    not_given: list = field(default_factory=list)  # facts stored that the person did not give
    unscripted: list = field(default_factory=list)  # questions the script has no answer for (skipped)


def _asked(a) -> set:
    pending = a.state.get("pending") or {}
    return {k for k in (pending.get("key"), pending.get("doc_type")) if k}


def _next_turn(a, queue: list, played: set, res: InterviewResult):
    """The applicant answers the question actually asked: the first scripted turn, unless it answers
    another question (`asks`) and a later turn answers the pending one — then that turn (with the
    turns right after it about the same question) comes first. A question the script never answers
    is skipped ("跳过"), as a person without the answer would; it is listed, and nothing may be stored.
    Same for every interview, tuned and held-out."""
    asked = _asked(a)
    _, turn = queue[0]
    if not turn.get("asks") or turn["asks"] in asked or not asked:
        return queue.pop(0)
    j = next((i for i, (_, t) in enumerate(queue) if t.get("asks") in asked), None)
    if j is not None:
        group = [queue[j]]
        while j + len(group) < len(queue) and queue[j + len(group)][1].get("asks") == queue[j][1]["asks"]:
            group.append(queue[j + len(group)])
        del queue[j : j + len(group)]
        queue[0:0] = group[1:]
        return group[0]
    if asked & played or len(res.unscripted) > len(queue) + 10:
        return queue.pop(0)  # the script's own question again (its answer was refused): a miss
    key = (a.state.get("pending") or {}).get("key")
    res.unscripted.append(key)
    return 0, {"say": "跳过", "unscripted": key}


def run_interview(spec: dict) -> InterviewResult:
    """Plays one scripted interview. Each turn: `say` (or `upload: doc_type`); optional `asks`
    (the key of the question the turn answers — it must be pending when the turn is played, see
    `_next_turn`); `stores: {key: value}` (exactly these answers change — anything else stored
    counts as not given); `reply_has` / `reply_lacks` (substrings of the reply)."""
    import sys

    sys.path.insert(0, str(HERE.parent))
    from assistant_helpers import document

    from intake.assistant.engine import Assistant

    as_of = str(spec["as_of"])
    a = Assistant(spec["scheme"], as_of=as_of)
    res = InterviewResult(spec["name"])
    queue = list(enumerate(spec["turns"], 1))
    played: set = set()
    while queue:
        n, turn = _next_turn(a, queue, played, res)
        res.turns += 1
        pending = (a.state.get("pending") or {}).get("key")
        if turn.get("asks") and turn["asks"] not in _asked(a):
            res.wrong.append(f"turn {n}: expected the question {turn['asks']}, pending is {pending}")
        if turn.get("asks"):
            played.add(turn["asks"])
        before = copy.deepcopy({k: v["value"] for k, v in a.state["answers"].items()})
        if "upload" in turn:
            r = a.on_upload(document(turn["upload"], spec["scheme"], date.fromisoformat(as_of)))
        else:
            r = a.reply(str(turn["say"]))
        after = {k: v["value"] for k, v in a.state["answers"].items()}
        changed = {k: v for k, v in after.items() if before.get(k, object()) != v}
        gone = [k for k in before if k not in after]
        expected = turn.get("stores") or {}
        for k, v in changed.items():
            if k not in expected:
                res.not_given.append(f"turn {n} ({turn.get('say', turn.get('upload'))}): stored {k} = {v!r}")
            elif expected[k] != v:
                res.wrong.append(f"turn {n}: {k} stored {v!r}, expected {expected[k]!r}")
        for k in expected:
            if k not in changed:
                res.wrong.append(f"turn {n}: {k} was not stored")
        for k in turn.get("clears") or []:
            if k not in gone:
                res.wrong.append(f"turn {n}: {k} should have been cleared")
        for s in turn.get("reply_has") or []:
            if s not in r.text:
                res.wrong.append(f"turn {n}: reply lacks {s!r}: {r.text[:200]!r}")
        for s in turn.get("reply_lacks") or []:
            if s in r.text:
                res.wrong.append(f"turn {n}: reply has {s!r}")
    return res


def run_interviews() -> dict[str, list[InterviewResult]]:
    out = {"tuned": [], "held-out": []}
    for i, spec in enumerate(interviews()):
        out["held-out" if held_out(i) else "tuned"].append(run_interview(spec))
    return out


# -- issue 27: questions in phone Chinese, and the shared set -----------------------------------

SHARED = Path("/work/shared/chat")


def phone_held_out(qid: str) -> bool:
    """Held out by a hash of the question's id (fixed before tuning): a third of the set."""
    import hashlib

    return int(hashlib.sha256(qid.encode("utf-8")).hexdigest(), 16) % 3 == 0


def _squash(text: str) -> str:
    import re
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def phone_questions() -> tuple[list[dict], dict]:
    data = yaml.safe_load((HERE / "phone.yaml").read_text(encoding="utf-8"))
    return data["questions"], {k: str(v) for k, v in data["as_of"].items()}


def _case_documents(scheme: str, as_of: str, specs: list[dict]) -> list[dict]:
    import sys

    sys.path.insert(0, str(HERE.parent))
    from assistant_helpers import document, field

    out = []
    for spec in specs:
        spec = dict(spec)
        doc_type = spec.pop("type")
        out.append(document(doc_type, scheme, date.fromisoformat(as_of), **{k: field(v) for k, v in spec.items()}))
    return out


def ask_in_case(item: dict, as_of: str):
    """The question asked as the first message of a conversation about the item's case (its facts
    and documents); the reply, and whether anything was stored from the question."""
    from intake.assistant.engine import Assistant

    case = item.get("case") or {}
    a = Assistant(item["scheme"], as_of=str(item.get("as_of") or as_of), facts=copy.deepcopy(case.get("facts")))
    if case.get("documents"):
        a.sync(documents=_case_documents(item["scheme"], a.state["as_of"], case["documents"]))
    before = copy.deepcopy(a.state["answers"]), copy.deepcopy(a.state["corrections"]), a.facts()
    r = a.reply(item["q"])
    stored = (a.state["answers"], a.state["corrections"], a.facts()) != before
    return r, stored


def judge_phone(item: dict, reply) -> bool:
    from intake.assistant.retrieval import clause_key

    text = _squash(reply.text)
    declined = any(w in text for w in DECLINED)
    if item.get("decline"):
        return declined
    want = {clause_key(c) for c in item["clause"]}
    cited = any(clause_key(q["clause"]) in want for q in reply.quotes)
    return cited and not declined and all(_squash(str(m)) in text for m in item["must"])


def run_phone() -> dict[str, Tally]:
    items, as_of = phone_questions()
    out = {"tuned": Tally(), "held-out": Tally()}
    for item in items:
        t = out["held-out" if phone_held_out(item["id"]) else "tuned"]
        r, stored = ask_in_case(item, as_of[item["scheme"]])
        t.count(item["scheme"], item, r, judge_phone(item, r), stored)
    return out


def _shared_scorer():
    import importlib.util

    spec = importlib.util.spec_from_file_location("shared_chat_score", SHARED / "score.py")
    if spec is None or spec.loader is None:
        return None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_shared() -> Tally | None:
    """The shared set (/work/shared/chat) judged by its own scorer's rules, each question the first
    message of a fresh conversation as `intake chat --scheme S` would take it (in this process)."""
    import json

    if not (SHARED / "questions.json").exists():
        return None
    from intake.assistant.engine import Assistant

    score = _shared_scorer()
    t = Tally()
    for q in json.loads((SHARED / "questions.json").read_text(encoding="utf-8")):
        rep = score.norm(Assistant(q["scheme"]).reply(q["q"]).text)
        if q["kind"] == "answerable":
            t.answerable += 1
            ok = any(score.names_clause(rep, lab) for lab in q["clauses"]) and all(
                score.norm(x) in rep for x in q["must"]
            )
            t.right += ok
        else:
            t.unanswerable += 1
            ok = bool(rep) and score.DECLINE.search(rep) is not None
            t.declined += ok
        if not ok:
            t.misses.append((q["scheme"], {"q": q["q"], "clause": q.get("clauses")}, rep))
    return t
