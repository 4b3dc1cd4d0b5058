"""Every field a document yields is shown to people under a Chinese name (one vocabulary:
checklists/vocabulary.yaml), never its key — read from what the extractors really emit on the
regression corpora, so a new field without a name fails here."""

from __future__ import annotations

import json
from pathlib import Path

from checklists.vocabulary import FIELD_NAMES, plain

HERE = Path(__file__).parent


def emitted_fields() -> set[str]:
    keys: set[str] = set()
    for folder in ("corpus/expected", "corpus_real/expected", "corpus/photo_expected"):
        for path in (HERE / folder).glob("*.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            keys |= set((data.get("fields") or {}) if isinstance(data, dict) else {})
    return keys


def test_every_field_the_corpora_expect_has_a_chinese_name():
    keys = emitted_fields()
    assert len(keys) > 15  # the corpora were found
    assert sorted(k for k in keys if k not in FIELD_NAMES) == []
    assert all(not name.isascii() for name in FIELD_NAMES.values())


def test_values_to_check_are_listed_under_chinese_names():
    """The assistant's list of values read with doubt once said 'validity：长期' to an applicant."""
    from intake.assistant.interview import confirmation_group, pending_confirmations

    doc = {
        "file": "执照.pdf",
        "sha256": "ab",
        "type": "business_license",
        "fields": {
            "validity": {"value": "长期", "confidence": 0.5, "page": 1, "text": "营业期限 长期"},
            "issued": {"value": "2024-06-12", "confidence": 0.5, "page": 1, "text": "2024年06月12日"},
        },
    }
    items = pending_confirmations({"documents": [doc], "answers": {}, "skipped": []})
    said = confirmation_group(items)["question"]
    assert len(items) == 2 and "validity" not in said and "issued" not in said
    assert "有效期：长期" in said


def test_plain_words_carry_no_fact_key():
    assert plain("未说明 sector（agriculture）") == "未说明 所属行业（农业）"
