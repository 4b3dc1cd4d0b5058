from datetime import date

import pytest

from extractors.fields.dates import find_range, parse_date
from extractors.fields.values import check_date


@pytest.mark.parametrize(
    "text",
    [
        "2027年5月31日",
        "2027年05月31日",
        "2027.05.31",
        "2027-5-31",
        "2027/05/31",
        "2027 年 5 月 31 日",
        "二〇二七年五月三十一日",
        "二○二七年五月三十一日",
        "２０２７年５月３１日",
        "有效期至：2027.5.31",
    ],
)
def test_every_written_form_of_a_date(text):
    assert parse_date(text) == date(2027, 5, 31)


def test_chinese_numerals_for_tens():
    assert parse_date("二〇二四年十月十日") == date(2024, 10, 10)
    assert parse_date("二〇二四年十二月二十日") == date(2024, 12, 20)


def test_impossible_dates_are_not_dates():
    assert parse_date("2023年2月30日") is None
    assert parse_date("第2023号") is None


@pytest.mark.parametrize(
    "text",
    [
        "2024.06.01-2027.05.31",
        "2024年6月1日至2027年5月31日",
        "2024-06-01 ~ 2027-05-31",
        "自2024年6月1日起至2027年5月31日止",
        "２０２４．０６．０１—２０２７．０５．３１",
    ],
)
def test_ranges_give_issue_and_expiry(text):
    assert find_range(text) == (date(2024, 6, 1), date(2027, 5, 31))


def test_a_range_under_a_validity_label_gives_the_end_and_the_start():
    c = check_date("2024年6月1日至2027年5月31日", field_name="valid_until")
    assert c.value == "2027-05-31" and c.extra["range_start"] == "2024-06-01"


def test_long_term_is_not_a_date():
    c = check_date("2010年03月15日至长期", field_name="valid_until")
    assert c.value is None and c.extra["long_term"]
    assert check_date("长期", field_name="valid_until").extra["long_term"]


def test_every_default_today_is_beijings_day(monkeypatch):
    """After 16:00 UTC it is already tomorrow in Beijing: the evaluation day a check takes by default, the day
    a report or form is generated on, and the application's clock all say so."""
    from datetime import UTC, datetime

    import extractors.fields.dates as dates_mod
    from checklists.factsfile import parse_as_of
    from forms.gap_report import render_gap_report_html
    from intake import clock

    late = datetime(2026, 12, 6, 16, 30, tzinfo=UTC)
    assert dates_mod.beijing_day(late) == date(2026, 12, 7)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return late.astimezone(tz) if tz else late.replace(tzinfo=None)

    monkeypatch.setattr(dates_mod, "datetime", Frozen)
    monkeypatch.setattr(clock, "current", lambda: late)
    assert parse_as_of(None) == date(2026, 12, 7) == clock.today()
    evaluation = {"scheme": "jinzhi", "as_of": "2026-12-07", "outcome": {}, "items": [], "documents": []}
    assert "生成于 2026年12月7日" in render_gap_report_html(evaluation)
