"""Retrieval accuracy of the assistant's rule answers (benchmarks/questions.yaml).

For each variant of the retriever: top-1 / top-3 accuracy (the cited clause among the
first 1 / 3 clauses returned), on-topic questions wrongly answered "don't know", and
off-topic questions correctly answered "don't know". Time per question is reported as
a ratio to the plainest variant measured in the same run.

    python -m benchmarks bench_assistant
"""

from __future__ import annotations

import time
from pathlib import Path

import yaml

from benchmarks.common import report
from checklists.clauses import load_clauses
from intake.assistant.retrieval import ClauseIndex, clause_key

QUESTIONS = Path(__file__).parent / "questions.yaml"

VARIANTS = [
    (
        "plain BM25 (jieba default dict, text only)",
        dict(user_dict=False, search_mode=False, title_weight=0, parent_context=False, synonyms=False),
    ),
    (
        "+ domain user dictionary",
        dict(user_dict=True, search_mode=False, title_weight=0, parent_context=False, synonyms=False),
    ),
    (
        "+ search-mode sub-words",
        dict(user_dict=True, search_mode=True, title_weight=0, parent_context=False, synonyms=False),
    ),
    ("+ titles (x1)", dict(user_dict=True, search_mode=True, title_weight=1, parent_context=False, synonyms=False)),
    ("+ titles (x2)", dict(user_dict=True, search_mode=True, title_weight=2, parent_context=False, synonyms=False)),
    ("+ parent headings", dict(user_dict=True, search_mode=True, title_weight=2, parent_context=True, synonyms=False)),
    (
        "+ synonyms (shipped default)",
        dict(user_dict=True, search_mode=True, title_weight=2, parent_context=True, synonyms=True),
    ),
    (
        "shipped default, titles x1",
        dict(user_dict=True, search_mode=True, title_weight=1, parent_context=True, synonyms=True),
    ),
]


def _clauses(scheme: str) -> list[dict]:
    return [{"clause": c.clause, "title": c.title, "text": c.text} for c in load_clauses(scheme)]


def run_variant(options: dict, data: dict, verbose: bool = False) -> dict:
    schemes = [s for s in data if s not in ("off_topic", "holdout")]
    indexes = {s: ClauseIndex(_clauses(s), options) for s in schemes}
    n = top1 = top3 = wrong_dunno = 0
    misses = []
    t0 = time.perf_counter()
    for scheme, questions in data.items():
        if scheme not in indexes:
            continue
        for q in questions:
            ans = indexes[scheme].search(q["q"], k=3)
            want = {clause_key(c) for c in q["cite"]}
            got = [clause_key(h.clause) for h in ans.hits]
            n += 1
            top1 += bool(got) and got[0] in want
            top3 += bool(want & set(got))
            wrong_dunno += not ans.known
            if verbose and not (got and got[0] in want):
                misses.append((scheme, q["q"], q["cite"], [h.clause for h in ans.hits]))
    off = data.get("off_topic", [])
    dunno = 0
    for q in off:
        # An off-topic question must get "don't know" whichever scheme is open.
        dunno += all(not indexes[s].search(q).known for s in indexes)
    elapsed = time.perf_counter() - t0
    return {
        "n": n,
        "top1": top1,
        "top3": top3,
        "wrong_dunno": wrong_dunno,
        "off": len(off),
        "off_dunno": dunno,
        "seconds": elapsed,
        "misses": misses,
    }


def main() -> None:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    holdout = data.pop("holdout", None)
    rows = []
    base = None
    last = None
    for name, options in VARIANTS:
        r = run_variant(options, data, verbose=name.startswith("+ synonyms"))
        base = base or r["seconds"]
        rows.append(
            (
                name,
                f"top-1 {r['top1']}/{r['n']} ({r['top1'] / r['n']:.0%})  "
                f"top-3 {r['top3']}/{r['n']} ({r['top3'] / r['n']:.0%})  "
                f"on-topic 'don't know' {r['wrong_dunno']}  "
                f"off-topic 'don't know' {r['off_dunno']}/{r['off']}  "
                f"time x{r['seconds'] / base:.2f}",
            )
        )
        if r["misses"]:
            last = r
    report(rows)
    if holdout:
        r = run_variant(VARIANTS[-2][1], holdout, verbose=True)
        print(
            f"\n  held-out set, shipped default: top-1 {r['top1']}/{r['n']} ({r['top1'] / r['n']:.0%})  "
            f"top-3 {r['top3']}/{r['n']} ({r['top3'] / r['n']:.0%})  on-topic 'don't know' {r['wrong_dunno']}  "
            f"off-topic 'don't know' {r['off_dunno']}/{r['off']}"
        )
        for scheme, q, want, got in r["misses"]:
            print(f"    [{scheme}] {q}  want {want}  got {got}")
    if last:
        print("\n  top-1 misses of the shipped default:")
        for scheme, q, want, got in last["misses"]:
            print(f"    [{scheme}] {q}  want {want}  got {got}")


if __name__ == "__main__":
    main()
