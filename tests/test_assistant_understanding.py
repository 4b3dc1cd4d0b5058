"""What people say, understood: questions are not answers, natural answers are taken, numbers are
computed from the scheme files, what the text does not settle is said plainly, no noise."""

import pytest

from intake.assistant.answers import looks_like_question, parse_choice, parse_number, parse_yes_no
from intake.assistant.engine import Assistant

AS_OF = "2025-06-01"


def start(scheme, as_of=AS_OF):
    a = Assistant(scheme, as_of=as_of)
    a.reply("你好")
    return a


@pytest.mark.parametrize(
    "message",
    [
        "要交审计报告不",
        "有专利没有",
        "要钱么",
        "消费类还是生产资料类",
        "被罚款了会不会被撤证",
        "能不能先报再补材料",
        "可不可以用企标",
        "是不是一定要三体系",
    ],
)
def test_questions_are_recognised(message):
    assert looks_like_question(message)


@pytest.mark.parametrize(
    "message",
    [
        "没有",
        "从来没有",
        "还没有",
        "还是没有",
        "我们一次都没有",
        "有过一次",
        "不涉及",
        "暂时没有",
        "有过一次不过已经整改了",
        "我们用过，现在没有",
    ],
)
def test_answers_are_not_taken_for_questions(message):
    assert not looks_like_question(message)


@pytest.mark.parametrize(
    "message,said,note",
    [
        ("有过一次", True, None),
        ("从来没有", False, None),
        ("涉及", True, None),
        ("还没有", False, None),
        ("部分产品有", True, "partial"),
        ("参与过两项行业标准", True, None),
        ("用的GS1", True, None),
        ("暂时没有", False, None),
        ("还在办", False, "in_progress"),
        ("没问题", True, None),
        ("我们公司没有", False, None),
        ("不涉及", False, "not_involved"),
        ("无不良记录", False, None),
        ("一个都没有", False, None),
    ],
)
def test_natural_yes_no_answers(message, said, note):
    p = parse_yes_no(message)
    assert (p.value, p.note) == (said, note)


@pytest.mark.parametrize("message", ["不确定", "可能有吧", "好像没有", "记不清了"])
def test_doubt_is_never_an_answer(message):
    p = parse_yes_no(message)
    assert not p.ok and "跳过" in p.problem


def test_short_level_names():
    trace = [{"value": x, "label": x} for x in ["B", "A", "AA", "AAA"]]
    nonferrous = [{"value": x, "label": x} for x in ["培育品牌", "优质品牌", "卓越品牌"]]
    assert parse_choice("AA级", trace).value == "AA"
    assert parse_choice("A级", trace).value == "A"
    assert parse_choice("优质", nonferrous).value == "优质品牌"
    assert parse_choice("卓越", nonferrous).value == "卓越品牌"
    assert parse_choice("我们报优质", nonferrous).value == "优质品牌"
    exemptions = [{"value": x, "label": x} for x in ["链主企业", "专精特新小巨人", "单项冠军", "老字号"]]
    assert parse_choice("我们是专精特新", exemptions).value == "专精特新小巨人"
    assert not parse_choice("品牌", nonferrous).ok  # names no level


def test_a_loss_is_an_answer_only_where_a_loss_can_be():
    assert parse_number("亏损200万", "元", signed=True).value == -2_000_000
    assert parse_number("-200万", "元", signed=True).value == -2_000_000
    assert not parse_number("-200万", "元").ok and not parse_number("亏损200万", "元").ok


def test_the_fraction_unit_is_never_named():
    p = parse_number("85亩", "fraction")
    assert not p.ok and "fraction" not in p.problem and "百分比" in p.problem


def test_back_then_skip_clears_the_old_answer():
    a = start("jinzhi")
    a.reply("没有")
    assert a.facts()["declarations"]["jinzhi.4.3"] is True
    a.reply("返回")
    r = a.reply("跳过")
    assert "jinzhi.4.3" not in (a.facts().get("declarations") or {})
    assert "已清除" in r.text


def test_a_question_while_a_yes_no_is_pending_is_answered_and_the_question_reasked():
    a = start("jinzhi")
    pending = a.state["pending"]
    r = a.reply("被罚款了会不会被撤证")
    assert a.state["answers"] == {} and r.question["key"] == pending["key"]
    assert any(q["clause"] == "11.1 b)" for q in r.quotes)  # the lead-in: 暂停或撤销, 3年内申报资格
    assert "取消3年内申报资格" in r.text


@pytest.mark.parametrize(
    "scheme,question,opening",
    [
        ("credit", "信用评分92分是几星", "92分属于四星级"),
        ("credit", "自评78分还差几分到三星", "还差2分：三星级要80分"),
        ("nonferrous", "满意度82分能申请优质吗", "能：82分达到优质品牌要求的 75分（第六条（七））"),
        ("nonferrous", "满意度82分够卓越吗", "不够：82分低于卓越品牌要求的 85分（第七条（六））"),
        ("jiangsu", "营收8000万够不够（我们是专精特新小巨人）", "可以不受这个门槛限制"),
        ("jiangsu", "去年亏损200万还能报吗", "不符合：亏损200万元"),
        ("jinzhi", "证书是2021年6月发的，现在还有效吗", "已过期"),
    ],
)
def test_numbers_are_computed_and_the_reply_opens_with_the_verdict(scheme, question, opening):
    r = start(scheme).reply(question)
    assert r.text.startswith(opening), r.text
    assert r.quotes  # then the clause, verbatim


def test_thresholds_are_read_from_the_scheme_file(monkeypatch):
    from checklists.engine import load_scheme

    scheme = load_scheme("credit")
    grades = scheme.scoring["grades"]
    monkeypatch.setitem(scheme.scoring, "grades", [dict(g, min=g["min"] + 1) for g in grades])
    r = start("credit").reply("信用评分90分是几星")
    assert r.text.startswith("90分属于三星级")


def test_a_level_named_gets_that_levels_clause():
    a = start("nonferrous", "2024-08-01")
    r = a.reply("优质品牌的满意度要多少分？")
    assert (
        r.quotes[0]["clause"] in ("第六条（七）", "第六条") and "75" in r.text and "85分" not in r.text.split("\n")[0]
    )


def test_provisional_thresholds_are_said_as_such():
    r = start("trace").reply("用码覆盖率80%能评AA级吗")
    assert r.text.startswith("不够：80%低于AA要求的 90%") and "暂定" in r.text


@pytest.mark.parametrize(
    "scheme,question",
    [
        ("jinzhi", "评价收费多少钱"),
        ("nonferrous", "答辩需要总经理参加吗"),
        ("jiangsu", "从申请到拿证一般要多久"),
        ("trace", "评审周期多长"),
    ],
)
def test_what_the_text_does_not_settle_is_said_plainly(scheme, question):
    r = start(scheme, "2024-08-01" if scheme == "nonferrous" else AS_OF).reply(question)
    assert r.text.startswith("原文未规定") and "咨询" in r.text


def test_an_off_topic_message_is_declined_and_nothing_stored():
    a = start("credit")
    r = a.reply("推荐一家附近好吃的餐馆")
    assert "没有找到依据" in r.text and a.state["answers"] == {}


def _doc(doc_type, scheme, **fields):
    import sys
    from datetime import date
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from assistant_helpers import document

    return document(doc_type, scheme, date.fromisoformat(AS_OF), **fields)


def test_low_confidence_values_are_confirmed_in_one_list():
    from assistant_helpers import field

    a = start("jiangsu")
    r = a.on_upload(
        _doc(
            "qms_certificate",
            "jiangsu",
            issuer=field("某认证中心", "发证机构 某认证中心", confidence=0.5),
            valid_until=field("2023-03-31", "有效期至 2023年3月31日", confidence=0.6),
            cert_number=field("Q-1", confidence=0.5),
        )
    )
    q = r.question
    assert q["kind"] == "confirm_group" and len(q["items"]) == 3
    assert r.text.count("把握不大") == 1 and "2023-03-31" in r.text and "某认证中心" in r.text
    n = 1 + [i["field"] for i in q["items"]].index("valid_until")
    r = a.reply(f"{n} 2026-03-31")
    assert [(c["field"], c["value"]) for c in a.corrections()] == [("valid_until", "2026-03-31")]
    assert r.question["kind"] == "confirm_group" and len(r.question["items"]) == 2
    r = a.reply("对")
    assert "2 个值都按识别结果确认" in r.text
    assert not (r.question or {}).get("kind", "").startswith("confirm")


def test_an_upload_batch_is_summed_up_once_and_a_message_starts_a_new_one():
    a = start("jiangsu")
    a.on_upload(_doc("business_license", "jiangsu"))
    r = a.on_upload(_doc("trademark_certificate", "jiangsu"))
    assert r.text.startswith("收到 2 份文件") and "营业执照" in r.text and "商标注册证" in r.text
    a.reply("还缺什么")
    r = a.on_upload(_doc("qms_certificate", "jiangsu"))
    assert "收到 2 份文件" not in r.text and "营业执照" not in r.text.split("\n")[0]


def test_a_per_level_number_is_checked_against_the_level_aimed_at_and_said_as_provisional():
    a = start("trace")
    for m in ["AA级", "没有", "涉及", "是", "是", "是", "是", "是"]:
        a.reply(m)
    assert a.state["pending"]["key"] == "code_coverage"
    r = a.reply("60%")
    assert "AA要求暂定90%" in r.text and "还差 30%" in r.text and "未给出各级门槛" in r.text
    # 涉及 alone is a statement (review): the document that shows it is asked for next
    assert a.state["pending"]["key"] == "upload:production_license"
    a.reply("没有")
    r = a.reply("没有")
    assert "预审完成" in r.text
    r = a.reply("证书有效期多久？")
    assert "预审完成" not in r.text  # said once, not after every reply


def test_a_conversation_saved_with_the_old_negative_wording_asks_again_before_taking_an_answer():
    a = start("jinzhi")
    old = dict(a.state["pending"], question="近三年内是否从未因违反安全生产、环保、质量法律法规被作为典型案例通报？")
    old.pop("polarity"), old.pop("said_yes"), old.pop("said_no")
    a.state["pending"] = old
    b = Assistant("jinzhi", state=a.state)
    r = b.reply("没有")
    assert b.state["answers"] == {} and "问法更新" in r.text and "通报过？" in r.text
    b.reply("没有")
    assert b.facts()["declarations"]["jinzhi.4.3"] is True


def test_a_score_question_after_a_failed_precondition_says_no_grade_is_given():
    """Issue 14: a grade never stands beside a failed chapter-4 precondition; the assistant's
    score → grade answer says so once the applicant's own answers fail one."""
    a = start("credit")
    r = a.reply("信用评分92分是几星")
    assert "四星级" in r.text and "不评星级" not in r.text
    a.reply("有过一次环保处罚")  # 4 b) not met
    r = a.reply("信用评分92分是几星")
    assert "四星级" in r.text and "4 b" in r.text and "不评星级" in r.text


def test_a_word_of_the_schemes_own_name_is_not_taken_for_a_level_or_stage():
    """jiangsu's stages are 培育库 and 认证: "认证证书有效期几年" is about the certificate (第十六条), not
    the 认证 stage; "认证阶段" still names it, and other schemes' level names still count."""
    from checklists.scheme import load_scheme
    from intake.assistant.numbers import named_levels

    js = load_scheme("jiangsu")
    assert named_levels(js, "认证证书有效期几年") == []
    assert named_levels(js, "认证阶段要什么材料") == ["认证"]
    assert named_levels(js, "怎么纳入培育库") == ["培育库"]
    nf = load_scheme("nonferrous")
    assert named_levels(nf, "培育活动什么时候截止") == []
    assert named_levels(nf, "优质的满意度要多少") == ["优质品牌"]
    r = start("jiangsu").reply("认证证书有效期几年")
    assert "根据第十六条" in r.text and "证书有效期为3年" in r.text
