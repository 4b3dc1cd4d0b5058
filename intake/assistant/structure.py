"""The scheme's structure as numbers for answers (issue 27): 满分多少、基本指标跟专项指标各占多少分、
审核是光看材料还是要来现场. Points are summed from the checklist's scored items per chapter and
indicator (checklists/schemes/<id>/checklist.yaml), the chapter names are the clauses' own titles,
the audit method is the procedure's states (procedure.yaml) — never a second copy of a number.
The words that ask are data (data/structure.yaml)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from checklists.registry import read_part

from .answers import clean
from .numbers import Computed
from .retrieval import clause_key, index_for

DATA = Path(__file__).parent / "data"


@cache
def _words() -> dict:
    return yaml.safe_load((DATA / "structure.yaml").read_text(encoding="utf-8"))


def _is_under(clause: str, group: str) -> bool:
    c, g = clause_key(clause), clause_key(group)
    return c == g or (c.startswith(g) and not (g[-1].isdigit() and c[len(g)].isdigit()))


def _title(text: str) -> str:
    return re.sub(r"\s*[（(]\s*\d+\s*分\s*[)）]\s*", "", text or "").strip()


def point_groups(scheme) -> list[tuple[str, str, float]]:
    """(clause, title, points) for every chapter and indicator with scored items under it, in the
    text's order: the points are the sum of the items' own points."""
    scored = [(it.clause, float(it.points)) for it in scheme.items if getattr(it, "points", None)]
    if not scored:
        return []
    out = []
    for c in index_for(scheme.id).clauses:
        title = _title(c.get("title") or "")
        if not title:
            continue
        pts = sum(p for cl, p in scored if _is_under(cl, c["clause"]))
        if pts:
            out.append((c["clause"], title, pts))
    return out


def _named_groups(groups, text: str) -> list[tuple[str, str, float]]:
    """Groups the question names, the longest names first; a name inside a longer named one does not count."""
    found: list[tuple[str, str, float]] = []
    for g in sorted(groups, key=lambda g: -len(g[1])):
        if g[1] in text and not any(g[1] in f[1] for f in found):
            found.append(g)
    order = {g[0]: i for i, g in enumerate(groups)}
    return sorted(found, key=lambda g: order[g[0]])


def _g(v: float) -> str:
    return f"{v:g}"


def points(scheme, text: str) -> Computed | None:
    s = clean(text)
    w = _words()
    if not any(x in s for x in w["points_words"]):
        return None
    groups = point_groups(scheme)
    scoring = scheme.scoring or {}
    if not groups or re.search(r"\d+(?:\.\d+)?\s*分", s):
        return None  # a score in the question is graded (numbers.py), not explained
    named = _named_groups(groups, s)
    asks_total = any(x in s for x in w["total_words"])
    if not named and not asks_total:
        return None  # "三星级要多少分" is a grade (numbers.py); "计量那块几分" an item (retrieval)
    lines, clauses = [], []
    if asks_total:
        total = scoring.get("total") or sum(p for c, _, p in groups if "." not in clause_key(c)[1:])
        top = [g for g in groups if not any(_is_under(g[0], o[0]) and o[0] != g[0] for o in groups)]
        parts = "＋".join(f"{t} {_g(p)} 分（{c}）" for c, t, p in top)
        lines.append(f"满分 {_g(total)} 分（{scoring.get('clause', '')}）：{parts}。")
        clauses += [scoring.get("clause")] + [c for c, _, _ in top]
    for c, t, p in named:
        subs = [g for g in groups if _is_under(g[0], c) and g[0] != c and _is_direct(g[0], c, groups)]
        detail = "，其中" + "、".join(f"{st} {_g(sp)} 分" for _, st, sp in subs) if subs else ""
        lines.append(f"{t}共 {_g(p)} 分（{c}）{detail}。")
        clauses.append(c)
    return Computed(lines, [c for c in dict.fromkeys(clauses) if c])


def _is_direct(sub: str, parent: str, groups) -> bool:
    return not any(g[0] not in (sub, parent) and _is_under(sub, g[0]) and _is_under(g[0], parent) for g in groups)


def audit(scheme, text: str) -> Computed | None:
    s = clean(text)
    w = _words()
    if not any(x in s for x in w["audit_words"]):
        return None
    states = read_part(scheme.id, "procedure").get("states") or []
    onsite = [st for st in states if any(x in st.get("name", "") for x in w["onsite_state_words"])]
    docs = [st for st in states if any(x in st.get("name", "") for x in w["document_state_words"])]
    if not onsite:
        return None
    said = "、".join(st["name"] for st in docs + onsite)
    provisional = any("如有必要" in st["name"] for st in onsite)
    verdict = "视情况需要现场" if provisional else "要来现场"
    lines = [f"{verdict}：评价方式包括{said}。"]
    clauses = [c for c in (_in_text(scheme, st.get("clause")) for st in docs + onsite) if c]
    if not clauses:
        return None  # no clause to quote: the text's own words are found by retrieval
    return Computed(lines, list(dict.fromkeys(clauses)))


def _in_text(scheme, clause: str | None) -> str | None:
    """The clause as the text numbers it: a step cited as 第八条（3） is quoted from 第八条."""
    ix = index_for(scheme.id)
    while clause:
        if ix.clause(clause):
            return clause
        shorter = re.sub(r"\s*[（(][^（()）]*[)）]$|\s+\S+$", "", clause)
        clause = shorter if shorter != clause else None
    return None


def answer(scheme, text: str) -> Computed | None:
    return points(scheme, text) or audit(scheme, text)
