"""How long each field of an online comment sheet may be: one declaration read by the web form's
template, the JSON API's model and `submit_online`, which enforces it (so the form and the API
refuse the same text, with the same sentence)."""

from __future__ import annotations

from intake.errors import BadInput

MAX_LENGTHS = {
    "submitter": 200,
    "contact_person": 100,
    "contact": 200,
    "clause": 100,
    "comment": 5000,
    "reason": 5000,
}
LABELS = {
    "submitter": "单位名称或专家姓名",
    "contact_person": "联系人",
    "contact": "联系方式",
    "clause": "章节",
    "comment": "修改意见",
    "reason": "具体理由",
}
MAX_COMMENTS = 50  # comments in one online sheet (the web form shows 8 rows)


def too_long(field: str, value: str | None, row: int | None = None) -> str | None:
    """The sentence refusing `value` for `field`, or None when it fits."""
    limit = MAX_LENGTHS[field]
    if len(value or "") <= limit:
        return None
    where = f"第 {row} 条意见的" if row else ""
    return f"{where}“{LABELS[field]}”超过 {limit} 个字符（现有 {len(value or '')} 个），请缩短后再提交"


def check_online_sheet(details: dict[str, str], comments: list[dict], error=BadInput) -> None:
    """Raise `error` naming the first field over its length, or when there are too many comments."""
    if len(comments) > MAX_COMMENTS:
        raise error(f"一次最多提交 {MAX_COMMENTS} 条意见（现有 {len(comments)} 条）")
    problems = [too_long(k, v) for k, v in details.items()]
    problems += [
        too_long(k, str(c.get(k) or ""), i) for i, c in enumerate(comments, 1) for k in ("clause", "comment", "reason")
    ]
    first = next((p for p in problems if p), None)
    if first:
        raise error(first)
