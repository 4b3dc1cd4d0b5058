"""Each scheme's source text split by clause (`checklists/schemes/<id>/clauses.yaml`),
so reports and the assistant can quote the regulation itself, citing the seed's own numbering."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .registry import UnknownScheme, part_path, scheme_dir


@dataclass(frozen=True)
class Clause:
    clause: str  # the seed's numbering as a reader cites it: "第六条（七）", "8.2", "5.1.2 b)"
    title: str
    text: str  # the seed's words


def _path(scheme_id: str) -> Path:
    scheme_dir(scheme_id)  # raises UnknownScheme naming the known ones
    path = part_path(scheme_id, "clauses")
    if not path.exists():
        raise UnknownScheme(f"未知的评价方案 {scheme_id!r}（没有 {path}）")
    return path


@cache
def _load(scheme_id: str) -> tuple[Clause, ...]:
    data = yaml.safe_load(_path(scheme_id).read_text(encoding="utf-8"))
    return tuple(
        Clause(clause=str(c["clause"]), title=str(c.get("title") or ""), text=str(c["text"]).strip())
        for c in data["clauses"]
    )


def load_clauses(scheme_id: str) -> list[Clause]:
    """The scheme's clauses in the seed's order."""
    return list(_load(scheme_id))


def _key(ref: str) -> str:
    return re.sub(r"[\s()（）第项条]", "", ref or "")


def find_clause(scheme_id: str, ref: str) -> Clause | None:
    """The clause cited as `ref` ("第六条（七）", "8.2", "5.1.2 b)"); tolerant of spacing and bracket width."""
    clauses = _load(scheme_id)
    for c in clauses:
        if c.clause == ref:
            return c
    k = _key(ref)
    for c in clauses:
        if _key(c.clause) == k:
            return c
    return None
