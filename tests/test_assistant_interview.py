"""The interview through the engine alone: from an empty case to a complete pre-check,
one question at a time, with bad answers re-asked and never stored."""

import json
from datetime import date

import pytest
from assistant_helpers import answer_for, document, drive, field

from intake.assistant.engine import Assistant

AS_OF = {"nonferrous": date(2024, 8, 1)}
SCHEMES = ["jinzhi", "credit", "nonferrous", "jiangsu", "trace"]


def as_of(scheme):
    return AS_OF.get(scheme, date(2025, 6, 1))


def start(scheme, **kw):
    return Assistant(scheme, as_of=as_of(scheme).isoformat(), **kw)


def answer_until(a, reply, key, max_turns=60):
    """Answer cooperatively until the assistant asks `key` (an ask key or an upload doc type)."""
    for _ in range(max_turns):
        q = reply.question
        assert q is not None, f"never asked {key}"
        if q["key"] == key or q.get("doc_type") == key:
            return reply
        if q["kind"] == "upload":
            reply = a.on_upload(document(q["doc_type"], a.scheme_id, as_of(a.scheme_id)))
        else:
            reply = a.reply(answer_for(q, {"sector": "制造业"}))
    raise AssertionError(f"never asked {key}")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_scripted_conversation_reaches_a_complete_precheck(scheme):
    a = start(scheme)
    transcript, last = drive(a, as_of(scheme), {"sector": "制造业"})
    assert last.question is None
    assert "预审完成" in last.text
    # Every document asked for was uploaded and every fact answered: nothing is missing any more.
    assert last.outcome["status"] in ("eligible", "needs_review")
    # Answers are facts with their source and time.
    for ans in a.state["answers"].values():
        assert ans["source"] == "申请人声明" and ans["at"]
    # The state survives a JSON round trip and a new Assistant carries on from it.
    saved = json.loads(json.dumps(last.state, ensure_ascii=False))
    again = Assistant(scheme, state=saved).reply("还缺什么")
    assert "预审结论" in again.text


def test_one_question_per_turn_in_the_documented_order():
    a = start("jiangsu")
    r = a.reply("你好")
    assert r.question["key"] == "sector"  # sector before anything else in 江苏精品
    r = a.reply("制造业")
    assert r.question["key"] == "product_kind"  # then the product kind the threshold depends on
    r = a.reply("生产资料")
    kinds = []
    while r.question and r.question["kind"] != "upload":
        kinds.append(r.question["kind"])
        r = a.reply(answer_for(r.question))
    assert r.question["kind"] == "upload"  # facts first, uploads after
    assert a.facts()["product_kind"] == "production_material"


def test_answer_says_what_changed_in_item_terms():
    a = start("jiangsu")
    r = answer_until(a, a.reply("你好"), "declarations.jiangsu.art8.1.2")
    r = a.reply("没有")  # "近3年是否有过不良信用记录？"
    assert any(c["item"] == "jiangsu.art8.1.2" and c["after"] == "review" for c in r.changes)
    assert "第八条（一）2" in r.text and "需人工审核" in r.text


def test_stated_net_profit_makes_the_profit_item_review_until_statements_come():
    """江苏精品 第八条（一）3 without audited statements: the assistant asks each year's net profit,
    and the stated figures make the item 需人工审核, never 满足."""
    a = Assistant("jiangsu", as_of="2025-06-30", facts={"sector": "manufacturing", "product_kind": "consumer"})
    r = a.reply("你好")
    for _ in range(10):
        if r.question["key"] == "net_profit.2023":
            break
        r = a.reply("是" if r.question["kind"] == "yes_no" else "跳过")
    assert "2023 年度的净利润" in r.question["question"]
    r = a.reply("800万元")
    assert r.question["key"] == "net_profit.2024"
    assert "800 万元" in r.text  # said back as the checklist writes money, not 8e+06
    r = a.reply("1200万")
    change = next(c for c in r.changes if c["item"] == "jiangsu.art8.1.3")
    assert change["after"] == "review"
    assert "第八条（一）3" in r.text and "需人工审核" in r.text and "申请人声明" in r.text
    assert a.facts()["net_profit"] == {"2023": 8000000, "2024": 12000000}


@pytest.mark.parametrize("bad", ["about five million", "五百来万", "-200亩", "<b>是</b>", "是" * 600, "  "])
def test_bad_answers_are_reasked_and_never_stored(bad):
    a = start("trace")
    r = answer_until(a, a.reply("你好"), "code_coverage")
    before = json.dumps(a.state["answers"], sort_keys=True)
    r = a.reply(bad)
    assert r.question["key"] == "code_coverage"  # the same question again
    assert json.dumps(a.state["answers"], sort_keys=True) == before
    assert "code_coverage" not in a.facts()


def test_future_founding_date_is_refused():
    a = start("nonferrous")
    r = answer_until(a, a.reply("你好"), "production_start")
    r = a.reply("2099-01-01")
    assert "将来" in r.text and r.question["key"] == "production_start"
    r = a.reply("2018年3月1日")
    assert a.facts()["production_start"] == "2018-03-01"


def test_number_with_unit_and_hedge_is_accepted():
    a = start("trace")
    answer_until(a, a.reply("你好"), "code_coverage")
    a.reply("约80%")
    assert a.facts()["code_coverage"] == pytest.approx(0.8)


def test_agricultural_scale_category_and_amount_in_one_answer():
    a = start("jiangsu")
    r = a.reply("你好")
    r = a.reply("农业")
    r = answer_until(a, r, "scale")
    r = a.reply("我们养鸡，大约5万只")
    assert a.facts()["scale"] == {"category": "家禽", "value": 50000, "unit": "羽"}
    assert any(c["item"] == "jiangsu.art8.2.1.2" and c["after"] == "not_met" for c in r.changes)


def test_change_an_earlier_answer_without_losing_later_ones():
    a = start("jiangsu")
    a.reply("你好")
    a.reply("制造业")
    a.reply("消费类")
    r = a.reply("没有")  # a declaration: no bad credit record
    assert a.facts()["product_kind"] == "consumer"
    r = a.reply("修改 消费类产品还是生产资料类")
    assert r.question["key"] == "product_kind" and "当前：消费类产品" in r.text
    r = a.reply("2")
    facts = a.facts()
    assert facts["product_kind"] == "production_material"
    assert facts["sector"] == "manufacturing"
    assert facts["declarations"]["jiangsu.art8.1.2"] is True  # the later answer is still there


def test_back_reasks_the_previous_question():
    a = start("nonferrous")
    a.reply("你好")
    a.reply("卓越品牌")
    r = a.reply("返回")
    assert r.question["key"] == "target_level"
    r = a.reply("优质品牌")
    assert a.facts()["target_level"] == "优质品牌"


def test_skip_and_what_is_missing_at_any_time():
    a = start("nonferrous")
    r = a.reply("你好")
    first = r.question["key"]
    r = a.reply("跳过")
    assert r.question["key"] != first
    r = a.reply("还缺什么")
    assert "预审结论" in r.text and "跳过的问题" in r.text
    assert r.question is not None  # the current question is still waiting


def test_rule_question_mid_interview_keeps_the_question_open():
    a = start("nonferrous")
    r = a.reply("你好")
    pending = r.question["key"]
    r = a.reply("满意度测评要达到多少分？")
    assert r.quotes and r.question["key"] == pending
    assert any("满意度" in q["text"] for q in r.quotes)


def test_rule_answer_says_what_it_means_for_this_case():
    a = start("nonferrous")
    a.reply("你好")
    a.reply("卓越品牌")
    a.on_upload(
        document(
            "satisfaction_report",
            "nonferrous",
            as_of("nonferrous"),
            satisfaction_score=field(82.6, "综合满意度得分 82.6 分"),
        )
    )
    r = a.reply("卓越品牌的满意度测评要达到多少分？")
    assert any(q["clause"] == "第七条（六）" for q in r.quotes)
    assert "85分" in r.text and "82.6" in r.text and "不满足" in r.text


def test_upload_is_described_and_low_confidence_values_confirmed_or_corrected():
    a = start("nonferrous")
    a.reply("你好")
    doc = document(
        "qms_certificate",
        "nonferrous",
        as_of("nonferrous"),
        valid_until=field("2023-03-31", "有效期至 2023年3月31日", confidence=0.6),
    )
    r = a.on_upload(doc)
    assert "质量管理体系认证证书" in r.text and "2023-03-31" in r.text
    assert r.question["kind"] == "confirm" and r.question["field"] == "valid_until"
    r = a.reply("不对，是2026年3月31日")
    assert "2026-03-31" in r.text
    corr = a.corrections()
    assert corr == [
        {
            "sha256": doc["sha256"],
            "file": "qms_certificate.pdf",
            "field": "valid_until",
            "original": "2023-03-31",
            "value": "2026-03-31",
            "source": "申请人声明",
            "at": corr[0]["at"],
        }
    ]
    # The correction overrides the extraction in the evaluation; the stored upload is unchanged.
    used = next(d for d in a.evaluate()["documents"] if d["type"] == "qms_certificate")
    assert used["fields"]["valid_until"]["value"] == "2026-03-31"
    assert a.state["documents"][0]["fields"]["valid_until"]["value"] == "2023-03-31"


def test_confirming_keeps_the_value_read():
    a = start("nonferrous")
    a.reply("你好")
    a.on_upload(
        document("qms_certificate", "nonferrous", as_of("nonferrous"), valid_until=field("2026-12-31", confidence=0.5))
    )
    r = a.reply("对")
    assert a.corrections() == [] and "确认" in r.text


def test_unreadable_upload_is_reported_and_the_conversation_goes_on():
    a = start("jinzhi")
    a.reply("你好")
    r = a.on_upload(
        {
            "file": "坏文件.pdf",
            "sha256": "x" * 64,
            "type": "other",
            "pages": 0,
            "ocr": False,
            "error": "坏文件.pdf: 不是有效的 PDF",
            "fields": {},
            "warnings": [],
        }
    )
    assert "坏文件.pdf" in r.text and "读不了" in r.text
    assert r.question is not None


def test_upload_question_answered_no_is_skipped():
    a = start("jinzhi")
    r = a.reply("你好")
    r = answer_until(a, r, "business_license")
    r = a.reply("没有")
    assert r.question is None or r.question.get("doc_type") != "business_license"
    assert "upload:business_license" in a.state["skipped"]


def test_unknown_scheme_and_foreign_state_are_refused():
    with pytest.raises(Exception) as e:
        Assistant("nope")
    assert "jinzhi" in str(e.value)
    state = start("jinzhi").reply("你好").state
    with pytest.raises(ValueError):
        Assistant("trace", state=state)


def test_a_question_naming_a_choice_is_not_taken_as_the_answer():
    a = start("nonferrous")
    r = a.reply("你好")
    assert r.question["key"] == "target_level"
    r = a.reply("卓越品牌的满意度测评要达到多少分？")
    assert "target_level" not in a.facts()
    assert r.question["key"] == "target_level" and r.quotes


def test_sync_with_a_case_kept_elsewhere():
    a = start("jiangsu")
    a.reply("你好")
    a.sync(documents=[document("business_license", "jiangsu", as_of("jiangsu"))], facts={"sector": "services"})
    ev = a.evaluate()
    assert next(i for i in ev["items"] if i["id"] == "jiangsu.art8.1.1")["status"] == "met"
    assert next(i for i in ev["items"] if i["id"] == "jiangsu.art8.2.2.1")["status"] == "not_applicable"
    a.reply("制造业")  # the chat's own answer wins over the synced fact
    assert a.facts()["sector"] == "manufacturing"


def test_expired_certificate_is_called_expired_on_upload():
    a = start("nonferrous")
    a.reply("你好")
    r = a.on_upload(
        document(
            "ems_certificate",
            "nonferrous",
            as_of("nonferrous"),
            valid_until=field("2024-03-31", "有效期至 2024年3月31日"),
        )
    )
    assert "环境管理体系认证证书" in r.text and "已于 2024年3月31日 过期" in r.text


def test_scale_exemption_is_asked_in_the_applicants_branch():
    a = start("jiangsu")
    a.reply("你好")
    r = a.reply("农业")
    r = answer_until(a, r, "exemptions")
    labels = [c["label"] for c in r.question["choices"]]
    assert "地理标志产品" in labels and "都不是" in labels and "老字号" not in labels
    a.reply("都不是")
    assert a.facts()["exemptions"] == []
    r = a.reply("修改 地理标志")
    a.reply("地理标志产品")
    assert a.facts()["exemptions"] == ["地理标志产品"]


def test_changed_answer_reports_a_new_threshold_even_without_a_new_status():
    a = start("jiangsu")
    a.reply("你好")
    a.reply("农业")
    a.reply("合作社")
    r = a.reply("修改 哪一类组织")  # question words inside a 修改 command
    assert r.question["key"] == "org_kind"
    r = a.reply("企业")
    line = next(c for c in r.changes if c["item"] == "jiangsu.art8.2.1.3")
    assert line["before"] == line["after"] == "missing"
    assert "5000 万元" in line["reason"] and "仍缺少材料" in r.text


def test_the_product_name_is_asked_with_the_document_it_is_compared_against_not_before():
    """jinzhi 3.1 compares a patent's scope with the product: without the patent the product name
    decides nothing, so the interview opens with the declarations and asks the name after the upload."""
    from datetime import date

    from assistant_helpers import document

    from intake.assistant.engine import Assistant

    a = Assistant("jinzhi", as_of="2025-06-01")
    a.reply("你好")
    assert a.state["pending"]["key"] == "declarations.jinzhi.4.3"
    a.on_upload(document("patent_certificate", "jinzhi", date(2025, 6, 1)))
    assert a.state["pending"]["key"] == "product"


def _asked_product(scheme="jinzhi"):
    from datetime import date

    from assistant_helpers import document

    from intake.assistant.engine import Assistant

    a = Assistant(scheme, as_of="2025-06-01")
    a.reply("你好")
    a.on_upload(document("patent_certificate", scheme, date(2025, 6, 1)))
    assert a.state["pending"]["key"] == "product"
    return a


@pytest.mark.parametrize("said", ["没有", "无", "是", "有", "从来没有", "不涉及", "我们没有"])
def test_a_yes_no_word_to_a_name_question_is_not_stored_and_the_name_is_asked_again(said):
    a = _asked_product()
    r = a.reply(said)
    assert "product" not in a.state["answers"] and "product" not in a.facts()
    assert a.state["pending"]["key"] == "product" and "不是这个问题要的内容" in r.text


@pytest.mark.parametrize("said", ["还没定", "暂无", "还没有", "我们还没确定", "待定", "还在办"])
def test_a_name_not_known_yet_is_recorded_as_not_given_and_nothing_is_stored(said):
    a = _asked_product()
    r = a.reply(said)
    assert "product" not in a.state["answers"] and "product" not in a.facts()
    assert "product" in a.state["skipped"] and "记为未提供" in r.text
    assert a.state["pending"]["key"] != "product"


@pytest.mark.parametrize("name", ["无缝钢管", "有机大米", "不锈钢保温杯"])
def test_a_product_name_starting_like_a_no_is_stored_as_written(name):
    a = _asked_product()
    a.reply(name)
    assert a.facts()["product"] == name


@pytest.mark.parametrize("said", ["是", "没有"])
def test_jiangsu_never_asks_which_stage_it_is_reached_not_applied_for(said):
    """Issue 14 models 培育库 → 认证 as stages: the interview asks the 培育库 conditions and never
    which stage the applicant wants, whatever the answers."""
    from intake.assistant.engine import Assistant

    a = Assistant("jiangsu", as_of="2025-06-01")
    a.reply("你好")
    seen = []
    for _ in range(30):
        pending = a.state["pending"]
        if not pending:
            break
        seen.append(pending["key"])
        a.reply(said if pending["kind"] == "yes_no" else "没有" if pending["kind"] == "upload" else "跳过")
    assert "declarations.jiangsu.art8.1.2" in seen and a.state["pending"] is None
    assert "target_level" not in seen and "target_level" not in a.facts()


def test_the_credit_precheck_never_announces_a_grade_nothing_was_scored_for():
    """Issue 14: with every document given but nothing scored, the end of the interview names the best
    reachable grade as such, never as the grade."""
    from datetime import date

    from assistant_helpers import document

    from intake.assistant.engine import Assistant

    a = Assistant("credit", as_of="2025-06-01")
    a.reply("你好")
    r = None
    for _ in range(40):
        p = a.state["pending"]
        if not p:
            break
        if p["kind"] == "upload":
            r = a.on_upload(document(p["doc_type"], "credit", date(2025, 6, 1)))
        else:
            r = a.reply("对" if p["kind"].startswith("confirm") else "没有")
    assert "预审完成" in r.text
    assert "可争取的最高等级：五星级（尚未评分，不是评定等级）" in r.text and "，等级：" not in r.text
