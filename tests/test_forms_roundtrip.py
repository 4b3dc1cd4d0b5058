"""Round trip: generate a form, complete it as a user would in Word, read it back → the same facts."""

from __future__ import annotations

import pytest
from docgen import Grid, docx_bytes
from formbundles import BUNDLES, DECLARED, fill_in, kv_rows, open_docx, table_with_header

from extractors.application_form import facts_from_documents, read_application_form
from extractors.read import read_document
from forms.application import build_form, form_context
from forms.specs import SCHEMES


def _read(data: bytes, name="申请书.docx"):
    return read_application_form(read_document(data, name))


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
        assert form.declarations == {"jinzhi.4.3": True}


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
    assert form.facts["declarations"] == {"nonferrous.art5.5": True}
    assert form.contract_facts() == {
        "applicant": form.facts["applicant"],
        "product": "高精度铜板带",
        "target_level": "优质品牌",
        "association_member": True,
        "declarations": {"nonferrous.art5.5": True},
    }


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
    assert form.declarations == {"jiangsu.art8.1.2": False}
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
    assert form.self_assessment == {
        "credit.5.1.1.a": {"band": "60%-80%", "score": 4.5},
        "credit.5.2.g": {"band": "80%-100%", "score": 2},
    }
    assert form.declarations == {"credit.4.b": True}
    # the next form shows what they assessed
    again = build_form("credit", BUNDLES["credit"] + [form.document_facts().to_json()], {}, None, tmp_path / "g.docx")
    selfs = [t for t in open_docx(again.path).tables if t.rows[0].cells[-2].text == "自评档"][0]
    row = [r for r in selfs.rows if r.cells[0].text.split()[-1:] == ["credit.5.1.1.a"]][0]
    assert (row.cells[4].text, row.cells[5].text) == ("60%-80%", "4.5")


def test_uploaded_form_feeds_the_next_form(tmp_path):
    out = build_form("jinzhi", BUNDLES["jinzhi"], {}, None, tmp_path / "f.docx")
    form = _read(fill_in(out.path, {"联系人": "陈强", "申报类别/等级": "机械零部件"}, {"jinzhi.4.4": "是"}))
    docs = BUNDLES["jinzhi"] + [form.document_facts().to_json()]
    assert facts_from_documents(docs)["declarations"] == {"jinzhi.4.4": True}
    again = build_form("jinzhi", docs, {}, None, tmp_path / "g.docx")
    d = open_docx(again.path)
    assert kv_rows(d)["联系人"][0] == "陈强"
    rows = {r.cells[0].text.split()[-1]: r.cells for r in table_with_header(d, "条目").rows[1:]}
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
    assert form.scheme == "trace" and form.fields == {} and form.declarations == {}


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
    assert form.declarations == {"jinzhi.4.3": True}


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
