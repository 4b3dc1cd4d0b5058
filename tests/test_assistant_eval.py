"""The issue-13 evaluation set (tests/assistant_eval/): 150 questions and 12 scripted interviews
over the five schemes, a third held out (every third item). The figures are what the issue asks:
>= 80 % of answerable questions with the right clause and the key fact, >= 80 % of unanswerable
or off-topic questions declined, and no fact stored that the person did not give. Failures list
the tuned items only; a held-out item is never printed."""

from assistant_eval.evaluate import run_interviews, run_questions


def test_questions_are_answered_with_the_right_clause_and_fact_or_declined():
    q = run_questions()
    for part in ("tuned", "held-out"):
        t = q[part]
        shown = [f"[{s}] {i['q']}: {text[:120]}" for s, i, text in t.misses] if part == "tuned" else []
        assert t.right >= 0.8 * t.answerable, (part, t.line(), shown)
        assert t.declined >= 0.8 * t.unanswerable, (part, t.line(), shown)
        assert t.stored == 0, (part, t.line(), shown)


def test_scripted_interviews_store_only_what_was_said():
    iv = run_interviews()
    assert len(iv["tuned"]) + len(iv["held-out"]) >= 10
    for part, results in iv.items():  # held-out: the count only
        assert sum(len(r.not_given) for r in results) == 0, (
            [w for r in results for w in r.not_given] if part == "tuned" else part
        )
    assert [w for r in iv["tuned"] for w in r.wrong] == []


def test_the_scripted_applicant_answers_the_question_actually_asked():
    """A script written in another order still answers each question with its own turn; a question
    the script has no answer for is skipped (listed), and nothing is stored for it."""
    from assistant_eval.evaluate import run_interview

    spec = {
        "name": "order",
        "scheme": "jinzhi",
        "as_of": "2025-06-01",
        "turns": [
            {"say": "你好"},
            {"say": "从来没有", "asks": "declarations.jinzhi.4.4", "stores": {"declarations.jinzhi.4.4": True}},
            {"say": "没有", "asks": "declarations.jinzhi.11.1", "stores": {"declarations.jinzhi.11.1": True}},
        ],
    }
    r = run_interview(spec)
    assert r.wrong == [] and r.not_given == []
    assert r.unscripted == ["declarations.jinzhi.4.3"]  # asked first, not in the script: skipped


def test_phone_questions_and_the_shared_set():
    """Issue 27: the questions in phone Chinese (tests/assistant_eval/phone.yaml, a third held out by a
    hash of the id) and the shared set (/work/shared/chat, when present): >= 80 % answered with the
    right clause and every key phrase, >= 80 % declined, nothing stored from a question."""
    from assistant_eval.evaluate import run_phone, run_shared

    phone = run_phone()
    for part in ("tuned", "held-out"):
        t = phone[part]
        shown = [f"[{s}] {i['id']}: {text[:120]}" for s, i, text in t.misses] if part == "tuned" else []
        assert t.right >= 0.8 * t.answerable and t.declined >= 0.8 * t.unanswerable, (part, t.line(), shown)
        assert t.stored == 0, (part, t.line(), shown)
    shared = run_shared()
    if shared is not None:
        assert shared.right >= 33 / 35 * shared.answerable, shared.line()
        assert shared.declined >= 14 / 15 * shared.unanswerable, shared.line()
