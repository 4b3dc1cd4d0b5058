"""The pre-check as a 一次性告知 to-do list: what the applicant still has to do, one line per action.

Everything is derived from the evaluation (items, verdicts, what each item `needs`) and the scheme's
data (which document types are evidence for which item) — no scheme is named here:

- upload: one line per document type, chosen so that one document covering many items is one line
  (greedy cover over the upload needs of the items still missing or not met);
- answer: one line per question (a fact or a declaration) that items wait for, with its own control;
- check: a document that cannot serve as it is — expired, not yet valid, another company's, unreadable,
  a duplicate — flagged on the line of its document type (replace/delete), or on a line of its own;
- fix: a value typed that does not match the documents (申请单位名称 against the licence …);
- blocker: a requirement not met that no upload or answer in the list addresses.

Items waiting only for the secretariat's judgement are listed apart (not counted as the applicant's);
for a scored scheme one sentence says the reachable score against the lowest grade's threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from checklists.engine import same_holder
from checklists.factschema import schema
from checklists.vocabulary import FACT_QUESTIONS, VALUE_LABELS, doc_label, plain
from extractors.text import name_key
from intake.cases.crosscheck import cross_checks
from intake.clock import chinese_day
from intake.clock import today as beijing_today  # the day is Beijing's

ACTIONABLE = ("missing", "not_met")
PROBLEM_WORDS = {
    "expired": "已过期",
    "not_yet_valid": "尚未生效",
    "other_holder": "不是贵单位的",
    "unreadable": "无法使用",
    "duplicate": "重复上传",
}


@dataclass
class Line:
    kind: str  # upload | answer | check | fix | blocker
    text: str
    covers: list[dict] = field(default_factory=list)  # the requirements it settles: {title, clause, status}
    doc_type: str | None = None
    alternatives: list[str] = field(default_factory=list)  # other document types that would also do
    need: dict | None = None  # the answer's question: {key, kind, question, choices: [(value, label)]}
    flags: list[dict] = field(default_factory=list)  # problem documents: {document_id, file, problem, word, text}
    fix: dict | None = None  # a cross-check: {what, typed, read, source, hint, file, page}
    detail: str = ""  # why, with clause numbers and arithmetic: small print
    asked: bool = False  # the secretariat asked for it in a 补正通知

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], "", False)}


def _value(doc: dict, name: str):
    f = (doc.get("fields") or {}).get(name)
    return f.get("value") if isinstance(f, dict) else None


def _date(v) -> date | None:
    try:
        return date.fromisoformat(str(v)[:10]) if v else None
    except ValueError:
        return None


def holder_names(report: dict, applicant: str) -> list[str]:
    """The applicant's names as the case knows them: the name typed and the licence's."""
    names = [applicant] if applicant else []
    for d in report.get("documents") or []:
        if d.get("state") == "read" and d.get("type") == "business_license" and _value(d, "org_name"):
            names.append(str(_value(d, "org_name")))
    return [n for n in names if name_key(n)]


def document_problems(report: dict, applicant: str, as_of: date) -> dict[int, list[dict]]:
    """Per document id: why it cannot serve as it is (expired, not yet valid, another holder, unreadable,
    a duplicate). A document with none is not in the result."""
    out: dict[int, list[dict]] = {}
    names = holder_names(report, applicant)
    seen: dict[str, str] = {}
    for d in report.get("documents") or []:
        found = []
        did = d.get("document_id")
        if d.get("sha256") in seen:
            found.append(("duplicate", f"与“{seen[d['sha256']]}”是同一个文件"))
        else:
            seen[d.get("sha256") or ""] = d.get("file") or ""
        if d.get("state") == "failed" or d.get("error"):
            found.append(("unreadable", f"读取失败：{plain(d.get('error')) or '文件无法打开'}"))
        elif d.get("state") == "read" and (d.get("type") in (None, "other")) and not d.get("fields"):
            found.append(("unreadable", "没有识别出这是哪一种材料，也没有读出任何信息"))
        holder = _value(d, "org_name")
        ours = bool(holder) and any(same_holder(str(holder), n) for n in names)  # the engine's rule
        if holder and names and not ours and d.get("type") != "business_license":
            found.append(("other_holder", f"持有人是“{holder}”，不是{applicant or '营业执照上的单位'}"))
        until, since = _date(_value(d, "valid_until")), _date(_value(d, "issued"))
        if until and until < as_of:
            found.append(("expired", f"有效期至{chinese_day(until)}，已过期"))
        elif since and since > as_of:
            found.append(("not_yet_valid", f"发证日期是{chinese_day(since)}，还未生效"))
        if found and did is not None:
            out[did] = [
                {
                    "document_id": did,
                    "file": d.get("file"),
                    "doc_type": d.get("type"),
                    "problem": k,
                    "word": PROBLEM_WORDS[k],
                    "text": t,
                }
                for k, t in found
            ]
    return out


def check_text(doc: dict, found: list[dict]) -> str:
    """What to do about one document that cannot serve as it is, by its first problem."""
    label = doc_label(doc["type"]) if doc.get("type") not in (None, "other") else "材料"
    first = found[0]["problem"]
    if first in ("expired", "not_yet_valid"):
        return f"换成在有效期内的{label}"
    if first == "other_holder":
        return f"核对{label}：持有人不是贵单位"
    if first == "duplicate":
        return f"删除重复上传的“{doc.get('file')}”"
    return f"删除或重新上传“{doc.get('file')}”"


def _brief(item: dict) -> dict:
    return {
        "id": item["id"],  # to match a 补正通知's items; never shown
        "title": item.get("title", ""),
        "clause": item.get("clause", ""),
        "status": item["status"],
        "evidence": item.get("evidence") or [],
    }


def _answered(facts: dict, key: str) -> bool:
    root, _, rest = key.partition(".")
    v = facts.get(root)
    if rest and isinstance(v, dict):
        return v.get(rest) is not None
    return v not in (None, "", [], {})


def _open_questions(item: dict, facts: dict) -> list[dict]:
    return [n for n in item.get("needs") or [] if n.get("kind") != "upload" and not _answered(facts, n["key"])]


def _uploads(item: dict) -> list[str]:
    return [n["doc_type"] for n in item.get("needs") or [] if n.get("kind") == "upload" and n.get("doc_type")]


def _question(need: dict) -> dict:
    """The question with the choices of its fact (the facts schema's, all of them: an item asking which
    sector knows only the one it applies to)."""
    root = need["key"].split(".")[0]
    question = FACT_QUESTIONS.get(root) if root not in ("declarations",) and need["kind"] == "choice" else None
    spec = schema().get(root)
    choices = [(c, VALUE_LABELS.get(c, c)) for c in need.get("choices") or []]
    if need["kind"] == "choice" and spec is not None and spec.choices:
        choices = list(spec.choices)
    return {
        "key": need["key"],
        "kind": need["kind"],
        "question": plain(question or need.get("question")),
        "choices": choices,
        "unit": need.get("unit"),
    }


def _upload_text(doc_type: str, covered: list[dict]) -> str:
    """ "上传营业执照"; a type with no name of its own ("other") says what the item's question asks for."""
    if doc_type != "other":
        return f"上传{doc_label(doc_type)}"
    asks = [n.get("question") for i in covered for n in i.get("needs") or [] if n.get("doc_type") == doc_type]
    return plain(asks[0]).rstrip("。") if asks else "上传其他材料"


def _cover(items: list[dict]) -> list[tuple[str, list[dict]]]:
    """Document types chosen greedily so that each line covers as many items as it can."""
    left = [i for i in items if _uploads(i)]
    out = []
    while left:
        counts: dict[str, int] = {}
        for i in left:
            for t in dict.fromkeys(_uploads(i)):
                counts[t] = counts.get(t, 0) + 1
        best = max(counts, key=lambda t: counts[t])  # ties: the first asked (dicts keep order)
        covered = [i for i in left if best in _uploads(i)]
        out.append((best, covered))
        left = [i for i in left if best not in _uploads(i)]
    return out


def _affected(report: dict, doc: dict, evidence_types: dict[str, tuple]) -> list[dict]:
    """Items (still applicable) that this document is evidence for: by type or by being cited."""
    out = []
    for i in report.get("items") or []:
        if i["status"] == "not_applicable":
            continue
        cited = any(e.get("file") == doc.get("file") for e in i.get("evidence") or [])
        if cited or doc.get("doc_type") in (evidence_types.get(i["id"]) or ()) or doc.get("doc_type") in _uploads(i):
            out.append(_brief(i))
    return out


def evidence_types(scheme_id: str) -> dict[str, tuple]:
    """Item id → the document types the scheme's data names as its evidence."""
    from checklists.scheme import load_scheme

    try:
        return {it.id: tuple(it.evidence) for it in load_scheme(scheme_id).items}
    except Exception:  # an unknown scheme: the items' needs alone
        return {}


def score_sentence(outcome: dict, grades: list[dict]) -> str:
    """For a scored scheme: the reachable score against the lowest grade's threshold, in one sentence."""
    reach = outcome.get("score_max")
    if reach is None or not grades:
        return ""
    low = min(grades, key=lambda g: g["min"])
    total = outcome.get("score_total")
    of = f"（满分 {total:g} 分）" if isinstance(total, (int, float)) else ""
    if reach >= low["min"]:
        best = outcome.get("best_grade")
        aim = f"，可争取“{best}”" if best else ""
        return f"按现有材料最高可得 {reach:g} 分{of}，达到“{low['name']}”所需的 {low['min']:g} 分{aim}。"
    return (
        f"按现有材料最高可得 {reach:g} 分{of}，未达到“{low['name']}”所需的 {low['min']:g} 分；补齐下面的材料才能达到。"
    )


def todo(
    report: dict,
    applicant: str = "",
    product: str = "",
    grades: list[dict] | None = None,
    only: set[str] | None = None,
) -> dict:
    """The to-do list for the applicant: {count, lines, review, met, score}. `only`: item ids a 补正通知
    names — then only the lines that serve them (each marked `asked`), and nothing else counts."""
    as_of = _date(report.get("as_of")) or beijing_today()
    facts = report.get("facts") or {}
    items = [i for i in report.get("items") or [] if i["status"] != "not_applicable"]
    types = evidence_types(report.get("scheme") or "")
    problems = document_problems(report, applicant, as_of)
    docs = {d.get("document_id"): d for d in report.get("documents") or []}

    lines: list[Line] = []
    answers: dict[str, Line] = {}
    handled: set[str] = set()
    for i in items:
        if i["status"] not in ACTIONABLE:
            continue
        for n in _open_questions(i, facts):
            line = answers.get(n["key"])
            if line is None:
                q = _question(n)
                line = answers[n["key"]] = Line("answer", q["question"], need=q)
                lines.append(line)
            line.covers.append(_brief(i))
            handled.add(i["id"])

    to_upload = [i for i in items if i["status"] in ACTIONABLE and i["id"] not in handled]
    uploads: dict[str, Line] = {}
    for doc_type, covered in _cover(to_upload):
        others = sorted({t for i in covered for t in _uploads(i)} - {doc_type}) if len(covered) == 1 else []
        line = Line("upload", _upload_text(doc_type, covered), [_brief(i) for i in covered], doc_type, others)
        line.detail = "；".join(
            f"{i.get('clause', '')} {i.get('title', '')}：{plain(i.get('reason'))}".strip() for i in covered
        )
        uploads[doc_type] = line
        lines.append(line)
        handled.update(i["id"] for i in covered)

    for did, found in problems.items():
        doc = docs.get(did) or {}
        invalid = all(f["problem"] in ("expired", "not_yet_valid", "other_holder") for f in found)
        line = uploads.get(doc.get("type") or "") if invalid else None
        if line is None:
            line = Line("check", check_text(doc, found), doc_type=doc.get("type"))
            line.covers = _affected(report, {**doc, "doc_type": doc.get("type")}, types)
            lines.append(line)
        else:
            line.text = f"上传有效的{doc_label(doc['type'])}"
        line.flags.extend(found)
        if line.kind == "check":
            line.detail = "；".join(f["text"] for f in line.flags)

    for c in cross_checks(applicant, product, report):
        lines.append(Line("fix", f"请核对{c['what']}", fix=c, detail=c.get("hint", "")))

    for i in items:
        if i["status"] == "not_met" and i["id"] not in handled:
            line = Line("blocker", i.get("title", ""), [_brief(i)], detail=plain(i.get("reason")))
            line.need = {"question": plain(i.get("satisfy"))} if i.get("satisfy") else None
            lines.append(line)

    if only is not None:
        lines = [ln for ln in lines if any(c["id"] in only for c in ln.covers)]
        served = {c["id"] for ln in lines for c in ln.covers}
        for i in items:  # an item asked for that the pre-check finds no gap in: the secretariat's word stands
            if i["id"] in only and i["id"] not in served:
                ups = _uploads(i)
                line = Line("upload", f"补正：{i.get('title', '')}", [_brief(i)], ups[0] if ups else None)
                line.detail = plain(i.get("satisfy") or i.get("reason"))
                lines.append(line)
        for ln in lines:
            ln.asked = True
    order = {"fix": 0, "check": 1, "blocker": 2, "upload": 3, "answer": 4}
    lines.sort(key=lambda ln: (order[ln.kind] if not ln.flags else 1, -len(ln.covers)))
    flagged = {(f["document_id"]) for ln in lines for f in ln.flags}
    return {
        "count": len(lines),
        "lines": [ln.to_json() for ln in lines],
        "review": [_brief(i) | {"reason": plain(i.get("reason"))} for i in items if i["status"] == "review"],
        "met": [_brief(i) for i in items if i["status"] == "met"],
        "flagged_documents": sorted(flagged),
        "score": score_sentence(report.get("outcome") or {}, grades or []),
    }
