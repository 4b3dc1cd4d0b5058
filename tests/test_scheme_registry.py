"""One home per scheme (issue 14): every scheme's folder (checklist, clauses, procedure, form) agrees with
itself, the vocabulary and the facts schema; and a sixth scheme — tests/schemes/sample/, data only — is
taken up by the command line, the engine, the forms and the web without a line of code."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from golden_cases import document

from checklists.consistency import problems
from checklists.factschema import schema, used_facts
from checklists.registry import BUILTIN, scheme_ids
from checklists.scheme import load_scheme
from checklists.vocabulary import DOC_TYPES, OUTCOME_ZH, STATUS_ZH

EXTRA = Path(__file__).parent / "schemes"
BUILTINS = ["jinzhi", "credit", "nonferrous", "jiangsu", "trace"]


@pytest.fixture
def with_sample(monkeypatch):
    monkeypatch.setenv("INTAKE_SCHEMES_PATH", str(EXTRA))


def test_the_registry_holds_the_five_schemes_in_the_seeds_order():
    assert scheme_ids() == BUILTINS
    assert all(
        (BUILTIN / s / f"{part}.yaml").exists()
        for s in BUILTINS
        for part in ("checklist", "clauses", "procedure", "form")
    )


@pytest.mark.parametrize("scheme", BUILTINS + ["sample"])
def test_every_scheme_agrees_with_itself(scheme, with_sample):
    assert problems(scheme) == []


def test_a_disagreement_is_caught(tmp_path, monkeypatch):
    """Copy a scheme and break it the ways the five once were: the checker names each break."""
    shutil.copytree(EXTRA / "sample", tmp_path / "broken")
    chk = tmp_path / "broken" / "checklist.yaml"
    chk.write_text(
        chk.read_text(encoding="utf-8").replace("id: sample", "id: broken").replace("sample.", "broken."),
        encoding="utf-8",
    )
    form = tmp_path / "broken" / "form.yaml"
    form.write_text(
        form.read_text(encoding="utf-8")
        .replace("sample.", "broken.")
        .replace("- {id: broken.art5,", "- {id: broken.art9, clause: 第九条,"),
        encoding="utf-8",
    )
    proc = tmp_path / "broken" / "procedure.yaml"
    proc.write_text(
        proc.read_text(encoding="utf-8").replace("sample.art3", "broken.art2.2") + "levels: [达标级, 三星级]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("INTAKE_SCHEMES_PATH", str(tmp_path))
    found = "\n".join(problems("broken"))
    assert "`levels` belongs to checklist.yaml" in found  # credit's four levels in procedures.yaml
    assert "unknown ['broken.art9']" in found and "repeats a clause" in found
    assert "declaration 'broken.art2.2' is not a checklist item a declaration covers" in found
    assert "differ from the procedure's" in found


def test_an_interview_file_that_disagrees_with_the_checklist_is_caught(tmp_path, monkeypatch):
    shutil.copytree(EXTRA / "sample", tmp_path / "sample2")
    chk = tmp_path / "sample2" / "checklist.yaml"
    chk.write_text(
        chk.read_text(encoding="utf-8").replace("id: sample", "id: sample2").replace("sample.", "sample2."),
        encoding="utf-8",
    )
    for part in ("form", "procedure"):
        f = tmp_path / "sample2" / f"{part}.yaml"
        f.write_text(f.read_text(encoding="utf-8").replace("sample.", "sample2."), encoding="utf-8")
    (tmp_path / "sample2" / "interview.yaml").write_text(
        "yes_no:\n"
        "  declarations.sample2.art3: {ask: 近三年内是否发生过质量事故？, polarity: negative}\n"
        "  declarations.sample2.art99: {ask: 是否？}\n"
        "  sells_online: {ask: 产品是否通过网络销售？, polarity: sideways}\n"
        "numbers:\n  - {kind: validity, words: [有效], clauses: [第九十九条], item: sample2.art9}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("INTAKE_SCHEMES_PATH", str(tmp_path))
    found = "\n".join(problems("sample2"))
    assert "lacks said_yes/said_no" in found
    assert "'declarations.sample2.art99' is neither a yes/no question" in found
    assert "polarity 'sideways'" in found
    assert "clause '第九十九条'" in found and "item 'sample2.art9'" in found


def test_every_builtin_scheme_has_its_interview_wording_in_its_folder_and_the_sample_needs_none(with_sample):
    """The assistant reads a scheme's interview.yaml through the registry; a scheme without one is
    interviewed with the checklist's own questions."""
    from intake.assistant.engine import Assistant
    from intake.assistant.schemedata import scheme_talk

    assert all(scheme_talk(s).get("yes_no") for s in BUILTINS)
    assert not (EXTRA / "sample" / "interview.yaml").exists() and scheme_talk("sample") == {}
    a = Assistant("sample", as_of="2025-06-01")
    a.reply("你好")
    seen = []
    for _ in range(12):
        pending = a.state["pending"]
        if not pending:
            break
        seen.append(pending["key"])
        a.reply("没有" if pending["kind"] in ("yes_no", "upload") else "跳过")
    assert "declarations.sample.art3" in seen and a.state["pending"] is None  # to the end
    assert a.state["answers"]["declarations.sample.art3"]["question"] == "近三年内是否没有发生质量事故？"


def test_one_vocabulary_for_document_types_and_statuses():
    from extractors.classify import TYPES
    from forms.specs import common
    from web.labels import DOC_TYPES as WEB_DOC_TYPES
    from web.labels import OUTCOME_LABELS, STATUS_LABELS

    assert set(DOC_TYPES) == set(TYPES)
    assert len(set(DOC_TYPES.values())) == len(DOC_TYPES)  # one wording each, no two types alike
    assert common()["document_types"] == DOC_TYPES == WEB_DOC_TYPES
    assert common()["item_status"] == STATUS_ZH == STATUS_LABELS
    assert common()["outcome_status"] == OUTCOME_ZH == OUTCOME_LABELS
    assert DOC_TYPES["credit_report"] == "企业信用报告/无违法违规证明" and DOC_TYPES["other"] == "其他材料"


@pytest.mark.parametrize("scheme", BUILTINS)
def test_procedure_offers_only_levels_one_can_apply_for(scheme):
    from intake.cases.procedures import procedure

    s = load_scheme(scheme)
    assert procedure(scheme).levels == ([] if s.stages else s.level_names)
    if scheme == "credit":
        assert procedure(scheme).levels == []  # its grades are scored, never chosen


def test_the_credit_worksheet_is_the_checklists_points_and_grades():
    from intake.cases.worksheet import grade, worksheet

    s = load_scheme("credit")
    assert worksheet("credit")["items"] == {it.id: it.points for it in s.items if it.rule == "scored"}
    assert sum(worksheet("credit")["items"].values()) == s.scoring["total"] == 100
    assert [g["name"] for g in worksheet("credit")["grades"]] == [g["name"] for g in s.scoring["grades"]]
    assert grade(69.996, "credit") is None and grade(70, "credit") == "达标级"


# -- the sixth scheme: one data folder, no code ----------------------------------------------


def test_sample_scheme_is_listed_by_the_command_line(with_sample):
    from cli import cli

    r = CliRunner().invoke(cli, ["schemes", "--json"], catch_exceptions=False)
    by = {s["id"]: s for s in json.loads(r.stdout)}
    assert list(by)[-1] == "sample" and by["sample"]["levels"] == ["合格", "优秀"]


def test_sample_scheme_is_evaluated(with_sample, tmp_path):
    from checklists.engine import evaluate

    docs = [
        document(
            {
                "file": "licence.pdf",
                "type": "business_license",
                "fields": {"org_name": "浙江某某有限公司", "province": "浙江省"},
            }
        ),
        document(
            {
                "file": "qms.pdf",
                "type": "qms_certificate",
                "fields": {"org_name": "浙江某某有限公司", "valid_until": "2027-01-01"},
            }
        ),
        document(
            {
                "file": "csi.pdf",
                "type": "satisfaction_report",
                "fields": {"org_name": "浙江某某有限公司", "satisfaction_score": 79.9},
            }
        ),
    ]
    ev = evaluate(
        load_scheme("sample"),
        docs,
        {"sells_online": False, "declarations": {"sample.art3": True}},
        as_of=date(2026, 1, 1),
        overrides={"sample.art3": {"status": "met", "note": "核实", "by": "秘书处"}},
    )
    out = ev.to_json()
    items = {i["id"]: i["status"] for i in out["items"]}
    assert items == {
        "sample.art2.1": "met",
        "sample.art2.2": "met",
        "sample.art3": "met",
        "sample.art4": "not_met",
        "sample.art5": "not_applicable",
    }
    assert out["outcome"]["level"] == "合格" and out["outcome"]["status"] == "eligible"
    assert used_facts(load_scheme("sample")) == [
        k
        for k in schema()
        if k in {"target_level", "declarations", "sells_online", "applicant", "product", "form", "self_assessment"}
    ]


def test_sample_scheme_through_the_web_and_the_form(with_sample, tmp_path):
    from web_helpers import csrf, make_client, open_case

    with make_client(tmp_path) as client:
        assert "sample" in {s["id"] for s in client.get("/api/schemes").json()}
        case = open_case(client, "sample")
        html = client.get(f"/cases/{case['id']}?step=info").text  # the 基本信息 step
        assert 'name="sells_online"' in html and 'name="target_level"' in html and 'name="sector"' not in html
        r = client.put(
            f"/api/cases/{case['id']}/facts",
            headers={"X-CSRF-Token": csrf(client)},
            json={"sells_online": False, "target_level": "优秀"},
        )
        assert r.status_code == 200, r.text
        report = client.get(f"/api/cases/{case['id']}/report").json()
        assert {i["id"]: i["status"] for i in report["items"]}["sample.art5"] == "not_applicable"
        docx = client.get(f"/cases/{case['id']}/application.docx")
        assert docx.status_code == 200 and docx.content[:2] == b"PK"  # built from form.yaml on the fly


def test_the_interview_reads_the_scale_words_from_the_scheme():
    """江苏精品 第八条（二）1（2）: the seed's words and the checklist's synonyms reach the assistant."""
    from intake.assistant.interview import parse_scale

    table = load_scheme("jiangsu").tables["scale"]
    ask = {
        "categories": {n: r["unit"] for n, r in table.items()},
        "synonyms": {s: n for n, r in table.items() for s in r.get("synonyms") or ()},
    }
    got = {
        m: parse_scale(ask, m).value
        for m in ("常规稻麦 1000亩", "水稻1200亩", "渔业养殖水体 300亩", "工厂化生产 600吨")
    }
    assert got == {
        "常规稻麦 1000亩": {"category": "常规稻麦", "value": 1000, "unit": "亩"},
        "水稻1200亩": {"category": "常规稻麦", "value": 1200, "unit": "亩"},
        "渔业养殖水体 300亩": {"category": "渔业养殖水体", "value": 300, "unit": "亩"},
        "工厂化生产 600吨": {"category": "工厂化", "value": 600, "unit": "吨"},
    }


def test_coverage_never_says_covered_when_it_does_not():
    """checklists/coverage.py on labelled scope/product pairs (tests/data/coverage_pairs.yaml): a "covered"
    on a pair that is not is a `met` the seed never allowed; an "unsure" on a covered pair is only a review."""
    import yaml

    from checklists.coverage import coverage

    data = yaml.safe_load((Path(__file__).parent / "data" / "coverage_pairs.yaml").read_text(encoding="utf-8"))
    for part in ("tune", "held_out"):
        pairs = data[part]
        wrong = [p for p in pairs if coverage(p["scope"], p["product"]).covered and not p["covers"]]
        assert wrong == [], part
        true = [p for p in pairs if p["covers"]]
        recognised = sum(coverage(p["scope"], p["product"]).covered for p in true)
        assert recognised >= len(true) * 0.6, (part, recognised, len(true))
