"""Doubtful OCR readings: an identifier with characters OCR confuses is kept as read, flagged
请核对 with its likely alternative, falls below the review threshold, and never makes an item `met`.

Documents are built as the OCR reader leaves them (see test_ocr_confidence.scanned): no engine needed.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from test_ocr_confidence import CNAS, scanned

from checklists.engine import evaluate, ocr_review_below
from extractors.extract import extract_facts
from extractors.facts import DocumentFacts
from extractors.ocr_check import _settings, alternative
from forms.gap_report import render_gap_report_html

QMS = [
    "质量管理体系认证证书",
    "证书编号：04423E10038ROM",
    "兹证明：天津滨海精密机械有限公司",
    "统一社会信用代码：91120116MA05T3K21X",
    "建立的质量管理体系符合标准：GB/T 19001-2016/ISO 9001:2015",
    "发证日期：2024年06月01日",
    "有效期至：2027年05月31日",
    "发证机构：中联认证中心（北京）有限公司",
]


@pytest.mark.parametrize(
    "read, likely",
    [
        ("04423E10038ROM", "04423E10038R0M"),  # O for 0 before the last letter
        ("0O124Q35612R2M", "00124Q35612R2M"),
        ("15621S2O460R1S", "15621S20460R1S"),  # the S of an OHSMS number is a letter, the O is not
        ("CNAS L1O452", "CNAS L10452"),
        ("00224028911R3M", "00224O28911R3M / 00224Q28911R3M / 00224D28911R3M"),  # the letter read as a 0
        ("04423E10038R0M", None),  # sound values are left alone
        ("15621S20460R1S", None),
        ("91120116MA05T3K21X", None),
        ("WT2024-04815", None),  # a free-form report number with nothing doubtful
    ],
)
def test_the_likely_alternative_of_an_identifier(read, likely):
    assert alternative(read, _settings()[1]) == likely


def test_a_confusable_certificate_number_read_confidently_is_flagged_below_the_threshold():
    facts = extract_facts(scanned(QMS, 0.999, name="qms.jpg"))
    f = facts.fields["cert_number"]
    assert f.value == "04423E10038ROM"  # the value as read is kept
    assert f.check == "请核对：可能为 04423E10038R0M"
    assert f.ocr_confidence < ocr_review_below() and f.confidence < ocr_review_below()
    out = facts.to_json()["fields"]["cert_number"]
    assert out["check"] == f.check
    assert DocumentFacts.from_json(json.loads(json.dumps(facts.to_json()))).fields["cert_number"].check == f.check
    # a sound field on the same page stays as it was
    assert facts.fields["valid_until"].check is None and facts.fields["valid_until"].ocr_confidence == 0.999


def test_a_sound_ocr_identifier_and_a_text_layer_identifier_are_not_flagged():
    sound = extract_facts(scanned([line.replace("ROM", "R0M") for line in QMS], 0.999, name="qms.jpg"))
    assert sound.fields["cert_number"].check is None
    text = extract_facts(scanned(QMS, 1.0, name="qms.pdf", ocr=False))
    assert text.fields["cert_number"].check is None  # a text layer holds what was typed


def test_a_value_with_a_stray_character_is_flagged():
    facts = extract_facts(
        scanned([line.replace("04423E10038ROM", "邑04423E10038R0M") for line in QMS], 0.999, name="qms.jpg")
    )
    f = facts.fields["cert_number"]
    assert f.check and "请核对" in f.check and f.ocr_confidence < ocr_review_below()


def _cnas(number: str, confidence: float = 0.999) -> DocumentFacts:
    lines = [line.replace("CNAS L10452", number) for line in CNAS]
    return extract_facts(scanned(lines, confidence, name="cnas.jpg"))


def test_a_flagged_identifier_makes_the_item_review_never_met():
    sound = evaluate("nonferrous", [_cnas("CNAS L10452")], {}, as_of=date(2024, 6, 1)).item("nonferrous.art6.4")
    assert sound.status == "met"  # the same certificate read without doubt is met
    r = evaluate("nonferrous", [_cnas("CNAS L1O452")], {}, as_of=date(2024, 6, 1)).item("nonferrous.art6.4")
    assert r.status == "review" and r.rule_status == "met"
    assert "请核对" in r.reason and "可能为 CNAS L10452" in r.reason


def test_the_gap_report_shows_the_check_and_the_alternative():
    ev = evaluate("nonferrous", [_cnas("CNAS L1O452")], {}, as_of=date(2024, 6, 1)).to_json()
    html = render_gap_report_html(ev, today=date(2024, 6, 1))
    assert "请核对" in html and "可能为 CNAS L10452" in html


def test_the_pre_filled_form_lists_the_identifier_to_check():
    from forms.application import attachment_rows

    row = attachment_rows([_cnas("CNAS L1O452").to_json()])[0]
    assert "OCR" in row["status"] and "请核对：可能为 CNAS L10452" in row["status"]
    assert "请核对" not in attachment_rows([_cnas("CNAS L10452").to_json()])[0]["status"]


def test_intake_extract_prints_what_to_check():
    from cli.extract import render

    out = render(_cnas("CNAS L1O452"))
    assert "cert_number: 请核对：可能为 CNAS L10452" in out
