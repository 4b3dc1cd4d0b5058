"""checklists/vocabulary.yaml: document types, item verdicts and outcomes with their Chinese labels —
the one place every layer takes them from."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return yaml.safe_load((Path(__file__).parent / "vocabulary.yaml").read_text(encoding="utf-8"))


DOC_TYPES: dict[str, str] = dict(vocabulary()["document_types"])
STATUS_ZH: dict[str, str] = dict(vocabulary()["item_statuses"])
STATUS_ORDER: list[str] = list(STATUS_ZH)
OUTCOME_ZH: dict[str, str] = dict(vocabulary()["outcome_statuses"])


def doc_label(doc_type: str) -> str:
    return DOC_TYPES.get(doc_type, doc_type)
