"""Score the real-world evaluation set: type right, fields right (a field found but not expected
counts against), separately for the tuned part and the held-out part.

    python -m tests.corpus_real.score            # both figures; problems listed for the tuned part only
    python -m tests.corpus_real.score --all [CACHE]   # one run, side by side: this set, the photo corpus
                                                      # (tuned / held-out by whole sheet) and the shared
                                                      # real sets (../shared/realdocs), OCR cached in CACHE
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


def everything(cache_dir: str | None) -> list[str]:
    """One summary line per set and part: the figures the issue's bars are judged by."""
    import photo_corpus as pc
    import realdocs

    out = []
    for label, names in zip(("corpus_real tuned", "corpus_real held-out"), parts()):
        s = score(names)
        out.append(
            f"{label}: {s.documents} documents, typed right {s.typed_right}/{s.documents}, "
            f"fields right {s.fields_right}/{s.fields_total} ({s.field_rate:.1%})"
        )
    for part in ("tuned", "held-out"):
        t = pc.run(part, cache_dir=cache_dir, verbose=False)
        out.append(
            f"photo corpus {part}: {t['pages']} pages, typed right {t['type_right']}/{t['pages']}, "
            f"fields right {t['right']}/{t['total']} ({t['right'] / max(t['total'], 1):.1%}), "
            f"wrong without 请核对 {t['silent']}, right sent to 请核对 {t['flagged_right']}"
        )
    if realdocs.location() is None:
        out.append("shared real sets: not found (../shared/realdocs), skipped")
    for set_name in realdocs.SETS if realdocs.location() else ():
        r = realdocs.score_set(set_name, cache_dir)
        print("\n".join(r.lines))
        out.append(r.summary(f"shared real {set_name}"))
    return out


if __name__ == "__main__":
    if sys.argv[1:2] == ["--all"]:
        print("\n".join(everything(sys.argv[2] if len(sys.argv) > 2 else None)))
        sys.exit(0)
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
