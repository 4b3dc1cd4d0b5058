"""Regression corpus: every document of tests/corpus/documents.py, as PDF and as DOCX, read and
extracted; the type and every field compared with the hand-written tests/corpus/expected/*.json.

A field found but not expected fails too (a wrong value is worse than none). A field whose
value may legitimately vary can be listed under "ignore" in the expected file.
"""

import json
from pathlib import Path

import pytest
from corpus.documents import DOCUMENTS, render

from extractors.extract import extract_facts
from extractors.read import read_document

EXPECTED = Path(__file__).parent / "corpus" / "expected"


def test_every_document_has_an_expected_file_and_every_type_is_covered():
    assert sorted(p.stem for p in EXPECTED.glob("*.json")) == sorted(DOCUMENTS)
    types = {json.loads(p.read_text(encoding="utf-8"))["type"] for p in EXPECTED.glob("*.json")}
    from extractors.classify import TYPES

    assert types == set(TYPES) - {"other"}


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= 1e-3 * max(1, abs(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, str) and isinstance(b, str):
        # a PDF cell that wraps `规定非比例延伸强度 Rp0.2` over two lines loses the space: spaces don't count
        return a.replace(" ", "") == b.replace(" ", "")
    return a == b


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_corpus_document(name, fmt):
    expected = json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    doc = read_document(render(name, fmt), f"{name}.{fmt}")
    facts = extract_facts(doc)
    got = {k: f.value for k, f in facts.fields.items()}
    ignore = set(expected.get("ignore", []))
    problems = []
    if facts.type != expected["type"]:
        problems.append(f"type {facts.type!r} ({facts.type_confidence}), expected {expected['type']!r}")
    for k, v in expected["fields"].items():
        if k not in got:
            problems.append(f"{k}: missing, expected {v!r}")
        elif not _same(got[k], v):
            problems.append(f"{k}: {got[k]!r}, expected {v!r} (line: {facts.fields[k].text!r})")
    for k in got.keys() - expected["fields"].keys() - ignore:
        problems.append(f"{k}: unexpected {got[k]!r} (line: {facts.fields[k].text!r})")
    for k, f in facts.fields.items():
        assert 0 < f.confidence <= 1 and f.page and f.text, f"{k} lacks provenance"
    assert not problems, f"{name}.{fmt}:\n  " + "\n  ".join(problems)
