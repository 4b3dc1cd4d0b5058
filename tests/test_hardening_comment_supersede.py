"""Issue 24, item 3: an anonymous visitor cannot retire another unit's comments by typing its name.
A sheet supersedes an earlier one of the same unit only when the same known submitter put both in
(the same signed-in account, or the committee); anything else is kept side by side and flagged for
the committee, who decides on the desk which replaces which."""

from __future__ import annotations

import re

from comment_sheets import seed_sheet
from test_hardening_stalls import publish
from web_helpers import PASSWORD, csrf, login, make_client, page_csrf

from intake.store.accounts import add_user
from intake.store.db import open_db

UNIT = "天津某某检测有限公司"


def online(client, draft_id: int, unit: str, comment: str):
    return client.post(
        f"/api/drafts/{draft_id}/comments",
        json={"submitter": unit, "comments": [{"clause": "全文", "comment": comment}]},
        headers={"X-CSRF-Token": csrf(client)},
    )


def register(client, draft_id: int) -> dict:
    login(client, "com")
    got = client.get(f"/api/drafts/{draft_id}/register").json()
    client.cookies.clear()
    return got


def test_an_anonymous_same_name_submission_retires_nothing_and_is_flagged(tmp_path):
    with make_client(tmp_path) as client:
        draft_id = publish(client)
        login(client, "com")  # the committee uploads the unit's stamped sheet, received by post
        stamped = seed_sheet([["1", "8.2", "建议有效期改为2年。", "与同类评价一致"]], unit=UNIT, date="2026年1月5日")
        html = client.get(f"/committee/drafts/{draft_id}").text
        r = client.post(
            f"/committee/drafts/{draft_id}/sheets",
            data={"csrf": page_csrf(html)},
            files=[("files", ("stamped.docx", stamped, "application/octet-stream"))],
        )
        assert r.status_code == 200
        client.cookies.clear()

        impostor = online(client, draft_id, UNIT, "同意全文")  # anonymous, the same unit's name
        assert impostor.status_code == 200 and impostor.json()["status"] == "new"
        again = online(client, draft_id, UNIT, "同意全文，无意见")  # and once more
        assert again.json()["status"] == "new"

        reg = register(client, draft_id)
        texts = sorted(c["comment"] for c in reg["comments"])
        assert (
            "建议有效期改为2年。" in texts
            and "同意全文" in texts
            and "同意全文,无意见" in [t.replace("，", ",") for t in texts]
        )
        login(client, "com")
        desk = client.get(f"/committee/drafts/{draft_id}").text
        assert desk.count("可能重复提交") == 3  # each later sheet names every earlier one of that unit (1 + 2)
        assert "已被新版本替代" not in desk


def test_the_same_account_replaces_its_own_sheet_and_another_account_does_not(tmp_path):
    with make_client(tmp_path) as client:
        draft_id = publish(client)
        db = open_db(tmp_path / "var")
        add_user(db, "zhangsan", "applicant", PASSWORD)
        add_user(db, "lisi", "applicant", PASSWORD)
        login(client, "zhangsan")
        first = online(client, draft_id, UNIT, "旧意见")
        second = online(client, draft_id, UNIT, "新意见")
        assert first.json()["status"] == "new" and second.json()["status"] == "revision"
        client.cookies.clear()
        login(client, "lisi")  # another account typing the same unit
        other = online(client, draft_id, UNIT, "他人的意见")
        assert other.json()["status"] == "new"
        client.cookies.clear()
        assert sorted(c["comment"] for c in register(client, draft_id)["comments"]) == ["他人的意见", "新意见"]


def test_the_committee_decides_on_the_desk_which_sheet_replaces_which(tmp_path):
    with make_client(tmp_path) as client:
        draft_id = publish(client)
        online(client, draft_id, UNIT, "真实单位的意见")
        online(client, draft_id, UNIT, "冒名的意见")
        login(client, "com")
        desk = client.get(f"/committee/drafts/{draft_id}").text
        # the flagged (later) sheet offers both decisions; take "the earlier one replaces this one"
        forms = re.findall(
            r'action="(/committee/drafts/\d+/sheets/(\d+)/replaces)".*?name="older" value="(\d+)"><button>([^<]+)<',
            desk,
            re.S,
        )
        earlier_wins = next(f for f in forms if "取代本份" in f[3])
        r = client.post(
            earlier_wins[0], data={"csrf": page_csrf(desk), "older": earlier_wins[2]}, follow_redirects=False
        )
        assert r.status_code == 303
        client.cookies.clear()
        reg = register(client, draft_id)
        assert [c["comment"] for c in reg["comments"]] == ["真实单位的意见"]
        assert reg["summary"]["sheets"] == 1
        login(client, "com")
        fresh = client.get(f"/committee/drafts/{draft_id}").text
        assert "可能重复提交" not in fresh
        again = client.post(earlier_wins[0], data={"csrf": page_csrf(fresh), "older": earlier_wins[2]})
        assert again.status_code == 400 and "不能再替代" in again.text
