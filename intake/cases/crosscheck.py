"""Cross-checks a person at the counter would make: the applicant's name as typed against the
business licence, the product as typed against the test report's sample. Each mismatch is one
请核对 with both values and where the read one stands; `particulars` is the one value the gap
report and the pre-filled form both print (the licence's legal name when one was read)."""

from __future__ import annotations

from extractors.text import name_key as _norm


def _read(report: dict, doc_type: str, fields: tuple[str, ...]) -> list[dict]:
    """Values of `fields` (first found) on the read documents of `doc_type`, with their place."""
    out = []
    for d in report.get("documents") or []:
        if d.get("state") != "read" or d.get("type") != doc_type:
            continue
        for name in fields:
            f = (d.get("fields") or {}).get(name)
            if isinstance(f, dict) and f.get("value"):
                out.append(
                    {
                        "value": str(f["value"]),
                        "file": d.get("file"),
                        "document_id": d.get("document_id"),
                        "page": f.get("page"),
                        "text": f.get("text"),
                    }
                )
                break
    return out


def licence_name(report: dict) -> dict | None:
    found = _read(report, "business_license", ("org_name",))
    return found[0] if found else None


def cross_checks(applicant: str, product: str, report: dict) -> list[dict]:
    out = []
    lic = licence_name(report)
    if applicant and lic and _norm(applicant) != _norm(lic["value"]):
        out.append(
            {
                "what": "申请单位名称",
                "field": "applicant",
                "typed": applicant,
                "read": lic["value"],
                "source": "营业执照",
                **{k: lic[k] for k in ("file", "document_id", "page")},
                "hint": "申请书和差距报告按营业执照上的名称填写；如营业执照是旧名称，请上传变更后的营业执照。",
            }
        )
    if product:
        for s in _read(report, "test_report", ("scope",)):
            a, b = _norm(product), _norm(s["value"])
            if a and b and a not in b and b not in a:
                out.append(
                    {
                        "what": "申报产品",
                        "field": "product",
                        "typed": product,
                        "read": s["value"],
                        "source": "检验检测报告的样品",
                        **{k: s[k] for k in ("file", "document_id", "page")},
                        "hint": "检验检测报告应针对申报产品；如报告的样品不是申报产品，请补充相应的报告。",
                    }
                )
    return out


def particulars(applicant: str, product: str, report: dict) -> dict:
    """The names both generated documents print: the licence's name when read, else the typed one."""
    lic = licence_name(report)
    out = {"org_name": lic["value"] if lic else applicant, "product": product}
    return {k: v for k, v in out.items() if v}
