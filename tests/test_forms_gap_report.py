"""The gap report (HTML + DOCX): gaps first, each with clause, reason, evidence and what would satisfy it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from formbundles import BUNDLES, NF, open_docx

from extractors.facts import DocumentFacts
from forms.application import FormError
from forms.gap_report import render_gap_report_docx, render_gap_report_html, write_gap_report

EVAL = {
    "scheme": "nonferrous",
    "as_of": "2024-08-01",
    "outcome": {"status": "not_eligible", "level": None, "score": None, "grade": None},
    "items": [
        {
            "id": "nonferrous.art6.4",
            "clause": "第六条（四）",
            "title": "CNAS 认可实验室",
            "status": "met",
            "reason": "CNAS L1234 有效期至 2027-05-01",
            "evidence": [{"file": "CNAS.pdf", "page": 1, "text": "CNAS L1234"}],
        },
        {
            "id": "nonferrous.art5.2",
            "clause": "第五条（二）",
            "title": "符合产业政策",
            "status": "review",
            "reason": "需专家判断",
            "evidence": [],
        },
        {
            "id": "nonferrous.art4",
            "clause": "第四条",
            "title": "协会会员",
            "status": "missing",
            "reason": "未声明是否为协会会员",
            "evidence": [],
            "satisfy": "在事实中填写 association_member 并附会员证明",
        },
        {
            "id": "nonferrous.art5.4",
            "clause": "第五条（四）",
            "title": "三体系认证",
            "status": "not_met",
            "reason": "GB/T 24001 证书已于 2024-03-31 过期 <b>注意</b>",
            "evidence": [{"file": "EMS.pdf", "page": 2, "text": "有效期至：2024年3月31日"}],
        },
        {
            "id": "nonferrous.art7.1",
            "clause": "第七条（一）",
            "title": "关键技术突破",
            "status": "not_applicable",
            "reason": "未申报卓越品牌",
            "evidence": [],
        },
    ],
    "documents": BUNDLES["nonferrous"],
    "facts": {},
}


def _order(text: str, *needles: str) -> list[int]:
    return [text.index(n) for n in needles]


def test_html_lists_gaps_first_with_what_would_satisfy_them():
    html = render_gap_report_html(EVAL, today=date(2024, 8, 2))
    gaps = html[html.index("需要处理的条目") : html.index("全部条目")]
    pos = _order(gaps, "三体系认证", "协会会员", "符合产业政策")
    assert pos == sorted(pos)  # 不满足, then 缺少材料, then 需人工审核
    assert "CNAS 认可实验室" not in gaps and "关键技术突破" not in gaps
    assert (
        "在事实中填写 中国有色金属工业协会会员 并附会员证明" in gaps
    )  # the engine's own words win, in the applicant's words
    assert "nonferrous." not in html and "association_member" not in html  # no internal ids or fact keys
    assert "在有效期内的三体系认证证书" in gaps  # else the form spec's
    allitems = html[html.index("全部条目") :]
    pos = _order(allitems, "三体系认证", "协会会员", "符合产业政策", "CNAS 认可实验室", "关键技术突破")
    assert pos == sorted(pos)


def test_html_shows_applicant_outcome_and_evidence_location():
    html = render_gap_report_html(EVAL)
    assert NF in html and "91360100MA35F2JD4T" in html  # from the business licence in `documents`
    assert "全国有色金属产品质量品牌培育" in html and "评价日 2024年8月1日" in html
    assert "不符合申报条件" in html
    assert "EMS.pdf 第2页：“有效期至：2024年3月31日”" in html
    assert "第五条（四）" in html


def test_the_applicant_block_shows_the_licence_day_as_people_write_it_under_the_forms_labels():
    licence = next(d for d in EVAL["documents"] if d["type"] == "business_license")
    y, m, d = (int(x) for x in licence["fields"]["established"]["value"].split("-"))  # 成立日期 read as 2008-09-01
    html = render_gap_report_html(EVAL)
    assert f"<th>成立日期</th><td>{y}年{m}月{d}日</td>" in html
    doc = open_docx(render_gap_report_docx(EVAL))
    cells = {r.cells[0].text: r.cells[1].text for t in doc.tables for r in t.rows if len(r.cells) > 1}
    # what the applicant is asked and did not fill in is 未填写; what documents would give and did not, 未读到
    assert cells["联系人"] == "（未填写）" and cells["申报产品"] == "（未读到）"
    # under the 申报书's labels
    assert cells.get("成立日期") == f"{y}年{m}月{d}日" and "注册地址" in cells and "邮箱" in cells


def test_html_is_escaped_and_self_contained():
    html = render_gap_report_html(EVAL, applicant={"org_name": "<script>alert(1)</script>公司"})
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>注意</b>" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "<style>" in html


def test_given_applicant_wins_over_documents():
    html = render_gap_report_html(EVAL, applicant={"org_name": "另一家公司", "contact_person": "赵六"})
    assert "另一家公司" in html and "赵六" in html


def test_docx_has_the_same_content_and_reopens(tmp_path):
    d = open_docx(render_gap_report_docx(EVAL))
    cells = [[c.text for c in r.cells] for t in d.tables for r in t.rows]
    gap_rows = [
        r for r in cells if len(r) == 5 and r[0] in ("不满足", "缺少材料", "需人工审核") and r[1].startswith("第")
    ]
    assert [r[1] for r in gap_rows[:3]] == ["第五条（四）", "第四条", "第五条（二）"]
    assert "在事实中填写 中国有色金属工业协会会员 并附会员证明" in gap_rows[1][4]
    assert any("EMS.pdf 第2页" in c for r in cells for c in r)
    assert any(r[:2] == ["单位名称", NF] for r in cells)


def test_write_gap_report_writes_html_and_docx(tmp_path):
    paths = write_gap_report(EVAL, tmp_path / "out")
    assert [p.suffix for p in paths] == [".html", ".docx"]
    assert all(p.exists() and p.stat().st_size > 1000 for p in paths)
    assert "nonferrous" in paths[0].name and "2024-08-01" in paths[0].name
    open_docx(paths[1])


def test_control_characters_and_long_reasons_do_not_break_the_docx():
    ev = dict(EVAL, items=[dict(EVAL["items"][3], reason="过期\x00\x0b" + "很长" * 3000)])
    d = open_docx(render_gap_report_docx(ev))
    text = "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    assert "\x00" not in text and "已截断" in text


@pytest.mark.parametrize("bad", [None, [], {"scheme": "jinzhi"}, "not json"])
def test_not_an_evaluation_is_a_clear_error(bad, tmp_path):
    with pytest.raises(FormError, match="evaluation"):
        write_gap_report(bad, tmp_path)
    assert not any(tmp_path.iterdir())


def test_credit_report_shows_score_and_grade():
    ev = {
        "scheme": "credit",
        "as_of": "2025-06-01",
        "outcome": {"status": "needs_review", "level": None, "score": None, "score_max": 71.2, "grade": "达标级"},
        "items": [],
        "documents": [],
    }
    html = render_gap_report_html(ev)
    assert "可达最高分" in html and "71.2" in html and "达标级" in html and "尚未全部评分" in html


def test_report_from_the_real_engine():
    engine = pytest.importorskip("checklists.engine")
    docs = [DocumentFacts.from_json(d) for d in BUNDLES["jinzhi"]]
    ev = engine.evaluate("jinzhi", docs, {"declarations": {"jinzhi.4.3": True}}, as_of="2025-06-01").to_json()
    html = render_gap_report_html(ev)
    statuses = [it["status"] for it in ev["items"]]
    assert len(re.findall(r'<span class="badge s-', html)) >= len(statuses)
    for it in ev["items"]:
        assert it["title"] in html and it["id"] not in html
    open_docx(render_gap_report_docx(ev))


def test_reviewer_override_and_declared_product_are_shown():
    ev = {
        **EVAL,
        "facts": {"product": {"value": "高精度铜板带", "source": "facts"}},
        "items": [
            dict(
                EVAL["items"][2],
                status="met",
                override={"status": "met", "note": "已核会员证", "user": "秘书处张", "at": "2024-08-02"},
            )
        ],
    }
    html = render_gap_report_html(ev)
    assert "高精度铜板带" in html
    assert "人工复核：满足，已核会员证，秘书处张，2024-08-02" in html
