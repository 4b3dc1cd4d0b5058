"""Data-driven document classifier (extractors/data/doctypes.yaml), invoice2data style:
each type scores by its title words, weighted keywords and patterns, minus negative words.

    classify(doc) -> ("qms_certificate", 0.83)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .model import Document
from .text import normalize

DATA = Path(__file__).resolve().parent / "data" / "doctypes.yaml"
TYPES = (
    "business_license",
    "qms_certificate",
    "ems_certificate",
    "ohsms_certificate",
    "cnas_certificate",
    "test_report",
    "patent_certificate",
    "trademark_certificate",
    "satisfaction_report",
    "financial_statement",
    "credit_report",
    "production_license",
    "ccc_certificate",
    "award_certificate",
    "rd_center_certificate",
    "application_form",
    "comment_sheet",
    "other",
)


@dataclass
class DocType:
    name: str
    title: list[str]
    keywords: dict[str, float]
    patterns: list[tuple[re.Pattern, float]]
    negative: list[tuple[re.Pattern, float]]


def _squash(s: str) -> str:
    """Normalised, no spaces, Latin in lower case: `QUALITY MANAGEMENT SYSTEM` scores like `Quality Management System`."""
    return normalize(s).replace(" ", "").lower()


def _pattern(p: str) -> re.Pattern:
    return re.compile(p, re.I)


@lru_cache(maxsize=2)
def load(path: str = str(DATA)) -> tuple[dict, list[DocType]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    types = []
    for name, t in data["types"].items():
        if name not in TYPES:
            raise ValueError(f"{path}: unknown document type {name!r}")
        types.append(
            DocType(
                name=name,
                title=[_squash(x) for x in t.get("title", [])],
                keywords={_squash(k): float(v) for k, v in (t.get("keywords") or {}).items()},
                patterns=[(_pattern(p), float(w)) for p, w in (t.get("patterns") or {}).items()],
                negative=[
                    (_pattern(re.escape(_squash(k)) if not any(c in k for c in "\\|[(?") else k), float(w))
                    for k, w in (t.get("negative") or {}).items()
                ],
            )
        )
    return data["settings"], types


def _texts(doc: Document, settings: dict) -> tuple[str, list[str]]:
    pages = doc.pages[: settings["pages"]]
    parts, title = [], []
    for p in pages:
        for l in p.lines:
            parts.append(l.text)
        for t in p.tables:
            for row in t.rows:
                parts.extend(c.text for c in row)
    first = pages[0] if pages else None
    if first:
        lines = [l.text for l in first.lines if l.text.strip()]
        if not lines and first.tables:
            lines = [c.text for row in first.tables[0].rows[:3] for c in row if c.text]
        title = [_squash(l) for l in lines[: settings["title_lines"]] if len(_squash(l)) <= 40]
    return _squash("\n".join(parts)), title


def _title_match(word: str, line: str) -> bool:
    """`=证书` means the whole line is the word (a generic title); otherwise the line contains it."""
    if word.startswith("="):
        return re.sub(r"[a-z .:]+", "", line) == word[1:]
    return word in line


def scores(doc: Document) -> dict[str, float]:
    """Each type's score, for explaining a classification."""
    settings, types = load()
    text, title = _texts(doc, settings)
    name = _squash(doc.file or "")
    # keep a spaced copy for Latin patterns such as `GB/T 19001`
    spaced = normalize("\n".join(l.text for p in doc.pages[: settings["pages"]] for l in p.lines))
    out = {}
    for t in types:
        s = 0.0
        if any(_title_match(w, line) for w in t.title for line in title):
            s += settings["title_weight"]
        s += sum(w for k, w in t.keywords.items() if k in text)
        s += sum(w for p, w in t.patterns if p.search(text) or p.search(spaced))
        s -= sum(w for p, w in t.negative if p.search(text))
        if text and any(not w.startswith("=") and w in name for w in t.title):
            s += settings.get("filename_weight", 0)  # weak: a name can lie, the text decides
        out[t.name] = s
    return out


def classify(doc: Document) -> tuple[str, float]:
    """(type, confidence 0..1); `other` when no type scores `min_score`."""
    settings, _ = load()
    if not any(l.text.strip() for p in doc.pages[: settings["pages"]] for l in p.lines) and not any(
        c.text for p in doc.pages[: settings["pages"]] for t in p.tables for r in t.rows for c in r
    ):
        return "other", 0.0  # nothing to read (a scan awaiting OCR): unknown, not surely "other"
    sc = scores(doc)
    ranked = sorted(sc.items(), key=lambda kv: kv[1], reverse=True)
    (best, s1), (_, s2) = ranked[0], ranked[1]
    if s1 < settings["min_score"]:
        return "other", round(0.9 - 0.4 * max(s1, 0) / settings["min_score"], 3)
    strength = 1 - math.exp(-s1 / 6)
    separation = (s1 - max(s2, 0)) / s1
    return best, round(strength * (0.6 + 0.4 * separation), 3)


def type_title(name: str) -> str:
    """A type's printed title (营业执照, 环境管理体系认证证书 …) as a message names it; 其他材料 for none."""
    for t in load()[1]:
        if t.name == name:
            return next((w for w in t.title if not w.startswith("=")), name)
    return "其他材料"


def page_types(doc: Document, max_pages: int = 30) -> dict[int, str]:
    """Pages whose opening lines carry a type's title (a specific one, not `=证书`): page → type.
    Several types mean several documents scanned into one file."""
    settings, types = load()
    out: dict[int, str] = {}
    for p in doc.pages[:max_pages]:
        lines = [_squash(l.text) for l in p.lines if l.text.strip()][:4]
        best, best_len = None, 0
        for t in types:
            for w in t.title:
                if w.startswith("=") or len(w) < 4:
                    continue
                if any(w in line and len(line) <= 40 for line in lines) and len(w) > best_len:
                    best, best_len = t.name, len(w)
        if best:
            out[p.number] = best
    return out
