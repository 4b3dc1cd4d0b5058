"""Round trip: generate a form, complete it as a user would in Word, read it back → the same facts."""

from __future__ import annotations

import pytest
from docgen import Grid, docx_bytes
from formbundles import BUNDLES, DECLARED, fill_in, kv_rows, open_docx, rows_by_item, table_with_header

from extractors.application_form import read_application_form
from extractors.read import read_document
from forms.application import build_form, form_context
from forms.itemrows import form_facts
from forms.specs import SCHEMES


def _read(data: bytes, name="申请书.docx"):
    return read_application_form(read_document(data, name))


def _named(form, scheme: str) -> dict:
    """The form's declared facts with its answered rows named by the scheme's items, as the pre-check takes them."""
    facts, warnings = form_facts(scheme, [form.document_facts().to_json()])
    assert warnings == []
    return facts


@pytest.mark.parametrize("scheme", SCHEMES)
def test_generated_form_reads_back_to_the_same_facts(tmp_path, scheme):
    out = build_form(scheme, BUNDLES[scheme], DECLARED, None, tmp_path / "f.docx")
    shown = {label: v for label, (v, _, _) in kv_rows(open_docx(out.path)).items() if v}
    form = _read(out.path.read_bytes())
    assert form.scheme == scheme
    ctx = form_context(scheme, BUNDLES[scheme], DECLARED)
    # every value printed in the form comes back under its key, unchanged
    for key, cell in ctx["f"].items():
        if cell["value"] and key not in (
            "association_member",
            "sector",
            "product_kind",
            "org_kind",
            "sells_online",
            "code_coverage",
        ):
            assert form.fields[key].value == cell["value"], key
    assert len(form.fields) == len(shown)
    if scheme == "jinzhi":
        assert _named(form, scheme)["declarations"] == {"jinzhi.4.3": True}


def test_values_typed_in_word_become_facts(tmp_path):
    out = build_form("nonferrous", BUNDLES["nonferrous"], {}, None, tmp_path / "f.docx")
    data = fill_in(
        out.path,
        {
            "联系人": "周敏",
            "电话": "0791-88776655",
            "邮箱": "zhoumin@gtxcl.cn",
            "申报产品": "高精度铜板带",
            "牌号/规格": "C19400 0.2mm",
            "执行标准": "GB/T 2059-2017",
            "申报类别/等级": "优质品牌",
            "中国有色金属工业协会会员单位（是/否）": "是",
        },
        {"nonferrous.art5.5": "是"},
    )
    form = _read(data)
    assert form.facts["form"]["contact_person"] == "周敏"
    assert form.facts["form"]["grade_spec"] == "C19400 0.2mm"
    assert form.facts["applicant"] == BUNDLES["nonferrous"][0]["fields"]["org_name"]["value"]
    assert form.facts["product"] == "高精度铜板带"
    assert form.facts["target_level"] == "优质品牌" and form.facts["association_member"] is True
    assert form.contract_facts() == {
        "applicant": form.facts["applicant"],
        "product": "高精度铜板带",
        "target_level": "优质品牌",
        "association_member": True,
    }
    assert _named(form, "nonferrous")["declarations"] == {"nonferrous.art5.5": True}


def test_choice_percent_and_boolean_cells(tmp_path):
    out = build_form("jiangsu", BUNDLES["jiangsu"], {}, None, tmp_path / "f.docx")
    data = fill_in(
        out.path,
        {
            "所属领域（农业/制造业/服务业）": "制造业",
            "产品类别（消费类/生产资料类）": "消费类产品",
            "组织类型（企业/农民专业合作社/其他）": "企业",
        },
        {"jiangsu.art8.1.2": "否"},
    )
    form = _read(data)
    assert (form.facts["sector"], form.facts["product_kind"], form.facts["org_kind"]) == (
        "manufacturing",
        "consumer",
        "enterprise",
    )
    assert _named(form, "jiangsu")["declarations"] == {"jiangsu.art8.1.2": False}
    out = build_form("trace", BUNDLES["trace"], {}, None, tmp_path / "t.docx")
    form = _read(fill_in(out.path, {"是否网络销售（是/否）": "否", "用码覆盖率（%）": "92.5%"}, {}))
    assert form.facts["sells_online"] is False and form.facts["code_coverage"] == pytest.approx(0.925)


def test_unreadable_cell_values_warn_and_are_not_facts(tmp_path):
    out = build_form("jiangsu", [], {}, None, tmp_path / "f.docx")
    form = _read(
        fill_in(
            out.path,
            {
                "所属领域（农业/制造业/服务业）": "金融业",
                "统一社会信用代码": "91320500MA1XQ7GH0X",
                "成立日期": "2010年1月8日",
            },
            {},
        )
    )
    assert "sector" not in form.fields and "uscc" not in form.fields
    assert any("金融业" in w for w in form.warnings) and any("校验位" in w for w in form.warnings)
    assert form.fields["established"].value == "2010-01-08"


def test_credit_self_assessment_round_trip(tmp_path):
    out = build_form("credit", BUNDLES["credit"], {}, None, tmp_path / "f.docx")
    form = _read(
        fill_in(
            out.path,
            {},
            {"credit.4.b": "是"},
            {"credit.5.1.1.a": ("60%-80%", "4.5"), "credit.5.2.g": ("80%～100%", "2")},
        )
    )
    named = _named(form, "credit")
    assert named["self_assessment"] == {
        "credit.5.1.1.a": {"band": "60%-80%", "score": 4.5},
        "credit.5.2.g": {"band": "80%-100%", "score": 2},
    }
    assert named["declarations"] == {"credit.4.b": True}
    # the next form shows what they assessed
    again = build_form("credit", BUNDLES["credit"] + [form.document_facts().to_json()], {}, None, tmp_path / "g.docx")
    d = open_docx(again.path)
    row = rows_by_item(d, [t for t in d.tables if t.rows[0].cells[-2].text == "自评档"][0])["credit.5.1.1.a"]
    assert (row[4].text, row[5].text) == ("60%-80%", "4.5")


def test_uploaded_form_feeds_the_next_form(tmp_path):
    out = build_form("jinzhi", BUNDLES["jinzhi"], {}, None, tmp_path / "f.docx")
    form = _read(fill_in(out.path, {"联系人": "陈强", "申报类别/等级": "机械零部件"}, {"jinzhi.4.4": "是"}))
    docs = BUNDLES["jinzhi"] + [form.document_facts().to_json()]
    assert form_facts("jinzhi", docs)[0]["declarations"] == {"jinzhi.4.4": True}
    again = build_form("jinzhi", docs, {}, None, tmp_path / "g.docx")
    d = open_docx(again.path)
    assert kv_rows(d)["联系人"][0] == "陈强"
    rows = rows_by_item(d, table_with_header(d, "条目"))
    assert rows["jinzhi.4.4"][6].text == "是"
    # the sources section credits the uploaded form
    assert any("申请书.docx" in s["file"] for s in again.filled if s["label"] == "联系人")


def test_foreign_application_form_with_other_labels(tmp_path):
    """A form not made by this service: 4-column key–value rows, label variants, free-text lines."""
    data = docx_bytes(
        [
            "全国有色金属产品质量品牌培育活动申报书",
            "申报单位：江西赣铜新材料股份有限公司",
            Grid(
                [
                    ["企业名称", "江西赣铜新材料股份有限公司", "法人代表", "刘志刚"],
                    ["联系电话", "0791-8888 6666", "电子邮箱", "gt@example.com"],
                    ["产品名称", "铜板带", "规格型号", "C19400"],
                ]
            ),
            "法定代表人（签字）：____________  日期：____",
        ]
    )
    form = _read(data, "外部申报书.docx")
    assert form.scheme is None
    v = {k: f.value for k, f in form.fields.items()}
    assert v["org_name"] == "江西赣铜新材料股份有限公司" and v["legal_rep"] == "刘志刚"
    assert v["phone"] == "0791-8888 6666" and v["email"] == "gt@example.com"
    assert v["product"] == "铜板带" and v["grade_spec"] == "C19400"
    assert form.fields["org_name"].page == 1 and "企业名称" in form.fields["org_name"].text


def test_blank_form_reads_back_to_no_facts(tmp_path):
    out = build_form("trace", [], {}, None, tmp_path / "f.docx")
    form = _read(out.path.read_bytes())
    assert form.scheme == "trace" and form.fields == {} and form.rows == []


@pytest.mark.libreoffice
@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_form_saved_as_pdf_reads_back(tmp_path):
    """Applicants often send the completed form as a PDF: the reader works on the document model."""
    from forms.pdf import docx_to_pdf

    out = build_form("jinzhi", BUNDLES["jinzhi"], DECLARED, None, tmp_path / "f.docx")
    form = _read(docx_to_pdf(out.path).read_bytes(), "申请书.pdf")
    assert form.scheme == "jinzhi"
    v = {k: f.value for k, f in form.fields.items()}
    assert v["org_name"] == BUNDLES["jinzhi"][0]["fields"]["org_name"]["value"]
    assert v["uscc"] == "91120116MA05K1XM8B" and v["contact_person"] == "李晓梅"
    assert _named(form, "jinzhi")["declarations"] == {"jinzhi.4.3": True}


def test_form_typed_in_word_counts_in_the_next_check(tmp_path):
    """Through the CLI: `intake form` → edited in Word → `intake check` with the form as a file.
    The membership typed into the form meets 第四条; the extractor recognises the form by itself."""
    import json

    from click.testing import CliRunner

    from cli import cli

    out = build_form("nonferrous", BUNDLES["nonferrous"], {}, None, tmp_path / "f.docx")
    before = tmp_path / "blank.docx"
    before.write_bytes(out.path.read_bytes())
    filled = tmp_path / "申请书.docx"
    filled.write_bytes(fill_in(out.path, {"中国有色金属工业协会会员单位（是/否）": "是"}, {}))

    def art4(path):
        r = CliRunner().invoke(cli, ["check", "--scheme", "nonferrous", "--as-of", "2024-08-01", str(path), "--json"])
        assert r.exit_code == 0, r.output
        report = json.loads(r.stdout)
        assert report["documents"][0]["type"] == "application_form"
        return next(i for i in report["items"] if i["id"] == "nonferrous.art4")["status"]

    assert art4(before) == "missing"
    assert art4(filled) == "met"


def test_a_wrong_value_typed_in_the_form_is_a_warning_not_a_failure(tmp_path):
    from checklists import load_scheme
    from intake.precheck import declared_facts

    form_doc = {
        "file": "申请书.docx",
        "type": "application_form",
        "error": None,
        "fields": {"target_level": {"value": "金牌"}, "association_member": {"value": True}},
    }
    facts, warnings = declared_facts(load_scheme("nonferrous"), [form_doc], {"sector": "manufacturing"})
    assert facts["association_member"] is True and "target_level" not in facts
    assert any("金牌" in w for w in warnings)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_answered_row_comes_back_as_its_item(tmp_path, scheme):
    """Every item row answered in Word reads back as the item it prints, for every scheme — rows that
    share a clause (津质精品 3.1, 追溯 三（二）1) told apart by their requirement."""
    from forms.specs import scheme_spec

    items = scheme_spec(scheme)["items"]
    answers = {it["id"]: ("是" if n % 2 else "否") for n, it in enumerate(items)}
    selfs = {it["id"]: ("40%-60%", str(n)) for n, it in enumerate(items) if "points" in it}
    out = build_form(scheme, BUNDLES[scheme], {}, None, tmp_path / "f.docx")
    named = _named(_read(fill_in(out.path, {}, answers, selfs)), scheme)
    assert named["declarations"] == {i: a == "是" for i, a in answers.items()}
    assert named.get("self_assessment", {}) == {i: {"band": "40%-60%", "score": int(s)} for i, (_, s) in selfs.items()}


def _edit_rows(path, edits: dict[str, tuple[str, str, str]]) -> bytes:
    """What a person may do to a row in Word: retype its clause and requirement, and answer it.
    `edits`: the clause as printed → (new clause, new requirement or "" to keep it, the answer)."""
    import io

    import docx

    d = docx.Document(str(path))
    t = table_with_header(d, "条目")
    for row in t.rows[1:]:
        cells = row.cells
        if cells[0].text in edits:
            clause, requirement, answer = edits[cells[0].text]
            cells[0].text = clause
            if requirement:
                cells[1].text = requirement
            cells[6].text = answer
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_rows_retyped_with_other_spaces_and_full_width_punctuation_still_name_their_items(tmp_path):
    out = build_form("nonferrous", BUNDLES["nonferrous"], {}, None, tmp_path / "f.docx")
    data = _edit_rows(
        out.path,
        {
            "第五条（五）": (
                "第五条(五) ",
                "第五条 (五)  近三年内无重大用户质量投诉、未发生质量安全及环保等责任事故,"
                "近三年国家或省级监督抽查无不合格记录",
                "是",
            ),
            "第六条（三）": (" 第六条（三）", "", "否"),
        },
    )
    facts, warnings = form_facts("nonferrous", [_read(data).document_facts().to_json()])
    assert warnings == [] and facts["declarations"] == {"nonferrous.art5.5": True, "nonferrous.art6.3": False}
    out = build_form("credit", BUNDLES["credit"], {}, None, tmp_path / "c.docx")
    data = _edit_rows(out.path, {"4 b": ("４　ｂ", "", "是")})  # typed with a full-width keyboard
    assert _named(_read(data), "credit")["declarations"] == {"credit.4.b": True}


def test_a_row_whose_clause_is_unknown_ambiguous_or_contradicted_is_not_guessed_and_says_so(tmp_path):
    """津质精品 3.1 prints two rows: a 3.1 row whose requirement matches neither is not counted; nor is a
    clause the scheme does not have, nor a row whose clause and requirement are two different items. The
    pre-check says which rows, in Chinese, and those items stay unanswered. A clause only one item has
    still names it with its requirement reworded."""
    from formbundles import as_read

    from intake.precheck import precheck

    out = build_form("jinzhi", BUNDLES["jinzhi"], {}, None, tmp_path / "f.docx")
    data = _edit_rows(
        out.path,
        {
            "3.1": ("3.1", "3.1 产品及注册情况", "是"),  # both 3.1 rows retyped alike: which one is meant?
            "4 第3项": ("4 第9项", "", "是"),  # no such clause
            "4 第4项": ("4 第5项", "", "是"),  # 4 第5项's number, 4 第4项's requirement
            "11.1 b)": ("11.1 b)", "11.1 b) 近三年未被暂停、撤销证书", "是"),  # reworded, the clause is 11.1's alone
        },
    )
    form = _read(data).document_facts().to_json()
    facts, warnings = form_facts("jinzhi", [form])
    assert facts["declarations"] == {"jinzhi.11.1": True}
    assert len(warnings) == 4, warnings
    assert sum("“3.1”" in w and "2项要求" in w for w in warnings) == 2
    assert any("“4 第9项”" in w and "不是本方案的条款" in w for w in warnings)
    assert any("“4 第5项”" in w and "分属本方案的两个条款" in w for w in warnings)
    assert all(w.startswith("申请书.docx：") and "未计入" in w and "jinzhi." not in w for w in warnings)
    result = precheck("jinzhi", as_read([*BUNDLES["jinzhi"], form]), as_of="2025-06-01")
    assert set(warnings) <= set(result.warnings)
    assert result.facts["declarations"] == {"jinzhi.11.1": True}
    status = {i.id: i.status for i in result.evaluation.items}
    assert status["jinzhi.4.3"] == status["jinzhi.4.4"] == "missing"
    assert status["jinzhi.11.1"] != "missing"


def test_a_reading_stored_while_forms_printed_item_ids_still_counts():
    """A form read before this change was stored with its declarations by item id: the case keeps them."""
    stored = {
        "file": "申请书.docx",
        "type": "application_form",
        "error": None,
        "fields": {"declarations": {"value": {"jinzhi.4.3": True}, "page": None, "text": "", "confidence": 1.0}},
    }
    assert form_facts("jinzhi", [stored]) == ({"declarations": {"jinzhi.4.3": True}}, [])
