"""How the assistant talks about one scheme (checklists/schemes/<id>/interview.yaml, read through
the registry): yes/no questions in their positive form with their polarity, computed-answer
templates, the contact for what the text does not settle. Optional: a scheme without the file is
interviewed with its checklist's own questions. Thresholds are never copied there (they are read
from the checklist)."""

from __future__ import annotations

from checklists.registry import read_part


def scheme_talk(scheme_id: str) -> dict:
    return read_part(scheme_id, "interview")


def yes_no_spec(scheme_id: str, key: str) -> dict | None:
    return (scheme_talk(scheme_id).get("yes_no") or {}).get(key)


def contact(scheme_id: str) -> str:
    return scheme_talk(scheme_id).get("contact") or "评价机构或秘书处"
