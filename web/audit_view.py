"""The audit log as the secretariat reads it: who, when (Beijing time), what, and for changes of
the applicant's details and facts, each field from → to (worked out by replaying the log)."""

from __future__ import annotations

import json
import re

from .labels import AUDIT_ACTIONS, FACT_LABELS, FIELD_LABELS, STATUS_LABELS, VALUE_LABELS, beijing, chinese_day

EMPTY = "（空）"


def _show(v, declarations: dict) -> str:
    if v is None or v == "" or v == [] or v == {}:
        return EMPTY
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, list):
        return "、".join(map(str, v))
    if isinstance(v, dict):
        return "；".join(f"{declarations.get(k, k)}：{_show(x, declarations)}" for k, x in v.items())
    return VALUE_LABELS.get(str(v), str(v))


def _changes(before: dict, after: dict, labels: dict, declarations: dict) -> list[dict]:
    out = []
    for k in list(dict.fromkeys([*before, *after])):
        if before.get(k) != after.get(k):
            out.append(
                {
                    "field": labels.get(k, k),
                    "from": _show(before.get(k), declarations),
                    "to": _show(after.get(k), declarations),
                }
            )
    return out


def _json(text: str):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def _note(what: str, detail: str) -> str:
    """The stored detail without the action's own word, which the row shows already: 删除材料：x → x,
    补正后重新提交 → nothing (the log keeps the words as written)."""
    return "" if detail == what else detail.removeprefix(f"{what}：")


def readable_audit(rows: list[dict], items: dict[str, dict], declarations: dict) -> list[dict]:
    """`items`: the report's items by id (their titles and the engine's verdicts). Each row keeps the
    stored row's `id`, so a part of the log (a 补正 round) can be shown as the whole log shows it."""
    facts: dict = {}
    details = {"applicant": "", "product": ""}
    out = []
    for r in rows:
        action, detail = r.get("action") or "", r.get("detail") or ""
        row = {
            "id": r.get("id"),
            "who": r.get("user") or "",
            "when": beijing(r.get("created")),
            "what": AUDIT_ACTIONS.get(action, action),
            "changes": [],
            "note": "",
        }
        if action == "details":
            applicant, _, product = detail.partition(" / ")
            new = {"applicant": applicant, "product": product}
            row["changes"] = _changes(details, new, FACT_LABELS, declarations)
            details = new
        elif action in ("facts", "chat-facts") and isinstance(_json(detail), dict):
            sent = _json(detail)
            new = {**facts, **{k: v for k, v in sent.items() if v is not None}}
            for k, v in sent.items():
                if v is None and action == "facts":
                    new.pop(k, None)
            row["changes"] = _changes(facts, new, FACT_LABELS, declarations)
            facts = new
        elif action == "override":
            m = re.match(r"(\S+) → (\w+)：(.*)", detail, re.S)
            if m:
                item = items.get(m.group(1)) or {}
                was = re.search(r"原判定：(\S+?) —", item.get("reason") or "")
                row["changes"] = [
                    {
                        "field": f"{item.get('clause', '')} {item.get('title', m.group(1))}".strip(),
                        "from": was.group(1) if was else "预审结论",
                        "to": STATUS_LABELS.get(m.group(2), m.group(2)),
                    }
                ]
                row["note"] = m.group(3)
                row["item"] = m.group(1)
        elif action == "chat-correction" and isinstance(_json(detail), list):
            for c in _json(detail):
                if isinstance(c, dict):
                    row["changes"].append(
                        {
                            "field": f"{c.get('file', '')} {FIELD_LABELS.get(c.get('field'), c.get('field'))}",
                            "from": str(c.get("original") or EMPTY),
                            "to": str(c.get("value") or EMPTY),
                        }
                    )
        elif action == "state":
            before, _, rest = detail.partition(" → ")
            after, _, note = rest.partition("：")
            row["changes"] = [{"field": "程序环节", "from": before, "to": after}] if rest else []
            row["note"] = note if rest else detail
        elif action == "correction" and isinstance(_json(detail), dict):
            n = _json(detail)
            row["note"] = f"补正事项：{'、'.join(n.get('titles') or [])}；截止 {chinese_day(n.get('deadline'))}" + (
                f"；{n['note']}" if n.get("note") else ""
            )
        elif action == "scores" and isinstance(_json(detail), dict):
            row["note"] = f"{len(_json(detail))} 项评分"
        else:
            row["note"] = _note(row["what"], detail)
        if action in ("details", "facts", "chat-facts") and not row["changes"]:
            row["note"] = "（无变化）"
        out.append(row)
    return out


def readable_rounds(notices: list[dict], audit: list[dict]) -> list[dict]:
    """The 补正 rounds with their changes as `audit` (readable_audit of the whole log) shows them."""
    by_id = {a["id"]: a for a in audit}
    return [{**n, "changes": [by_id[c["id"]] for c in n["changes"] if c.get("id") in by_id]} for n in notices]
