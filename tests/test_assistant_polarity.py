"""Every yes/no question of the five schemes: 是 / 否 / 没有 / 从来没有 / 有过 / 不涉及 are recorded as
meant — relative to the question as it is asked — and confirmed in words that cannot be misread.

What is favourable is written here by reading each question, independently of the assistant's
data: FAVOURABLE[key] is the answer a company that meets the scheme gives to the question as asked."""

import re

import pytest

from checklists.engine import load_scheme
from intake.assistant.answers import vocabulary
from intake.assistant.engine import Assistant
from intake.assistant.interview import ask_from_item, case_ask

SCHEMES = ["jinzhi", "credit", "nonferrous", "jiangsu", "trace"]

# "yes": 是 to the question as asked is what a company that meets the scheme says; "no": 没有 is.
# None: the question is a plain fact with no better answer (the fact is what was said).
FAVOURABLE = {
    "declarations.jinzhi.4.3": "no",  # 是否…被作为典型案例通报过
    "declarations.jinzhi.4.4": "no",  # 是否发生过较大及以上事故…
    "declarations.jinzhi.11.1": "no",  # 证书是否被暂停或撤销过
    "declarations.credit.4.b": "no",  # 是否有过违法行为…
    "declarations.credit.4.c": "no",  # 是否在使用国家限制或淘汰的…
    "association_member": "yes",
    "declarations.nonferrous.art5.2": "yes",
    "declarations.nonferrous.art5.5": "no",  # 是否有过重大用户质量投诉…
    "declarations.nonferrous.art6.3": "yes",
    "declarations.nonferrous.art6.6": "yes",
    "declarations.nonferrous.art7.2": "yes",
    "declarations.nonferrous.art7.5": "yes",
    "declarations.jiangsu.art8.1.2": "no",  # 是否有过不良信用记录
    "declarations.jiangsu.art8.1.4": "no",  # 是否有过监督抽查不合格记录…
    "declarations.jiangsu.art8.2.2.2": "yes",
    "declarations.jiangsu.art8.2.3.2": "yes",
    "mandatory_standard": None,
    "sells_online": None,
    "declarations.trace.assoc.1": "yes",
    "declarations.trace.assoc.2": "yes",
    "declarations.trace.assoc.3": "yes",
    "declarations.trace.online.1": "yes",
    "declarations.trace.online.2": "yes",
    "declarations.trace.online.3": "yes",
    "declarations.trace.general.1": "yes",
    "declarations.trace.general.2": "yes",
    "declarations.trace.general.3": "yes",
    "declarations.trace.general.4": "yes",
}

SAID = {"是": True, "有过": True, "否": False, "没有": False, "从来没有": False, "不涉及": False}


def yes_no_asks():
    out = []
    for sid in SCHEMES:
        scheme = load_scheme(sid)
        seen = set()
        for it in scheme.items:
            for ask in it.asks:
                if ask.kind == "yes_no" and ask.key not in seen:
                    seen.add(ask.key)
                    out.append(pytest.param(sid, ask_from_item(it, ask, scheme), id=f"{sid}:{ask.key}"))
        for q in vocabulary()["case_questions"]:
            if (
                q["kind"] == "yes_no"
                and q["key"] not in seen
                and any(
                    q["key"] in (it.applies_when or {}) or q["key"] in (it.not_applicable_when or {})
                    for it in scheme.items
                )
            ):
                seen.add(q["key"])
                out.append(pytest.param(sid, case_ask(q, scheme), id=f"{sid}:{q['key']}"))
    return out


def test_every_yes_no_question_is_covered():
    keys = {p.values[1]["key"] for p in yes_no_asks()}
    assert keys == set(FAVOURABLE), "a yes/no question without a polarity test (or a stale one)"


def read(scheme_id: str, key: str, facts: dict):
    top, _, rest = key.partition(".")
    if top == "declarations":
        return (facts.get("declarations") or {}).get(rest)
    return facts.get(key)


@pytest.mark.parametrize("scheme_id,ask", yes_no_asks())
def test_answers_are_recorded_as_meant(scheme_id, ask):
    question = ask["question"]
    # Asked positively: no double negative that makes "没有" ambiguous.
    assert not re.search(r"是否(没有|从未|未|不|无)", question), question
    item = ask.get("item")
    # The case the item applies to (江苏精品's 第八条（二）2（2） is a manufacturing item).
    case = {k: v[0] for k, v in (load_scheme(scheme_id).item(item).applies_when or {}).items()} if item else {}
    for answer, said in SAID.items():
        a = Assistant(scheme_id, as_of="2025-06-01", facts=case)
        a.state["pending"] = ask
        a.state["asked"][ask["key"]] = ask
        r = a.reply(answer)
        got = read(scheme_id, ask["key"], a.facts())
        fav = FAVOURABLE[ask["key"]]
        involves = "涉及" in question
        if answer == "不涉及" and fav != "no" and not involves:
            # Not a "no" to a question about a capability: re-asked, nothing stored.
            assert got is None and ask["key"] not in a.state["answers"], (answer, question)
            assert r.question and r.question["key"] == ask["key"]
            continue
        expected = said if fav is None else (said == (fav == "yes"))
        assert got is expected, (answer, question, got)
        # Confirmed in words, never as "→ 是/否" after a question that could be misread.
        assert "已记录：" in r.text and "→ 是" not in r.text and "→ 否" not in r.text, r.text
        if item and load_scheme(scheme_id).item(item).rule == "declaration":
            # What the checklist makes of it: a stated breach fails the item, a clean statement does not.
            status = next(it["status"] for it in a.evaluate()["items"] if it["id"] == item)
            assert (status == "not_met") is (expected is False), (answer, question, status)
