"""The facts a case accepts are the facts schema's (checklists/facts.yaml), the same through the API, the
web form and the command line: nothing accepted in one place and dropped in another (issue 14)."""

from __future__ import annotations

import re

import pytest
from web_helpers import csrf, make_client, open_case, page_csrf

from checklists.factschema import form_facts, schema
from checklists.scheme import load_scheme


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


def put(client, case, body):
    return client.put(f"/api/cases/{case['id']}/facts", headers={"X-CSRF-Token": csrf(client)}, json=body)


def test_put_keeps_production_start_and_mandatory_standard(client):
    case = open_case(client, "nonferrous")
    r = put(client, case, {"production_start": "2019-05-01", "association_member": True})
    assert r.status_code == 200, r.text
    assert r.json()["production_start"] == "2019-05-01"
    report = client.get(f"/api/cases/{case['id']}/report").json()
    item = {i["id"]: i for i in report["items"]}["nonferrous.art5.3"]
    assert "2019-05-01" in item["reason"]  # the engine saw it
    case = open_case(client, "trace")
    r = put(client, case, {"mandatory_standard": True})
    assert r.status_code == 200 and r.json()["mandatory_standard"] is True
    scope = {i["id"]: i for i in client.get(f"/api/cases/{case['id']}/report").json()["items"]}["trace.scope"]
    assert scope["status"] == "review"  # a statement alone is never met


def test_put_refuses_what_the_schema_does_not_name_or_the_scheme_cannot_take(client):
    case = open_case(client, "credit")
    assert put(client, case, {"no_such_fact": 1}).status_code == 422
    assert put(client, case, {"code_coverage": 1.5}).status_code == 422
    r = put(client, case, {"target_level": "五星级"})  # credit's grades are scored, not applied for
    assert r.status_code == 400 and "没有级别" in r.json()["detail"]


def test_every_schema_key_is_accepted_by_the_api_model():
    from intake.cases.case import FACT_KEYS
    from web.schemas import Facts

    assert set(Facts.model_fields) == set(FACT_KEYS) - {"scores"}
    assert set(FACT_KEYS) == set(schema()) - {"applicant", "product"}


@pytest.mark.parametrize("scheme", ["jinzhi", "credit", "nonferrous", "jiangsu", "trace"])
def test_the_web_form_draws_exactly_the_schemes_facts(client, scheme):
    case = open_case(client, scheme)
    html = client.get(f"/cases/{case['id']}?step=info").text  # the 基本信息 step
    form = html[html.index('id="facts-form"') :]
    form = form[: form.index("</form>")]
    names = set(re.findall(r'name="([a-z_]+)"', form)) - {"csrf", "applicant", "product", "go"}
    names = {"scale" if n.startswith("scale_") else n for n in names}
    expected = {f.key for f in form_facts(load_scheme(scheme))} - {"declarations"}
    if scheme in ("credit", "jiangsu", "jinzhi"):
        expected.discard("target_level")  # no levels to apply for (credit's grades, jiangsu's stages)
    assert names == expected
    assert ('name="target_level"' in form) == (scheme in ("nonferrous", "trace"))


def test_the_web_form_round_trips_a_date_and_an_exemption(client):
    case = open_case(client, "jiangsu")
    html = client.get(f"/cases/{case['id']}").text
    r = client.post(
        f"/cases/{case['id']}/facts",
        follow_redirects=False,
        data={
            "csrf": page_csrf(html),
            "sector": "manufacturing",
            "certificate_revoked_on": "2024-01-02",
            "exemptions": "专精特新小巨人",
            "business_status": "存续",
        },
    )
    assert r.status_code == 303
    facts = client.get(f"/api/cases/{case['id']}/report").json()["facts"]
    got = {k: (v["value"] if isinstance(v, dict) and "value" in v else v) for k, v in facts.items()}
    assert got["certificate_revoked_on"] == "2024-01-02" and got["exemptions"] == ["专精特新小巨人"]
    assert got["business_status"] == "存续"


def test_a_fact_the_stated_ones_make_moot_is_not_asked(client):
    """The scale table is agriculture's: once the sector is manufacturing the form stops asking it
    (facts.yaml not_asked_when), as long as the sector is unknown it asks."""
    case = open_case(client, "jiangsu")
    ask = lambda: client.get(f"/cases/{case['id']}?step=info").text  # noqa: E731
    assert shown(ask(), 'name="scale_value"')
    assert put(client, case, {"sector": "manufacturing"}).status_code == 200
    assert not shown(ask(), 'name="scale_value"')  # on the page (a changed answer brings it back), hidden
    assert put(client, case, {"sector": "agriculture"}).status_code == 200
    assert shown(ask(), 'name="scale_value"')


def test_the_form_sent_back_with_an_error_shows_the_branches_as_answered_on_it(client):
    """Without JavaScript too: the form comes back with the sector as the applicant chose it on the
    page, so the branch follows that answer, not the one saved before."""
    case = open_case(client, "jiangsu")
    assert put(client, case, {"sector": "manufacturing"}).status_code == 200
    token = page_csrf(client.get(f"/cases/{case['id']}?step=info").text)
    post = {"csrf": token, "applicant": "甲公司", "go": "stay"}
    r = client.post(f"/cases/{case['id']}/info", data={**post, "sector": "agriculture", "scale_value": "一千多"})
    assert r.status_code == 400 and "“一千多”不是数字" in r.text
    assert shown(r.text, 'name="scale_value"')  # the error beside a question the page hides is a dead end
    assert put(client, case, {"sector": "agriculture"}).status_code == 200
    r = client.post(f"/cases/{case['id']}/info", data={**post, "sector": "manufacturing", "contact.email": "甲"})
    assert r.status_code == 400 and 'value="manufacturing" checked' in r.text
    assert not shown(r.text, 'name="scale_value"')


def test_another_sectors_exemptions_are_not_offered(client):
    """免于规模限制: each exemption is its sector's (the scheme's exemptions and their items); once the
    sector is 制造业 the agricultural ones are not offered, and one ticked anyway is not kept."""
    case = open_case(client, "jiangsu")
    html = client.get(f"/cases/{case['id']}?step=info").text
    assert offered(html, "地理标志产品") and offered(html, "老字号")  # the sector not known yet: all
    form = {"csrf": page_csrf(html), "applicant": "甲公司", "sector": "manufacturing", "go": "stay"}
    client.post(f"/cases/{case['id']}/info", data={**form, "exemptions": ["地理标志产品", "老字号"]})
    html = client.get(f"/cases/{case['id']}?step=info").text
    assert not offered(html, "地理标志产品") and not offered(html, "行业领先地位") and offered(html, "老字号")
    facts = client.get(f"/api/cases/{case['id']}/report").json()["facts"]
    assert facts["exemptions"]["value"] == ["老字号"]


def offered(html: str, exemption: str) -> bool:
    label = re.search(r'<label class="check"([^>]*)><input type="checkbox" name="exemptions" value="' + exemption, html)
    assert label, exemption
    return not re.search(r"\bhidden\b", label.group(1))


def shown(html: str, marker: str) -> bool:
    """Whether the question holding `marker` is shown: its block on the 基本信息 form is not hidden."""
    block = re.search(
        r'<div class="fact-field"([^>]*)>(?:(?!<div class="fact-field").)*' + re.escape(marker), html, re.S
    )
    assert block, marker
    return not re.search(r"\bhidden\b", block.group(1))
