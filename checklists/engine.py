"""Facts + a date → a verdict per checklist item, and the outcome.

    scheme = load_scheme("nonferrous")
    ev = evaluate(scheme, documents, {"association_member": True}, as_of=date(2024, 8, 1))
    ev.to_json()           # the contract's `intake check --json` object
    ev.trace("nonferrous.art6.7")   # which rule ran on which facts, "no" vs "unknown"

The rule of each item (checklists/rules.py) gives a first verdict; the engine then
applies what holds for every item: applicability (sector, target level, online
sales), cross-document consistency with the business licence, OCR'd values a person
must check, and a reviewer's override, which wins. Each adjustment is kept in the trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from extractors.facts import DocumentFacts
from extractors.text import name_key

from .factsfile import FactsError, parse_as_of, validate_facts
from .rules import DOC_TYPES, RULES, Context, Evidence, Step, Verdict, add_years, doc_label, parse_date, where
from .scheme import STATUSES, Ask, Item, Scheme, list_schemes, load_scheme  # noqa: F401 (re-exported)
from .settings import settings  # noqa: F401 (re-exported)
from .vocabulary import OUTCOME_ZH, STATUS_ZH  # noqa: F401 (re-exported)


@dataclass
class ItemResult:
    item: Item
    status: str
    reason: str
    evidence: list[Evidence]
    steps: list[Step]
    rule_status: str | None  # what the rule said before the engine's adjustments (None: rule not run)
    adjustments: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    override: dict | None = None
    needs: list[Ask] = field(default_factory=list)  # what would satisfy it: the asks still open
    score: float | None = None
    score_cap: float | None = None

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def gate(self) -> bool:
        return self.item.is_gate

    def to_json(self) -> dict:
        out = {
            "id": self.item.id,
            "clause": self.item.clause,
            "title": self.item.title,
            "status": self.status,
            "reason": self.reason,
            "evidence": [e.to_json() for e in self.evidence],
            "gate": self.item.is_gate,
            "gates": [g for g in self.item.gates if g != "*"],
            "quote": self.item.quote,
            "rule": self.item.rule,
            "satisfy": self.item.satisfy if self.status in ("missing", "not_met", "review") else "",
            "needs": [a.to_json() for a in self.needs],
            "warnings": list(self.warnings),
        }
        if self.override:
            out["override"] = dict(self.override)
        if self.item.points is not None:
            out["points"] = self.item.points
            out["score"] = None if self.score is None else round(self.score * self.item.points, 2)
            out["score_max"] = None if self.score_cap is None else round(self.score_cap * self.item.points, 2)
        return out


@dataclass
class Evaluation:
    scheme: Scheme
    as_of: date
    items: list[ItemResult]
    outcome: dict
    documents: list[DocumentFacts]
    facts: dict  # validated facts
    fact_sources: dict  # the facts used, with their source (contract `facts`)

    def item(self, item_id: str) -> ItemResult:
        for r in self.items:
            if r.item.id == item_id:
                return r
        raise KeyError(f"方案 {self.scheme.id} 没有条目 {item_id!r}")

    def by_status(self) -> dict[str, list[ItemResult]]:
        out: dict[str, list[ItemResult]] = {s: [] for s in ("not_met", "missing", "review", "met", "not_applicable")}
        for r in self.items:
            out[r.status].append(r)
        return out

    def levels(self) -> list[dict]:
        """Each level of a scheme with levels, lowest first: the outcome its gating items give
        (`status`, as `outcome.status` would be for that level) and whether it is `reached`."""
        by_id = {r.item.id: r for r in self.items}
        out, below = [], True  # a level counts as reached only above reached ones, as `outcome.level`
        for lv in self.scheme.levels:
            below = below and _level_reached(self.scheme, lv, by_id, self.facts)
            status = _status_of([by_id[i] for i in self.scheme.gating_ids(lv.name)])
            out.append({"name": lv.name, "status": status, "reached": below})
        return out

    def to_json(self) -> dict:
        return {
            "scheme": self.scheme.id,
            "scheme_name": self.scheme.name,
            "as_of": self.as_of.isoformat(),
            "outcome": dict(self.outcome),
            "items": [r.to_json() for r in self.items],
            "documents": [d.to_json() for d in self.documents],
            "facts": self.fact_sources,
        }

    def trace(self, item_id: str) -> dict:
        """Which rule ran on which facts with which values; unknown facts are marked unknown, never false."""
        r = self.item(item_id)
        return {
            "id": r.item.id,
            "clause": r.item.clause,
            "title": r.item.title,
            "rule": r.item.rule,
            "params": r.item.params,
            "as_of": self.as_of.isoformat(),
            "steps": [s.to_json() for s in r.steps],
            "unknown": [s.fact for s in r.steps if not s.known],
            "rule_status": r.rule_status,
            "adjustments": list(r.adjustments),
            "status": r.status,
            "reason": r.reason,
        }

    def explain(self, item_id: str) -> str:
        """The trace as text, for `intake check --explain ITEM`."""
        r = self.item(item_id)
        lines = [
            f"{r.item.id}  {r.item.clause}  {r.item.title}",
            f"  条文：{r.item.quote}",
            f"  规则：{r.item.rule} {r.item.params if r.item.params else ''}".rstrip(),
            f"  评价日：{self.as_of}",
        ]
        lines.append("  查看的事实：" if r.steps else "  查看的事实：（无）")
        lines += [f"    - {s.describe()}" for s in r.steps]
        unknown = [s.fact for s in r.steps if not s.known]
        if unknown:
            lines.append(f"  未知（未提供，不按“否”处理）：{', '.join(unknown)}")
        if r.rule_status:
            lines.append(f"  规则结论：{r.rule_status}（{STATUS_ZH[r.rule_status]}）")
        lines += [f"  调整：{a}" for a in r.adjustments]
        lines.append(f"  最终：{r.status}（{STATUS_ZH[r.status]}）— {r.reason}")
        if r.needs:
            lines.append("  可补充：" + "；".join(a.question for a in r.needs))
        return "\n".join(lines)


# -- evaluation ----------------------------------------------------------------


def evaluate(
    scheme: Scheme | str,
    documents: list[DocumentFacts],
    facts: dict | None = None,
    as_of: date | str | None = None,
    overrides: dict | None = None,
) -> Evaluation:
    """Evaluate every item of `scheme` on `as_of` (default today). Raises FactsError on bad facts/overrides."""
    if isinstance(scheme, str):
        scheme = load_scheme(scheme)
    as_of = parse_as_of(as_of)
    facts = validate_facts(scheme, facts)
    overrides = _check_overrides(scheme, overrides)
    ctx = Context(scheme, list(documents), facts, as_of)
    target = facts.get("target_level")
    results = [_evaluate_item(ctx, item, target, overrides.get(item.id)) for item in scheme.items]
    outcome = _outcome(scheme, results, facts, as_of)
    return Evaluation(scheme, as_of, results, outcome, list(documents), facts, _fact_sources(ctx, results))


def _check_overrides(scheme: Scheme, overrides: dict | None) -> dict:
    out = {}
    ids = {it.id for it in scheme.items}
    for iid, ov in (overrides or {}).items():
        if iid not in ids:
            raise FactsError(f"overrides: 方案 {scheme.id} 没有条目 {iid!r}")
        if not isinstance(ov, dict) or ov.get("status") not in STATUSES:
            raise FactsError(f'overrides.{iid}: 应为 {{"status": {"/".join(STATUSES)}, "note": …, "by": …}}')
        out[iid] = ov
    return out


def _evaluate_item(ctx: Context, item: Item, target: str | None, override: dict | None) -> ItemResult:
    r = _applicability(ctx, item, target)
    if r is None:
        verdict: Verdict = RULES[item.rule].func(ctx, item, item.params)
        r = ItemResult(
            item,
            verdict.status,
            verdict.reason,
            list(verdict.evidence),
            list(verdict.steps),
            verdict.status,
            score=verdict.score,
            score_cap=verdict.score_cap,
        )
        _bars(ctx, r)
        _consistency(ctx, r, verdict.docs)
        _ocr(ctx, r, verdict.docs)
        r.needs = _needs(item, r.status, verdict.needs)
    if override:
        by = override.get("by") or "审核人员"
        note = override.get("note") or ""
        r.adjustments.append(f"人工复核（{by}）改判为 {override['status']}，原判定 {r.status}")
        r.reason = f"人工复核（{by}）：{note or '改判'}；原判定：{STATUS_ZH[r.status]} — {r.reason}"
        r.status = override["status"]
        r.override = {"status": override["status"], "note": note, "by": by}
        if r.status in ("met", "not_applicable"):
            r.needs = []
    return r


def _applicability(ctx: Context, item: Item, target: str | None) -> ItemResult | None:
    for key, values in item.not_applicable_when.items():
        v, known = ctx.fact(key)
        if known and v in values:
            step = Step(f"facts.{key}", v, True, "申请人填报", f"∈ {values} → 不适用")
            return ItemResult(item, "not_applicable", f"不适用：{key} = {_show(v)}", [], [step], None)
    for key, values in item.applies_when.items():
        v, known = ctx.fact(key)
        if not known:
            step = Step(f"facts.{key}", None, False, "", f"需为 {values} 之一才适用")
            return ItemResult(
                item,
                "missing",
                f"未说明 {key}（{' / '.join(map(str, values))}），无法判断本条是否适用",
                [],
                [step],
                None,
                needs=[Ask(key, "choice", _question(key), choices=tuple(values))],
            )
        if v not in values:
            step = Step(f"facts.{key}", v, True, "申请人填报", f"∉ {values} → 不适用")
            return ItemResult(
                item, "not_applicable", f"不适用：{key} = {_show(v)}（本条适用于 {'/'.join(values)}）", [], [step], None
            )
    if target and item.gates and target not in item.gates:
        step = Step("facts.target_level", target, True, "申请人填报", f"本条只约束 {'、'.join(item.gates)}")
        return ItemResult(
            item, "not_applicable", f"申报级别为{target}，本条仅适用于{'、'.join(item.gates)}", [], [step], None
        )
    return None


def _bars(ctx: Context, r: ItemResult) -> None:
    """A dated fact that shuts the applicant out (a certificate revoked less than `years` ago) → not_met,
    citing its clause; one further back is recorded in the trace and changes nothing."""
    for bar in r.item.bars:
        v, known = ctx.fact(bar["fact"])
        on = parse_date(v) if known else None
        if on is None:
            r.steps.append(Step(f"facts.{bar['fact']}", None, False, "", f"{bar['clause']}：未填报"))
            continue
        until = add_years(on, int(bar["years"]))
        barred = ctx.as_of < until
        r.steps.append(
            Step(
                f"facts.{bar['fact']}",
                v,
                True,
                "申请人填报",
                f"{on} + {bar['years']} 年 = {until} {'>' if barred else '≤'} 评价日 {ctx.as_of}",
            )
        )
        if barred:
            r.adjustments.append(f"{bar['clause']}：{r.status} → not_met")
            r.status = "not_met"
            r.reason = (
                f"{bar['clause']}：{bar.get('reason') or '证书被撤销'}（{on}），{until} 前不得再次申请；另：{r.reason}"
            )


def _show(v: Any) -> str:
    return {True: "是", False: "否"}.get(v, str(v)) if isinstance(v, bool) else str(v)


def _question(key: str) -> str:
    from .factsfile import FACT_KEYS

    return FACT_KEYS.get(key, ("", key))[1]


def _needs(item: Item, status: str, rule_needs: list[str]) -> list[Ask]:
    if status in ("met", "not_applicable"):
        return []
    if rule_needs:
        picked = [a for a in item.asks if a.key in rule_needs or a.doc_type in rule_needs]
        picked += [ask_for_year(a, need) for need in rule_needs for a in item.asks if ask_year(a, need)]
        if picked:
            return picked
    return [a for a in item.asks if not a.key.endswith(".{year}")]


def ask_year(ask: Ask, need: str) -> str | None:
    """Public for the interview. "2024" when `ask` is the templated "net_profit.{year}" and `need` is "net_profit.2024"."""
    if not ask.key.endswith(".{year}"):
        return None
    m = re.fullmatch(re.escape(ask.key[: -len("{year}")]) + r"(\d{4})", need)
    return m.group(1) if m else None


def ask_for_year(ask: Ask, need: str) -> Ask:
    year = ask_year(ask, need)
    return replace(ask, key=need, question=ask.question.replace("{year}", year))


def same_holder(name: str, licence_name: str) -> bool:
    a, b = name_key(name), name_key(licence_name)
    if a == b:
        return True
    suffixes = settings().get("internal_unit_suffixes") or []
    return a.startswith(b) and a[len(b) :] in suffixes


def _consistency(ctx: Context, r: ItemResult, docs: list[DocumentFacts]) -> None:
    lic = ctx.licence
    if lic is None:
        return
    lic_name, lic_uscc = lic.value("org_name"), lic.value("uscc")
    for d in docs:
        if d is lic or d.type == "business_license":
            continue
        found: list[tuple[str, str]] = []
        name, uscc = d.value("org_name"), d.value("uscc")
        if name and lic_name and not same_holder(name, lic_name):
            found.append(("org_name", f"{doc_label(d.type)} {d.file} 的持有人“{name}”与营业执照名称“{lic_name}”不一致"))
        if uscc and lic_uscc and str(uscc).upper() != str(lic_uscc).upper():
            found.append(
                ("uscc", f"{doc_label(d.type)} {d.file} 的统一社会信用代码 {uscc} 与营业执照 {lic_uscc} 不一致")
            )
        for field_name, _ in found:
            f = d.fields.get(field_name)
            if f is not None and not any(e.file == d.file and e.field == field_name for e in r.evidence):
                r.evidence.append(
                    Evidence(d.file, f.page, f.text, field_name, f.ocr, f.confidence, f.ocr_confidence, f.check)
                )
        problems = [p for _, p in found]
        r.warnings += problems
        if problems and r.status == "met":
            r.adjustments.append("材料之间主体信息不一致：met → review")
            r.status = "review"
            r.reason = f"{r.reason}；但{'；'.join(problems)}，需人工核实"
        elif problems:
            r.reason = f"{r.reason}；另：{'；'.join(problems)}"


@lru_cache(maxsize=1)
def ocr_review_below() -> float:
    """The OCR line confidence under which a person checks the value: one number, the OCR
    settings' `review_below` (extractors/data/ocr.yaml), calibrated on line confidence."""
    from extractors.ocr import load_settings

    return float(load_settings().review_below)


def _ocr_shaky(e: Evidence, threshold: float) -> float | None:
    """The OCR confidence of evidence a person must check, or None. Facts written before fields
    carried `ocr_confidence` only have the combined confidence, which is never above the line's:
    at or over the threshold it proves the line was, below it the line is unknown → checked.
    A field flagged by the extractor (`check`: an identifier OCR may have misread) is checked whatever
    its line confidence."""
    if e.check:
        return min(e.ocr_confidence if e.ocr_confidence is not None else e.confidence, threshold - 0.01)
    if e.ocr_confidence is not None:
        return e.ocr_confidence if e.ocr_confidence < threshold else None
    if e.ocr and e.confidence < threshold:
        return e.confidence
    return None


# fields that name the evidence itself: a doubtful reading of one puts in doubt which document it is
IDENTITY_FIELDS = ("cert_number", "uscc", "lab_number", "reg_number")


def _ocr(ctx: Context, r: ItemResult, docs: list[DocumentFacts] | tuple = ()) -> None:
    threshold = ocr_review_below()
    for d in docs:  # a flagged identifier of a document the verdict rests on joins its evidence
        for name in IDENTITY_FIELDS:
            f = d.fields.get(name)
            if f is not None and f.check and not any(e.file == d.file and e.field == name for e in r.evidence):
                r.evidence.append(
                    Evidence(d.file, f.page, f.text, name, f.ocr, f.confidence, f.ocr_confidence, f.check)
                )
    shaky = []
    for e in r.evidence:
        conf = _ocr_shaky(e, threshold)
        if conf is not None:
            note = f"，{e.check}" if e.check else ""
            shaky.append(f"{e.file}{f' 第{e.page}页' if e.page else ''}“{e.text}”（OCR 置信度 {conf:.2f}{note}）")
    if not shaky:
        return
    r.warnings.append("OCR 识别，请核对：" + "；".join(shaky))
    if r.status in ("met", "not_met"):
        r.adjustments.append(f"证据为低置信度 OCR 识别（< {threshold}）：{r.status} → review")
        r.reason = f"{r.reason}（OCR 识别，请核对：{'；'.join(shaky)}）"
        r.status = "review"


# -- outcome -------------------------------------------------------------------


def _status_of(results: list[ItemResult]) -> str:
    statuses = {r.status for r in results}
    if "not_met" in statuses:
        return "not_eligible"
    if "missing" in statuses:
        return "incomplete"
    if "review" in statuses:
        return "needs_review"
    return "eligible"


def _level_reached(scheme: Scheme, level, by_id: dict[str, ItemResult], facts: dict) -> bool:
    gating = [by_id[i] for i in scheme.gating_ids(level.name)]
    if any(r.status not in ("met", "not_applicable") for r in gating):
        return False
    for key, minimum in level.min_facts.items():
        v = facts.get(key)
        if v is None or v < minimum:
            return False
    return True


def _outcome(scheme: Scheme, results: list[ItemResult], facts: dict, as_of: date) -> dict:
    by_id = {r.item.id: r for r in results}
    notes: list[str] = list(scheme.notes)
    target = facts.get("target_level")
    level = None
    if scheme.levels:
        asked = target or scheme.levels[0].name
        gating = [by_id[i] for i in scheme.gating_ids(asked)]
        top = scheme.level_names.index(target) if target else len(scheme.levels) - 1
        for lv in scheme.levels[: top + 1]:
            if not _level_reached(scheme, lv, by_id, facts):
                break
            level = lv.name
        if level:
            idx = scheme.level_names.index(level)
            if (
                idx > 0
                and set(scheme.gating_ids(level)) == set(scheme.gating_ids(scheme.level_names[idx - 1]))
                and scheme.levels[idx].min_facts == scheme.levels[idx - 1].min_facts
                and scheme.shared_levels_note
            ):
                notes.append(scheme.shared_levels_note)
    else:
        gating = [by_id[i] for i in scheme.gating_ids(None)]
    outcome: dict[str, Any] = {
        "status": _status_of(gating),
        "level": level,
        "score": None,
        "score_max": None,
        "grade": None,
    }
    if target:
        outcome["target_level"] = target
    if scheme.scoring:
        _score(scheme, results, outcome)
    if scheme.provisional:
        notes.append(scheme.provisional.get("note", "级别对应关系为暂定"))
        outcome["provisional"] = True
    camp = scheme.campaign
    if camp.get("deadline") and as_of > camp["deadline"]:
        notes.append(
            f"{camp.get('name', '本期申报')}截止日为 {camp['deadline']}，评价日 {as_of} 已过截止日"
            f"（{camp.get('clause', '')}）"
        )
    outcome["counts"] = {s: sum(1 for r in results if r.status == s) for s in STATUSES}
    outcome["notes"] = notes
    return outcome


def grade_of(scheme: Scheme, score: float | None) -> str | None:
    """The grade of 6.2.2 an exact total reaches (69.996 is below 70: no rounding before grading).
    Only float noise (1e-9) is forgiven, so 0.7 × 100 summed item by item still reaches 70."""
    if score is None:
        return None
    best = None
    for g in sorted(scheme.scoring.get("grades") or [], key=lambda g: g["min"]):
        if score + 1e-9 >= g["min"]:
            best = g["name"]
    return best


def _score(scheme: Scheme, results: list[ItemResult], outcome: dict) -> None:
    """`grade` only from a complete score with no failed or missing precondition (gate); the best grade
    the evidence allows is shown apart as `best_grade` (可争取的最高等级), never as the grade."""
    scored = [r for r in results if r.item.rule == "scored"]
    total = sum(r.item.points for r in scored)
    exact = sum(r.score * r.item.points for r in scored) if all(r.score is not None for r in scored) else None
    cap = sum((r.score_cap if r.score_cap is not None else 0) * r.item.points for r in scored)
    failed = [r for r in results if r.item.is_gate and r.status in ("not_met", "missing")]
    outcome["score"] = round(exact, 2) if exact is not None else None
    outcome["score_max"] = round(cap, 2)
    outcome["score_total"] = total
    outcome["grade"] = grade_of(scheme, exact) if not failed else None
    outcome["grade_basis"] = "score" if outcome["grade"] else None
    outcome["best_grade"] = None if failed else grade_of(scheme, cap)
    outcome["best_grade_label"] = "可争取的最高等级"
    if failed:
        outcome["grade_withheld"] = (
            f"基本要求{'、'.join(r.item.clause for r in failed)}"
            f"{'不满足' if any(r.status == 'not_met' for r in failed) else '尚缺材料'}，不评定等级"
        )
    elif exact is None:
        outcome["grade_withheld"] = "尚未全部评分，不评定等级（可争取的最高等级按现有材料估算）"
    minimum = min((g["min"] for g in scheme.scoring.get("grades") or []), default=None)
    if exact is not None and minimum is not None and exact + 1e-9 < minimum:
        outcome["status"] = "not_eligible"


def _fact_sources(ctx: Context, results: list[ItemResult]) -> dict:
    """Declared facts (source "facts"), the licence's identity, and every document value a rule compared."""
    out: dict[str, dict] = {}
    for k, v in ctx.facts.items():
        out[k] = {"value": v, "source": "facts"}
    for r in results:
        for st in r.steps:
            if st.known and st.source and st.fact.split(".")[0] in DOC_TYPES and st.fact not in out:
                out[st.fact] = {"value": st.value, "source": st.source}
    lic = ctx.licence
    if lic is not None:
        for name in ("org_name", "uscc", "province", "established", "address"):
            f = lic.fields.get(name)
            if f is not None and name not in out:
                out[name] = {
                    "value": f.value,
                    "source": where(lic, f),
                    "file": lic.file,
                    "page": f.page,
                    "text": f.text,
                }
    return out
