"""One list per capability, declared by its owner: what the web accepts is what `intake extract` reads."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docgen import image_bytes, pdf_bytes
from formbundles import as_read, license_
from web_helpers import make_client, open_case, upload

from cli import cli
from forms.specs import SCHEMES

MHT = (
    b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b1"\r\n\r\n--b1\r\n'
    b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
    b"<html><body><p>=E8=90=A5=E4=B8=9A=E6=89=A7=E7=85=A7</p></body></html>\r\n--b1--\r\n"
)


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


BUNDLES_LICENCE = license_("天津某某科技有限公司", "91120116MA05K1XM8B", "天津市滨海新区黄海路8号", "天津市")

SAMPLES = {
    "营业执照.doc": "<html><body><table><tr><td>名称</td><td>天津某某科技有限公司</td></tr></table></body></html>".encode(),
    "申请表.doc": MHT,
    "说明.html": "<!DOCTYPE html><html><body><p>质量管理体系认证证书</p></body></html>".encode(),
    "执照.pdf": pdf_bytes(["营业执照", "名称 天津某某科技有限公司"]),
    "照片.png": image_bytes(),
    "说明.txt": "营业执照 名称 天津某某科技有限公司".encode(),
    "财务.xlsx": _xlsx(),
    "tool.exe": b"MZ\x90\x00" + b"\0" * 100,
}


def test_the_web_accepts_a_file_exactly_when_intake_extract_reads_it(tmp_path):
    for name, data in SAMPLES.items():
        (tmp_path / name).write_bytes(data)
    r = CliRunner().invoke(cli, ["extract", "--json", *(str(tmp_path / n) for n in SAMPLES)])
    read = {d["file"].rsplit("/", 1)[-1]: d["error"] is None for d in json.loads(r.stdout)}
    assert read["营业执照.doc"] and read["申请表.doc"] and not read["财务.xlsx"]  # the samples span both sides

    client = make_client(tmp_path)
    case = open_case(client)
    answer = upload(client, case["id"], list(SAMPLES.items()))
    accepted = {f["file"]: f["error"] is None for f in answer.json()["files"]}
    assert accepted == read


def test_a_form_for_a_scheme_added_as_data_keeps_its_declarations(tmp_path, monkeypatch):
    """The sample scheme (tests/schemes/sample, data only): 是 typed in an item row reads back and counts."""
    from formbundles import as_read, fill_in, license_

    from extractors.extract import extract_facts
    from extractors.read import read_document
    from forms.application import build_form
    from forms.itemrows import form_facts
    from intake.precheck import precheck

    monkeypatch.setenv("INTAKE_SCHEMES_PATH", str(Path(__file__).parent / "schemes"))
    licence = license_("浙江某某有限公司", "91330100MA27XL0E2T", "浙江省杭州市某路1号", "浙江省")
    out = build_form("sample", [licence], {}, None, tmp_path / "f.docx")
    data = fill_in(out.path, {}, {"sample.art3": "是"})
    form = extract_facts(read_document(data, "申请书.docx")).to_json()
    typed, unnamed = form_facts("sample", [form])
    assert typed["declarations"] == {"sample.art3": True} and unnamed == []
    before = precheck("sample", as_read([licence]), as_of="2026-01-01").to_json()
    after = precheck("sample", as_read([licence, form]), as_of="2026-01-01").to_json()
    status = {r["id"]: r["status"] for r in after["items"]}
    assert {r["id"]: r["status"] for r in before["items"]}["sample.art3"] == "missing"
    assert status["sample.art3"] != "missing"


def test_the_desk_and_the_register_order_clauses_the_same_way(tmp_path):
    from comment_sheets import draft_markdown

    from intake import comments as C
    from intake.comments import desk
    from intake.store.blobs import BlobStore
    from intake.store.db import open_db

    db, blobs = open_db(tmp_path), BlobStore(tmp_path)
    draft = C.publish_draft(db, blobs, draft_markdown(), "draft.md")
    clauses = ["10.1", "前言", "5.2", "全文", "4.1", "附录A", "4.1a"]
    C.submit_online(db, draft.id, "某协会", [{"clause": c, "comment": f"关于{c}的意见"} for c in clauses])
    shown = [clause for clause, _title, _rows in desk.register_view(db, draft.id)["by_clause"]]
    registered = list(C.register_data(db, draft.id).summary["per_clause"])
    assert shown == registered
    assert shown[:2] == ["全文", "前言"] and shown.index("4.1") < shown.index("5.2") < shown.index("10.1")


@pytest.mark.parametrize("scheme", [*SCHEMES, "sample"])
def test_a_blank_or_partly_filled_generated_form_reads_back_no_prompts_as_values(tmp_path, monkeypatch, scheme):
    """The yellow prompts and the gap list are the service's words: reading the form back takes
    only what the applicant typed."""
    from formbundles import fill_in

    from extractors.extract import extract_facts
    from extractors.read import read_document
    from forms.application import build_form

    monkeypatch.setenv("INTAKE_SCHEMES_PATH", str(Path(__file__).parent / "schemes"))
    out = build_form(scheme, [], {}, None, tmp_path / "f.docx")
    blank = extract_facts(read_document(out.path.read_bytes(), "申请书.docx"))
    assert blank.type == "application_form" and blank.fields == {}
    partly = extract_facts(read_document(fill_in(out.path, {"联系人": "李晓梅"}, {}), "申请书.docx"))
    assert {k: f.value for k, f in partly.fields.items()} == {"contact_person": "李晓梅"}


def test_a_received_document_is_summed_up_in_the_vocabularys_words():
    from checklists.vocabulary import FIELD_NAMES
    from intake.assistant.interview import describe_document

    doc = BUNDLES_LICENCE
    text = describe_document(doc)
    shown = [k for k in doc["fields"] if FIELD_NAMES.get(k) and FIELD_NAMES[k] in text]
    assert shown and all(k not in text for k in doc["fields"])  # names, never internal keys


def test_the_report_and_the_counter_compare_organisation_names_alike():
    """One comparison of names: what the engine takes for the licence's holder, the case page's
    cross-check does not flag, and the other way round."""
    from intake.cases.crosscheck import cross_checks
    from intake.precheck import precheck

    licence = BUNDLES_LICENCE
    name = licence["fields"]["org_name"]["value"]
    for variant, same in ((name.replace("科技", "科技·"), True), ("天津某某贸易有限公司", False)):
        cert = {**licence, "file": "质量体系证书.pdf", "type": "qms_certificate", "fields": {}}
        cert["fields"] = {"org_name": {**licence["fields"]["org_name"], "value": variant}}
        items = precheck("jinzhi", as_read([licence, cert]), as_of="2025-06-01").to_json()["items"]
        warned = any(f"“{variant}”" in w for item in items for w in item.get("warnings") or [])
        report = {"documents": [{**licence, "state": "read"}]}
        flagged = bool(cross_checks(variant, "", report))
        assert warned == flagged == (not same), variant
