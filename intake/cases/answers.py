"""One answer typed where the pre-check asks it (the to-do list's 请回答 lines): the question is one the
evaluation itself put to this case (an item's `needs`), the typed words are turned into the fact's
value by the question's kind, and a value that cannot be taken is refused with a sentence to show
beside the field (the typed words are kept by the page, never replaced by an error page)."""

from __future__ import annotations

from checklists.factschema import schema
from extractors.fields.dates import parse_date
from extractors.fields.money import parse_amount
from intake.cases.case import Case, CaseError, set_facts, update_details

YES, NO = ("yes", "是", "true"), ("no", "否", "false")


def asked(report: dict, key: str) -> dict | None:
    """The question `key` as the evaluation asks it of this case, or None when it does not."""
    for item in report.get("items") or []:
        for n in item.get("needs") or []:
            if n.get("key") == key and n.get("kind") != "upload":
                return n
    return None


def value_of(need: dict, raw: str):
    """The typed words as the fact's value, by the question's kind; CaseError with what to type."""
    raw = (raw or "").strip()
    kind = need["kind"]
    if not raw:
        raise CaseError("请先填写或选择一项再保存")
    if kind == "yes_no":
        if raw.lower() in YES or raw.lower() in NO:
            return raw.lower() in YES
        raise CaseError("请选择“是”或“否”")
    if kind == "choice":
        if raw in (need.get("choices") or []):
            return raw
        raise CaseError("请从列出的选项中选择一项")
    if kind == "number":
        v = parse_amount(raw.rstrip("%％"))
        if v is None:
            raise CaseError(f"“{raw}”不是一个数字，请填写具体数值（如 800万元、1200、95%）")
        kind_of = getattr(schema().get(need["key"].split(".")[0]), "type", "")
        return v / 100 if kind_of == "fraction" and (raw.endswith("%") or v > 1) else v
    if kind == "date":
        d = parse_date(raw)
        if d is None:
            raise CaseError(f"“{raw}”不是一个日期，请按 2024年3月1日 或 2024-03-01 填写")
        return d.isoformat()
    return raw[:200]


def answer(db, case: Case, report: dict, key: str, raw: str, who: str) -> None:
    need = asked(report, key)
    if need is None:
        raise CaseError("这个问题已经不需要回答了，请刷新页面查看最新的预审结果")
    value = value_of(need, raw)
    root, _, rest = key.partition(".")
    if root == "product" and not rest:
        update_details(db, case, case.applicant, str(value), who)
        return
    if root == "exemptions":
        set_facts(db, case, {root: sorted({*(case.facts.get(root) or []), value})}, who)
    elif rest:  # declarations.<item>, net_profit.<year>: one entry of an object
        set_facts(db, case, {root: {**(case.facts.get(root) or {}), rest: value}}, who)
    else:
        set_facts(db, case, {root: value}, who)
