"""Runs every golden case in tests/golden/: facts + documents + as_of → expected verdicts and outcome."""

import pytest
from golden_cases import load_cases

from checklists.engine import evaluate
from checklists.scheme import load_scheme

CASES = load_cases()


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[n for n, _ in CASES])
def test_golden(case):
    ev = evaluate(load_scheme(case["scheme"]), case["documents"], case["facts"], case["as_of"], case["overrides"])
    result = ev.to_json()
    expect = case["expect"]
    got_items = {i["id"]: i for i in result["items"]}
    problems = []
    for item_id, status in (expect.get("items") or {}).items():
        if got_items[item_id]["status"] != status:
            problems.append(
                f"{item_id}: expected {status}, got {got_items[item_id]['status']} — {got_items[item_id]['reason']}"
            )
    for item_id, parts in (expect.get("reasons") or {}).items():
        for part in [parts] if isinstance(parts, str) else parts:
            if part not in got_items[item_id]["reason"]:
                problems.append(f"{item_id}: reason lacks {part!r}: {got_items[item_id]['reason']}")
    for key, value in (expect.get("outcome") or {}).items():
        if result["outcome"].get(key) != value:
            problems.append(f"outcome.{key}: expected {value!r}, got {result['outcome'].get(key)!r}")
    for part in expect.get("notes") or []:
        if not any(part in n for n in result["outcome"]["notes"]):
            problems.append(f"outcome.notes lack {part!r}: {result['outcome']['notes']}")
    for item_id, parts in (expect.get("warnings") or {}).items():
        for part in [parts] if isinstance(parts, str) else parts:
            if not any(part in w for w in got_items[item_id]["warnings"]):
                problems.append(f"{item_id}: warnings lack {part!r}: {got_items[item_id]['warnings']}")
    assert not problems, "\n".join(problems)


def test_there_are_golden_cases_for_every_scheme():
    schemes = {c["scheme"] for _, c in CASES}
    assert schemes == {"jinzhi", "credit", "nonferrous", "jiangsu", "trace"}
