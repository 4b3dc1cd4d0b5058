"""Where the schemes live: one folder per scheme, everything a layer needs to know about it.

    checklists/schemes/<id>/
        checklist.yaml   items, levels (or stages), thresholds, tables — read by the engine
        clauses.yaml     the source text split by clause — quoted by reports and the assistant
        procedure.yaml   case states, validity, the declarations offered as check boxes — read by cases
        form.yaml        the application form's wording — read by forms
        interview.yaml   how the assistant talks about the scheme: yes/no questions in their positive
                         phrasing with polarity, computed-answer templates, the contact (optional)

A folder named in INTAKE_SCHEMES_PATH (several separated by the OS path separator) adds schemes
without touching code: the folder's subfolders that hold a checklist.yaml are schemes too.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

BUILTIN = Path(__file__).parent / "schemes"
ID_RE = re.compile(r"[a-z][a-z0-9_]*")
ORDER = ["jinzhi", "credit", "nonferrous", "jiangsu", "trace"]  # the seeds' order; others follow by name
PARTS = ("checklist", "clauses", "procedure", "form", "interview")


class SchemeError(ValueError):
    """A scheme data file is wrong; the message names the file and line."""


class UnknownScheme(KeyError):
    def __str__(self) -> str:  # KeyError quotes its argument; we want the message as written
        return str(self.args[0])


def roots() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("INTAKE_SCHEMES_PATH", "").split(os.pathsep) if p.strip()]
    return [BUILTIN, *extra]


def scheme_dirs() -> dict[str, Path]:
    """id → folder, built-in schemes first in the seeds' order."""
    found: dict[str, Path] = {}
    for root in roots():
        if not root.is_dir():
            continue
        for d in sorted(root.iterdir()):
            if d.is_dir() and ID_RE.fullmatch(d.name) and (d / "checklist.yaml").exists():
                found.setdefault(d.name, d)
    return {s: found[s] for s in sorted(found, key=lambda s: (ORDER.index(s) if s in ORDER else len(ORDER), s))}


def scheme_ids(part: str | None = None) -> list[str]:
    """The one list of schemes: every scheme, or those that have `part` (a form, a procedure …)."""
    if part is None:
        return list(scheme_dirs())
    return [s for s in scheme_dirs() if read_part(s, part)]


def unknown_message(scheme_id: str, part: str | None = None) -> str:
    return f"未知的评价方案 {scheme_id!r}；可用的方案：{', '.join(scheme_ids(part))}"


def require(scheme_id: str, part: str) -> None:
    """UnknownScheme unless `scheme_id` is a scheme with `part` (the one exception for an unknown scheme)."""
    if scheme_id not in scheme_ids(part):
        raise UnknownScheme(unknown_message(scheme_id, part))


def summaries() -> list[dict]:
    """{id, name, source, levels} of every scheme (the contract's `intake schemes --json`), each from
    the compiled cache while its checklist.yaml is unchanged (SchemeError for a broken one)."""
    from .compiled import compiled

    def summary(scheme_id: str) -> dict:
        from .scheme import load_scheme

        return load_scheme(scheme_id).to_summary()

    return [
        compiled("summary", part_path(s, "checklist"), lambda s=s: summary(s), as_json=True)  # type: ignore[misc]
        for s in scheme_ids()
    ]


@cache
def item_id_pattern() -> re.Pattern:
    """An internal item id of a scheme in the registry ("jiangsu.art8.1.1")."""
    return re.compile(r"\b(?:" + "|".join(map(re.escape, scheme_ids())) + r")\.[A-Za-z0-9_.]*[A-Za-z0-9]")


def scheme_dir(scheme_id: str) -> Path:
    if not ID_RE.fullmatch(scheme_id or ""):
        raise UnknownScheme(unknown_message(scheme_id))
    d = scheme_dirs().get(scheme_id)
    if d is None:
        raise UnknownScheme(unknown_message(scheme_id))
    return d


def part_path(scheme_id: str, part: str) -> Path:
    """The file of one part of a scheme (`checklist`, `clauses`, `procedure`, `form`, `interview`)."""
    if part not in PARTS:
        raise ValueError(f"unknown scheme part {part!r}; parts: {', '.join(PARTS)}")
    return scheme_dir(scheme_id) / f"{part}.yaml"


@cache
def _read(path: str, mtime: float) -> dict:
    import yaml

    data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data if isinstance(data, dict) else {}


def read_part(scheme_id: str, part: str) -> dict:
    """A part's YAML as a mapping ({} when the scheme has no such file)."""
    p = part_path(scheme_id, part)
    if not p.exists():
        return {}
    return _read(str(p), p.stat().st_mtime)
