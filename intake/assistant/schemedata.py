"""How the assistant talks about one scheme (intake/assistant/data/schemes/<id>.yaml): yes/no
questions in their positive form with their polarity, computed-answer templates, the contact
for what the text does not settle. One file per scheme so it can move into the scheme's own
registry folder; thresholds are never copied here (they are read from the scheme file)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "schemes"


@lru_cache(maxsize=None)
def scheme_talk(scheme_id: str) -> dict:
    path = DATA / f"{scheme_id}.yaml"
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def yes_no_spec(scheme_id: str, key: str) -> dict | None:
    return (scheme_talk(scheme_id).get("yes_no") or {}).get(key)


def contact(scheme_id: str) -> str:
    return scheme_talk(scheme_id).get("contact") or "评价机构或秘书处"
