"""Issue 27: everyday questions about the applicant's own case are answered from the case's values and
the items' verdicts (the one evaluation), then the clause; without the value the reply asks for it;
nothing is stored from a question. Scoring questions get numbers from the scheme files; what the text
does not settle is said so; phone wording (homophone typos, w/万, two questions in one) is understood."""

import copy
from datetime import date

import pytest
from assistant_helpers import document, field

from intake.assistant.engine import Assistant

AS_OF = "2025-06-01"


def ask(scheme, question, facts=None, docs=(), as_of=AS_OF):
    a = Assistant(scheme, as_of=as_of, facts=copy.deepcopy(facts))
    if docs:
        day = date.fromisoformat(as_of)
        a.sync(documents=[document(t, scheme, day, **{k: field(v) for k, v in kw.items()}) for t, kw in docs])
    before = copy.deepcopy(a.state["answers"]), a.facts(), copy.deepcopy(a.state["corrections"])
    r = a.reply(question)
    assert (a.state["answers"], a.facts(), a.state["corrections"]) == before, "stored something from a question"
    return r


def quoted(r):
    return [q["clause"] for q in r.quotes]


def test_credit_a_loss_is_answered_with_the_cases_profit_and_the_conditions_that_apply():
    r = ask("credit", "我们去年亏了一点，还能申请吗", facts={"net_profit": {"2024": -300000}})
    assert "2024年净利润 -30万元（亏损）" in r.text
    assert "没有对盈利的要求" in r.text
    assert {"4", "4 a", "4 b", "4 c"} <= set(quoted(r))
    assert "没有找到依据" not in r.text


def test_jiangsu_a_loss_in_the_case_fails_the_profit_condition_with_its_year_and_amount():
    r = ask("jiangsu", "我们去年亏了点钱还能进培育库吗", facts={"net_profit": {"2024": -500000, "2023": 3000000}})
    assert "2024年净利润 -50万元（亏损）" in r.text
    assert "第八条（一）3" in quoted(r)
    assert "不满足" in r.text or "不符合" in r.text


@pytest.mark.parametrize(
    "scheme,doc_type,clause",
    [("jinzhi", "qms_certificate", "4 第2项"), ("jiangsu", "trademark_certificate", "第八条（一）5")],
)
def test_an_expired_certificate_in_the_case_is_named_with_its_date_and_the_items_it_serves(scheme, doc_type, clause):
    r = ask(scheme, "证书过期了怎么办", docs=[(doc_type, {"valid_until": "2024-03-01"})])
    assert "有效期至 2024-03-01，已过期" in r.text
    assert clause in quoted(r)
    assert "请上传在有效期内的" in r.text


def test_jiangsu_expiry_without_a_certificate_in_the_case_is_about_the_schemes_own_certificate():
    r = ask("jiangsu", "证书过期了怎么办")
    assert "您的" not in r.text.splitlines()[0]
    assert set(quoted(r)) & {"第十六条", "第十七条", "第十八条"}


def test_nonferrous_own_satisfaction_score_against_the_asked_level():
    r = ask(
        "nonferrous",
        "我们的满意度报告够报卓越吗",
        docs=[("satisfaction_report", {"satisfaction_score": 80.0})],
        as_of="2024-08-01",
    )
    assert "用户满意度测评报告 80 分" in r.text
    assert "85分" in r.text and "第七条（六）" in quoted(r)


def test_trace_own_coverage_is_graded_on_provisional_thresholds_said_as_such():
    r = ask("trace", "我们用码覆盖率能评几级", facts={"code_coverage": 0.6})
    assert "用码覆盖率 60%" in r.text and "暂定" in r.text


def test_credit_own_scores_are_added_and_graded():
    scheme_items = Assistant("credit").scheme.items
    scores = {it.id: 0.9 for it in scheme_items if it.rule == "scored"}
    r = ask("credit", "按我们现在的打分能评几星", facts={"scores": scores})
    assert "合计 90 分" in r.text and "四星级" in r.text


def test_without_the_value_the_reply_asks_for_it_and_stores_nothing():
    r = ask("jiangsu", "我们的销售额够不够格")
    assert "您的申请里还没有这个数" in r.text and "年销售额" in r.text
    assert "第八条（二）2（1）" in quoted(r)


def test_a_number_in_the_question_wins_over_the_case():
    r = ask("jiangsu", "我们生产资料类一年卖1.5个亿够吗", facts={"revenue": {"2024": 500_000_000}})
    assert "2亿" in r.text and "1.5亿" in r.text
    assert "您的申请里" not in r.text  # the case's 5亿元 is not what was asked about


# -- the scheme's structure as numbers -----------------------------------------------------------------


def test_credit_total_and_group_points_are_computed_from_the_checklist():
    r = ask("credit", "满分多少？基本指标跟专项指标各占多少分")
    assert "满分 100 分" in r.text and "基本指标共 86 分" in r.text and "专项指标共 14 分" in r.text
    assert {"6.2.2", "5.1", "5.2"} <= set(quoted(r))


def test_credit_audit_method_comes_from_the_procedure():
    r = ask("credit", "审核是光看材料还是要来现场")
    assert "要来现场" in r.text and "文件审查、现场审查" in r.text
    assert "6.1.2" in quoted(r)


# -- what the text does not settle -------------------------------------------------------------------


@pytest.mark.parametrize(
    "scheme,question",
    [
        ("jiangsu", "江苏精品和浙江制造能互认吗"),
        ("trace", "评上了证书有效期几年"),
        ("credit", "质量信用的证书有效期几年"),
        ("jiangsu", "南京到苏州高铁要多久"),
        ("trace", "AA级具体要满足啥条件？用码覆盖率要到多少"),
    ],
)
def test_what_the_text_does_not_settle_is_declined_with_whom_to_ask(scheme, question):
    r = ask(scheme, question)
    assert "原文未规定" in r.text or "没有找到依据" in r.text


def test_a_provisional_figure_is_given_as_provisional_after_the_decline():
    r = ask("trace", "AA级用码覆盖率要到多少")
    assert r.text.index("原文未规定") < r.text.index("暂定：AA 90%")


def test_an_attribute_the_clause_states_is_answered():
    r = ask("nonferrous", "申报材料寄到哪，地址电话多少", as_of="2024-08-01")
    assert "通知四" in quoted(r) and "010-82610208" in r.text


# -- phone wording ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scheme,question,clause",
    [
        ("jinzhi", "标识能印在包状上吗", "10.1"),
        ("credit", "每年都要监都评价吗", "3.3"),
        ("trace", "我们做电线电览的属于范围吗", "三（一）"),
    ],
)
def test_homophone_typos_still_find_the_clause(scheme, question, clause):
    assert clause in quoted(ask(scheme, question))


def test_a_word_of_the_language_is_not_corrected():
    from intake.assistant.retrieval import index_for

    assert index_for("trace").correct("铝合金型材的生产") == "铝合金型材的生产"
    assert index_for("jiangsu").correct("需要董事长在场吗") == "需要董事长在场吗"


def test_two_questions_in_one_message_get_both_answers():
    r = ask("jiangsu", "检测报告要多久以内的？证书管几年")
    assert {"第十五条", "第十六条"} <= set(quoted(r))
    assert "两年" in r.text and "3年" in r.text


def test_two_numbers_in_one_message_are_both_checked():
    r = ask("jiangsu", "公司成立两年半，服务业年收入2500w，能进培育库么")
    assert "2.5 年" in r.text and "3年" in r.text
    assert "2500万元" in r.text and "3000万元" in r.text


def test_the_pinyin_table_is_in_step_with_pypinyin():
    """data/pinyin.tsv is derived from pypinyin's dictionary (scripts/pinyin_table.py): regenerate it
    when pypinyin changes."""
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "scripts"))
    from pinyin_table import OUT, render, table

    assert OUT.read_text(encoding="utf-8") == render(table())


def test_scores_of_two_indicator_groups_are_added_before_grading():
    r = ask("credit", "基本指标78分，专项指标12分，能评几星")
    assert "基本指标 78分＋专项指标 12分＝90分" in r.text and "90分属于四星级" in r.text
    assert "6.2.2 c)" in quoted(r)
