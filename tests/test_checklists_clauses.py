"""The seed texts split by clause: every scheme ships one, quotes are the seed's words."""

from pathlib import Path

import pytest

from checklists.clauses import UnknownScheme, find_clause, load_clauses

SEEDS = Path("/work/shared/seeds")
SCHEMES = ["jinzhi", "credit", "nonferrous", "jiangsu", "trace"]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_has_unique_clauses(scheme):
    clauses = load_clauses(scheme)
    assert len(clauses) >= 10
    refs = [c.clause for c in clauses]
    assert len(refs) == len(set(refs)), "a clause is listed twice"
    assert all(c.text for c in clauses)


def test_fine_grained_sub_items_are_separate():
    assert find_clause("nonferrous", "第七条（六）").text == "用户满意度测评须达到85分。"
    assert "75分以上" in find_clause("nonferrous", "第六条（七）").text
    assert find_clause("credit", "5.1.2 b)").title.startswith("质量管理")
    assert "3年" in find_clause("jinzhi", "8.2").text
    assert "5000万元" in find_clause("jiangsu", "第八条（二）1（3）").text


def test_reference_tolerates_half_width_brackets_and_spaces():
    assert find_clause("nonferrous", "第六条(七)").clause == "第六条（七）"
    assert find_clause("credit", "5.1.2b)").clause == "5.1.2 b)"
    assert find_clause("jinzhi", "99.9") is None


def test_unknown_scheme_is_a_clear_error():
    with pytest.raises(UnknownScheme, match="未知的评价方案"):
        load_clauses("nosuch")
    with pytest.raises(UnknownScheme):
        load_clauses("../etc/passwd")


@pytest.mark.skipif(not SEEDS.exists(), reason="seed texts not present")
@pytest.mark.parametrize("scheme,seed", [("jinzhi", "000"), ("nonferrous", "002"), ("jiangsu", "003")])
def test_quotes_are_verbatim_from_the_seed(scheme, seed):
    import re

    text = next(SEEDS.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")
    flat = re.sub(r"\s+", "", text)
    for c in load_clauses(scheme):
        for sentence in re.split(r"[。；]", re.sub(r"\s+", "", c.text)):
            if len(sentence) > 8:
                assert sentence[:12] in flat, (c.clause, sentence)
