"""The interview: "ask only what is still undefined" (docassemble style).

Each turn the case is re-evaluated by the checklist engine; the next question is the
single most useful open one, in this order:
  1. confirming a value read with low confidence from an upload;
  2. case-level facts an item depends on (level, sector, organisation, product kind …);
  3. facts the gating items still miss (yes/no, number+unit, date, choice, text);
  4. uploads the gating items still miss;
  5. the same for the items that do not gate (scored / priority items).
A skipped question is not asked again unless the applicant goes back to it.

All state lives in a plain JSON-serialisable dict (see `new_state`) so that the web
service can keep it per case; this module only reads and updates that dict.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from checklists.vocabulary import plain
from extractors.fields.dates import chinese_days
from intake.clock import chinese_day, now

from .answers import Parsed, parse_choice, parse_date, parse_number, parse_text, parse_yes_no, split_lead_in, vocabulary
from .schemedata import yes_no_spec

SOURCE = "申请人声明"
STATE_VERSION = 1


def new_state(scheme_id: str, base_facts: dict | None = None, as_of: str | None = None) -> dict:
    return {
        "version": STATE_VERSION,
        "scheme": scheme_id,
        "as_of": as_of,  # ISO date of the evaluation; None = today
        "base_facts": copy.deepcopy(base_facts or {}),  # e.g. from `intake chat --facts`
        "answers": {},  # ask key → {value, raw, source, at, question}
        "order": [],  # ask keys in the order they were (last) answered
        "skipped": [],  # ask keys the applicant skipped
        "asked": {},  # ask key → the ask (so "修改 …" can find it again)
        "pending": None,  # the ask waiting for an answer
        "documents": [],  # `intake extract` objects of uploads
        "corrections": [],  # applicant corrections of values read from uploads
        "confirmed": [],  # "sha256:field" the applicant confirmed as read
        "last_status": {},  # item id → status after the previous turn
        "last_outcome": None,
        "turns": 0,
    }


# -- facts --------------------------------------------------------------------------


def _split_key(key: str) -> tuple[str, str | None]:
    top, _, rest = key.partition(".")
    return top, (rest or None)


def set_fact(facts: dict, key: str, value: Any) -> None:
    """Put an answer at its facts-file path: `declarations.<item id>` and `scores.<item id>`
    keep the dotted item id whole; `exemptions.<name>` (yes/no) adds or removes a name;
    other dotted keys nest (`scale.value`)."""
    top, rest = _split_key(key)
    if rest is None:
        if top == "exemptions" and isinstance(value, str):
            facts[top] = [] if value in ("无", "none", "") else [value]
        else:
            facts[top] = value
        return
    if top in ("declarations", "scores"):
        facts.setdefault(top, {})[rest] = value
    elif top == "exemptions":
        names = [n for n in (facts.get(top) or []) if n != rest]
        facts[top] = names + [rest] if value else names
    else:
        node = facts.setdefault(top, {})
        if not isinstance(node, dict):
            node = facts[top] = {}
        parts = rest.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value


def has_fact(facts: dict, key: str) -> bool:
    top, rest = _split_key(key)
    if rest is None:
        return facts.get(top) is not None
    node = facts.get(top)
    if top in ("declarations", "scores"):
        return isinstance(node, dict) and node.get(rest) is not None
    if top == "exemptions":
        return node is not None
    for p in rest.split("."):
        if not isinstance(node, dict) or node.get(p) is None:
            return False
        node = node[p]
    return True


def facts_of(state: dict) -> dict:
    """The facts the checklist engine sees: the base facts overlaid with the answers."""
    facts = copy.deepcopy(state.get("base_facts") or {})
    for key in state["order"]:
        ans = state["answers"].get(key)
        if ans is not None and not key.startswith(("confirm:", "upload:")):
            set_fact(facts, key, ans["value"])
    return facts


# -- asks ---------------------------------------------------------------------------


def _case_question(key: str) -> dict | None:
    for q in vocabulary()["case_questions"]:
        if q["key"] == key:
            return q
    return None


def _choices(key: str, raw: list, scheme) -> list[dict]:
    cq = _case_question(key)
    if cq and cq.get("choices_from") == "levels":
        return [{"value": n, "label": n} for n in scheme.level_names]
    if cq and cq.get("choices"):
        labelled = cq["choices"]
        if raw:
            labelled = [c for c in labelled if c["value"] in raw] or labelled
        return labelled
    return [{"value": c, "label": str(c)} for c in raw]


def ask_from_item(item, ask, scheme) -> dict:
    a = {
        "key": ask.key,
        "kind": ask.kind,
        "question": ask.question,
        "item": item.id,
        "clause": item.clause,
        "title": item.title,
        "source": "item",
    }
    if ask.unit:
        a["unit"] = ask.unit
    if ask.kind == "number" and _fact_kind(ask.key) == "number01":
        a["unit"] = "fraction"  # the facts file holds 0..1; the applicant says "85%"
    if ask.kind == "choice":
        a["choices"] = _choices(ask.key, list(ask.choices), scheme)
    if ask.key == "exemptions" and ask.kind == "choice":
        a["choices"] = a["choices"] + [vocabulary()["no_exemption"]]
    if ask.key == "scale":
        # One answer carries the category and the amount: "稻麦 1200亩".
        table = (getattr(scheme, "tables", {}) or {}).get("scale") or {}
        a["kind"] = "scale"
        a["categories"] = {name: row.get("unit", "") for name, row in table.items()}
        # the scheme's own synonyms (checklist tables: 水稻 → 常规稻麦), before the interview's aliases
        a["synonyms"] = {syn: name for name, row in table.items() for syn in row.get("synonyms") or ()}
    if ask.kind == "upload":
        a["doc_type"] = ask.doc_type
        a["key"] = f"upload:{ask.doc_type}"
    if ask.kind == "date":
        a["not_future"] = not any(w in (ask.key + ask.question) for w in ("valid", "expir", "有效期", "到期", "截止"))
    return with_polarity(a, scheme)


def with_polarity(a: dict, scheme) -> dict:
    """A yes/no ask in its positive phrasing, with its polarity and the words that confirm each
    answer (checklists/schemes/<id>/interview.yaml): "没有" to "是否被通报过" is then unambiguous."""
    if a["kind"] != "yes_no":
        return a
    spec = yes_no_spec(scheme.id, a["key"])
    if spec:
        a["question"] = spec.get("ask") or a["question"]
        a["polarity"] = spec.get("polarity", "positive")
        for k in ("said_yes", "said_no", "not_involved"):
            if spec.get(k):
                a[k] = spec[k]
    else:
        a.setdefault("polarity", "positive")
    return a


def _fact_kind(key: str) -> str | None:
    from checklists.factsfile import FACT_KEYS

    spec = FACT_KEYS.get(key)
    return spec[0] if spec else None


def case_ask(q: dict, scheme) -> dict:
    a = {"key": q["key"], "kind": q["kind"], "question": q["question"], "source": "case"}
    if q["kind"] == "choice":
        a["choices"] = _choices(q["key"], [], scheme)
    return with_polarity(a, scheme)


def _depends_on(item) -> set[str]:
    keys = set(getattr(item, "applies_when", {}) or {}) | set(getattr(item, "not_applicable_when", {}) or {})
    params = getattr(item, "params", {}) or {}
    for k in ("by", "fact"):
        if isinstance(params.get(k), str):
            keys.add(params[k])
    return keys


def _applies(item, facts: dict, target: str | None) -> bool:
    """The item's own applicability conditions hold on the facts known (unknown → not yet)."""
    for key, values in (getattr(item, "not_applicable_when", {}) or {}).items():
        if facts.get(key) in values:
            return False
    for key, values in (getattr(item, "applies_when", {}) or {}).items():
        if facts.get(key) is None or facts.get(key) not in values:
            return False
    return not (target and item.gates and target not in item.gates)


def _answered(state: dict, key: str, facts: dict) -> bool:
    if key in state["skipped"]:
        return True
    if key.startswith("upload:"):
        t = key.split(":", 1)[1]
        return key in state["answers"] or any(d.get("type") == t and not d.get("error") for d in state["documents"])
    return key in state["answers"] or has_fact(facts, key)


def open_asks(scheme, evaluation: dict, state: dict) -> list[dict]:
    """Every question still worth asking, most useful first."""
    facts = facts_of(state)
    status = {it["id"]: it for it in evaluation["items"]}
    target = facts.get("target_level")
    out: list[dict] = []
    seen: set[str] = set()

    def add(a: dict) -> None:
        if a["key"] not in seen and not _answered(state, a["key"], facts):
            seen.add(a["key"])
            out.append(a)

    confirmations = pending_confirmations(state)
    if len(confirmations) > 1:  # one list to check, not one question per value
        group = confirmation_group(confirmations)
        if group["key"] not in state["skipped"]:
            out.append(group)
    else:
        out.extend(confirmations)
    seen.update(a["key"] for a in out)

    # A fact a document just uploaded is compared against ("申报的产品名称" for a patent's scope):
    # asked right after the document, never before it — without the document it decides nothing.
    for it in scheme.items:
        row = status.get(it.id) or {}
        if row.get("status") != "review":
            continue
        need_keys = {n.get("key") if isinstance(n, dict) else n for n in row.get("needs") or []}
        for ask in it.asks:
            if ask.key in _compared_facts(it) and ask.key in need_keys:
                add(ask_from_item(it, ask, scheme))

    # Case-level facts: the level first (when the scheme has levels), then the facts any
    # still-open item depends on.
    open_items = [it for it in scheme.items if status.get(it.id, {}).get("status") in ("missing", None)]
    depends = set().union(*(_depends_on(it) for it in open_items)) if open_items else set()
    for q in vocabulary()["case_questions"]:
        if q["key"] == "target_level":
            if scheme.level_names and not scheme.stages:  # a stage is reached, not applied for
                add(case_ask(q, scheme))
        elif q["key"] in depends:
            add(case_ask(q, scheme))

    def gating(it) -> bool:
        if not it.gates:
            return False
        if target and scheme.level_names and target in scheme.level_names:
            return target in it.gates or "*" in it.gates
        return True

    def item_asks(items, uploads: bool) -> None:
        for it in items:
            row = status.get(it.id) or {}
            # Facts are asked for items still missing; uploads also for items resting on a
            # declaration alone (review), since a document is what lets a person confirm them.
            wanted = ("missing", "review") if uploads else ("missing",)
            if row.get("status") not in wanted:
                continue
            need_keys = {n.get("key") if isinstance(n, dict) else n for n in row.get("needs") or []}
            for ask in _expanded(it.asks, need_keys):
                if (ask.kind == "upload") != uploads:
                    continue
                if need_keys and ask.key not in need_keys and (ask.doc_type or "") not in need_keys:
                    continue
                if ask.key in _compared_facts(it):
                    continue  # asked with the document it is compared against (below)
                add(ask_from_item(it, ask, scheme))
            if uploads and not it.asks and row.get("status") == "missing":
                for t in it.evidence[:1]:
                    add(
                        {
                            "key": f"upload:{t}",
                            "kind": "upload",
                            "doc_type": t,
                            "item": it.id,
                            "clause": it.clause,
                            "title": it.title,
                            "source": "item",
                            "question": f"请上传{vocabulary()['doc_type_names'].get(t, t)}（{it.clause}：{it.title}）。",
                        }
                    )

    gates = [it for it in scheme.items if gating(it)]
    others = [it for it in scheme.items if not gating(it)]
    item_asks(gates, uploads=False)
    # An exemption from the scale conditions is "not applicable" until claimed, so the engine
    # never reports it missing; ask about it once the applicant is in its branch.
    for it in scheme.items:
        if it.rule == "exemption" and _applies(it, facts, target):
            for ask in it.asks:
                if ask.kind != "upload":
                    add(ask_from_item(it, ask, scheme))
    item_asks(gates, uploads=True)
    item_asks(others, uploads=False)
    item_asks(others, uploads=True)
    return out


def _compared_facts(item) -> set[str]:
    """Facts an item only compares a document against (`covers: product`): without the document
    they decide nothing, so they are not asked before it ("申报的产品名称" before the patent)."""
    covers = (getattr(item, "params", {}) or {}).get("covers")
    return {covers} if isinstance(covers, str) else set()


def _expanded(asks, need_keys: set) -> list:
    """Per-year asks ("net_profit.{year}") become one ask for each year the engine says is open."""
    from checklists.engine import ask_for_year, ask_year

    out = []
    for ask in asks:
        if ask.key.endswith(".{year}"):
            out += [ask_for_year(ask, k) for k in sorted(k for k in need_keys if k and ask_year(ask, k))]
        else:
            out.append(ask)
    return out


# -- answers ------------------------------------------------------------------------


def parse_for(ask: dict, message: str, today: date | None = None) -> Parsed:
    kind = ask["kind"]
    if kind == "yes_no":
        return fact_of_yes_no(ask, parse_yes_no(message))
    if kind == "number":
        signed = ask["key"].split(".", 1)[0] in vocabulary().get("signed_facts", [])
        return parse_number(message, ask.get("unit"), signed=signed)
    if kind == "date":
        return parse_date(message, not_future=ask.get("not_future", True), today=today)
    if kind == "choice":
        return parse_choice(message, ask.get("choices") or [])
    if kind == "confirm":
        return _parse_confirmation(ask, message, today)
    if kind == "scale":
        return parse_scale(ask, message)
    if kind == "text":
        return parse_text(message)
    return Parsed(problem="这里需要上传文件。")


def fact_of_yes_no(ask: dict, said: Parsed) -> Parsed:
    """What the applicant said to the question as asked → the fact stored (through its polarity).
    "不涉及" is a "no" only where the question is about something happening (negative polarity)
    or says so in its data; elsewhere it is re-asked, never guessed."""
    if not said.ok:
        return said
    negative = ask.get("polarity") == "negative"
    if said.note == "not_involved" and not (negative or ask.get("not_involved") == "no"):
        return Parsed(
            problem="“不涉及”我没法判断该记“是”还是“否”，请就这个问题回答“是”或“否”（拿不准可以回答“跳过”）。"
        )
    return Parsed(said.value if not negative else not said.value, note=said.note)


def said_words(ask: dict, value: Any) -> str | None:
    """The stored yes/no fact in words that cannot be misread ("近三年未被作为典型案例通报")."""
    said = value if ask.get("polarity") != "negative" else not value
    return ask.get("said_yes" if said else "said_no")


def parse_scale(ask: dict, message: str) -> Parsed:
    """ "稻麦 1200亩" / "养鸡10万羽" → {category, value, unit} in the unit the scheme's table uses."""
    cats: dict = ask.get("categories") or {}
    listing = "、".join(f"{c}（{u}）" for c, u in cats.items())
    s = message.strip()
    synonyms: dict = ask.get("synonyms") or {}
    found = [c for c in sorted(cats, key=len, reverse=True) if c in s]
    written = found[0] if found else None
    if not found:
        found = [synonyms[w] for w in sorted(synonyms, key=len, reverse=True) if w in s]
        written = next((w for w in sorted(synonyms, key=len, reverse=True) if w in s), None)
    if not found:
        aliases = vocabulary()["scale_aliases"]
        for a in sorted(aliases, key=len, reverse=True):
            target = synonyms.get(aliases[a], aliases[a])
            if a in s and target in cats:
                found, written = [target], a
                break
    if not found:
        return Parsed(problem=f"请写明类别和数量，例如“稻麦 1200亩”。类别有：{listing}。")
    category = found[0]
    unit = cats[category]
    number = parse_number(s.replace(written or category, " "), unit)
    if not number.ok:
        return Parsed(problem=f"{category}的规模按“{unit}”计。{number.problem}")
    return Parsed({"category": category, "value": number.value, "unit": unit})


def record(state: dict, ask: dict, value: Any, raw: str) -> None:
    key = ask["key"]
    state["answers"][key] = {
        "value": value,
        "raw": raw,
        "source": SOURCE,
        "at": now(),
        "question": ask.get("question", ""),
    }
    if key in state["order"]:
        state["order"].remove(key)
    state["order"].append(key)
    if key in state["skipped"]:
        state["skipped"].remove(key)
    state["asked"][key] = ask


def unrecord(state: dict, key: str, previous: dict | None) -> None:
    """Undo `record` (the engine refused the value): restore the previous answer, if any."""
    if previous is None:
        state["answers"].pop(key, None)
        if key in state["order"]:
            state["order"].remove(key)
    else:
        state["answers"][key] = previous


def skip(state: dict, ask: dict) -> None:
    if ask["key"] not in state["skipped"]:
        state["skipped"].append(ask["key"])
    state["asked"][ask["key"]] = ask


def display_value(ask: dict, value: Any) -> str:
    if ask["kind"] == "yes_no":
        return said_words(ask, value) or ("是" if value else "否")
    if ask["kind"] == "choice":
        for c in ask.get("choices") or []:
            if c["value"] == value:
                return c["label"]
    if ask["kind"] == "scale" and isinstance(value, dict):
        return f"{value['category']} {value['value']:g}{value['unit']}"
    if ask["kind"] == "number" and ask.get("unit") == "fraction":
        return f"{value * 100:g}%"
    if ask["kind"] == "number" and ask.get("unit") == "元" and isinstance(value, (int, float)):
        from checklists.rules import yuan

        return yuan(value)  # 8000000 → "800 万元", as the checklist's reasons write money
    if ask["kind"] == "number":
        return f"{value:g}{ask.get('unit') or ''}" if isinstance(value, (int, float)) else str(value)
    return str(value)


# -- uploads: what was recognised, what to confirm -------------------------------------


def describe_document(doc: dict, as_of: date | None = None) -> str:
    v = vocabulary()
    name = doc.get("file") or "文件"
    if doc.get("error"):
        return f"文件“{name}”读不了：{doc['error']}。其他文件不受影响；您可以换一个清晰的 PDF 或图片再传。"
    kind = v["doc_type_names"].get(doc.get("type") or "other", doc.get("type"))
    fields = doc.get("fields") or {}
    parts = []
    for f in v["document_summary"]:
        if f in fields and fields[f].get("value") not in (None, "", {}):
            parts.append(f"{v['field_names'].get(f, f)} {chinese_days(fields[f]['value'])}")
    if doc.get("type") in (None, "other"):
        head = f"收到“{name}”，但没认出是哪类证明材料"
    else:
        head = f"收到“{name}”：识别为{kind}"
    until = (fields.get("valid_until") or {}).get("value")
    if as_of and isinstance(until, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", until):
        if date.fromisoformat(until) < as_of:
            parts.append(f"注意：已于 {chinese_day(until)} 过期（评价日 {chinese_day(as_of)}）")
        else:
            parts.append(f"评价日 {chinese_day(as_of)} 在有效期内")
    text = head + ("；" + "；".join(parts) if parts else "；没有读出关键信息") + "。"
    for w in doc.get("warnings") or []:
        text += f"\n注意：{w}"
    return text


def pending_confirmations(state: dict) -> list[dict]:
    threshold = vocabulary()["confirm_below"]
    names = vocabulary()["field_names"]
    out = []
    for d in state["documents"]:
        if d.get("error"):
            continue
        for fname, f in (d.get("fields") or {}).items():
            value = f.get("value")
            if isinstance(value, (dict, list)) or value in (None, ""):
                continue
            if float(f.get("confidence", 1.0)) >= threshold:
                continue
            key = f"confirm:{d['sha256']}:{fname}"
            if key in state["answers"] or key in state["skipped"]:
                continue
            page = f"第{f['page']}页" if f.get("page") else ""
            out.append(
                {
                    "key": key,
                    "kind": "confirm",
                    "sha256": d["sha256"],
                    "file": d.get("file"),
                    "field": fname,
                    "original": value,
                    "source": "upload",
                    "text": f.get("text", ""),
                    "question": f"我从“{d.get('file')}”{page}读到{names.get(fname, fname)}：{value}，"
                    f"但把握不大（原文：“{f.get('text', '')}”）。对吗？对的话回“对”，不对请直接写正确的值。",
                }
            )
    return out


def confirmation_group(items: list[dict]) -> dict:
    """Several values read with low confidence, checked in one list: "对" confirms them all,
    "序号 正确的值" corrects one."""
    import hashlib

    names = vocabulary()["field_names"]
    key = "confirm:group:" + hashlib.sha1("|".join(i["key"] for i in items).encode()).hexdigest()[:12]
    rows = []
    for n, it in enumerate(items, 1):
        label = names.get(it["field"], it["field"])
        rows.append(f"{n}. “{it.get('file')}” {label}：{it['original']}（原文：“{it.get('text', '')}”）")
    question = (
        f"下面 {len(items)} 个值是从上传的文件里读出来的，但把握不大，请核对：\n"
        + "\n".join(rows)
        + "\n都对的话回“对”；有不对的，请写“序号 正确的值”，例如“1 某某科技有限公司”。"
    )
    return {"key": key, "kind": "confirm_group", "items": items, "question": question, "source": "upload"}


def correction_kind(field_name: str) -> str:
    return vocabulary()["correction_kinds"].get(field_name, "text")


def is_free_text(ask: dict) -> bool:
    """An ask whose answer cannot be checked for its kind (any text would do)."""
    return ask["kind"] == "text" or (ask["kind"] == "confirm" and correction_kind(ask["field"]) == "text")


def _parse_confirmation(ask: dict, message: str, today: date | None) -> Parsed:
    """对/是/确认/正确 → ("confirmed", value read); a corrected value of the field's own kind
    (an organisation name, a date, a score …), with or without "不对，应为" → ("corrected", value)."""
    yn = parse_yes_no(message, whole_only=True)
    if yn.ok and yn.value is True:
        return Parsed(("confirmed", ask["original"]))
    field_name = ask["field"]
    label = vocabulary()["field_names"].get(field_name, field_name)
    kind = correction_kind(field_name)
    form = vocabulary()["correction_forms"].get(kind, vocabulary()["correction_forms"]["text"])
    _, value_text = split_lead_in(message)
    if not value_text or (yn.ok and yn.value is False):
        return Parsed(problem=f"好的，那正确的{label}是什么？请直接写出来（{form}）。")
    p = check_correction(kind, field_name, value_text, today)
    if not p.ok:
        return Parsed(
            problem=f"“{value_text}”看起来不是{label}。{p.problem or ''}"
            f"请写正确的{label}（{form}），或回答“对”确认识别值；想问规则的话请加上问号。"
        )
    return Parsed(("corrected", p.value))


def check_correction(kind: str, field_name: str, text: str, today: date | None = None) -> Parsed:
    """A corrected value of `kind`, checked as strictly as the extractors check what they read."""
    from extractors.fields import province as provinces
    from extractors.fields import uscc as uscc_codes
    from extractors.fields import values as checkers

    if kind == "date":
        return parse_date(text, not_future=field_name != "valid_until", today=today)
    if kind == "score":
        return parse_number(text, "分")
    if kind == "uscc":
        code = uscc_codes.compact(text)
        if uscc_codes.problem(code) is None:
            return Parsed(code)
        return Parsed(problem="统一社会信用代码是 18 位数字和大写字母，最后一位是校验位，这个代码对不上。")
    if kind == "province":
        name = provinces.province_of(text)
        return Parsed(name) if name and len(text) <= len(name) + 2 else Parsed(problem="")
    if kind == "text":
        return parse_text(text)
    checker = {
        "org": checkers.check_org,
        "person": checkers.check_person,
        "address": checkers.check_address,
        "code": checkers.check_number,
        "lab": checkers.check_lab,
        "standard": checkers.check_standard,
        "patent_type": checkers.check_patent_type,
    }[kind]
    got = checker(text, field_name=field_name)
    if got is None or got.value in (None, ""):
        return Parsed(problem="")
    value = got.value
    if kind == "org" and not (
        checkers.ORG_SUFFIX.search(value) or value.endswith(tuple(vocabulary()["org_name_endings"]))
    ):
        return Parsed(problem="")
    if kind in ("person", "address", "code") and (got.factor < 1.0 or value != checkers.clean_text(text)):
        return Parsed(problem="")  # only part of the message is such a value, or it only looks like one
    return Parsed(value)


def apply_confirmation(state: dict, ask: dict, parsed_value: tuple) -> str:
    action, value = parsed_value
    names = vocabulary()["field_names"]
    label = names.get(ask["field"], ask["field"])
    record(state, ask, value, str(value))
    if action == "confirmed" or value == ask["original"]:
        state["confirmed"].append(f"{ask['sha256']}:{ask['field']}")
        return f"好的，{label}按“{ask['original']}”确认。"
    state["corrections"] = [
        c for c in state["corrections"] if not (c["sha256"] == ask["sha256"] and c["field"] == ask["field"])
    ]
    state["corrections"].append(
        {
            "sha256": ask["sha256"],
            "file": ask.get("file"),
            "field": ask["field"],
            "original": ask["original"],
            "value": value,
            "source": SOURCE,
            "at": now(),
        }
    )
    return (
        f"已更正：{label}由识别值“{ask['original']}”改为“{value}”（申请人声明）。"
        f"原识别值会保留，秘书处审核时能看到这处更正。"
    )


# -- what changed ---------------------------------------------------------------------


def status_map(evaluation: dict) -> dict[str, str]:
    return {it["id"]: it["status"] for it in evaluation["items"]}


def reason_map(evaluation: dict) -> dict[str, str]:
    return {it["id"]: it.get("reason", "") for it in evaluation["items"]}


def related_items(scheme, key: str) -> set[str]:
    """Items an answer to `key` can affect: they ask it, or their rule or applicability reads it."""
    top = key.split(".", 1)[0]
    out = set()
    for it in scheme.items:
        keys = {a.key for a in it.asks} | set(it.applies_when or {}) | set(it.not_applicable_when or {})
        keys |= {v for k, v in (it.params or {}).items() if k in ("by", "fact") and isinstance(v, str)}
        if key in keys or top in keys or key == f"declarations.{it.id}":
            out.add(it.id)
    return out


def changes_between(
    before: dict[str, str],
    evaluation: dict,
    reasons_before: dict | None = None,
    related: set[str] | frozenset[str] = frozenset(),
) -> list[dict]:
    """Items whose status changed; also items related to the answer whose reason changed
    (the same status for a different reason: another threshold now applies)."""
    out = []
    for it in evaluation["items"]:
        old = before.get(it["id"])
        if old is None:
            continue
        reason = it.get("reason", "")
        if old != it["status"] or (
            it["id"] in related and reasons_before is not None and reasons_before.get(it["id"]) not in (None, reason)
        ):
            out.append(
                {
                    "item": it["id"],
                    "clause": it.get("clause"),
                    "title": it.get("title"),
                    "before": old,
                    "after": it["status"],
                    "reason": reason,
                }
            )
    return out


def describe_changes(changes: list[dict], outcome_before: str | None, evaluation: dict) -> str:
    v = vocabulary()
    words = v["status_words"]
    lines = []
    gone = [c for c in changes if c["after"] == "not_applicable"]
    if len(gone) > 2:
        clauses = list(dict.fromkeys(c["clause"] for c in gone))
        reasons = {c["reason"] for c in gone}
        why = f"：{plain(gone[0]['reason'])}" if len(reasons) == 1 else ""
        lines.append(f"· {len(gone)} 项现在不适用（{'、'.join(clauses)}）{why}")
        changes = [c for c in changes if c["after"] != "not_applicable"]
    for c in changes[: v["max_change_lines"]]:
        now_word = "现在" if c["before"] != c["after"] else "仍"
        lines.append(
            f"· {c['clause']} {c.get('title') or ''}：{now_word}{words.get(c['after'], c['after'])}，{plain(c['reason'])}"
        )
    if len(changes) > v["max_change_lines"]:
        lines.append(f"· 另有 {len(changes) - v['max_change_lines']} 项状态变化，输入“还缺什么”可查看全部。")
    status = evaluation["outcome"]["status"]
    if outcome_before and status != outcome_before:
        lines.append(
            f"预审结论：{v['outcome_words'].get(outcome_before, outcome_before)} → "
            f"{v['outcome_words'].get(status, status)}。"
        )
    return "\n".join(lines)
