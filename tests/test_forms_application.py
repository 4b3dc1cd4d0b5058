"""Pre-filled application forms: values from the evidence, gaps visible, nothing invented."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from formbundles import (
    BUNDLES,
    DECLARED,
    JS,
    NF,
    TJ,
    all_text,
    fill_of,
    kv_rows,
    open_docx,
    rows_by_item,
    table_with_header,
)

from forms.application import FILL_CHECK, FILL_MISSING, FormError, build_form, form_context
from forms.specs import SCHEMES, UnknownScheme, scheme_spec

TODAY = date(2025, 6, 1)


def _evaluation(scheme: str, statuses: dict[str, str], outcome: dict | None = None) -> dict:
    items = []
    for it in scheme_spec(scheme)["items"]:
        st = statuses.get(it["id"], "met")
        items.append(
            {
                "id": it["id"],
                "clause": it["clause"],
                "title": it["title"],
                "status": st,
                "reason": f"原因：{it['id']}",
                "evidence": [],
                "satisfy": "上传有效证书" if st in ("missing", "not_met") else "",
            }
        )
    return {
        "scheme": scheme,
        "as_of": "2025-06-01",
        "items": items,
        "outcome": outcome or {"status": "incomplete", "level": None, "score": None, "grade": None},
        "documents": BUNDLES[scheme],
        "facts": {},
    }


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_prefills_applicant_from_licence_and_reopens(tmp_path, scheme):
    out = build_form(scheme, BUNDLES[scheme], DECLARED, None, tmp_path / "f.docx", today=TODAY)
    d = open_docx(out.path)
    kv = kv_rows(d)
    licence = BUNDLES[scheme][0]["fields"]
    assert kv["单位名称"][0] == licence["org_name"]["value"]
    assert kv["统一社会信用代码"][0] == licence["uscc"]["value"]
    assert kv["法定代表人"][0] == "王建国"
    assert kv["联系人"][0] == "李晓梅" and "申请人填报" in kv["联系人"][2]
    assert "营业执照.pdf 第1页" in kv["单位名称"][2]
    text = all_text(d)
    assert scheme_spec(scheme)["title"] in text
    assert "承诺书" in text and "法定代表人（签字）" in text and "盖章" in text
    # one item row per checklist item, in the scheme's order
    rows = table_with_header(d, "条目").rows[1:]
    items = scheme_spec(scheme)["items"]
    # each row prints its clause and requirement, which name it when the form comes back: no id
    assert [(r.cells[0].text, r.cells[1].text) for r in rows] == [
        (it["clause"], f"{it['clause']} {it['title']}") for it in items
    ]


def test_every_uploaded_file_is_in_the_attachment_list_with_its_type(tmp_path):
    out = build_form("nonferrous", BUNDLES["nonferrous"], {}, None, tmp_path / "f.docx")
    rows = table_with_header(open_docx(out.path), "序号").rows[1:]
    listed = {r.cells[1].text: (r.cells[2].text, r.cells[4].text) for r in rows}
    assert set(listed) == {d["file"] for d in BUNDLES["nonferrous"]}
    assert listed["CNAS.pdf"][0] == "CNAS 实验室认可证书"
    assert listed["扫描件.pdf"][1].startswith("读取失败") and "已损坏" in listed["扫描件.pdf"][1]


def test_missing_value_is_blank_shaded_and_names_item_and_clause(tmp_path):
    out = build_form("jiangsu", BUNDLES["jiangsu"], {}, None, tmp_path / "f.docx")
    kv = kv_rows(open_docx(out.path))
    value, fill, note = kv["所属领域（农业/制造业/服务业）"]
    assert value == "" and fill == FILL_MISSING
    assert "jiangsu.art8" not in note and "第八条（二）2（1）" in note  # the clause, no internal id
    value, fill, note = kv["联系人"]
    assert value == "" and fill == FILL_MISSING and "缺" in note
    # the gaps section repeats them
    assert any("所属领域" in g for g in out.missing)


def test_nothing_is_invented_without_evidence(tmp_path):
    out = build_form("nonferrous", [], {}, None, tmp_path / "f.docx")
    kv = kv_rows(open_docx(out.path))
    assert all(v == "" and fill == FILL_MISSING for v, fill, _ in kv.values())
    assert out.filled == []


def test_low_confidence_value_is_marked_for_checking(tmp_path):
    bundle = copy.deepcopy(BUNDLES["jinzhi"])
    bundle[0]["fields"]["uscc"]["confidence"] = 0.55
    out = build_form("jinzhi", bundle, {}, None, tmp_path / "f.docx")
    value, fill, note = kv_rows(open_docx(out.path))["统一社会信用代码"]
    assert value == bundle[0]["fields"]["uscc"]["value"]
    assert fill == FILL_CHECK and "请核对" in note and "0.55" in note
    assert any("统一社会信用代码" in c for c in out.to_check)


def test_sources_section_says_which_document_filled_what(tmp_path):
    out = build_form("jinzhi", BUNDLES["jinzhi"], DECLARED, None, tmp_path / "f.docx")
    rows = table_with_header(open_docx(out.path), "项目").rows  # first "项目" table is the applicant block
    src = [t for t in open_docx(out.path).tables if t.rows[0].cells[2].text == "来源文件"][0]
    seen = {(r.cells[0].text, r.cells[2].text) for r in src.rows[1:]}
    assert ("单位名称", "营业执照.pdf") in seen
    assert ("联系人", "申请人填报") in seen
    assert any(label.startswith("4 第2项 ") and file == "质量体系证书.pdf" for label, file in seen)
    assert rows  # the applicant block exists too


def test_item_rows_carry_evidence_number_validity_and_verdict(tmp_path):
    ev = _evaluation("nonferrous", {"nonferrous.art5.4": "not_met", "nonferrous.art4": "missing"})
    ev["items"][[i["id"] for i in ev["items"]].index("nonferrous.art5.4")]["evidence"] = [
        {"file": "EMS.pdf", "page": 1, "text": "有效期至 2024年3月31日"}
    ]
    out = build_form("nonferrous", BUNDLES["nonferrous"], {}, ev, tmp_path / "f.docx")
    d = open_docx(out.path)
    rows = rows_by_item(d, table_with_header(d, "条目"))
    ems = rows["nonferrous.art5.4"]
    # the day as people write it
    assert "EMS.pdf" in ems[2].text and ems[3].text == "00123E2002" and ems[4].text == "2024年3月31日"
    assert ems[5].text == "不满足" and fill_of(ems[2]) == FILL_MISSING and "上传有效证书" in ems[7].text
    assert rows["nonferrous.art6.4"][3].text == "CNAS L1234"
    assert rows["nonferrous.art4"][5].text == "缺少材料"
    assert "材料不全" in all_text(d)


def test_declaration_column_prefilled_from_declared_facts(tmp_path):
    out = build_form("jinzhi", BUNDLES["jinzhi"], DECLARED, None, tmp_path / "f.docx")
    d = open_docx(out.path)
    rows = rows_by_item(d, table_with_header(d, "条目"))
    assert rows["jinzhi.4.3"][6].text == "是"
    assert rows["jinzhi.4.4"][6].text == "" and fill_of(rows["jinzhi.4.4"][6]) == FILL_MISSING
    assert rows["jinzhi.4.2"][6].text == "—"


def test_credit_form_has_self_assessment_table_with_points(tmp_path):
    out = build_form("credit", BUNDLES["credit"], {}, None, tmp_path / "f.docx")
    d = open_docx(out.path)
    t = table_with_header(d, "条目")
    selfs = [t for t in d.tables if t.rows[0].cells[-2].text == "自评档"][0]
    rows = selfs.rows[1:]
    assert len(rows) == 26
    assert sum(int(r.cells[2].text) for r in rows) == 86 + 14
    by_id = rows_by_item(d, selfs)
    assert len(by_id) == 26
    assert "质量体系证书.pdf" in by_id["credit.5.1.2.b"][3].text
    assert by_id["credit.5.1.1.a"][3].text == "未找到" and fill_of(by_id["credit.5.1.1.a"][4]) == FILL_MISSING
    assert t is not None


def test_scheme_wording_of_the_pledge(tmp_path):
    texts = {s: all_text(open_docx(build_form(s, [], {}, None, tmp_path / f"{s}.docx").path)) for s in SCHEMES}
    assert "未被列入严重违法失信名单或经营异常名录" in texts["jinzhi"]
    assert "无环境行政处罚记录" in texts["credit"]
    assert "近三年国家或省级质量监督抽查中没有不合格记录" in texts["nonferrous"]
    assert "近3年无不良信用记录" in texts["jiangsu"]
    assert "暂定" in texts["trace"]


def test_control_characters_and_long_values_are_cleaned(tmp_path):
    facts = {"form": {"contact_person": "李\x00晓\x07梅\ufffe", "email": "x" * 10000, "phone": "<&>\"'"}}
    out = build_form("jinzhi", [], facts, None, tmp_path / "f.docx")
    kv = kv_rows(open_docx(out.path))
    assert kv["联系人"][0] == "李晓梅"
    assert kv["邮箱"][0].startswith("x" * 100) and "已截断" in kv["邮箱"][0] and len(kv["邮箱"][0]) < 2100
    assert kv["电话"][0] == "<&>\"'"


def test_unknown_scheme_and_missing_template_are_clear_errors(tmp_path):
    with pytest.raises(UnknownScheme, match="未知的评价方案"):
        build_form("shanghai", [], {}, None, tmp_path / "f.docx")
    with pytest.raises(FormError, match="not found"):
        build_form("jinzhi", [], {}, None, tmp_path / "g.docx", template=tmp_path / "nope.docx")
    assert not (tmp_path / "g.docx").exists()


def test_target_level_note_lists_the_scheme_levels():
    ctx = form_context("nonferrous", [], {})
    assert "培育品牌/优质品牌/卓越品牌" in ctx["f"]["target_level"]["note"]
    ctx = form_context("nonferrous", [], {"target_level": "卓越品牌", "association_member": True})
    assert ctx["f"]["target_level"]["value"] == "卓越品牌"
    assert ctx["f"]["association_member"]["value"] == "是"


def test_names_of_the_three_bundles_differ():  # guards the fixtures: one scheme's form never shows another's holder
    assert len({TJ, JS, NF}) == 3


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_item_id_of_any_scheme_anywhere_in_the_downloaded_form(tmp_path, scheme):
    """Not in the text a person reads, nor hidden in the file (white or hidden runs, properties, any XML
    part): screen readers and select-all would find it. Rows carry their clause and requirement only."""
    import zipfile

    from formbundles import as_read

    from checklists.registry import scheme_ids
    from checklists.scheme import load_scheme
    from intake.precheck import precheck

    ids = {it.id for s in scheme_ids() for it in load_scheme(s).items}
    evaluation = precheck(scheme, as_read(BUNDLES[scheme]), DECLARED, as_of="2025-06-01").to_json()
    facts = {**DECLARED, "self_assessment": {i: {"band": "60%-80%", "score": 3} for i in ids}}
    out = build_form(scheme, BUNDLES[scheme], facts, evaluation, tmp_path / "f.docx", today=TODAY)
    with zipfile.ZipFile(out.path) as z:
        parts = {name: z.read(name).decode("utf-8", "replace") for name in z.namelist()}
    assert any(f"{scheme}." in i for i in ids) and len(parts) > 5
    found = {(name, i) for name, xml in parts.items() for i in ids if i in xml}
    assert found == set()
