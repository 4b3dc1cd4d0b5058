"""Reading an applicant's answers: exact values are taken, anything vague is re-asked, never guessed."""

from datetime import date

import pytest

from intake.assistant.answers import message_problem, parse_choice, parse_date, parse_number, parse_yes_no

SECTORS = [
    {"value": "agriculture", "label": "农业", "aliases": ["种植业"]},
    {"value": "manufacturing", "label": "制造业", "aliases": ["工业"]},
    {"value": "services", "label": "服务业"},
]


@pytest.mark.parametrize(
    "text,unit,value",
    [
        ("约500万", "元", 5_000_000),
        ("1.2亿元", "元", 120_000_000),
        ("3个亿", "元", 300_000_000),
        ("5,000万元", "元", 50_000_000),
        ("1.2亿", "万元", 12_000),
        ("800万元左右", "万元", 800),
        ("1200亩", "亩", 1200),
        ("12000头", "头", 12000),
        ("10万羽", "羽", 100_000),
        ("82.6分", "分", 82.6),
        ("85%", "fraction", 0.85),
        ("８５％", "fraction", 0.85),  # full-width digits
    ],
)
def test_numbers_with_units_are_converted_to_the_asked_unit(text, unit, value):
    p = parse_number(text, unit)
    assert p.ok and p.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["五百来万", "about five million", "几百万", "1000多万", "五百万"])
def test_vague_or_spelled_out_amounts_are_reasked_naming_the_form(text):
    p = parse_number(text, "元")
    assert not p.ok
    assert "5000万元" in p.problem  # the expected form is named


def test_negative_area_and_wrong_unit_and_out_of_range_are_refused():
    assert "负数" in parse_number("-30亩", "亩").problem
    assert "单位" in parse_number("300头", "亩").problem
    assert not parse_number("120分", "分").ok
    assert not parse_number("150%", "fraction").ok
    assert not parse_number("100 或 200", "亩").ok


def test_dates():
    assert parse_date("2019年5月1日").value == "2019-05-01"
    assert parse_date("2019/05/01").value == "2019-05-01"
    assert parse_date("20190501").value == "2019-05-01"
    assert parse_date("不对，是2026年3月31日").value == "2026-03-31"
    assert not parse_date("2019-05-01 或 2019-06-01").ok
    future = parse_date("2030-01-01", not_future=True, today=date(2026, 1, 1))
    assert not future.ok and "将来" in future.problem
    assert not parse_date("2019-02-30").ok
    assert "哪一天" in parse_date("2019年").problem
    assert not parse_date("去年春天").ok


@pytest.mark.parametrize(
    "text,value",
    [
        ("是", True),
        ("有", True),
        ("是的，有", True),
        ("对", True),
        ("否", False),
        ("没有", False),
        ("无", False),
        ("不是", False),
    ],
)
def test_yes_no(text, value):
    assert parse_yes_no(text).value is value


def test_yes_no_refuses_anything_else():
    p = parse_yes_no("可能吧")
    assert not p.ok and "是" in p.problem


def test_choices_by_label_alias_or_number():
    assert parse_choice("制造业", SECTORS).value == "manufacturing"
    assert parse_choice("我们是种植业", SECTORS).value == "agriculture"
    assert parse_choice("3", SECTORS).value == "services"
    bad = parse_choice("卖衣服的", SECTORS)
    assert not bad.ok and "农业" in bad.problem and "服务业" in bad.problem
    assert not parse_choice("9", SECTORS).ok


@pytest.mark.parametrize("msg", ["<script>alert(1)</script>", "<b>是</b>", "{{7*7}}", "a\x00b", "x" * 501])
def test_markup_control_characters_and_long_messages_are_not_taken(msg):
    assert message_problem(msg)


def test_plain_messages_pass():
    assert message_problem("满意度测评要达到多少分？") is None
    assert message_problem("3 < 5") is None
