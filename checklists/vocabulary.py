"""The one vocabulary: document types, item verdicts and outcomes with their Chinese labels
(checklists/vocabulary.yaml), the facts' labels, questions and value names (from the facts schema,
checklists/facts.yaml), and `plain()`, which turns an engine message into words an applicant reads
(no fact keys, no English values, no internal item ids). Shared by the web pages, the assistant, the
forms and the gap report, so all speak one vocabulary (web/labels.py adds the page-only labels)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from extractors.fields.dates import chinese_days

from .factschema import schema


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return yaml.safe_load((Path(__file__).parent / "vocabulary.yaml").read_text(encoding="utf-8"))


DOC_TYPES: dict[str, str] = dict(vocabulary()["document_types"])
STATUS_ZH: dict[str, str] = dict(vocabulary()["item_statuses"])
STATUS_ORDER: list[str] = list(STATUS_ZH)
OUTCOME_ZH: dict[str, str] = dict(vocabulary()["outcome_statuses"])
FIELD_NAMES: dict[str, str] = dict(vocabulary()["field_names"])

FACT_LABELS: dict[str, str] = {k: f.label for k, f in schema().items()}
FACT_QUESTIONS: dict[str, str] = {k: f.question for k, f in schema().items() if f.question}
VALUE_LABELS: dict[str, str] = {
    **{v: label for f in schema().values() for v, label in f.choices},
    "True": "是",
    "False": "否",
    "true": "是",
    "false": "否",
}


def doc_label(doc_type: str) -> str:
    return DOC_TYPES.get(doc_type, doc_type)


_KEY = re.compile(r"\b(" + "|".join(sorted(set(FACT_LABELS) | set(VALUE_LABELS), key=len, reverse=True)) + r")\b")


def _item_id() -> re.Pattern:
    from .registry import item_id_pattern

    return item_id_pattern()


def plain(text: str | None) -> str:
    """An engine message in the applicant's words: fact keys and English values by their Chinese
    labels, `key = value` as 「label为value」, internal item ids dropped, days as 2026年12月6日."""
    if not text:
        return ""
    s = re.sub(r"\b(\w+)\s*=\s*(\w+)", lambda m: f"{_label(m.group(1))}为{_label(m.group(2))}", str(text))
    s = _KEY.sub(lambda m: _label(m.group(1)), s)
    s = _item_id().sub("", s)
    s = chinese_days(s)
    return re.sub(r"\s{2,}", " ", s).replace("（）", "").strip()


def _label(word: str) -> str:
    return FACT_LABELS.get(word) or VALUE_LABELS.get(word) or word
