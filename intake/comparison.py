"""Every scheme at once: one set of documents and stated facts against every registered scheme.

The documents come read (a face reads its files once, first); each scheme is then evaluated by the one pre-check (`intake.precheck`),
so a scheme's entry is exactly what its own check gives — the comparison only summarises it, and
never says more: no verdict of its own, the provisional notes and the items left for a person kept.

    result = compare(extract_files(["licence.pdf", "qms.pdf"]), {"sector": "manufacturing"}, as_of="2026-03-01")
    result.to_json()["schemes"]["jinzhi"]   # == precheck("jinzhi", …).to_json()
    result.summaries()                      # per scheme: outcome, counts, level/score, next actions

A scheme added as data (checklists/schemes/<id>/, or a folder on INTAKE_SCHEMES_PATH) is compared
without code: the list comes from the scheme registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from checklists.factsfile import FactsError, parse_as_of
from checklists.registry import scheme_ids
from checklists.rules import parse_date
from checklists.scheme import Ask, Scheme, load_scheme
from checklists.vocabulary import FACT_QUESTIONS, OUTCOME_ZH, STATUS_ORDER, doc_label
from extractors.facts import DocumentFacts
from intake.precheck import Precheck, precheck

# best first: which outcome leaves the applicant closest to applying
OUTCOME_RANK = ("eligible", "needs_review", "incomplete", "not_eligible")
GAPS = ("missing", "not_met")  # what an applicant can act on; `review` waits for a person
ACTIONS_SHOWN = 3


@dataclass
class Comparison:
    as_of: date
    documents: list[DocumentFacts]
    results: dict[str, Precheck] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # scheme id → why the stated facts do not fit it

    def entry(self, scheme_id: str) -> dict:
        """What `intake check --scheme ID --json` gives for the same inputs (or the error it would print)."""
        if scheme_id in self.errors:
            return {"scheme": scheme_id, "error": self.errors[scheme_id]}
        return self.results[scheme_id].to_json()

    def summaries(self) -> list[dict]:
        """One summary per scheme, closest to applying first (the registry's order breaks ties)."""
        out = [summary(r) for r in self.results.values()]
        out.sort(key=_closeness)
        names = {s: load_scheme(s).name for s in self.errors}
        return out + [{"scheme": s, "name": names[s], "error": e} for s, e in self.errors.items()]

    def best(self) -> str | None:
        """The scheme closest to applying, or None when no scheme could be evaluated."""
        done = self.summaries()
        return done[0]["scheme"] if done and "error" not in done[0] else None

    def to_json(self) -> dict:
        ids = [*self.results, *self.errors]
        order = [s for s in scheme_ids() if s in ids]
        return {
            "as_of": self.as_of.isoformat(),
            "schemes": {s: self.entry(s) for s in order},
            "comparison": self.summaries(),
        }


def compare(
    documents: Sequence[DocumentFacts],
    stated: dict | None = None,
    as_of: date | str | None = None,
    schemes: Sequence[str] | None = None,
    origin: str = "facts",
    overrides: dict | None = None,
) -> Comparison:
    """Pre-check every registered scheme (or `schemes`) on the read `documents`; a
    reviewer's `overrides` go to the scheme whose item they name (`<scheme>.<clause>`).
    Stated facts that do not fit one scheme (a level it does not have) leave that scheme out with
    the reason; facts that fit none raise the FactsError, as a bad argument."""
    day = parse_as_of(as_of)
    out = Comparison(day, list(documents))
    for sid in schemes or scheme_ids():
        own = {k: v for k, v in (overrides or {}).items() if k.startswith(f"{sid}.")}
        try:
            out.results[sid] = precheck(sid, out.documents, stated, day, own or None, origin=origin)
        except FactsError as e:
            out.errors[sid] = str(e)
    if not out.results and out.errors:
        raise FactsError(next(iter(out.errors.values())))
    return out


def summary(result: Precheck) -> dict:
    """A scheme's line in the comparison, taken from its own check: outcome, counts per verdict, the
    best reachable level (or the score against its threshold), what is provisional or waits for a
    person, and the three next actions worth most."""
    ev = result.evaluation
    scheme, o = ev.scheme, ev.outcome
    counts = {s: o["counts"].get(s, 0) for s in STATUS_ORDER}
    out: dict = {
        "scheme": scheme.id,
        "name": scheme.name,
        "status": o["status"],
        "status_zh": OUTCOME_ZH.get(o["status"], o["status"]),
        "counts": counts,
        "level": o.get("level"),
        "levels": ev.levels(),
        "provisional": bool(o.get("provisional")),
        "review": counts["review"],
        "notes": list(o.get("notes") or []),
        "next_actions": next_actions(result),
    }
    if scheme.scoring:
        out["score"] = {
            "score": o.get("score"),
            "score_max": o.get("score_max"),
            "score_total": o.get("score_total"),
            "threshold": _threshold(scheme),
            "grade": o.get("grade"),
            "best_grade": o.get("best_grade"),
            "grade_withheld": o.get("grade_withheld"),
        }
    out["flags"] = _flags(out)
    return out


def _threshold(scheme: Scheme) -> float | None:
    grades = scheme.scoring.get("grades") or []
    return min((g["min"] for g in grades), default=None)


def _flags(s: dict) -> list[str]:
    """The caveats the scheme's own check gives, in the applicant's words."""
    flags = []
    if s["provisional"]:
        flags.append("暂定")
    if s["status"] == "needs_review" or s["review"]:
        flags.append(f"待人工审核 {s['review']} 项" if s["review"] else "待人工审核")
    return flags


def next_actions(result: Precheck, limit: int = ACTIONS_SHOWN) -> list[dict]:
    """What to upload or answer next, worth most first: the open asks (the engine's `needs`) of the
    items still missing, and of the items failing on an expired or absent document, counted over the
    items they bear on — gating items count twice. A failing item whose document is there and valid
    (another province, a low score) is not settled by uploading again, so it suggests nothing.
    `sole` counts the items this action alone would complete (a declaration beside it is no
    alternative: it never makes an item met)."""
    ev = result.evaluation
    present = {d.type for d in ev.documents if not d.error}
    expired = {d.type for d in ev.documents if _expired(d, ev.as_of)}
    found: dict[str, dict] = {}
    for r in ev.items:
        if r.status not in GAPS:
            continue
        asks = {(a.doc_type or a.key): a for a in _open_asks(r, present, expired)}
        for key, ask in asks.items():
            a = found.setdefault(key, {"key": key, "kind": ask.kind, "items": [], "gates": 0, "sole": 0, "ask": ask})
            a["items"].append(r.item.id)
            a["gates"] += 1 if r.item.is_gate else 0
            a["sole"] += 1 if [k for k in asks if not k.startswith("declarations.")] == [key] else 0
    # worth: the items it bears on, gating ones counted twice; an upload before a statement at a tie
    ranked = sorted(found.values(), key=lambda a: (-(a["gates"] + len(a["items"])), a["kind"] != "upload"))[:limit]
    return [{**{k: v for k, v in a.items() if k != "ask"}, "text": _action_text(a)} for a in ranked]


def _open_asks(r, present: set[str], expired: set[str]) -> list[Ask]:
    """A missing item: its open asks. A failing one: a valid copy of each expired document it rests
    on, and the documents it asks for that are not there at all."""
    if r.status == "missing":
        return list(r.needs)
    renew = [Ask(t, "upload", "", doc_type=t) for t in r.item.evidence if t in expired]
    return renew + [a for a in r.needs if a.doc_type and a.doc_type not in present]


def _expired(doc: DocumentFacts, as_of: date) -> bool:
    until = parse_date(doc.value("valid_until"))
    return until is not None and until < as_of


def _action_text(a: dict) -> str:
    """In the applicant's words, no stronger than the check: an upload fills what an item lacks, it
    does not promise `met` (a credit report, a certificate of a system 完善 still go to a person), so
    the items are said to be 补齐, and only those this action alone completes; a declaration alone
    only makes an item 待人工审核 (contract: never met)."""
    ask, n, sole = a["ask"], len(a["items"]), a["sole"]
    if ask.key.startswith("declarations."):
        return f"作出声明（{ask.question.rstrip('？?')}）：{n} 项转为待人工审核"
    what = (
        f"上传有效的{doc_label(ask.doc_type)}" if ask.doc_type else f"回答“{FACT_QUESTIONS.get(ask.key, ask.question)}”"
    )
    if sole == n:
        return f"{what}：可补齐 {n} 项所缺材料"
    if sole:
        return f"{what}：可补齐 {sole} 项所缺材料，另涉及 {n - sole} 项（还可能需要其他材料）"
    return f"{what}：涉及 {n} 项（还可能需要其他材料）"


def _closeness(s: dict) -> tuple:
    open_items = s["counts"]["missing"] + s["counts"]["not_met"]
    rank = OUTCOME_RANK.index(s["status"]) if s["status"] in OUTCOME_RANK else len(OUTCOME_RANK)
    return (rank, open_items, scheme_ids().index(s["scheme"]) if s["scheme"] in scheme_ids() else 0)
