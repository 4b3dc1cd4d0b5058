"""A scored scheme's worksheet (credit's today): a band per item (6.2.1) → the total → the grade (6.2.2).
The same arithmetic runs live in the browser (web/static/app.js) from `worksheet_json()`.
Points, bands and grades are the checklist's (checklists/schemes/credit/checklist.yaml `scoring`
and each scored item's `points`): one source for the engine and the worksheet."""

from __future__ import annotations

from functools import cache

from checklists.scheme import load_scheme


def is_scored(scheme: str) -> bool:
    """A scheme whose checklist has `scoring` is scored by the secretariat on a worksheet."""
    return bool(load_scheme(scheme).scoring)


@cache
def worksheet(scheme: str) -> dict:
    s = load_scheme(scheme)
    bands = [
        {"label": f"{b['from'] * 100:g}%-{b['to'] * 100:g}%", "low": float(b["from"]), "high": float(b["to"])}
        for b in s.scoring.get("bands") or []
    ]
    grades = sorted(
        ({"min": g["min"], "name": g["name"]} for g in s.scoring.get("grades") or []), key=lambda g: g["min"]
    )
    return {
        "source": f"{s.source} {s.scoring.get('clause', '')}".strip(),
        "items": {it.id: it.points for it in s.items if it.rule == "scored"},
        "bands": bands,
        "grades": grades,
    }


def band_fraction(index: int, scheme: str) -> float:
    b = worksheet(scheme)["bands"][index]
    return round((b["low"] + b["high"]) / 2, 3)


def band_of(fraction: float, scheme: str) -> int:
    for i, b in enumerate(worksheet(scheme)["bands"]):
        if fraction <= b["high"] + 1e-9:
            return i
    return len(worksheet(scheme)["bands"]) - 1


def grade(score: float, scheme: str) -> str | None:
    name = None
    for g in worksheet(scheme)["grades"]:
        if score >= g["min"] - 1e-9:
            name = g["name"]
    return name


def total(scores: dict[str, float], scheme: str) -> dict:
    items = worksheet(scheme)["items"]
    s = sum(points * scores[i] for i, points in items.items() if i in scores)
    complete = all(i in scores for i in items)
    return {
        "score": round(s, 2),
        "complete": complete,
        "scored": sum(i in scores for i in items),
        "items": len(items),
        "grade": grade(s, scheme) if complete else None,
        "max": sum(items.values()),
    }


def rows(scores: dict[str, float], titles: dict[str, str] | None = None, *, scheme: str) -> list[dict]:
    titles = titles or {}
    out = []
    for item_id, points in worksheet(scheme)["items"].items():
        f = scores.get(item_id)
        out.append(
            {
                "id": item_id,
                "title": titles.get(item_id, ""),
                "points": points,
                "fraction": f,
                "band": band_of(f, scheme) if f is not None else None,
                "score": round(points * f, 2) if f is not None else None,
            }
        )
    return out
