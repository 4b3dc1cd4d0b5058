"""Measure the similarity of campaign copies vs independent comments (how the thresholds in
extractors/comments/rules.yaml were chosen). `python -m benchmarks.measure_comment_thresholds`"""

from __future__ import annotations

import random
import statistics
import sys
from itertools import combinations
from pathlib import Path

from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from comment_corpus import CAMPAIGN_LETTERS, TOPICS, campaign_copy, independent, unit_name  # noqa: E402

from extractors.comments.duplicates import canon  # noqa: E402


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> None:
    rng = random.Random(11)
    copies = []
    for i in range(600):
        letter = rng.randrange(len(CAMPAIGN_LETTERS))
        c = campaign_copy(rng, letter, unit_name(rng, i))
        copies.append(fuzz.ratio(canon(c.text), canon(CAMPAIGN_LETTERS[letter])) / 100)
    same_prompt = []
    for clause in TOPICS:
        texts = [canon(independent(rng, clause).text) for _ in range(120)]
        same_prompt += [fuzz.ratio(a, b) / 100 for a, b in combinations(texts, 2) if a != b]
    print("threshold  copies caught  independent pairs above")
    for t in (0.70, 0.80, 0.85, 0.88, 0.90, 0.92, 0.95, 0.99):
        caught = sum(x >= t for x in copies) / len(copies)
        above = sum(x >= t for x in same_prompt)
        print(f"  {t:.2f}     {caught:6.1%}        {above} of {len(same_prompt)}")
    print(
        f"campaign copy vs its letter   n={len(copies):5d}  min={min(copies):.3f}  p01={pct(copies, 0.01):.3f}  "
        f"median={statistics.median(copies):.3f}"
    )
    print(
        f"independent, same prompt      n={len(same_prompt):5d}  max={max(same_prompt):.3f}  "
        f"p99={pct(same_prompt, 0.99):.3f}  p90={pct(same_prompt, 0.90):.3f}  median={statistics.median(same_prompt):.3f}"
    )


if __name__ == "__main__":
    main()
