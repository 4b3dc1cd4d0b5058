"""A returned application form's item rows → the scheme's items, by what each row prints.

The form prints no item id: a row shows its clause (条目) and the item's requirement (条款及要求, or 指标
in the 自评表), both from forms.specs.scheme_spec — the one place that says what each row prints. A row
is read back as the applicant sees it (extractors.application_form.ItemRow), its clause and requirement
compared without white space after NFKC (full-width brackets, commas and digits as their ASCII forms):
- the clause and the requirement of exactly one item → that item;
- a clause only one item has → that item, even with its requirement reworded (the clause names it),
  unless the requirement is another item's — the row then says two things;
- a clause the scheme does not have, or one several items share (津质精品 3.1, 追溯 三（二）1) with a
  requirement matching none of them → not counted, with a warning a person reads: never a guess.

    facts, warnings = form_facts("jinzhi", documents)   # the --facts shape, declarations by item id
"""

from __future__ import annotations

import re

from checklists.registry import scheme_ids
from extractors.application_form import ITEM_ROWS, facts_from_documents
from extractors.text import normalize

from .specs import scheme_spec

Printed = tuple[tuple[str, str, str], ...]  # (clause key, title key, item id) of each row a form prints

_SPACE = re.compile(r"\s+")


def _key(text: str) -> str:
    return _SPACE.sub("", normalize(text or "")).casefold()


def printed(scheme_id: str) -> Printed:
    """What each row of the scheme's form prints, as compared (none for a scheme without a form)."""
    if scheme_id not in scheme_ids("form"):
        return ()
    return tuple((_key(it["clause"]), _key(it["title"]), it["id"]) for it in scheme_spec(scheme_id)["items"])


def item_of(rows: Printed, clause: str, title: str) -> tuple[str | None, str]:
    """(item id, "") for the row printing `clause` and `title`, else (None, why — in Chinese, for a person)."""
    c, t = _key(clause), _key(title)
    if c and t.startswith(c):  # the 条款及要求 cell repeats the clause before the requirement
        t = t[len(c) :]
    same_clause = [p for p in rows if p[0] == c]
    found = [p[2] for p in same_clause if p[1] == t]
    if len(found) == 1:
        return found[0], ""
    named_elsewhere = t and any(t in (p[1], p[0] + p[1]) for p in rows if p not in same_clause)
    if len(same_clause) == 1 and not named_elsewhere:
        return same_clause[0][2], ""
    shown = f"条目“{clause}”" + (f"（{title}）" if title else "")
    if not same_clause:
        return None, f"{shown}不是本方案的条款"
    if len(same_clause) == 1:
        return None, f"{shown}的条款号与要求分属本方案的两个条款，无法确认是哪一条"
    return None, f"{shown}对应本方案的{len(same_clause)}项要求，而要求文字与其中任何一项都不一致，无法确认是哪一条"


def map_rows(scheme_id: str, rows: list[dict]) -> tuple[dict[str, bool], dict[str, dict], list[str]]:
    """(declarations, self_assessment, warnings) of answered rows (ItemRow.to_json + `file`), later rows winning."""
    declarations: dict[str, bool] = {}
    selfs: dict[str, dict] = {}
    warnings: list[str] = []
    known = printed(scheme_id)
    for row in rows:
        item_id, why = item_of(known, str(row.get("clause") or ""), str(row.get("title") or ""))
        if item_id is None:
            warnings.append(
                f"{row.get('file') or '申请书'}：{why}，这一行所填内容未计入，请核对后重新填写或由秘书处人工审核"
            )
            continue
        if isinstance(row.get("declaration"), bool):
            declarations[item_id] = row["declaration"]
        if "band" in row or "score" in row:
            selfs[item_id] = {"band": row.get("band") or "", "score": row.get("score")}
    return declarations, selfs, warnings


def form_facts(scheme_id: str, documents: list[dict]) -> tuple[dict, list[str]]:
    """The declared facts of uploaded application forms (extractors.application_form.facts_from_documents)
    with their answered item rows named by `scheme_id`'s items: (facts in the --facts shape, warnings)."""
    facts = facts_from_documents(documents)
    rows = facts.pop(ITEM_ROWS, [])
    if not rows:
        return facts, []
    declarations, selfs, warnings = map_rows(scheme_id, rows)
    if declarations:
        facts["declarations"] = {**(facts.get("declarations") or {}), **declarations}
    if selfs:
        facts["self_assessment"] = {**(facts.get("self_assessment") or {}), **selfs}
    return facts, warnings
