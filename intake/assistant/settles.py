"""Does a clause settle the question? (issue 27) A question asks an attribute of a subject — who,
where, when, how long, the contact; a clause settles it only when it speaks of the same subject and
states that attribute. The attributes and their words are data (data/attributes.yaml)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from .answers import clean

DATA = Path(__file__).parent / "data"


@cache
def _data() -> dict:
    return yaml.safe_load((DATA / "attributes.yaml").read_text(encoding="utf-8"))


def asked(text: str) -> list[dict]:
    s = clean(text)
    return [a for a in _data()["attributes"] if any(w in s for w in a["asked"])]


def subject(text: str, attributes: list[dict]) -> str:
    """The question without its attribute words: what it asks about."""
    s = clean(text)
    for a in attributes:
        for w in sorted(a["asked"], key=len, reverse=True):
            s = s.replace(w, " ")
    return s


def states(clause: dict, attribute: dict) -> bool:
    said = f"{clause.get('title') or ''} {clause.get('text') or ''}"
    return re.search(attribute["states"], said) is not None


def min_subject_coverage() -> float:
    return float(_data().get("min_subject_coverage", 0.5))
