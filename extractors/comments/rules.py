"""Loads rules.yaml once: label variants, keywords and thresholds are data, not code."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from ..text import normalize

RULES_PATH = Path(__file__).with_name("rules.yaml")


@functools.lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> dict:
    with open(path or RULES_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


_LABEL_JUNK = re.compile(r"[\s:：*＊()（）/／、]+")


def label_key(text: str) -> str:
    """A cell's text reduced for label comparison: no spaces, colons or brackets."""
    return _LABEL_JUNK.sub("", normalize(text)).lower()


@functools.lru_cache(maxsize=64)
def _variant_keys(frozen: tuple) -> tuple:
    """((role, (key, …)), …) for a variants mapping, computed once."""
    return tuple((role, tuple(label_key(w) for w in words)) for role, words in frozen)


def _keys(variants: dict[str, list[str]]) -> tuple:
    return _variant_keys(tuple((r, tuple(ws)) for r, ws in variants.items()))


def match_label(text: str, variants: dict[str, list[str]], exact_only: bool = False) -> str | None:
    """The role whose variant equals the cell text (or, failing that, starts it).

    Exact matches are tried over every role first, so `修改建议` is a suggestion
    even though it starts with `修改` … and `意见` does not swallow `意见内容`.
    """
    key = label_key(text)
    if not key or len(key) > 40:
        return None
    keys = _keys(variants)
    for role, wks in keys:
        if key in wks:
            return role
    if exact_only or len(key) > 14:
        return None
    best, best_len = None, 0
    for role, wks in keys:
        for wk in wks:
            if len(wk) >= 2 and key.startswith(wk) and len(wk) > best_len:
                best, best_len = role, len(wk)
    return best
