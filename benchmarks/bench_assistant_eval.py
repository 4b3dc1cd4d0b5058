"""The assistant's answers and interviews on the evaluation sets, in one run: the shared set
(/work/shared/chat, judged by its own scorer's rules), the issue-27 phone questions
(tests/assistant_eval/phone.yaml, a third held out by a hash of the id) and the issue-13 set
(tests/assistant_eval/): tuned and held-out figures. Per-item misses are printed for the tuned part only; the held-out
part (every third item, fixed before tuning) is reported as totals.

    python -m benchmarks bench_assistant_eval
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from assistant_eval.evaluate import run_interviews, run_phone, run_questions, run_shared  # noqa: E402


def misses(found: list) -> None:
    for scheme, item, text in found:
        want = item.get("clause") or "decline"
        print(
            f"  miss [{scheme}] {item.get('id', '')} {item['q']}  want {want} {item.get('fact', '')}\n       {text[:200]!r}"
        )


def main() -> None:
    shared = run_shared()
    if shared is not None:
        print(f"shared set (/work/shared/chat): {shared.line()}")
        misses(shared.misses)
    phone = run_phone()
    for part in ("tuned", "held-out"):
        print(f"phone questions (issue 27), {part}: {phone[part].line()}")
    misses(phone["tuned"].misses)  # the held-out part: totals only
    q = run_questions()
    for part in ("tuned", "held-out"):
        print(f"questions, {part}: {q[part].line()}")
    misses(q["tuned"].misses)
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
