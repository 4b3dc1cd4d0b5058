"""Comment sheets whose comments carry the punctuation people really type: full-width and half-width
commas, colons and brackets, Chinese and ASCII quotes, book-title marks, dashes, ellipses, full-width
digits and letters, units and symbols. Used to check that the register quotes every comment exactly
as written (tests/test_comments_written.py) and to measure it (`python -m tests.comment_written OUTDIR`).

`sheets(seed)` builds the sheets' rows; the test sheets use seed 1, the held-out measurement other
seeds nobody looks at while changing the parser.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

if __package__:  # python -m tests.comment_written
    sys.path.insert(0, str(Path(__file__).parent))

from comment_corpus import CLAUSES, independent, unit_name  # noqa: E402

# Ways of writing the same marks; a sheet mixes them the way a person switching input methods does.
VARIANTS = {
    "，": ["，", ",", "，", "， "],
    "；": ["；", ";", "；"],
    "：": ["：", ":", "：", "： "],
    "。": ["。", "。", ".", "．"],
}
QUOTES = [("“", "”"), ('"', '"'), ("‘", "’"), ("「", "」"), ("『", "』"), ("【", "】"), ("《", "》"), ("〈", "〉")]
BRACKETS = [("（", "）"), ("(", ")"), ("［", "］"), ("[", "]"), ("〔", "〕")]
INSERTS = [
    "{q0}应{q1}改为{q2}宜{q3}",
    "参照GB/T 1.1—2020{b0}附录F{b1}",
    "见{q0}标准化工作导则{q1}",
    "例如：≥95％、≤0.5 mm",
    "温度为（20±2）℃",
    "第3.1条～第3.3条",
    "建议……再议",
    "删除{q0}等{q1}字",
    "Ａ类、Ｂ类",
    "ＧＢ／Ｔ　19001",
    "约１０个工作日",
    "如{b0}a{b1}、{b0}b{b1}两项",
    "改为“≥3年”",
    "‘合格’→‘符合’",
    "比例由10%调整为5%!",
    "是否适用？",
    "注：同上",
    "—— 即{q0}津质精品{q1}",
    "可采用·分级",
    "①②两款合并",
]


# Used only by the held-out measurement (benchmarks/measure_comment_quoting.py): marks the parser was
# never tuned on.
HELD_OUT_INSERTS = [
    "『甲类』与「乙类」",
    "偏差±0.5％",
    "（见图２）",
    "“A级”→“AA级”",
    "依据〔2025〕12号文",
    "№3样品",
    "约1/2",
    "≈30天",
    "§4.2",
    "• 抽样",
    "【注】",
    "厚度10 μm",
    "Ⅱ类产品",
    "面积100㎡",
    "《规范》第２．３条",
    "温度≤－10℃",
    "‰",
    "‘宜’字",
]


def vary(text: str, rng: random.Random, inserts: list[str] = INSERTS) -> str:
    """`text` with its punctuation written in varied ways and a quoted or bracketed insert."""
    out = []
    for ch in text:
        out.append(rng.choice(VARIANTS[ch]) if ch in VARIANTS and rng.random() < 0.5 else ch)
    text = "".join(out)
    q0, q1 = rng.choice(QUOTES)
    q2, q3 = rng.choice(QUOTES)
    b0, b1 = rng.choice(BRACKETS)
    insert = rng.choice(inserts).format(q0=q0, q1=q1, q2=q2, q3=q3, b0=b0, b1=b1)
    cut = [m.end() for m in re.finditer(r"[，,；;。.]", text)] or [len(text)]
    at = rng.choice(cut)
    return text[:at] + insert + rng.choice(["，", ",", "；", "。"]) + text[at:]


def sheet_rows(rng: random.Random, n: int, inserts: list[str] = INSERTS) -> list[list[str]]:
    rows = []
    for i in range(1, n + 1):
        c = independent(rng, rng.choice(CLAUSES))
        clause = rng.choice([c.clause, f"第{c.clause}条", f"{c.clause}"])
        rows.append(
            [str(i), clause, vary(c.text, rng, inserts), vary(c.reason, rng, inserts) if rng.random() < 0.8 else ""]
        )
    return rows


def sheets(seed: int, count: int = 6, per_sheet: int = 4, held_out: bool = False) -> list[tuple[str, list[list[str]]]]:
    """[(unit, rows)] for `count` sheets (`held_out`: with the marks kept for the measurement)."""
    rng = random.Random(seed)
    inserts = HELD_OUT_INSERTS if held_out else INSERTS
    return [(unit_name(rng, i), sheet_rows(rng, rng.randint(2, per_sheet), inserts)) for i in range(count)]


def squeeze(text: str) -> str:
    """Whitespace aside (the register may wrap lines): what 'exactly as written' compares."""
    return re.sub(r"\s+", "", text or "")


def exact_rate(expected: list[str], got: list[str]) -> tuple[int, int]:
    """(how many expected texts appear exactly — whitespace aside — among `got`, how many expected)."""
    pool = [squeeze(g) for g in got]
    hit = 0
    for e in expected:
        if squeeze(e) in pool:
            pool.remove(squeeze(e))
            hit += 1
    return hit, len(expected)


if __name__ == "__main__":  # write the sheets out: python -m tests.comment_written OUTDIR [SEED]
    from comment_sheets import seed_sheet

    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for i, (unit, rows) in enumerate(sheets(int(sys.argv[2]) if len(sys.argv) > 2 else 1)):
        (out / f"sheet{i}.docx").write_bytes(seed_sheet(rows, unit=unit, stamp=unit, date=None))
