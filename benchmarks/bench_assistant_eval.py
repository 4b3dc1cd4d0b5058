"""The assistant's answers and interviews on the issue-13 evaluation set (tests/assistant_eval/):
tuned and held-out figures. Per-item misses are printed for the tuned part only; the held-out
part (every third item, fixed before tuning) is reported as totals.

    python -m benchmarks bench_assistant_eval
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from assistant_eval.evaluate import run_interviews, run_questions  # noqa: E402


def main() -> None:
    q = run_questions()
    for part in ("tuned", "held-out"):
        print(f"questions, {part}: {q[part].line()}")
    for scheme, item, text in q["tuned"].misses:
        print(
            f"  miss [{scheme}] {item['q']}  want {item.get('clause') or 'decline'} {item.get('fact', '')}\n"
            f"       {text[:160]!r}"
        )
    iv = run_interviews()
    for part in ("tuned", "held-out"):
        rs = iv[part]
        ok = sum(1 for r in rs if not r.wrong and not r.not_given)
        not_given = sum(len(r.not_given) for r in rs)
        turns = sum(r.turns for r in rs)
        unscripted = sum(len(r.unscripted) for r in rs)
        print(
            f"interviews, {part}: {ok}/{len(rs)} as scripted ({turns} turns); facts stored that were not given: "
            f"{not_given}; questions the script does not answer (skipped): {unscripted}"
        )
    for r in iv["tuned"]:
        for w in r.wrong + r.not_given + [f"unscripted question skipped: {k}" for k in r.unscripted]:
            print(f"  [{r.name}] {w}")


if __name__ == "__main__":
    main()
