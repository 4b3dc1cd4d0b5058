"""Realistic evidence bundles for the forms tests, as `intake extract` objects (what the
extractors produce), one per scheme, plus helpers to look inside generated DOCX files."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

from extractors.application_form import FORM_CODE
from extractors.facts import DocumentFacts
from forms.specs import scheme_spec


def as_read(docs: list[dict]) -> list[DocumentFacts]:
    """`intake extract` objects as the pre-check takes documents (as a store loads its readings)."""
    return [DocumentFacts.from_json(d) for d in docs]


def doc(file: str, type_: str, pages: int = 1, error: str | None = None, **fields) -> dict:
    out = {}
    for k, v in fields.items():
        conf = 1.0
        if isinstance(v, tuple):
            v, conf = v
        out[k] = {"value": v, "page": 1, "text": f"{k} {v}", "confidence": conf}
    return {
        "file": file,
        "sha256": "0" * 64,
        "type": type_,
        "type_confidence": 0.9,
        "pages": pages,
        "ocr": False,
        "error": error,
        "fields": out,
        "warnings": [],
    }


def license_(name: str, uscc: str, address: str, province: str, established: str = "2012-05-16") -> dict:
    return doc(
        "营业执照.pdf",
        "business_license",
        org_name=name,
        uscc=uscc,
        address=address,
        province=province,
        legal_rep="王建国",
        established=established,
    )


TJ = "天津市海河精密机械有限公司"
JS = "江苏苏锦家纺股份有限公司"
NF = "江西赣铜新材料股份有限公司"

BUNDLES = {
    "jinzhi": [
        license_(TJ, "91120116MA05K1XM8B", "天津市滨海新区黄海路8号", "天津市"),
        doc(
            "质量体系证书.pdf",
            "qms_certificate",
            org_name=TJ,
            cert_number="00124Q31234R2M",
            standard="GB/T 19001-2016",
            valid_until="2026-03-31",
            issuer="中质协质量保证中心",
        ),
        doc(
            "检验报告.pdf",
            "test_report",
            org_name=TJ,
            cert_number="TJ2024-0815",
            scope="精密齿轮",
            standard="GB/T 10095.1-2022",
            issued="2024-06-01",
        ),
        doc("专利证书.pdf", "patent_certificate", org_name=TJ, cert_number="ZL202210123456.7", patent_type="发明"),
    ],
    "credit": [
        license_(TJ, "91120116MA05K1XM8B", "天津市滨海新区黄海路8号", "天津市"),
        doc("质量体系证书.pdf", "qms_certificate", org_name=TJ, cert_number="00124Q31234R2M", valid_until="2026-03-31"),
        doc("信用报告.pdf", "credit_report", org_name=TJ, issued="2025-01-10"),
    ],
    "nonferrous": [
        license_(NF, "91360100MA35F2JD4T", "江西省南昌市青山湖区民营科技园", "江西省", "2008-09-01"),
        doc("QMS.pdf", "qms_certificate", org_name=NF, cert_number="00123Q2001", valid_until="2026-12-01"),
        doc("EMS.pdf", "ems_certificate", org_name=NF, cert_number="00123E2002", valid_until="2024-03-31"),
        doc("CNAS.pdf", "cnas_certificate", org_name=NF, lab_number="CNAS L1234", valid_until="2027-05-01"),
        doc("满意度.pdf", "satisfaction_report", org_name=NF, satisfaction_score=(82.5, 0.62)),
        doc("扫描件.pdf", "other", pages=0, error="扫描件.pdf: 文件已损坏"),
    ],
    "jiangsu": [
        license_(JS, "91320500MA1XQ7GH0N", "江苏省苏州市吴江区盛泽镇", "江苏省", "2010-01-08"),
        doc(
            "商标注册证.pdf", "trademark_certificate", org_name=JS, cert_number="第12345678号", valid_until="2030-06-27"
        ),
        doc(
            "审计报告.pdf",
            "financial_statement",
            org_name=JS,
            revenue={"2023": 180000000, "2024": 210000000},
            net_profit={"2023": 9000000, "2024": 12000000},
        ),
    ],
    "trace": [
        license_(TJ, "91120116MA05K1XM8B", "天津市滨海新区黄海路8号", "天津市"),
        doc(
            "生产许可证.pdf",
            "production_license",
            org_name=TJ,
            cert_number="XK06-001-00123",
            scope="电线电缆",
            valid_until="2027-08-01",
        ),
    ],
}

DECLARED = {
    "form": {
        "contact_person": "李晓梅",
        "phone": "022-66881234",
        "email": "lixm@example.com",
        "grade_spec": "M2-M8",
        "product": "精密齿轮",
    },
    "declarations": {"jinzhi.4.3": True},
}


def open_docx(data_or_path) -> docx.document.Document:
    if isinstance(data_or_path, (bytes, bytearray)):
        return docx.Document(io.BytesIO(data_or_path))
    return docx.Document(str(data_or_path))


def kv_rows(d) -> dict[str, tuple[str, str, str]]:
    """label → (value, fill, note) of the 3-column key–value tables (项目 | 填写内容 | 说明)."""
    out = {}
    for t in d.tables:
        if [c.text for c in t.rows[0].cells][:2] != ["项目", "填写内容"]:
            continue
        for row in t.rows[1:]:
            cells = row.cells
            out[cells[0].text] = (cells[1].text, fill_of(cells[1]), cells[2].text)
    return out


def fill_of(cell) -> str:
    shd = cell._element.tcPr.find(qn("w:shd")) if cell._element.tcPr is not None else None
    return (shd.get(qn("w:fill")) if shd is not None else "") or ""


def table_with_header(d, first: str):
    for t in d.tables:
        if t.rows[0].cells[0].text == first:
            return t
    raise AssertionError(f"no table headed {first!r}")


def all_text(d) -> str:
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def rows_by_item(d, table) -> dict[str, list]:
    """item id → the cells of its row in an item table (逐项符合情况 or 自评表), found as a person finds a row:
    by the clause (条目) and the requirement (条款及要求 / 指标) it prints — the form prints no id."""
    scheme = FORM_CODE.search(d.core_properties.keywords or "").group(1)
    out = {}
    for it in scheme_spec(scheme)["items"]:
        for row in table.rows[1:]:
            cells = row.cells
            if cells[0].text == it["clause"] and cells[1].text in (f"{it['clause']} {it['title']}", it["title"]):
                out[it["id"]] = cells
    return out


def fill_in(
    path, values: dict[str, str], declarations: dict[str, str], selfs: dict[str, tuple[str, str]] | None = None
):
    """What an applicant does in Word: type into the value cells and the item rows, then save."""
    selfs = selfs or {}
    d = docx.Document(str(path))
    for t in d.tables:
        header = [c.text for c in t.rows[0].cells]
        if header[:2] == ["项目", "填写内容"]:
            for row in t.rows[1:]:
                if row.cells[0].text in values:
                    row.cells[1].text = values[row.cells[0].text]
        elif header[0] == "条目":
            rows = rows_by_item(d, t)
            for item_id, typed in declarations.items():
                if "申请人声明" in header and item_id in rows:
                    rows[item_id][header.index("申请人声明")].text = typed
            for item_id, (band, score) in selfs.items():
                if "自评档" in header and item_id in rows:
                    rows[item_id][header.index("自评档")].text = band
                    rows[item_id][header.index("自评分")].text = score
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
