"""The fixed registry of rules a scheme file may name (`rule: cert_valid`, `params: {...}`).

A rule looks at the documents and the applicant's facts for one item and returns a
`Verdict`: status, a Chinese reason naming the values compared, the evidence lines,
and a trace of every fact it looked at — known or unknown. A fact that is not there
is *unknown*, never false or zero: the verdict is then `missing`, not `not_met`.

Facts from the applicant are of two sorts. Context facts (sector, product kind,
association membership, scale, code coverage …) describe the applicant and are
taken as stated. Declarations (`declarations`) stand in for evidence nobody can
upload; a declaration alone makes an item `review`, never `met`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from extractors.facts import DocumentFacts
from extractors.facts import Field as DocField

from .vocabulary import DOC_TYPES, doc_label  # noqa: F401 (the one vocabulary; re-exported)


@dataclass
class Evidence:
    file: str
    page: int | None
    text: str
    field: str = ""
    ocr: bool = False
    confidence: float = 1.0
    ocr_confidence: float | None = None  # the OCR line confidence (Field.ocr_confidence); None: not OCR'd
    check: str | None = None  # the field's 请核对 note (Field.check): a doubtful OCR reading, never `met` as is

    def to_json(self) -> dict:
        return {"file": self.file, "page": self.page, "text": self.text}


@dataclass
class Step:
    """One fact a rule looked at: where it came from and what it was — or that it was unknown."""

    fact: str  # "ems_certificate.valid_until", "facts.association_member"
    value: Any = None
    known: bool = True
    source: str = ""  # "ems.pdf 第1页", "申请人填报", ""
    note: str = ""  # the comparison made with it

    def to_json(self) -> dict:
        return {
            "fact": self.fact,
            "known": self.known,
            "value": _jsonable(self.value) if self.known else None,
            "source": self.source,
            "note": self.note,
        }

    def describe(self) -> str:
        v = f"= {_jsonable(self.value)!r}" if self.known else "= 未知（未提供）"
        src = f"  [{self.source}]" if self.source else ""
        note = f"  → {self.note}" if self.note else ""
        return f"{self.fact} {v}{src}{note}"


def _jsonable(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    return v


@dataclass
class Verdict:
    status: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    docs: list[DocumentFacts] = field(default_factory=list)  # documents the verdict rests on
    needs: list[str] = field(default_factory=list)  # ask keys still unanswered (empty: all of the item's asks)
    score: float | None = None  # scored items: evaluator fraction
    score_cap: float | None = None  # scored items: best fraction reachable with the evidence present


class Context:
    """What a rule can see: usable documents, the applicant's facts, the evaluation date, the scheme."""

    def __init__(self, scheme, documents: list[DocumentFacts], facts: dict, as_of: date):
        self.scheme = scheme
        self.documents = [d for d in documents if not d.error]
        self.facts = facts
        self.as_of = as_of

    def docs(self, *types: str) -> list[DocumentFacts]:
        return [d for d in self.documents if d.type in types]

    @property
    def licence(self) -> DocumentFacts | None:
        lic = self.docs("business_license")
        return lic[0] if lic else None

    def fact(self, key: str) -> tuple[Any, bool]:
        if key in self.facts and self.facts[key] is not None:
            return self.facts[key], True
        return None, False

    def declaration(self, item_id: str) -> bool | None:
        return (self.facts.get("declarations") or {}).get(item_id)


# -- helpers ---------------------------------------------------------------


def parse_date(v: Any) -> date | None:
    if isinstance(v, date):
        return v
    if not v:
        return None
    m = re.search(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})", str(v))
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def to_number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        m = re.search(r"-?\d+(?:\.\d+)?", v.replace(",", ""))
        return float(m[0]) if m else None
    return None


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def yuan(v: float) -> str:
    if abs(v) >= 1e8:
        return f"{v / 1e8:g} 亿元"
    if abs(v) >= 1e4:
        return f"{v / 1e4:g} 万元"
    return f"{v:g} 元"


def fmt_num(v: float) -> str:
    return f"{v:g}"


def where(doc: DocumentFacts, f: DocField | None = None) -> str:
    page = f.page if f is not None and f.page else None
    return f"{doc.file} 第{page}页" if page else doc.file


def field_step(doc: DocumentFacts, name: str, note: str = "") -> tuple[Step, Evidence | None]:
    f = doc.fields.get(name)
    fact = f"{doc.type}.{name}"
    if f is None or f.value in (None, ""):
        return Step(fact, known=False, source=doc.file, note=note), None
    ev = Evidence(
        file=doc.file,
        page=f.page,
        text=f.text,
        field=name,
        ocr=f.ocr,
        confidence=f.confidence,
        ocr_confidence=f.ocr_confidence,
        check=f.check,
    )
    return Step(fact, f.value, True, where(doc, f), note), ev


def doc_evidence(doc: DocumentFacts, *names: str) -> list[Evidence]:
    out = []
    for n in names or ("cert_number", "org_name", "issued"):
        f = doc.fields.get(n)
        if f is not None and f.value not in (None, ""):
            out.append(Evidence(doc.file, f.page, f.text, n, f.ocr, f.confidence, f.ocr_confidence, f.check))
    if not out:
        out.append(Evidence(doc.file, 1 if doc.pages else None, doc_label(doc.type)))
    return out


def declared(ctx: Context, item, steps: list[Step]) -> bool | None:
    v = ctx.declaration(item.id)
    steps.append(Step(f"declarations.{item.id}", v, v is not None, "申请人声明" if v is not None else ""))
    return v


# -- the registry ------------------------------------------------------------


@dataclass
class Rule:
    name: str
    func: Callable[[Context, Any, dict], Verdict]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    doc: str = ""
    reads: tuple[str, ...] = ()  # fact keys the rule reads by itself (beside those its parameters name)

    def check_params(self, params: dict) -> str | None:
        unknown = [str(p) for p in params if p not in self.required + self.optional]
        if unknown:
            return (
                f"unknown parameter(s) {', '.join(unknown)}; "
                f"allowed: {', '.join(self.required + self.optional) or 'none'}"
            )
        missing = [p for p in self.required if p not in params]
        if missing:
            return f"missing parameter(s) {', '.join(missing)}"
        for key in ("doc_type",):
            if key in params and params[key] not in DOC_TYPES:
                return f"unknown document type {params[key]!r}"
        for key in ("doc_types",):
            for t in params.get(key) or ():
                if t not in DOC_TYPES:
                    return f"unknown document type {t!r}"
        return None


RULES: dict[str, Rule] = {}


def rule(name: str, required: tuple[str, ...] = (), optional: tuple[str, ...] = (), reads: tuple[str, ...] = ()):
    def deco(func):
        RULES[name] = Rule(name, func, required, optional, (func.__doc__ or "").strip(), reads)
        return func

    return deco


def cert_noun(label: str) -> str:
    """ "GB/T 24001" → "GB/T 24001 证书"; "营业执照" stays as it is."""
    return label if re.search(r"[证照书件告]$", label) else f"{label} 证书"


def _validity(ctx: Context, doc: DocumentFacts, label: str, no_expiry_ok: bool = False):
    """(status, reason, steps, evidence) for one certificate on ctx.as_of."""
    step, ev = field_step(doc, "valid_until")
    evidence = [e for e in [ev] if e] or doc_evidence(doc)
    until = parse_date(step.value) if step.known else None
    if until is None:
        if no_expiry_ok:
            step.note = "未载明有效期（视为长期有效）"
            return "met", f"{label}（{doc.file}）未载明有效期，视为长期有效", [step], evidence
        step.note = "未识别出有效期"
        return "review", f"{label}（{doc.file}）未识别出有效期，请核对", [step], evidence
    issued = parse_date(doc.value("issued"))
    if issued and issued > ctx.as_of:
        step.note = f"发证日 {issued} 晚于评价日"
        return "review", f"{label} 发证日 {issued} 晚于评价日 {ctx.as_of}，请核对", [step], evidence
    if until < ctx.as_of:
        step.note = f"{until} < 评价日 {ctx.as_of}"
        return "not_met", f"{cert_noun(label)}有效期至 {until}，早于评价日 {ctx.as_of}（已过期）", [step], evidence
    step.note = f"{until} ≥ 评价日 {ctx.as_of}"
    return "met", f"{cert_noun(label)}有效期至 {until}，评价日 {ctx.as_of} 在有效期内", [step], evidence


def _best(ctx: Context, docs: list[DocumentFacts]) -> list[DocumentFacts]:
    """Most useful first: valid on as_of, then latest expiry, unknown expiry last."""

    def key(d):
        u = parse_date(d.value("valid_until"))
        return (u is not None and u >= ctx.as_of, u or date.min)

    return sorted(docs, key=key, reverse=True)


def indicators_of(doc: DocumentFacts) -> list[dict]:
    v = doc.value("indicators")
    return [i for i in v if isinstance(i, dict)] if isinstance(v, list) else []


def failed_indicator(ind: dict) -> bool:
    return bool(re.search(r"不合格|不符合|fail", str(ind.get("verdict") or ""), re.I))


_ORDER = {"not_met": 0, "missing": 1, "review": 2, "met": 3, "not_applicable": 4}


def worst(statuses: list[str]) -> str:
    return min(statuses, key=lambda s: _ORDER[s]) if statuses else "missing"


def _covers(ctx: Context, docs: list[DocumentFacts], fact: str, steps: list[Step]) -> tuple[str, list[str], list[str]]:
    """("met" | "review", reasons, needs): does each document's `scope` cover the product the applicant
    named (fact `fact`)? Only a scope naming every term of the product is met; anything else review."""
    from .coverage import coverage

    product, known = ctx.fact(fact)
    steps.append(Step(f"facts.{fact}", product, known, "申请人填报" if known else ""))
    if not known:
        return (
            "review",
            [
                f"未说明申报产品（{fact}），无法核对{'、'.join(sorted({doc_label(d.type) for d in docs}))}"
                f"的范围是否覆盖申报产品"
            ],
            [fact],
        )
    status, reasons = "met", []
    for d in docs:
        st, _ = field_step(d, "scope")
        steps.append(st)
        if not st.known:
            st.note = "未识别出范围"
            status = "review"
            reasons.append(f"{d.file} 未识别出范围（认证范围/发明名称/核定使用商品），需人工核对是否覆盖“{product}”")
            continue
        c = coverage(str(st.value), str(product))
        st.note = "覆盖" if c.covered else "不能确定覆盖"
        reasons.append(f"{d.file}：{c.describe(str(st.value), str(product))}")
        if not c.covered:
            status = "review"
    return status, reasons, []


@rule("cert_valid", required=("certificates",), optional=("then", "note", "if_absent", "absent_note", "covers"))
def cert_valid(ctx: Context, item, p: dict) -> Verdict:
    """Every listed certificate is present and valid on as_of.
    certificates: [{doc_type, label, optional: bool (check only if present), no_expiry_ok: bool}]
    then: review — the certificate is evidence of the condition, not proof (经营状况良好, 完善…较高); note says why.
    if_absent: review — the seed asks for a system to be established, not certified: no certificate is a
    person's judgement on what else is shown (absent_note says what), not `missing`.
    covers: a fact (product) the certificates' scope must cover; unsure → review."""
    statuses, reasons, steps, evidence, docs, needs = [], [], [], [], [], []
    for c in p["certificates"]:
        label = c.get("label") or doc_label(c["doc_type"])
        found = _best(ctx, ctx.docs(c["doc_type"]))
        if not found:
            steps.append(Step(f"{c['doc_type']}", known=False, note="未提供"))
            if c.get("optional"):
                continue
            statuses.append("missing")
            reasons.append(
                f"未提供 {cert_noun(label)}" if re.match(r"[A-Za-z]", label) else f"未提供{cert_noun(label)}"
            )
            needs.append(c["doc_type"])
            continue
        doc = found[0]
        status, reason, st, ev = _validity(ctx, doc, label, c.get("no_expiry_ok", False))
        statuses.append(status)
        reasons.append(reason)
        steps += st
        evidence += ev
        docs.append(doc)
    status = worst(statuses) if statuses else "missing"
    if status in ("missing", "not_met") and p.get("if_absent") == "review":
        note = p.get("absent_note") or "需提供其他证明材料，由人工判断"
        return Verdict("review", f"{'；'.join(reasons)}；本条不要求认证，{note}", evidence, steps, docs, needs)
    if status == "met" and p.get("covers"):
        status, more, more_needs = _covers(ctx, docs, p["covers"], steps)
        reasons += more
        needs += more_needs
    if status == "met" and p.get("then") == "review":
        status = "review"
        reasons.append(p.get("note") or "证书是证据而非结论，需人工判断是否满足本条全部要求")
    return Verdict(status, "；".join(reasons) or "未提供所需证书", evidence, steps, docs, needs)


@rule("any_document", required=("doc_types",), optional=("then", "note", "or_fact", "or_fact_note", "label", "covers"))
def any_document(ctx: Context, item, p: dict) -> Verdict:
    """At least one document of the listed types, valid on as_of where it has an expiry date.
    then: met | review (review when the document shows only part of the requirement)."""
    steps: list[Step] = []
    label = p.get("label") or "、".join(doc_label(t) for t in p["doc_types"])
    found = _best(ctx, ctx.docs(*p["doc_types"]))
    if not found:
        steps.append(Step("/".join(p["doc_types"]), known=False, note="未提供"))
        if p.get("or_fact"):
            v, known = ctx.fact(p["or_fact"])
            steps.append(Step(f"facts.{p['or_fact']}", v, known, "申请人填报" if known else ""))
            if v is True:  # a statement alone is never met
                return Verdict(
                    "review",
                    f"仅有申请人说明（{p.get('note') or p['or_fact']}），"
                    f"{p.get('or_fact_note') or '需提供证明材料并人工核实'}",
                    [],
                    steps,
                    needs=list(p["doc_types"]),
                )
        return Verdict("missing", f"未提供{label}", [], steps)
    doc = found[0]
    then = p.get("then", "met")
    if doc.value("valid_until") is not None:
        status, reason, st, ev = _validity(ctx, doc, doc_label(doc.type))
        steps += st
        if status != "met":
            return Verdict(status, reason, ev, steps, [doc])
    n = len(found)
    names = "、".join(sorted({d.file for d in found}))
    reason = f"已提供{label} {n} 份（{names}）"
    if then == "review":
        reason += f"；{p.get('note') or '需人工判断是否满足全部要求'}"
    steps.append(Step("/".join(p["doc_types"]), n, True, names, "找到"))
    evidence = [e for d in found[:3] for e in doc_evidence(d, "cert_number", "org_name", "patent_type", "scope")]
    needs: list[str] = []
    if p.get("covers"):
        covered, more, needs = _covers_any(ctx, found, p["covers"], steps)
        reason += "；" + "；".join(more)
        if not covered and then == "met":
            then = "review"
    return Verdict(then, reason, evidence, steps, found[:3], needs)


def _covers_any(ctx: Context, docs: list[DocumentFacts], fact: str, steps: list[Step]):
    """(covered, reasons, needs): one of the documents covers the product (a patent for it is enough)."""
    for d in docs:
        status, reasons, needs = _covers(ctx, [d], fact, steps)
        if needs:
            return False, reasons, needs
        if status == "met":
            return True, reasons, []
    status, reasons, needs = _covers(ctx, docs, fact, [])
    return False, reasons, needs


def _inactive(ctx: Context, lic: DocumentFacts, words: list[str], steps: list[Step]) -> str | None:
    """吊销 / 注销 / 迁出 on the licence (any line read from it) or in the declared `business_status`."""
    v, known = ctx.fact("business_status")
    steps.append(Step("facts.business_status", v, known, "申请人填报" if known else "", "登记状态"))
    if known and any(w in str(v) for w in words):
        return f"申请人填报的登记状态为“{v}”，不是在业企业"
    for name, f in lic.fields.items():
        text = f"{f.value if isinstance(f.value, str) else ''} {f.text}"
        hit = next((w for w in words if w in text), None)
        if hit:
            steps.append(Step(f"business_license.{name}", f.text, True, where(lic, f), f"含“{hit}”"))
            return f"营业执照载有“{hit}”（{f.text}），不是在业企业"
    return None


@rule("registered", required=("province",), optional=("min_years", "inactive_words"))
def registered(ctx: Context, item, p: dict) -> Verdict:
    """Business licence: registered in the province; an independent legal person; established ≥ min_years before as_of."""
    lic = ctx.licence
    if lic is None:
        return Verdict(
            "missing",
            "未提供营业执照",
            [],
            [Step("business_license", known=False, note="未提供")],
            needs=["business_license"],
        )
    steps, evidence, problems, reviews = [], [], [], []
    st, ev = field_step(lic, "province")
    steps.append(st)
    province = st.value if st.known else None
    if province is None:
        addr = lic.value("address")
        if addr and p["province"].rstrip("省市") in str(addr):
            province = p["province"]
            st.note = f"由住所“{addr}”推定"
            evidence += doc_evidence(lic, "address")
        else:
            reviews.append(f"营业执照未识别出登记地，需核对是否在{p['province']}注册")
    if ev:
        evidence.append(ev)
    if province is not None:
        if province != p["province"]:
            st.note = f"{province} ≠ {p['province']}"
            problems.append(f"营业执照登记地为{province}，不是{p['province']}")
        else:
            st.note = st.note or f"= {p['province']}"
    name_step, name_ev = field_step(lic, "org_name")
    steps.append(name_step)
    if name_ev:
        evidence.append(name_ev)
    name = str(name_step.value or "")
    if re.search(r"分公司|分厂|分店|办事处", name):
        reviews.append(f"名称“{name}”为分支机构，需核实是否具有独立法人资格")
    if p.get("inactive_words"):
        gone = _inactive(ctx, lic, p["inactive_words"], steps)
        if gone:
            problems.append(gone)
    if p.get("min_years"):
        est_step, est_ev = field_step(lic, "established")
        steps.append(est_step)
        est = parse_date(est_step.value)
        if est is None:
            reviews.append("营业执照未识别出成立日期，无法计算存续年限")
        else:
            evidence.append(est_ev)
            since = add_years(est, p["min_years"])
            if since > ctx.as_of:
                est_step.note = f"{est} + {p['min_years']} 年 = {since} > 评价日 {ctx.as_of}"
                problems.append(f"成立日期 {est}，至评价日 {ctx.as_of} 存续不满 {p['min_years']} 年（{since} 起方满）")
            else:
                est_step.note = f"{est} + {p['min_years']} 年 = {since} ≤ 评价日 {ctx.as_of}"
    if problems:
        return Verdict("not_met", "；".join(problems), evidence, steps, [lic])
    if reviews:
        return Verdict("review", "；".join(reviews), evidence, steps, [lic])
    parts = [f"营业执照登记地{province}"]
    if p.get("min_years"):
        parts.append(f"成立于 {parse_date(lic.value('established'))}，存续满 {p['min_years']} 年")
    if p.get("inactive_words"):
        parts.append(f"未见{'、'.join(p['inactive_words'])}记载")
    return Verdict("met", "，".join(parts), evidence, steps, [lic])


def _named_docs(ctx: Context, p: dict, steps: list[Step]) -> list[DocumentFacts]:
    """The documents of the item's `doc_types` (any, when none are named), recorded as a step."""
    found = ctx.docs(*(p.get("doc_types") or ()))
    steps.append(
        Step(
            "/".join(p.get("doc_types") or ()) or "documents",
            len(found) if found else None,
            bool(found),
            "、".join(d.file for d in found),
        )
    )
    return found


@rule("declaration", optional=("doc_types", "subject"), reads=("declarations",))
def declaration(ctx: Context, item, p: dict) -> Verdict:
    """Only the applicant's statement (declarations[item id]) or a document a person reads can cover it:
    at best `review`; a declaration of `false` is `not_met`; nothing at all is `missing`."""
    steps: list[Step] = []
    v = declared(ctx, item, steps)
    subject = p.get("subject") or item.title
    found = _named_docs(ctx, p, steps)
    if v is False:
        return Verdict("not_met", f"申请人声明不满足：{subject}", [], steps)
    evidence = [e for d in found[:3] for e in doc_evidence(d, "issuer", "issued", "org_name")]
    if found:
        extra = "；另有申请人声明" if v else ""
        return Verdict(
            "review",
            f"已提供{'、'.join(doc_label(d.type) for d in found[:3])}（"
            f"{'、'.join(d.file for d in found[:3])}），需人工确认：{subject}{extra}",
            evidence,
            steps,
            found[:3],
        )
    if v is True:
        return Verdict("review", f"仅有申请人自我声明（{subject}），需人工核实，自我声明不能单独判定满足", [], steps)
    return Verdict("missing", f"未提供声明或证明材料：{subject}", [], steps)


@rule("review", optional=("doc_types", "always", "note", "requires_facts"), reads=("declarations",))
def review(ctx: Context, item, p: dict) -> Verdict:
    """A person judges it. Evidence or a declaration found → review; declared false → not_met;
    nothing → missing (unless `always`, e.g. an on-site check)."""
    steps: list[Step] = []
    note = p.get("note") or f"需人工判断：{item.title}"
    for key in p.get("requires_facts") or ():
        v, known = ctx.fact(key)
        steps.append(Step(f"facts.{key}", v, known, "申请人填报" if known else ""))
        if not known:
            return Verdict("missing", f"未说明 {key}，无法判断", [], steps, needs=[key])
    found = _named_docs(ctx, p, steps)
    v = declared(ctx, item, steps)
    if v is False:
        return Verdict("not_met", f"申请人声明不满足：{item.title}", [], steps)
    if found:
        evidence = [e for d in found[:3] for e in doc_evidence(d)]
        return Verdict("review", f"已提供 {'、'.join(d.file for d in found[:3])}；{note}", evidence, steps, found[:3])
    if v is True:
        return Verdict("review", f"仅有申请人自我声明；{note}", [], steps)
    if p.get("always") or p.get("requires_facts"):
        return Verdict("review", note, [], steps)
    return Verdict("missing", f"未提供相关材料；{note}", [], steps)


def _doc_number(ctx: Context, doc_type: str, field_name: str):
    """(value, doc, step, evidence) of the best document of `doc_type` giving `field_name`."""
    docs = ctx.docs(doc_type)
    best = None
    for d in docs:
        st, ev = field_step(d, field_name)
        n = to_number(st.value) if st.known else None
        if n is not None and (best is None or n > best[0]):
            best = (n, d, st, ev)
    if best:
        return best
    if docs:
        st, _ = field_step(docs[0], field_name)
        return None, docs[0], st, None
    return None, None, Step(f"{doc_type}.{field_name}", known=False, note="未提供"), None


def _issuer_recognised(ctx: Context, doc: DocumentFacts, p: dict, steps: list[Step]) -> tuple[bool, str]:
    """(recognised, why): the document's issuer is on the scheme's list (tables[issuer_table]), or one of
    its lines states the authorisation (issuer_statement, a regular expression)."""
    import unicodedata

    table = ctx.scheme.tables.get(p["issuer_table"]) or {}
    names = table.get("names") or []
    st, _ = field_step(doc, "issuer")
    steps.append(st)
    issuer = unicodedata.normalize("NFKC", str(st.value or "")).replace(" ", "")
    for name in names:
        if issuer and (name in issuer or issuer in name):
            st.note = f"在认可名单中（{name}）"
            return True, f"出具机构“{st.value}”在{table.get('label', '认可机构名单')}中"
    pattern = p.get("issuer_statement") or table.get("statement")
    if pattern:
        for name, f in doc.fields.items():
            text = unicodedata.normalize("NFKC", f"{f.text} {f.raw or ''}")
            if re.search(pattern, text):
                steps.append(Step(f"{doc.type}.{name}", f.text, True, where(doc, f), "报告载明授权"))
                return True, f"报告载明授权：“{f.text}”"
    st.note = "不在认可名单中，报告未载明授权" if st.known else "未识别出出具机构"
    who = f"出具机构“{st.value}”不在{table.get('label', '认可机构名单')}中" if st.known else "报告中未识别出出具机构"
    return False, (f"{who}，报告也未载明授权；{table.get('satisfy', '需提供授权证明，由人工核实')}")


@rule(
    "min_value",
    required=("min",),
    optional=("doc_type", "field", "fact", "label", "unit", "percent", "note", "issuer_table", "issuer_statement"),
)
def min_value(ctx: Context, item, p: dict) -> Verdict:
    """A number from a document field (doc_type + field) or a context fact (fact) is ≥ min."""
    label = p.get("label") or p.get("field") or p.get("fact")
    unit = p.get("unit", "")
    show = (lambda v: f"{v * 100:g}%") if p.get("percent") else (lambda v: f"{v:g}{unit}")
    steps: list[Step] = []
    value = doc = ev = None
    if p.get("doc_type"):
        value, doc, st, ev = _doc_number(ctx, p["doc_type"], p.get("field", "value"))
        steps.append(st)
    if value is None and p.get("fact"):
        v, known = ctx.fact(p["fact"])
        steps.append(Step(f"facts.{p['fact']}", v, known, "申请人填报" if known else ""))
        if known:
            value = to_number(v)
    if value is None:
        if doc is not None:
            return Verdict("review", f"{doc.file} 中未识别出{label}，请核对", doc_evidence(doc), steps, [doc])
        what = doc_label(p["doc_type"]) if p.get("doc_type") else label
        return Verdict(
            "missing", f"未提供{what}", [], steps, needs=[p["doc_type"]] if p.get("doc_type") else [p["fact"]]
        )
    steps[-1].note = f"{show(value)} {'≥' if value >= p['min'] else '<'} {show(p['min'])}"
    src = f"（{doc.file}）" if doc is not None else "（申请人填报）"
    evidence = [ev] if ev else []
    docs = [doc] if doc is not None else []
    if value >= p["min"]:
        reason = f"{label} {show(value)}{src}，达到 {show(p['min'])} 的要求"
        if doc is not None and p.get("issuer_table"):
            ok, why = _issuer_recognised(ctx, doc, p, steps)
            if not ok:
                return Verdict("review", f"{reason}；但{why}", evidence + doc_evidence(doc, "issuer"), steps, docs)
            reason += f"；{why}"
        if p.get("note"):
            return Verdict("review", f"{reason}；{p['note']}", evidence, steps, docs)
        return Verdict("met", reason, evidence, steps, docs)
    return Verdict("not_met", f"{label} {show(value)}{src}，低于要求的 {show(p['min'])}", evidence, steps, docs)


@rule("fact_true", required=("fact",), optional=("met_reason", "not_met_reason"))
def fact_true(ctx: Context, item, p: dict) -> Verdict:
    """A yes/no context fact of the applicant (e.g. association_member)."""
    v, known = ctx.fact(p["fact"])
    steps = [Step(f"facts.{p['fact']}", v, known, "申请人填报" if known else "")]
    if not known:
        return Verdict("missing", f"未说明：{item.title}", [], steps, needs=[p["fact"]])
    if v:
        return Verdict("met", p.get("met_reason") or f"申请人说明：{item.title}", [], steps)
    return Verdict("not_met", p.get("not_met_reason") or f"申请人说明不满足：{item.title}", [], steps)


def standard_codes(text: str) -> list[str]:
    """Prefixes of the standards a text cites: "GB/T 5213-2019、Q/TJ 001" → ["GB/T", "Q/TJ"]."""
    import unicodedata

    t = unicodedata.normalize("NFKC", str(text or "")).upper()
    return [
        re.sub(r"\s+", "", m)
        for m in re.findall(
            r"(?<![A-Z])(GB/T|GB/Z|GB|Q/[A-Z0-9]*|T/[A-Z0-9]*|DB\s*\d*/T|"
            r"DB\s*\d*|[A-Z]{2}/T|[A-Z]{2})\s*[\d/]",
            t,
        )
        if not m.startswith(("IS", "IE"))
    ]


def national_standard(text: str) -> bool | None:
    """True when every standard cited is a national one (GB, GB/T); False when some is not (Q/…, T/…,
    DB…, an industry standard); None when no standard is named."""
    codes = standard_codes(text)
    if not codes:
        return None
    return all(c in ("GB", "GB/T") for c in codes)


def _not_national(p: dict, docs: list[DocumentFacts], steps: list[Step]) -> Verdict | None:
    """jinzhi 4 第5项: the margin is over the *national* requirement; a report whose requirement is not the
    GB/GB/T value (an enterprise or group standard, or none named) cannot show it → review."""
    if not p.get("national_only"):
        return None
    for d in docs:
        st, ev = field_step(d, "standard")
        national = national_standard(st.value) if st.known else None
        st.note = {True: "国家标准（GB/GB/T）", False: "非国家标准", None: "未识别出检验依据"}[national]
        steps.append(st)
        if national is not True:
            said = f"检验依据为“{st.value}”，不是国家标准（GB/GB/T）" if national is False else "报告中未识别出检验依据"
            return Verdict(
                "review",
                f"{d.file} {said}：报告的要求值不是国家标准要求，无法判断关键指标是否高于国家标准"
                f"要求的 {p['min_margin'] * 100:g}%；需提供对应国家标准的要求值，由人工判断哪项是关键指标",
                [e for e in [ev] if e] + doc_evidence(d, "indicators"),
                steps,
                [d],
                needs=["test_report"],
            )
    return None


@rule("indicator_margin", required=("min_margin",), optional=("doc_type", "national_only"))
def indicator_margin(ctx: Context, item, p: dict) -> Verdict:
    """Test reports: every indicator passes, and at least one is better than the requirement by min_margin.
    national_only: the requirement must be the national standard's (GB/GB/T) value, else review."""
    docs = ctx.docs(p.get("doc_type", "test_report"))
    steps: list[Step] = []
    if not docs:
        steps.append(Step("test_report.indicators", known=False, note="未提供"))
        return Verdict("missing", "未提供产品检验检测报告", [], steps, needs=["test_report"])
    not_national = _not_national(p, docs, steps)
    if not_national is not None:
        return not_national
    failed, best, unknown_margin = [], None, 0
    for d in docs:
        f = d.fields.get("indicators")
        steps.append(Step(f"{d.type}.indicators", f.value if f else None, f is not None, where(d, f)))
        for ind in indicators_of(d):
            if failed_indicator(ind):
                failed.append((d, ind))
            m = to_number(ind.get("margin"))
            if m is None:
                unknown_margin += 1
            elif best is None or m > best[1]["margin"]:
                best = (d, {**ind, "margin": m})
    if failed:
        d, ind = failed[0]
        ev = doc_evidence(d, "indicators")
        return Verdict(
            "not_met",
            f"{d.file} 指标“{ind.get('name')}”判定为{ind.get('verdict')}"
            f"（要求 {ind.get('requirement')}，实测 {ind.get('measured')}）",
            ev,
            steps,
            [d],
        )
    if best is None:
        ev = [e for d in docs for e in doc_evidence(d, "indicators", "standard")]
        if unknown_margin:
            return Verdict("review", "检验报告指标均合格，但无法计算优于标准的幅度，请人工核对", ev, steps, docs)
        return Verdict("review", "检验报告中未识别出指标，请人工核对", ev, steps, docs)
    d, ind = best
    m = ind["margin"]
    ev = doc_evidence(d, "indicators")
    steps.append(
        Step(
            "max(indicators.margin)",
            m,
            True,
            d.file,
            f"{m * 100:.1f}% {'≥' if m >= p['min_margin'] else '<'} {p['min_margin'] * 100:g}%",
        )
    )
    text = (
        f"指标“{ind.get('name')}”要求 {ind.get('requirement')}，实测 {ind.get('measured')}"
        f"{ind.get('unit') or ''}，优于标准 {m * 100:.1f}%"
    )
    if m >= p["min_margin"]:
        return Verdict("met", f"全部指标合格；{text}，达到 {p['min_margin'] * 100:g}% 的要求", ev, steps, [d])
    return Verdict("not_met", f"全部指标合格，但最优的{text}，未达到 {p['min_margin'] * 100:g}%", ev, steps, [d])


@rule("test_report", optional=("doc_type", "max_age_years", "then", "note"))
def test_report(ctx: Context, item, p: dict) -> Verdict:
    """A test report, issued within max_age_years before as_of, with no failed indicator."""
    docs = ctx.docs(p.get("doc_type", "test_report"))
    steps: list[Step] = []
    if not docs:
        steps.append(Step("test_report", known=False, note="未提供"))
        return Verdict("missing", "未提供产品检验检测报告", [], steps, needs=["test_report"])
    docs = sorted(docs, key=lambda d: parse_date(d.value("issued")) or date.min, reverse=True)
    d = docs[0]
    st, ev = field_step(d, "issued")
    steps.append(st)
    evidence = [e for e in [ev] if e] + doc_evidence(d, "cert_number", "standard")
    issued = parse_date(st.value)
    if p.get("max_age_years"):
        if issued is None:
            return Verdict(
                "review",
                f"{d.file} 未识别出报告日期，无法判断是否在 {p['max_age_years']} 年有效期内",
                evidence,
                steps,
                [d],
            )
        until = add_years(issued, p["max_age_years"])
        if until < ctx.as_of:
            st.note = f"{issued} + {p['max_age_years']} 年 = {until} < 评价日 {ctx.as_of}"
            return Verdict(
                "not_met",
                f"最新检测报告 {d.file} 出具于 {issued}，至评价日 {ctx.as_of} "
                f"已超过 {p['max_age_years']} 年有效期（{until} 止）",
                evidence,
                steps,
                [d],
            )
        st.note = f"{issued} + {p['max_age_years']} 年 = {until} ≥ 评价日 {ctx.as_of}"
    bad = [i for i in indicators_of(d) if failed_indicator(i)]
    if bad:
        return Verdict(
            "not_met", f"{d.file} 指标“{bad[0].get('name')}”判定为{bad[0].get('verdict')}", evidence, steps, [d]
        )
    reason = f"检测报告 {d.file}" + (f"（{issued} 出具）" if issued else "")
    if p.get("max_age_years") and issued:
        reason += f"，在 {p['max_age_years']} 年有效期内"
    if p.get("then") == "review":
        return Verdict("review", f"{reason}；{p.get('note') or '需人工核对'}", evidence, steps, [d])
    return Verdict("met", reason, evidence, steps, [d])


@rule("years_since", required=("years",), optional=("fact", "subject"))
def years_since(ctx: Context, item, p: dict) -> Verdict:
    """A history of ≥ years before as_of: from a stated start date (fact) when given, else bounded by 成立日期."""
    steps: list[Step] = []
    subject = p.get("subject") or "生产历史"
    if p.get("fact"):
        v, known = ctx.fact(p["fact"])
        steps.append(Step(f"facts.{p['fact']}", v, known, "申请人填报" if known else ""))
        start = parse_date(v) if known else None
        if start:
            since = add_years(start, p["years"])
            ok = since <= ctx.as_of
            steps[-1].note = f"{start} + {p['years']} 年 = {since} {'≤' if ok else '>'} 评价日 {ctx.as_of}"
            if not ok:
                return Verdict(
                    "not_met", f"{subject}自 {start} 起，至评价日 {ctx.as_of} 不满 {p['years']} 年", [], steps
                )
            lic = ctx.licence
            return Verdict(
                "review",
                f"申请人说明{subject}自 {start} 起，满 {p['years']} 年（申请人填报，需核实）",
                doc_evidence(lic, "established") if lic else [],
                steps,
            )
    lic = ctx.licence
    if lic is None:
        steps.append(Step("business_license.established", known=False, note="未提供"))
        return Verdict("missing", f"未提供营业执照或{subject}起始日期", [], steps)
    st, ev = field_step(lic, "established")
    steps.append(st)
    est = parse_date(st.value)
    if est is None:
        return Verdict("review", "营业执照未识别出成立日期，请核对", doc_evidence(lic), steps, [lic])
    since = add_years(est, p["years"])
    if since > ctx.as_of:
        st.note = f"{est} + {p['years']} 年 = {since} > 评价日 {ctx.as_of}"
        return Verdict(
            "not_met",
            f"企业成立于 {est}，至评价日 {ctx.as_of} 不满 {p['years']} 年，不可能有 {p['years']} 年以上{subject}",
            [ev],
            steps,
            [lic],
        )
    st.note = f"{est} + {p['years']} 年 = {since} ≤ 评价日 {ctx.as_of}"
    return Verdict("review", f"企业成立于 {est}，已满 {p['years']} 年；{subject}需核实", [ev], steps, [lic])


def _by_year(ctx: Context, field_name: str) -> tuple[dict[int, tuple[float, DocumentFacts, DocField]], list[Step]]:
    out: dict[int, tuple[float, DocumentFacts, DocField]] = {}
    steps = []
    for d in ctx.docs("financial_statement"):
        f = d.fields.get(field_name)
        steps.append(Step(f"financial_statement.{field_name}", f.value if f else None, f is not None, where(d, f)))
        if f is None or not isinstance(f.value, dict):
            continue
        for y, v in f.value.items():
            n = to_number(v)
            try:
                yi = int(str(y)[:4])
            except ValueError:
                continue
            if n is not None:
                out[yi] = (n, d, f)
    return out, steps


def _declared_by_year(ctx: Context, key: str) -> dict[int, float]:
    """What the applicant stated per year (facts `net_profit` / `revenue`), never evidence on its own."""
    value, known = ctx.fact(key)
    if not known or not isinstance(value, dict):
        return {}
    return {int(y): n for y, v in value.items() if (n := to_number(v)) is not None}


@rule("profit_years", optional=("years",), reads=("net_profit",))
def profit_years(ctx: Context, item, p: dict) -> Verdict:
    """Net profit > 0 in each of the latest `years` complete financial years before as_of.

    Audited figures decide; a year only the applicant stated counts as a declaration: a stated
    loss fails the item, stated profits make it review until the statements are uploaded."""
    n = p.get("years", 2)
    wanted = [ctx.as_of.year - i for i in range(n, 0, -1)]
    profits, steps = _by_year(ctx, "net_profit")
    declared = _declared_by_year(ctx, "net_profit")
    if not ctx.docs("financial_statement"):
        steps.append(Step("financial_statement.net_profit", known=False, note="未提供"))
    evidence, docs, losses, absent, stated = [], [], [], [], []
    for y in wanted:
        if y in profits:
            v, d, f = profits[y]
            steps.append(Step(f"net_profit[{y}]", v, True, where(d, f), f"{yuan(v)} {'>' if v > 0 else '≤'} 0"))
            evidence.append(
                Evidence(d.file, f.page, f.text, "net_profit", f.ocr, f.confidence, f.ocr_confidence, f.check)
            )
            if d not in docs:
                docs.append(d)
        elif y in declared:
            v = declared[y]
            steps.append(Step(f"facts.net_profit[{y}]", v, True, "申请人声明", f"{yuan(v)} {'>' if v > 0 else '≤'} 0"))
            stated.append(f"{y} 年 {yuan(v)}")
        else:
            absent.append(y)
            steps.append(Step(f"net_profit[{y}]", known=False, note="未找到该年度净利润"))
            continue
        if v <= 0:
            losses.append(f"{y} 年净利润 {yuan(v)}" + ("（申请人声明）" if y not in profits else ""))
    span = f"{wanted[0]}—{wanted[-1]}"
    if losses:
        return Verdict("not_met", f"近 {n} 年（{span}）未保持盈利：{'；'.join(losses)}", evidence, steps, docs)
    if absent:
        what = (
            f"未提供 {span} 年度审计报告/财务报表"
            if not ctx.docs("financial_statement") and not stated
            else f"缺少 {'、'.join(map(str, absent))} 年度净利润（近 {n} 个完整会计年度为 {span}）"
        )
        return Verdict(
            "missing", what, evidence, steps, docs, needs=["financial_statement"] + [f"net_profit.{y}" for y in absent]
        )
    if stated:
        return Verdict(
            "review",
            f"已有申请人声明（{'，'.join(stated)}），待上传 "
            f"{'、'.join(str(y) for y in wanted if y not in profits)} 年度审计报告确认",
            evidence,
            steps,
            docs,
            needs=["financial_statement"],
        )
    vals = "，".join(f"{y} 年 {yuan(profits[y][0])}" for y in wanted)
    return Verdict("met", f"近 {n} 年均盈利：{vals}", evidence, steps, docs)


def _claimed_exemption(ctx: Context, branch: str) -> dict | None:
    claimed = ctx.facts.get("exemptions") or []
    for ex in ctx.scheme.exemptions:
        if ex.get("branch") == branch and ex["name"] in claimed:
            return ex
    return None


@rule(
    "min_revenue",
    required=("thresholds",),
    optional=("by", "branch", "field", "label", "alternative"),
    reads=("revenue",),
)
def min_revenue(ctx: Context, item, p: dict) -> Verdict:
    """Annual sales of the latest complete financial year ≥ the threshold for the applicant's kind
    (`by`: a fact choosing the threshold); a claimed exemption of the branch turns a shortfall into review."""
    steps: list[Step] = []
    label = p.get("label", "年销售额")
    if p.get("by"):
        kind, known = ctx.fact(p["by"])
        steps.append(Step(f"facts.{p['by']}", kind, known, "申请人填报" if known else ""))
        if not known:
            return Verdict(
                "missing",
                f"未说明 {p['by']}（{'/'.join(p['thresholds'])}），无法确定适用的规模门槛",
                [],
                steps,
                needs=[p["by"]],
            )
        if kind not in p["thresholds"]:
            return Verdict("review", f"{p['by']} 为 {kind}，本条未规定该类的规模门槛，需人工判断", [], steps)
        threshold = p["thresholds"][kind]
    else:
        threshold = p["thresholds"]["default"]
    revenues, rs = _by_year(ctx, p.get("field", "revenue"))
    steps += rs
    exemption = _claimed_exemption(ctx, p["branch"]) if p.get("branch") else None
    if exemption:
        steps.append(Step("facts.exemptions", exemption["name"], True, "申请人填报"))
    latest = ctx.as_of.year - 1
    year = latest if latest in revenues else (latest - 1 if latest - 1 in revenues else None)
    if year is None:
        declared = _declared_by_year(ctx, p.get("field", "revenue"))
        stated_year = latest if latest in declared else (latest - 1 if latest - 1 in declared else None)
        if stated_year is not None:
            return _declared_revenue(stated_year, declared[stated_year], threshold, label, exemption, p, steps)
        if exemption:
            return Verdict(
                "review",
                f"申请人称属于“{exemption['name']}”，按{exemption['clause']}可不受规模条件限制，需提供有效的佐证材料",
                [],
                steps,
            )
        steps.append(Step(f"revenue[{latest}]", known=False, note="未找到"))
        return Verdict(
            "missing",
            f"未提供 {latest} 年度{label}（审计报告/财务报表）；门槛 {yuan(threshold)}",
            [],
            steps,
            needs=["financial_statement", f"{p.get('field', 'revenue')}.{latest}"],
        )
    v, d, f = revenues[year]
    ok = v >= threshold
    steps.append(Step(f"revenue[{year}]", v, True, where(d, f), f"{yuan(v)} {'≥' if ok else '<'} {yuan(threshold)}"))
    ev = [Evidence(d.file, f.page, f.text, "revenue", f.ocr, f.confidence, f.ocr_confidence, f.check)]
    note = "" if year == latest else f"（未找到 {latest} 年度数据，按 {year} 年度）"
    if ok:
        return Verdict("met", f"{year} 年{label} {yuan(v)}{note}，达到 {yuan(threshold)} 的要求", ev, steps, [d])
    if exemption:
        return Verdict(
            "review",
            f"{year} 年{label} {yuan(v)}，低于 {yuan(threshold)}；申请人称属于"
            f"“{exemption['name']}”，按{exemption['clause']}可不受规模条件限制，需提供有效的佐证材料",
            ev,
            steps,
            [d],
        )
    if p.get("alternative"):
        return Verdict(
            "review", f"{year} 年{label} {yuan(v)}{note}，低于 {yuan(threshold)}；{p['alternative']}", ev, steps, [d]
        )
    return Verdict("not_met", f"{year} 年{label} {yuan(v)}{note}，低于要求的 {yuan(threshold)}", ev, steps, [d])


def _declared_revenue(
    year: int, v: float, threshold: float, label: str, exemption: dict | None, p: dict, steps: list[Step]
) -> Verdict:
    """Sales only the applicant stated: short of the threshold fails (or review under an exemption or an
    alternative), reaching it is review until the statements confirm it."""
    ok = v >= threshold
    steps.append(
        Step(f"facts.revenue[{year}]", v, True, "申请人声明", f"{yuan(v)} {'≥' if ok else '<'} {yuan(threshold)}")
    )
    said = f"申请人声明 {year} 年{label} {yuan(v)}"
    if ok:
        return Verdict(
            "review",
            f"{said}，达到 {yuan(threshold)} 的要求；已有申请人声明，待上传审计报告确认",
            [],
            steps,
            needs=["financial_statement"],
        )
    if exemption:
        return Verdict(
            "review",
            f"{said}，低于 {yuan(threshold)}；申请人称属于“{exemption['name']}”，"
            f"按{exemption['clause']}可不受规模条件限制，需提供有效的佐证材料",
            [],
            steps,
        )
    if p.get("alternative"):
        return Verdict("review", f"{said}，低于 {yuan(threshold)}；{p['alternative']}", [], steps)
    return Verdict("not_met", f"{said}，低于要求的 {yuan(threshold)}", [], steps)


@rule("exemption", required=("branch",), reads=("exemptions",))
def exemption(ctx: Context, item, p: dict) -> Verdict:
    """An exemption from the scale conditions: claimed → review (proof needed); not claimed → not_applicable."""
    claimed = ctx.facts.get("exemptions")
    names = [ex["name"] for ex in ctx.scheme.exemptions if ex.get("branch") == p["branch"]]
    steps = [
        Step(
            "facts.exemptions",
            claimed,
            claimed is not None,
            "申请人填报" if claimed is not None else "",
            f"本条可豁免：{'、'.join(names)}",
        )
    ]
    ex = _claimed_exemption(ctx, p["branch"])
    if ex is None:
        return Verdict("not_applicable", f"未申报本条豁免（{'、'.join(names)}）", [], steps)
    found = ctx.docs("award_certificate", "other", "application_form")
    evidence = [e for d in found[:2] for e in doc_evidence(d)]
    return Verdict(
        "review", f"申请人称属于“{ex['name']}”，需提供有效的佐证材料后方可不受规模条件限制", evidence, steps, found[:2]
    )


@rule("scale", required=("table",), optional=("branch",), reads=("scale",))
def scale(ctx: Context, item, p: dict) -> Verdict:
    """Agricultural scale (fact `scale` = {category, value, unit}) against the scheme's table."""
    table = ctx.scheme.tables.get(p["table"]) or {}
    v, known = ctx.fact("scale")
    steps = [Step("facts.scale", v, known, "申请人填报" if known else "")]
    exemption = _claimed_exemption(ctx, p["branch"]) if p.get("branch") else None
    if not known:
        if exemption:
            return Verdict(
                "review", f"申请人称属于“{exemption['name']}”，可不受规模条件限制，需提供佐证材料", [], steps
            )
        return Verdict("missing", "未说明生产规模（类别、数量、单位）", [], steps, needs=["scale"])
    name, row = scale_row(table, v["category"])
    need = f"{fmt_num(row['min'])} {row['unit']}" if row else ""
    if row is None:
        return Verdict(
            "review", f"规模类别“{v['category']}”不在本条所列类别（{'、'.join(table)}）中，需人工判断", [], steps
        )
    if name != v["category"]:
        steps[0].note = f"“{v['category']}”按本条的“{name}”"
    unit = _unit(v.get("unit", ""))
    if unit != _unit(row["unit"]):
        return Verdict(
            "review",
            f"规模 {fmt_num(v['value'])} {v.get('unit')} 与本条单位（{row['unit']}）不同，需人工换算",
            [],
            steps,
        )
    ok = v["value"] >= row["min"]
    steps[0].note = f"{steps[0].note}；{fmt_num(v['value'])} {'≥' if ok else '<'} {need}".lstrip("；")
    if ok:
        return Verdict(
            "met", f"{name} {fmt_num(v['value'])} {row['unit']}，达到 {need} 的要求（申请人填报）", [], steps
        )
    said = v["category"] if name == v["category"] else f"{v['category']}（本条“{name}”）"
    if exemption:
        return Verdict(
            "review",
            f"{said} {fmt_num(v['value'])} {row['unit']}，低于 {need}；申请人称属于"
            f"“{exemption['name']}”，需提供佐证材料",
            [],
            steps,
        )
    return Verdict("not_met", f"{said} {fmt_num(v['value'])} {row['unit']}，低于要求的 {need}", [], steps)


def scale_row(table: dict, category: str) -> tuple[str, dict | None]:
    """The table's row for a category, by the seed's word or one of the row's `synonyms`."""
    import unicodedata

    c = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(category or "")))
    for name, row in table.items():
        if c == name or c in (row.get("synonyms") or ()):
            return name, row
    return c, None


def _unit(u: str) -> str:
    u = (u or "").strip().lower().replace("²", "2")
    return {"平方米": "m2", "㎡": "m2", "平米": "m2"}.get(u, u)


@rule("scored", optional=("cap_without_evidence", "doc_types"), reads=("scores", "declarations"))
def scored(ctx: Context, item, p: dict) -> Verdict:
    """A 100-point item: the evaluator's fraction (facts `scores`) scores it; without a score it is review
    when evidence is present (reachable: 100 %) and missing when not (reachable: the lowest band)."""
    cap0 = p.get("cap_without_evidence", ctx.scheme.scoring.get("cap_without_evidence", 0.2))
    scores = ctx.facts.get("scores") or {}
    s = scores.get(item.id)
    steps = [Step(f"scores.{item.id}", s, s is not None, "评价人员评分" if s is not None else "")]
    found = ctx.docs(*(p.get("doc_types") or item.evidence))
    decl = ctx.declaration(item.id)
    steps.append(
        Step(
            "/".join(p.get("doc_types") or item.evidence) or "documents",
            len(found) if found else None,
            bool(found),
            "、".join(d.file for d in found),
        )
    )
    evidence = [e for d in found[:3] for e in doc_evidence(d)]
    cap = 1.0 if (found or decl) else cap0
    if s is not None:
        pts = s * item.points
        steps[0].note = f"{s * 100:g}% × {fmt_num(item.points)} 分 = {pts:g} 分"
        if s <= 0:  # scored, but nothing earned: the item's requirement is not met
            return Verdict(
                "not_met",
                f"评价人员评分 0%，本项未得分（满分 {fmt_num(item.points)} 分）",
                evidence,
                steps,
                found[:3],
                score=s,
                score_cap=s,
            )
        return Verdict(
            "met",
            f"评价人员评分 {s * 100:g}%，得 {pts:g} 分（满分 {fmt_num(item.points)} 分）",
            evidence,
            steps,
            found[:3],
            score=s,
            score_cap=s,
        )
    if found:
        return Verdict(
            "review",
            f"已提供 {'、'.join(d.file for d in found[:3])}，待评价人员按 6.2.1 评分（满分 {fmt_num(item.points)} 分）",
            evidence,
            steps,
            found[:3],
            score_cap=cap,
        )
    if decl:
        return Verdict(
            "review",
            f"仅有申请人说明，待评价人员按 6.2.1 评分（满分 {fmt_num(item.points)} 分）",
            [],
            steps,
            score_cap=cap,
        )
    return Verdict(
        "missing",
        f"未提供材料；按 6.2.1 最多只能得 {cap0 * 100:g}%（{cap0 * item.points:g}/{fmt_num(item.points)} 分）",
        [],
        steps,
        score_cap=cap,
    )


@rule("later_stage", optional=("note",))
def later_stage(ctx: Context, item, p: dict) -> Verdict:
    """Decided at a later stage of the procedure, not at the pre-check."""
    return Verdict(
        "review",
        p.get("note") or "在后续程序中评价，预审阶段不作判断",
        [],
        [Step("stage", "later", True, "", "预审不判断")],
    )
