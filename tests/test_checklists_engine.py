"""The engine's contracts beyond the golden cases: data-file validation with file:line, the trace,
what would satisfy an item, and the shape of the JSON."""

from datetime import date
from pathlib import Path

import pytest

from checklists import FactsError, SchemeError, evaluate, list_schemes
from checklists.scheme import parse_scheme
from extractors.facts import DocumentFacts, Field

GOOD = """\
id: demo
name: 示例
source: 示例办法
levels:
  - name: 一级
  - name: 二级
items:
- id: demo.1
  clause: 第一条
  title: 会员
  quote: 面向会员。
  gates: all
  rule: fact_true
  params: {fact: association_member}
- id: demo.2
  clause: 第二条
  title: 满意度
  quote: 达到85分。
  gates: [二级]
  rule: min_value
  params: {doc_type: satisfaction_report, field: satisfaction_score, min: 85}
"""


def test_a_good_file_loads():
    s = parse_scheme(GOOD, Path("demo.yaml"))
    assert s.level_names == ["一级", "二级"]
    assert s.gating_ids("一级") == ["demo.1"] and s.gating_ids("二级") == ["demo.1", "demo.2"]


@pytest.mark.parametrize(
    "change,line,message",
    [
        (("id: demo.2", "id: demo.1"), 15, "duplicate item id 'demo.1'"),
        (("rule: min_value", "rule: at_least"), 20, "unknown rule 'at_least'"),
        (("gates: [二级]", "gates: [三级]"), 19, "gates names level '三级'"),
        (("  - name: 二级", "  - name: 二级\n    requires: [demo.9]"), 7, "requires item 'demo.9'"),
        (("min: 85}", "minimum: 85}"), 21, "unknown parameter(s) minimum"),
        (("  title: 会员\n", "  title: 会员\n  title: 会员2\n"), 11, "key 'title' appears twice"),
        (("quote: 面向会员。", "quote: [面向会员"), 10, "not valid YAML"),
        (
            (
                "  params: {fact: association_member}\n",
                "  params: {fact: association_member}\n  asks:\n"
                "  - {key: member_since, kind: date, question: 何时入会？}\n",
            ),
            16,
            "ask key 'member_since'",
        ),
    ],
)
def test_a_mistake_is_rejected_with_file_and_line(change, line, message):
    text = GOOD.replace(*change)
    with pytest.raises(SchemeError) as e:
        parse_scheme(text, Path("checklists/schemes/demo.yaml"))
    msg = str(e.value)
    assert msg.startswith("checklists/schemes/demo.yaml:"), msg
    assert message in msg, msg
    assert f":{line}:" in msg or message == "not valid YAML", msg


def test_every_shipped_scheme_quotes_its_clause_texts():
    from checklists.clauses import find_clause

    for s in list_schemes():
        for it in s.items:
            c = find_clause(s.id, it.clause)
            assert c is not None, (s.id, it.id, it.clause)
            if s.id != "credit" or it.points is None:
                assert it.quote[:10] in c.text.replace("\n", "") or c.text[:10] in it.quote, (it.id, it.quote)


def _doc(file, type_, **fields):
    return DocumentFacts(
        file=file, sha256="x", type=type_, pages=1, fields={k: Field(v, 1, f"{k}：{v}") for k, v in fields.items()}
    )


def test_missing_fact_is_unknown_not_false():
    ev = evaluate("nonferrous", [], {}, as_of=date(2024, 8, 1))
    t = ev.trace("nonferrous.art4")
    assert t["status"] == "missing" and t["unknown"] == ["facts.association_member"]
    assert t["steps"][0]["known"] is False and t["steps"][0]["value"] is None
    ev = evaluate("nonferrous", [], {"association_member": False}, as_of=date(2024, 8, 1))
    t = ev.trace("nonferrous.art4")
    assert t["status"] == "not_met" and t["unknown"] == [] and t["steps"][0]["value"] is False


def test_trace_names_values_compared():
    ev = evaluate(
        "nonferrous",
        [_doc("ems.pdf", "ems_certificate", valid_until="2024-03-31")],
        {"association_member": True},
        as_of="2024-08-01",
    )
    t = ev.trace("nonferrous.art5.4")
    step = next(s for s in t["steps"] if s["fact"] == "ems_certificate.valid_until")
    assert step["value"] == "2024-03-31" and step["source"] == "ems.pdf 第1页"
    assert "2024-03-31 < 评价日 2024-08-01" in step["note"]
    assert "ems_certificate.valid_until = '2024-03-31'" in ev.explain("nonferrous.art5.4")
    used = ev.to_json()["facts"]
    assert used["ems_certificate.valid_until"] == {"value": "2024-03-31", "source": "ems.pdf 第1页"}
    assert used["association_member"] == {"value": True, "source": "facts"}


def test_what_would_satisfy_an_item():
    ev = evaluate(
        "nonferrous",
        [_doc("qms.pdf", "qms_certificate", valid_until="2030-01-01")],
        {"association_member": True},
        as_of="2024-08-01",
    )
    item = next(i for i in ev.to_json()["items"] if i["id"] == "nonferrous.art5.4")
    assert item["status"] == "missing"
    assert {n["doc_type"] for n in item["needs"]} == {"ems_certificate", "ohsms_certificate"}
    assert all(n["kind"] == "upload" and n["question"] for n in item["needs"])
    assert "GB/T 24001" in item["satisfy"]
    met = next(i for i in ev.to_json()["items"] if i["id"] == "nonferrous.art4")
    assert met["needs"] == [] and met["satisfy"] == ""


def test_contract_shape_of_the_json():
    out = evaluate("credit", [], {}, as_of="2025-01-01").to_json()
    assert set(out) >= {"scheme", "as_of", "outcome", "items", "documents", "facts"}
    assert set(out["outcome"]) >= {"status", "level", "score", "score_max", "grade"}
    for it in out["items"]:
        assert set(it) >= {"id", "clause", "title", "status", "reason", "evidence"}
        assert it["status"] in {"met", "not_met", "missing", "review", "not_applicable"}
        assert it["reason"]


def test_overrides_for_an_unknown_item_are_refused():
    with pytest.raises(FactsError, match="没有条目"):
        evaluate("jinzhi", [], {}, as_of="2025-01-01", overrides={"jinzhi.99": {"status": "met"}})


def test_facts_of_another_scheme_are_ignored_not_fatal():
    ev = evaluate("jinzhi", [], {"declarations": {"credit.4.b": True, "jinzhi.4.3": True}}, as_of="2025-01-01")
    assert ev.item("jinzhi.4.3").status == "review"


def test_each_shipped_scheme_evaluates_with_nothing():
    for s in list_schemes():
        ev = evaluate(s, [], {}, as_of="2025-01-01")
        assert ev.outcome["status"] in {"incomplete", "needs_review"}
        assert ev.outcome["level"] is None


@pytest.mark.parametrize("junk", [None, "", "长期", "??", 12, 3.5, [], {}, ["x"], {"a": "b"}, True])
def test_odd_field_values_never_crash_the_engine(junk):
    types = [
        "business_license",
        "qms_certificate",
        "ems_certificate",
        "test_report",
        "financial_statement",
        "satisfaction_report",
        "trademark_certificate",
        "patent_certificate",
        "credit_report",
    ]
    names = [
        "org_name",
        "uscc",
        "province",
        "established",
        "valid_until",
        "issued",
        "indicators",
        "revenue",
        "net_profit",
        "satisfaction_score",
        "address",
    ]
    docs = [_doc(f"{t}.pdf", t, **{n: junk for n in names}) for t in types]
    for s in list_schemes():
        ev = evaluate(s, docs, {}, as_of="2025-01-01")
        for r in ev.items:
            assert r.status in {"met", "not_met", "missing", "review", "not_applicable"} and r.reason
