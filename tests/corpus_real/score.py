"""Score the real-world evaluation set: type right, fields right (a field found but not expected
counts against), separately for the tuned part and the held-out part.

    python -m tests.corpus_real.score            # both figures; problems listed for the tuned part only
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
from corpus_real.documents import DOCUMENTS, is_held_out, pdf  # noqa: E402

EXPECTED = Path(__file__).parent / "expected"


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= 1e-3 * max(1, abs(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, str) and isinstance(b, str):
        return a.replace(" ", "") == b.replace(" ", "")
    return a == b


@dataclass
class Score:
    documents: int = 0
    typed_right: int = 0
    fields_right: int = 0
    fields_total: int = 0  # expected fields + fields found but not expected
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def type_rate(self) -> float:
        return self.typed_right / self.documents if self.documents else 0.0

    @property
    def field_rate(self) -> float:
        return self.fields_right / self.fields_total if self.fields_total else 0.0


def read(name: str):
    from extractors.extract import extract_facts
    from extractors.read import read_document

    return extract_facts(read_document(pdf(name), f"{name}.pdf"))


def score(names: list[str]) -> Score:
    s = Score()
    for name in names:
        expected = json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
        facts = read(name)
        got = {k: f.value for k, f in facts.fields.items()}
        problems = []
        s.documents += 1
        if facts.type == expected["type"]:
            s.typed_right += 1
        else:
            problems.append(f"type {facts.type!r}, expected {expected['type']!r}")
        for k, v in expected["fields"].items():
            s.fields_total += 1
            if k in got and same(got[k], v):
                s.fields_right += 1
            else:
                problems.append(
                    f"{k}: {got.get(k)!r}, expected {v!r}" + (f" (line: {facts.fields[k].text!r})" if k in got else "")
                )
        for k in got.keys() - expected["fields"].keys():
            s.fields_total += 1
            problems.append(f"{k}: unexpected {got[k]!r} (line: {facts.fields[k].text!r})")
        if problems:
            s.problems[name] = problems
    return s


def parts() -> tuple[list[str], list[str]]:
    names = sorted(DOCUMENTS)
    return [n for n in names if not is_held_out(n)], [n for n in names if is_held_out(n)]


if __name__ == "__main__":
    tuned, held = parts()
    for label, names, show in (("tuned", tuned, True), ("held-out", held, False)):
        s = score(names)
        print(
            f"{label}: {s.documents} documents, typed right {s.typed_right}/{s.documents}, "
            f"fields right {s.fields_right}/{s.fields_total} ({s.field_rate:.1%})"
        )
        if show:
            for name, problems in s.problems.items():
                print(f"  {name}:\n    " + "\n    ".join(problems))
