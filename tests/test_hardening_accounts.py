"""Issue 24, item 8: account names are one form (NFKC, case-folded, invisible characters removed) for
uniqueness, sign-in and display; registration answers the same for every name it cannot take, is
throttled per address, and an account has a case allowance."""

from __future__ import annotations

import pytest
from web_helpers import PASSWORD, csrf, make_client, page_csrf

from intake.config import Limits
from intake.store.accounts import NameTaken, account_name, add_user, authenticate, list_users
from intake.store.db import open_db

LOOKALIKES = ["ｂａｒｓｅｃ", "barsec\u200b", "BarSec", "bar\u00adsec", "\u2060barsec ", "ＢＡＲ\u3164sec", "bar sec"]


def register(client, name: str, display: str = ""):
    html = client.get("/register").text
    return client.post(
        "/register",
        data={"csrf": page_csrf(html), "name": name, "password": PASSWORD, "display": display},
        follow_redirects=False,
    )


@pytest.mark.parametrize("name", LOOKALIKES)
def test_every_lookalike_of_a_staff_name_is_that_name(tmp_path, name):
    db = open_db(tmp_path)
    add_user(db, "barsec", "secretariat", PASSWORD)
    assert account_name(name) == "barsec"
    with pytest.raises(NameTaken):
        add_user(db, name, "applicant", PASSWORD)
    assert [u.name for u in list_users(db)] == ["barsec"]
    assert authenticate(db, name, PASSWORD).role == "secretariat"  # the same account, however typed


def test_a_new_name_is_kept_and_shown_in_its_one_form(tmp_path):
    db = open_db(tmp_path)
    user, _ = add_user(db, "Ｚｈａｎｇ\u200bWei", "applicant", PASSWORD, display="天津\u200b某某\u202e公司")
    assert user.name == "zhangwei" and user.display == "天津某某公司"
    assert authenticate(db, "ZHANGWEI", PASSWORD).id == user.id


def test_registration_answers_alike_for_staff_applicant_and_lookalike_names(tmp_path):
    client = make_client(tmp_path, Limits(registrations_per_address_hour=50))
    db = open_db(tmp_path / "var")
    add_user(db, "wangli", "applicant", PASSWORD)
    answers = {register(client, n).text for n in ("sec", "ＳＥＣ", "s\u200bec", "wangli", "WangLi")}
    assert len({a.split('name="name" value="')[0] for a in answers}) == 1  # one message, whoever holds it
    page = answers.pop()
    assert "已存在" not in page and "无法使用这个用户名注册" in page
    assert register(client, "newcomer").status_code == 303


def test_registration_is_throttled_per_address(tmp_path):
    client = make_client(tmp_path)  # the documented default: 5 an hour
    statuses = [register(client, f"applicant{i}").status_code for i in range(8)]
    assert statuses[:5] == [303] * 5
    assert statuses[5:] == [429] * 3
    r = register(client, "applicant9")
    assert "注册过于频繁" in r.text and int(r.headers["Retry-After"]) > 0
    assert len([u for u in list_users(open_db(tmp_path / "var")) if u.role == "applicant"]) == 5


def test_an_account_has_a_case_allowance(tmp_path):
    client = make_client(tmp_path, Limits(cases_per_account_day=3))
    assert register(client, "busy").status_code == 303
    token = csrf(client)
    made = [
        client.post("/api/cases", json={"scheme": "jinzhi", "applicant": "甲"}, headers={"X-CSRF-Token": token})
        for _ in range(4)
    ]
    assert [r.status_code for r in made] == [201, 201, 201, 429]
    assert "此账号今天开立的申请已达 3 个的上限" in made[-1].json()["detail"]
