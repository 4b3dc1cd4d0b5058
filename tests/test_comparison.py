"""One upload, every scheme (issue 26): the comparison is each scheme's own check, read once, summarised —
never more than that check says — and `intake check --scheme all` gives it on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from corpus.documents import render
from formbundles import BUNDLES, DECLARED, as_read, doc
from golden_cases import load_cases
from test_checklists_cli import run

from checklists.registry import scheme_ids
from checklists.scheme import load_scheme
from intake.comparison import compare, next_actions
from intake.precheck import precheck

EXTRA = Path(__file__).parent / "schemes"
CORPUS = ["license_beside", "qms_prose", "ems", "ohsms", "test_report_cells", "production_license", "credit"]
FACTS = {"association_member": True, "sector": "manufacturing", "declarations": {"jinzhi.4.3": True}}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("all")
    for name in CORPUS:
        (d / f"{name}.pdf").write_bytes(render(name, "pdf"))
    (d / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (d / "facts.json").write_text(json.dumps(FACTS), encoding="utf-8")
    return d


def pdfs(d: Path) -> list[str]:
    return [str(d / f"{n}.pdf") for n in CORPUS]


def test_cli_all_json_equals_each_single_scheme_check(files):
    common = ["--as-of", "2024-08-01", "--facts", str(files / "facts.json"), *pdfs(files), "--json"]
    code, out, _ = run("check", "--scheme", "all", *common)
    assert code == 0
    data = json.loads(out)
    assert list(data["schemes"]) == scheme_ids()
    for sid in scheme_ids():
        code, single, _ = run("check", "--scheme", sid, *common)
        assert code == 0
        assert data["schemes"][sid] == json.loads(single), sid
    by = {s["scheme"]: s for s in data["comparison"]}
    for sid, entry in data["schemes"].items():
        assert by[sid]["status"] == entry["outcome"]["status"]
        assert by[sid]["counts"] == {k: entry["outcome"]["counts"][k] for k in by[sid]["counts"]}


@pytest.mark.parametrize("bundle", sorted(BUNDLES))
def test_each_bundle_compared_equals_its_single_checks(bundle):
    """On every bundle in the tests, each scheme's entry is the scheme's own pre-check, item for item."""
    result = compare(as_read(BUNDLES[bundle]), DECLARED, "2025-06-01")
    for sid in scheme_ids():
        assert result.entry(sid) == precheck(sid, as_read(BUNDLES[bundle]), DECLARED, "2025-06-01").to_json()


def test_documents_are_read_once_for_all_schemes(files, monkeypatch):
    from intake.reading import pipeline

    calls = []
    real = pipeline.extract_files
    monkeypatch.setattr(pipeline, "extract_files", lambda docs: calls.append(len(docs)) or real(docs))
    code, out, _ = run("check", "--scheme", "all", "--as-of", "2024-08-01", *pdfs(files)[:2], "--json")
    assert code == 0 and calls == [2] and list(json.loads(out)["schemes"]) == scheme_ids()


def test_never_says_more_than_the_scheme_check():
    """No level, grade or `met` the scheme's own check would not give; its 暂定 and 待人工审核 kept."""
    docs = BUNDLES["trace"] + BUNDLES["credit"][1:]
    result = compare(as_read(docs), {}, "2025-06-01")
    for s in result.summaries():
        ev = result.results[s["scheme"]].evaluation
        assert s["status"] == ev.outcome["status"] and s["level"] == ev.outcome["level"]
        assert s["counts"]["met"] == sum(1 for r in ev.items if r.status == "met")
        reached = [lv["name"] for lv in s["levels"] if lv["reached"]]
        assert (reached[-1] if reached else None) == ev.outcome["level"] or ev.outcome.get("target_level")
        if ev.outcome.get("provisional"):
            assert "暂定" in s["flags"]
        if any(r.status == "review" for r in ev.items):
            assert any("待人工审核" in f for f in s["flags"])
        if "score" in s:
            assert s["score"]["grade"] == ev.outcome["grade"]  # the best grade stays apart, never the grade
    trace = next(s for s in result.summaries() if s["scheme"] == "trace")
    assert "暂定" in trace["flags"]


def test_next_actions_come_from_the_items_evidence():
    """An expired EMS certificate: uploading a valid one is suggested, with the items it would settle;
    a valid licence from the wrong province (江苏精品 needs 江苏) is not re-suggested."""
    docs = [*BUNDLES["nonferrous"][:5]]
    result = compare(as_read(docs), {"association_member": True}, "2024-08-01")
    nf = next(s for s in result.summaries() if s["scheme"] == "nonferrous")
    assert len(nf["next_actions"]) == 3
    actions = {a["key"]: a for a in next_actions(result.results["nonferrous"], limit=50)}
    ev = result.results["nonferrous"].evaluation
    assert actions["ems_certificate"]["items"] == ["nonferrous.art5.4"]
    assert ev.item("nonferrous.art5.4").status == "not_met"  # EMS expired 2024-03-31, and no OHSMS at all
    assert actions["ems_certificate"]["text"] == "上传有效的环境管理体系认证证书：涉及 1 项（还可能需要其他材料）"
    assert "nonferrous.art5.4" in actions["ohsms_certificate"]["items"]
    assert ev.item("nonferrous.art7.6").status == "not_met"  # a valid report with a low score
    assert "nonferrous.art7.6" not in actions.get("satisfaction_report", {}).get("items", [])
    assert actions["ems_certificate"]["sole"] == 0
    # a patent settles both patent items; the declaration offered beside it never makes them met
    assert actions["patent_certificate"]["text"] == "上传有效的专利证书：可补齐 2 项所缺材料"
    js = next(s for s in result.summaries() if s["scheme"] == "jiangsu")
    assert result.results["jiangsu"].evaluation.item("jiangsu.art8.1.1").status == "not_met"
    assert "business_license" not in [a["key"] for a in js["next_actions"]]


def test_a_declaration_is_never_said_to_satisfy():
    result = compare(as_read(BUNDLES["jinzhi"]), {}, "2025-06-01")
    texts = [a["text"] for s in result.summaries() for a in s["next_actions"] if a["key"].startswith("declarations.")]
    assert texts and all("待人工审核" in t and "补齐" not in t for t in texts)
    # nor an upload: a credit report still goes to a person (jinzhi 4.3 / 4.4 are review with one)
    texts = [a["text"] for s in result.summaries() for a in s["next_actions"]]
    assert texts and not any("满足" in t for t in texts)


def test_closest_scheme_first():
    docs = BUNDLES["trace"] + [doc("体系.pdf", "qms_certificate", org_name="天津市海河精密机械有限公司")]
    result = compare(as_read(docs), {}, "2025-06-01")
    order = ["eligible", "needs_review", "incomplete", "not_eligible"]
    ranks = [order.index(s["status"]) for s in result.summaries()]
    assert ranks == sorted(ranks) and result.best() == result.summaries()[0]["scheme"]


def test_a_sixth_scheme_is_compared_without_code(monkeypatch):
    monkeypatch.setenv("INTAKE_SCHEMES_PATH", str(EXTRA))
    result = compare(as_read(BUNDLES["jinzhi"]), {}, "2025-06-01")
    assert "sample" in result.to_json()["schemes"]
    assert result.entry("sample") == precheck("sample", as_read(BUNDLES["jinzhi"]), {}, "2025-06-01").to_json()


def test_facts_that_fit_one_scheme_only(files, tmp_path):
    """A level only 有色金属 has: that scheme is compared, the others say why not (the single check's
    own message, exit 2 there); a key no scheme knows is a bad argument (exit 2)."""
    facts = tmp_path / "f.json"
    facts.write_text(json.dumps({"target_level": "卓越品牌"}), encoding="utf-8")
    code, out, err = run("check", "--scheme", "all", "--facts", str(facts), *pdfs(files)[:1], "--json")
    assert code == 0
    data = json.loads(out)
    assert data["schemes"]["nonferrous"]["outcome"]["target_level"] == "卓越品牌"
    assert "error" in data["schemes"]["jinzhi"] and "没有级别" in data["schemes"]["jinzhi"]["error"]
    code1, _, err1 = run("check", "--scheme", "jinzhi", "--facts", str(facts), *pdfs(files)[:1])
    assert code1 == 2 and data["schemes"]["jinzhi"]["error"] in err1
    assert "jinzhi" in err
    facts.write_text(json.dumps({"colour": "red"}), encoding="utf-8")
    code, _, err = run("check", "--scheme", "all", "--facts", str(facts), *pdfs(files)[:1])
    assert code == 2 and "colour" in err


def test_text_unreadable_file_and_report(files, tmp_path):
    out_dir = tmp_path / "out"
    code, out, err = run(
        "check",
        "--scheme",
        "all",
        "--as-of",
        "2024-08-01",
        *pdfs(files)[:3],
        str(files / "broken.pdf"),
        "--out",
        str(out_dir),
    )
    assert code == 3 and "broken.pdf" in err
    assert "无法读取的文件（1）" in out
    for sid in scheme_ids():
        assert f"（{sid}）" in out
    assert "下一步：" in out
    html = next(out_dir.glob("*.html")).read_text(encoding="utf-8")
    assert "各方案对照" in html and "broken.pdf" in html
    d = docx.Document(str(next(out_dir.glob("*.docx"))))
    sec = d.sections[0]
    assert abs(sec.page_width.cm - 21.0) < 0.05 and abs(sec.page_height.cm - 29.7) < 0.05
    names = {c.text for row in d.tables[0].rows for c in row.cells}
    assert "“津质精品”产品质量等级评价" in names


def test_one_scheme_options_refused_with_all(files):
    code, _, err = run("check", "--scheme", "all", "--explain", "jinzhi.4.3", *pdfs(files)[:1])
    assert code == 2 and "--scheme ID" in err


LEVELLED = [(n, c) for n, c in load_cases() if load_scheme(c["scheme"]).levels]


@pytest.mark.parametrize("name,case", LEVELLED, ids=[n for n, _ in LEVELLED])
def test_each_level_as_the_scheme_check_for_that_level(name, case):
    """On the golden cases of the schemes with levels: a level's status in the comparison is what the
    scheme's own check gives when that level is applied for (target_level), and a level is reached
    only where that check reaches it."""
    facts = {k: v for k, v in case["facts"].items() if k != "target_level"}
    docs, sid = case["documents"], case["scheme"]
    ov = case["overrides"] or None
    levels = compare(docs, facts, case["as_of"], schemes=[sid], overrides=ov).results[sid].evaluation.levels()
    for lv in levels:
        own = precheck(sid, docs, {**facts, "target_level": lv["name"]}, case["as_of"], ov).evaluation.outcome
        assert lv["status"] == own["status"], lv["name"]
        assert lv["reached"] == (own["level"] == lv["name"]), lv["name"]


def test_the_golden_cases_reach_levels_in_the_comparison():
    """So the test above also compares reached levels, not only unreached ones."""
    reached = set()
    for _, case in LEVELLED:
        facts = {k: v for k, v in case["facts"].items() if k != "target_level"}
        sid = case["scheme"]
        r = compare(case["documents"], facts, case["as_of"], [sid], overrides=case["overrides"]).results[sid]
        reached |= {(case["scheme"], lv["name"]) for lv in r.evaluation.levels() if lv["reached"]}
    assert {("jiangsu", "培育库"), ("jiangsu", "认证")} <= reached
