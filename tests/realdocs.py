"""The shared real document sets (shared/realdocs/set1, set2: files, truth.json, real_eval.py), read
in this process and scored with the sets' own scorer, so the figures are the scorer's figures.

The sets live beside the checkout (`../shared/realdocs` from the repository root in CI; a worktree
one level deeper finds `../../shared/realdocs`; INTAKE_REALDOCS names another place). Absent: every
caller skips cleanly.

    python -m tests.realdocs [set1 set2]      # per-file misses, then one summary line per set
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SETS = ("set1", "set2")


def location() -> Path | None:
    candidates = [os.environ.get("INTAKE_REALDOCS")] + [str(p / "shared" / "realdocs") for p in ROOT.parents[:2]]
    for c in candidates:
        if c and (Path(c) / "set1" / "truth.json").is_file():
            return Path(c)
    return None


def path(set_name: str, file: str) -> Path | None:
    where = location()
    p = where / set_name / "files" / file if where else None
    return p if p is not None and p.is_file() else None


def truth(set_name: str) -> dict:
    where = location()
    if where is None:
        return {}
    return json.loads((where / set_name / "truth.json").read_text(encoding="utf-8"))["files"]


@cache
def scorer(set_name: str) -> ModuleType:
    """The set's own real_eval.py, imported as a module (its score_evidence / field_ok)."""
    where = location()
    assert where is not None
    spec = importlib.util.spec_from_file_location(f"real_eval_{set_name}", where / set_name / "real_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extract(file: Path, cache_dir: str | None = None) -> dict:
    """The contract JSON of one file, as `intake extract --json` gives it (read + facts, in process)."""
    from extractors.extract import extract_facts
    from extractors.read import read_document

    data = file.read_bytes()
    if cache_dir:
        os.environ.setdefault("INTAKE_OCR_CACHE", cache_dir)
    facts = extract_facts(read_document(data, file.name))
    return facts.to_json()


@dataclass
class SetScore:
    documents: int = 0
    typed_right: int = 0
    fields_right: int = 0
    fields_total: int = 0
    silent: int = 0  # wrong values that carry no 请核对
    flagged_right: int = 0  # right values sent to 请核对 anyway
    lines: list[str] = field(default_factory=list)

    def summary(self, label: str) -> str:
        rate = self.fields_right / max(self.fields_total, 1)
        return (
            f"{label}: {self.documents} documents, typed right {self.typed_right}/{self.documents}, "
            f"fields right {self.fields_right}/{self.fields_total} ({rate:.1%}), "
            f"wrong without 请核对 {self.silent}, right sent to 请核对 {self.flagged_right}"
        )


def score_file(set_name: str, name: str, result: dict) -> tuple[bool, int, int, int, int, list[str]]:
    """(type right, fields right, fields expected, wrong without 请核对, right with 请核对, lines)."""
    ev = scorer(set_name)
    t = truth(set_name)[name]
    type_ok, ok, total, lines = ev.score_evidence(name, t, result)
    got = result.get("fields") or {}
    silent = flagged = 0
    for k, exp in t.get("fields", {}).items():
        if k == "indicators" or k not in got:
            continue
        right = ev.field_ok(k, exp, got[k].get("value"))
        checked = bool(got[k].get("check"))
        silent += not right and not checked
        flagged += right and checked
        if not right and not checked:
            lines.append(f"    {k}: no 请核对 on a wrong value")
    return type_ok, ok, total, silent, flagged, lines


def score_set(set_name: str, cache_dir: str | None = None, names: list[str] | None = None) -> SetScore:
    s = SetScore()
    t = truth(set_name)
    for name in names or sorted(n for n, v in t.items() if v.get("kind") == "evidence"):
        file = path(set_name, name)
        assert file is not None, name
        result = extract(file, cache_dir)
        type_ok, ok, total, silent, flagged, lines = score_file(set_name, name, result)
        s.documents += 1
        s.typed_right += type_ok
        s.fields_right += ok
        s.fields_total += total
        s.silent += silent
        s.flagged_right += flagged
        s.lines.append(f"{unicodedata.normalize('NFC', name)}: type {result.get('type')}, fields {ok}/{total}")
        s.lines.extend(lines)
    return s


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT)]
    if location() is None:
        print("shared real sets not found (../shared/realdocs)")
        sys.exit(0)
    for set_name in sys.argv[1:] or SETS:
        s = score_set(set_name)
        print("\n".join(s.lines))
        print(s.summary(f"real {set_name}"))
