"""The secretariat's queue read from the stored outcome summaries: kept current when a case changes
and when its as-of date passes; filters, counts and pages in SQL; the engine never runs on a read of
fresh rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from web_helpers import login, make_client

from intake.cases import case as C
from intake.cases import report as R
from intake.cases.queue import QueueFilters, queue_page, refresh_stale, stale_ids
from intake.clock import today as beijing_today
from intake.store.accounts import get_by_name
from intake.store.db import open_db


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


@pytest.fixture
def db(client, tmp_path):
    d = open_db(tmp_path / "var")
    yield d
    d.conn.close()


def submitted(db, scheme="nonferrous", applicant="某某铜业有限公司", facts=None):
    case = C.open_case(db, scheme, applicant, "铜板带")
    if facts:
        C.set_facts(db, case, facts, "申请人")
    return C.submit(db, C.get_case(db, case.id), "申请人")


def row(db, case_id):
    return db["cases"].get(case_id)


def no_engine(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("the queue called the checklist engine")

    monkeypatch.setattr(R, "evaluate_case", boom)


def test_submitting_stores_the_summary_and_the_queue_reads_it_without_the_engine(client, db, monkeypatch):
    case = submitted(db)
    r = row(db, case.id)
    assert r["outcome_version"] == r["version"] and r["outcome_as_of"] == beijing_today().isoformat()
    assert r["outcome_status"] in ("eligible", "not_eligible", "incomplete", "needs_review")
    no_engine(monkeypatch)
    login(client, "sec")
    rows = client.get("/api/queue").json()
    assert [x["id"] for x in rows] == [case.id]
    assert rows[0]["outcome"]["status"] == r["outcome_status"] and sum(rows[0]["outcome"]["counts"].values()) > 0
    assert client.get("/queue").status_code == 200


def test_an_override_changes_the_stored_counts(client, db):
    case = submitted(db)
    before = row(db, case.id)
    sec = get_by_name(db, "sec")
    C.add_override(db, C.get_case(db, case.id), "nonferrous.art4", "not_met", "营业执照已过期", sec)
    after = row(db, case.id)
    assert after["outcome_version"] == after["version"] > before["version"]
    assert after["outcome_status"] == "not_eligible"  # an unmet requirement settles it
    login(client, "sec")
    counts = client.get("/api/queue").json()[0]["outcome"]["counts"]
    assert counts.get("not_met", 0) >= 1


def test_a_summary_from_yesterday_is_recomputed_on_read_and_by_the_daily_pass(client, db):
    a, b = submitted(db), submitted(db, applicant="另一家铝业有限公司")
    yesterday = (beijing_today() - timedelta(days=1)).isoformat()
    db.execute("update cases set outcome_as_of = ?, outcome_status = 'stale-marker'", [yesterday])
    db.conn.commit()
    assert stale_ids(db) == [a.id, b.id]
    # a page of one row: only that row is brought up to date
    page = queue_page(db, per_page=1)
    assert page.total == 2 and page.pages == 2 and page.rows[0]["outcome"]["status"] != "stale-marker"
    assert row(db, b.id)["outcome_status"] == "stale-marker"
    assert refresh_stale(db) == 1
    assert stale_ids(db) == [] and row(db, b.id)["outcome_status"] != "stale-marker"


def test_filters_counts_and_pages_in_the_database(client, db):
    ids = [submitted(db, "nonferrous", f"有色{i}号有限公司").id for i in range(7)]
    ids += [submitted(db, "jiangsu", f"江苏{i}号有限公司").id for i in range(3)]
    draft = C.open_case(db, "jiangsu", "草稿公司")
    old = ids[0]
    db.execute(
        "update cases set submitted_at = ? where id = ?",
        [(beijing_today() - timedelta(days=40)).isoformat() + "T08:00:00+00:00", old],
    )
    db.conn.commit()
    login(client, "sec")
    r = client.get("/api/queue?per_page=4&page=2")
    assert r.headers["X-Total-Count"] == "10" and r.headers["X-Page-Count"] == "3"
    assert len(r.json()) == 4
    everything = [x["id"] for p in (1, 2, 3) for x in client.get(f"/api/queue?per_page=4&page={p}").json()]
    assert sorted(everything) == sorted(ids) and draft.id not in everything and everything[0] == old
    assert [x["id"] for x in client.get("/api/queue?min_days=30").json()] == [old]
    assert client.get("/api/queue?min_days=30").json()[0]["days_waiting"] == 40
    assert {x["scheme"] for x in client.get("/api/queue?scheme=jiangsu").json()} == {"jiangsu"}
    assert client.get("/api/queue?q=江苏1号").json()[0]["applicant"] == "江苏1号有限公司"
    outcome = row(db, ids[1])["outcome_status"]
    n = db.execute("select count(*) from cases where status != 'draft' and outcome_status = ?", [outcome]).fetchone()[0]
    assert client.get(f"/api/queue?outcome={outcome}").headers["X-Total-Count"] == str(n)
    assert client.get("/api/queue?per_page=0").status_code == 422
    page = queue_page(db, QueueFilters(scheme="nonferrous"), per_page=5)
    assert page.counts == {"nonferrous": 7, "jiangsu": 3} and page.total == 7


def test_the_html_queue_pages_and_keeps_its_filters(client, db):
    for i in range(55):
        submitted(db, "nonferrous", f"有色{i:02d}号有限公司")
    login(client, "sec")
    html = client.get("/queue?scheme=nonferrous").text
    assert "共 55 件，第 1/2 页" in html and "全国有色金属产品质量品牌培育（55）" in html
    assert 'href="?scheme=nonferrous&amp;page=2" rel="next"' in html
    second = client.get("/queue?scheme=nonferrous&page=2").text
    assert second.count('<tr><td><a href="/cases/') == 5 and 'rel="prev"' in second
    assert client.get("/queue?page=0").status_code == 422
    # the procedure states of the chosen scheme are a filter too
    state = db["cases"].get(1)["procedure_state"]
    assert f'<option value="{state}"' in html
    assert "共 55 件" in client.get(f"/queue?scheme=nonferrous&state={state}").text
    assert "没有符合条件的申请" in client.get("/queue?scheme=nonferrous&state=no-such-state").text
