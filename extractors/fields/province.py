"""The province-level region (all 34) a place name, an address or a USCC implies."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data" / "regions.yaml"


@lru_cache(maxsize=1)
def regions() -> list[dict]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _names() -> tuple[re.Pattern, dict[str, str]]:
    to_full: dict[str, str] = {}
    for r in regions():
        for n in [r["name"], *r["short"], *r["cities"]]:
            to_full[n] = r["name"]
    alts = sorted(to_full, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alts))), to_full


@lru_cache(maxsize=1)
def _english() -> tuple[re.Pattern, dict[str, str]]:
    to_full = {n.lower(): r["name"] for r in regions() for n in r.get("en", [])}
    alts = sorted(to_full, key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z])(" + "|".join(map(re.escape, alts)) + r")(?![A-Za-z])", re.I), to_full


def province_of(text: str) -> str | None:
    """The region named first in `text` (full name, short name or a city), e.g. 苏州工业园区… → 江苏省;
    in an English address, the region's own name (`…, Chengdu, Sichuan, China` → 四川省)."""
    pattern, to_full = _names()
    m = pattern.search(text or "")
    if m:
        return to_full[m.group(0)]
    pattern, to_full = _english()
    m = pattern.search(text or "")
    return to_full[m.group(1).lower()] if m else None


def province_of_uscc(code: str) -> str | None:
    """Characters 3–4 of a USCC are the province-level administrative code."""
    if not code or len(code) < 4:
        return None
    for r in regions():
        if r["code"] == code[2:4]:
            return r["name"]
    return None
