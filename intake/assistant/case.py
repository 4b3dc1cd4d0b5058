"""Questions about the applicant's own case, answered from the case first (issue 27).

"我们去年亏了一点，还能申请吗" → the case's own net profit and the verdict of the item that asks for
profit, then the clause; "证书过期了怎么办" → the certificate's own date, how long ago it expired, the
items it serves and what would satisfy them. The verdicts are the evaluation's (the one evaluation,
passed in); the values are read from the case's facts and documents; nothing is stored. When the case
lacks the value, the reply asks for it. The topics and their words are data (data/case_topics.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from checklists.vocabulary import plain

from .answers import clean, vocabulary

DATA = Path(__file__).parent / "data"


@dataclass
class CaseAnswer:
    lines: list[str]
    clauses: list[str] = field(default_factory=list)
    inject: str = ""  # the case's value as the question would have said it ("亏损30万元"), for numbers.compute


_GIVEN = re.compile(r"\d|百分之|[一二两三四五六七八九十半]+\s*个?\s*[亿万]|[一二两三四五六七八九十半]+\s*分(?!之)")


@cache
def _topics() -> dict:
    return yaml.safe_load((DATA / "case_topics.yaml").read_text(encoding="utf-8"))


def about_own_case(text: str) -> bool:
    return any(w in text for w in _topics()["own"])


def topic_of(text: str) -> dict | None:
    s = clean(text)
    if _GIVEN.search(s):
        return None  # a number in the question is the question's own (numbers.py computes it)
    return next((t for t in _topics()["topics"] if any(w in s for w in t["words"])), None)


def answer(scheme, text: str, ev: dict, state_docs: list[dict], facts: dict, as_of: date) -> CaseAnswer | None:
    """The case's own answer to a question about it, or None when the question is not about the case.
    A question is about the case when it says so (我们…) or when the case holds what it asks about
    ("证书过期了怎么办" with an expired certificate uploaded)."""
    topic = topic_of(text)
    if topic is None:
        return None
    if not about_own_case(clean(text)) and not _holds(topic, ev, state_docs, facts, as_of):
        return None
    if topic["topic"] == "expiry":
        return _expiry(scheme, text, ev, state_docs, as_of, topic)
    items = _items(scheme, ev, topic)
    value = _value(topic, ev, state_docs, facts)
    if value is None and not items and topic["topic"] == "loss":
        return _no_profit_rule(scheme, [])
    if value is None:
        return _ask_for(scheme, topic, items, ev)
    said, inject = value
    lines = [f"您的申请里：{said}。"]
    lines += _verdicts(items)
    clauses = [it["clause"] for it in items]
    if not items and topic["topic"] == "loss":
        return _no_profit_rule(scheme, lines)
    return CaseAnswer(lines, clauses, inject)


def _no_profit_rule(scheme, lines: list[str]) -> CaseAnswer:
    lines = lines + [f"《{scheme.name}》的申请条件里没有对盈利的要求，亏损本身不是申请门槛；申请条件是："]
    return CaseAnswer(lines, _conditions(scheme))


def _holds(topic: dict, ev: dict, docs: list[dict], facts: dict, as_of: date) -> bool:
    """The case holds the topic's value; for certificates, one that has expired or expires within 90 days."""
    if topic["topic"] == "expiry":
        return any((d := _date(v)) is not None and (d - as_of).days <= 90 for _, v in _docs_with(docs, "valid_until"))
    return _value(topic, ev, docs, facts) is not None


# -- values --------------------------------------------------------------------------------------


def _docs_with(state_docs: list[dict], name: str) -> list[tuple[dict, object]]:
    out = []
    for d in state_docs:
        f = (d.get("fields") or {}).get(name)
        if isinstance(f, dict) and f.get("value") not in (None, "", [], {}):
            out.append((d, f["value"]))
    return out


def _latest(by_year: dict) -> tuple[str, float] | None:
    years = sorted((str(y), v) for y, v in (by_year or {}).items() if isinstance(v, (int, float)))
    return years[-1] if years else None


def _yuan(v: float) -> str:
    from checklists.rules import yuan

    return yuan(v).replace(" ", "")


def _value(topic: dict, ev: dict, docs: list[dict], facts: dict) -> tuple[str, str] | None:
    spec = topic.get("value") or {}
    kind = topic["topic"]
    raw = facts.get(spec["fact"]) if spec.get("fact") else None
    if raw is None and spec.get("doc_field"):
        found = _docs_with(docs, spec["doc_field"])
        raw = found[-1][1] if found else None
    if spec.get("outcome"):
        out = ev.get("outcome") or {}
        if out.get("score") is None or not _scored(ev):
            return None
        return (
            f"按目前各评分项的得分，合计 {out['score']:g} 分（满分 {out.get('score_max') or 100:g} 分）",
            f"{out['score']:g}分",
        )
    if raw is None:
        return None
    if kind in ("loss", "sales") and isinstance(raw, dict):
        latest = _latest(raw)
        if latest is None:
            return None
        year, v = latest
        word = "净利润" if kind == "loss" else "销售额"
        state = "（亏损）" if kind == "loss" and v < 0 else ""
        inject = (f"亏损{abs(v):g}元" if v < 0 else f"盈利{v:g}元") if kind == "loss" else f"{v:g}元"
        return f"{year}年{word} {_yuan(v)}{state}", inject
    if kind == "satisfaction" and isinstance(raw, (int, float)):
        return f"用户满意度测评报告 {raw:g} 分", f"{raw:g}分"
    if kind == "coverage" and isinstance(raw, (int, float)):
        return f"用码覆盖率 {raw * 100:g}%", f"{raw * 100:g}%"
    if kind == "margin" and isinstance(raw, list):
        margins = [(i.get("name"), i.get("margin")) for i in raw if isinstance(i.get("margin"), (int, float))]
        if not margins:
            return None
        name, m = max(margins, key=lambda x: x[1])
        return f"检测报告中{name}高出标准要求 {m * 100:g}%", f"高出{m * 100:g}%"
    if kind == "production":
        return f"{'开始批量生产' if spec.get('fact') and facts.get(spec['fact']) else '成立日期'} {raw}", ""
    return f"{raw}", ""


def _scored(ev: dict) -> bool:
    return any(it.get("rule") == "scored" and it["status"] != "missing" for it in ev["items"])


# -- items ------------------------------------------------------------------------------------------


def _items(scheme, ev: dict, topic: dict) -> list[dict]:
    rules = set(topic.get("rules") or [])
    fields = set(topic.get("fields") or [])
    wanted = set()
    for it in scheme.items:
        p = it.params or {}
        if it.rule in rules or (fields & {p.get("field"), p.get("fact")}):
            wanted.add(it.id)
    return [it for it in ev["items"] if it["id"] in wanted and it["status"] != "not_applicable"]


def _verdicts(items: list[dict]) -> list[str]:
    words = vocabulary()["status_words"]
    out = []
    for it in items[:4]:
        line = f"· {it['clause']} {it['title']}：{words.get(it['status'], it['status'])}，{plain(it['reason'])}"
        if it["status"] in ("not_met", "missing") and it.get("satisfy"):
            line += f"；{it['satisfy']}"
        out.append(line)
    return out


def _conditions(scheme) -> list[str]:
    """The clause that lists the scheme's application conditions (the common parent of the items
    every applicant must meet), then those items' clauses."""
    every = set(scheme.level_names)
    gates = [it.clause for it in scheme.items if "*" in it.gates or (every and every <= set(it.gates))]
    gates = list(dict.fromkeys(gates))
    if not gates:
        return []
    head = re.split(r"[\s（(]", gates[0])[0]
    parent = head if all(g.startswith(head) for g in gates[:3]) else None
    return ([parent] if parent and parent not in gates else []) + gates[:3]


def _ask_for(scheme, topic: dict, items: list[dict], ev: dict) -> CaseAnswer | None:
    if not items and topic["topic"] not in ("grade",):
        return None
    if topic["topic"] == "grade" and not (scheme.scoring or {}).get("grades"):
        return None
    where = "、".join(dict.fromkeys(it["clause"] for it in items)) or (scheme.scoring or {}).get("clause", "")
    lines = [f"您的申请里还没有这个数。请告诉我{topic['ask']}，我按{_cite(where)}帮您核对（只作答复，不会替您记录）。"]
    clauses = [it["clause"] for it in items] or [(scheme.scoring or {}).get("clause")]
    return CaseAnswer(lines, [c for c in clauses if c])


def _cite(clauses: str) -> str:
    return clauses if clauses.startswith("第") else f"第 {clauses} 条"


# -- certificates ---------------------------------------------------------------------------------


def _named_types(text: str, types: list[str]) -> list[str]:
    """Document types the question names, by the characters it shares with their names
    (质量体系证书 ~ 质量管理体系认证证书, 商标证 ~ 商标注册证)."""
    names = vocabulary()["doc_type_names"]
    s = clean(text)
    grams = {s[i : i + 2] for i in range(len(s) - 1)} - {"证书", "认证"}
    scored = []
    for t in types:
        name = names.get(t, "")
        own = {name[i : i + 2] for i in range(len(name) - 1)} - {"证书", "认证"}
        hit = len(own & grams)
        if hit >= 2 or (hit >= 1 and len(own) <= 3):
            scored.append((hit, t))
    return [t for _, t in sorted(scored, reverse=True)]


def _expiry(scheme, text, ev, docs, as_of: date, topic) -> CaseAnswer | None:
    names = vocabulary()["doc_type_names"]
    dated = [(d, v) for d, v in _docs_with(docs, "valid_until") if _date(v)]
    named = _named_types(text, list(names))
    if named:
        dated = [(d, v) for d, v in dated if d.get("type") in named] or []
    items_all = [it for it in ev["items"] if it["status"] != "not_applicable"]
    ev_by_type = {it.id: set(it.evidence or []) for it in scheme.items}
    if not dated:
        types = named or [t for it in scheme.items if it.rule == "cert_valid" for t in it.evidence or []]
        items = [it for it in items_all if ev_by_type.get(it["id"], set()) & set(types)]
        if not items:
            return None
        what = "、".join(names.get(t, t) for t in dict.fromkeys(types))
        lines = [f"您的申请里还没有{what}的有效期。请上传证书，或告诉我有效期到哪天，我帮您核对（不会替您记录）。"]
        return CaseAnswer(lines + _verdicts(items), [it["clause"] for it in items])
    dated.sort(key=lambda dv: _date(dv[1]) or as_of)
    lines, clauses = [], []
    for d, v in dated[:3]:
        until = _date(v)
        if until is None:
            continue
        days = (until - as_of).days
        state = f"已过期（过期 {-days} 天）" if days < 0 else (f"还有 {days} 天到期" if days <= 90 else "仍在有效期内")
        name = names.get(d.get("type"), "证书")
        lines.append(f"您的{name}有效期至 {until.isoformat()}，{state}（今天 {as_of.isoformat()}）。")
        items = [it for it in items_all if d.get("type") in ev_by_type.get(it["id"], set())]
        lines += _verdicts(items)
        if days <= 90 and items:
            lines.append(f"请上传在有效期内的{name}（到期换发或复审后的新证书）；新证书上传后这些条目会重新核对。")
        clauses += [it["clause"] for it in items]
    return CaseAnswer(lines, list(dict.fromkeys(clauses)))


def _date(v) -> date | None:
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        return None
