"""The real-world evaluation set (tests/corpus_real): documents written from how real ones look,
read as PDF. The tuned part is compared document by document; the held-out part (a fixed third, by
the hash of the name) only in aggregate, so nobody tunes to its documents. Figures:
`python -m tests.corpus_real.score`."""

import json

import pytest
from corpus_real.documents import DOCUMENTS, is_held_out, pdf, text
from corpus_real.score import EXPECTED, parts, score


def test_the_set_is_large_enough_and_every_document_has_its_expected_json():
    assert len(DOCUMENTS) >= 24
    assert sorted(p.stem for p in EXPECTED.glob("*.json")) == sorted(DOCUMENTS)
    tuned, held = parts()
    assert 0.25 <= len(held) / len(DOCUMENTS) <= 0.5
    assert set(tuned).isdisjoint(held)


def test_the_held_out_rule_depends_on_the_name_only():
    assert all(is_held_out(n) == is_held_out(n) for n in DOCUMENTS)
    assert is_held_out("award_plaque") and not is_held_out("iso9001_en")


def test_generators_are_reusable_as_text_and_pdf():
    for name in ("lic_partnership", "report_colorfastness"):
        assert pdf(name).startswith(b"%PDF")
        assert "\n" in text(name)
    assert "执行事务合伙人" in text("lic_partnership")


@pytest.mark.parametrize("name", parts()[0])
def test_tuned_document(name):
    s = score([name])
    assert not s.problems, f"{name}:\n  " + "\n  ".join(s.problems.get(name, []))


def test_held_out_part_in_aggregate():
    """The issue's bar on documents nobody tuned to: all but one in a dozen typed right, >= 85 % of fields."""
    s = score(parts()[1])
    assert s.type_rate >= 11 / 12, f"typed right {s.typed_right}/{s.documents}"
    assert s.field_rate >= 0.85, f"fields right {s.fields_right}/{s.fields_total}"


def test_expected_files_name_a_known_type():
    from extractors.classify import TYPES

    for p in EXPECTED.glob("*.json"):
        assert json.loads(p.read_text(encoding="utf-8"))["type"] in TYPES
