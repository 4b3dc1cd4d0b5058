"""Values made safe for a Word document: no XML-illegal characters, bounded length."""

from __future__ import annotations

import re
from typing import Any

# XML 1.0 allows \t \n \r and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
MAX_CHARS = 2000


def clean_text(value: Any, limit: int = MAX_CHARS) -> str:
    """`value` as text Word can hold: control characters dropped, cut at `limit` characters
    with a visible marker saying how long the original was."""
    if value is None:
        return ""
    text = _ILLEGAL.sub("", str(value))
    if len(text) > limit:
        text = text[:limit] + f"…（已截断，原文共 {len(text)} 字）"
    return text


def clean_tree(obj: Any, limit: int = MAX_CHARS) -> Any:
    """clean_text applied to every string inside dicts and lists (numbers and booleans kept)."""
    if isinstance(obj, str):
        return clean_text(obj, limit)
    if isinstance(obj, dict):
        return {k: clean_tree(v, limit) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean_tree(v, limit) for v in obj]
    return obj
