"""Helpers for the assistant tests: `intake extract`-shaped documents as the readers would
return them (the contract's JSON, not binary fixtures), and a driver that answers whatever
the assistant asks the way a cooperative applicant would."""

from __future__ import annotations

import hashlib
from datetime import date

PROVINCE = {"jinzhi": "天津市", "jiangsu": "江苏省", "nonferrous": "北京市", "credit": "北京市", "trace": "浙江省"}
ORG = "某某精工科技有限公司"
USCC = "91320100717800000N"  # check digit computed with python-stdnum


def field(value, text=None, page=1, confidence=0.98):
    return {"value": value, "page": page, "text": text or str(value), "confidence": confidence}


def document(doc_type: str, scheme: str, as_of: date, **overrides) -> dict:
    """A well-formed, favourable document of `doc_type` for `scheme`, valid on `as_of`."""
    later = date(as_of.year + 2, 12, 31).isoformat()
    earlier = date(as_of.year - 1, 3, 1).isoformat()
    y1, y2 = as_of.year - 1, as_of.year - 2
    f = {"org_name": field(ORG, f"名称 {ORG}")}
    if doc_type == "business_license":
        f |= {
            "uscc": field(USCC),
            "province": field(PROVINCE.get(scheme, "北京市")),
            "address": field(PROVINCE.get(scheme, "北京市") + "某区某路1号"),
            "established": field("2010-05-01", "成立日期 2010年05月01日"),
            "legal_rep": field("张三"),
        }
    elif doc_type == "test_report":
        f |= {
            "cert_number": field("WT2024-001"),
            "issued": field(earlier),
            "standard": field("GB/T 3190-2020"),
            "indicators": field(
                [
                    {
                        "name": "抗拉强度",
                        "requirement": "≥200",
                        "measured": "240",
                        "unit": "MPa",
                        "verdict": "合格",
                        "margin": 0.2,
                    }
                ]
            ),
        }
    elif doc_type == "satisfaction_report":
        f |= {
            "satisfaction_score": field(90.0, "综合满意度 90.0 分"),
            "issued": field(earlier),
            "issuer": field("中国质量协会授权测评机构"),
        }
    elif doc_type == "financial_statement":
        f |= {
            "revenue": field({str(y1): 350_000_000, str(y2): 320_000_000}),
            "net_profit": field({str(y1): 12_000_000, str(y2): 9_000_000}),
            "issued": field(earlier),
        }
    elif doc_type == "patent_certificate":
        f |= {"cert_number": field("ZL202010000000.1"), "patent_type": field("发明"), "issued": field(earlier)}
    else:
        f |= {
            "cert_number": field(f"{doc_type.upper()}-2024-01"),
            "issued": field(earlier),
            "valid_until": field(later, f"有效期至 {later}"),
        }
        if doc_type == "cnas_certificate":
            f["lab_number"] = field("CNAS L1234")
    for k, v in overrides.items():
        f[k] = v
    sha = hashlib.sha256(f"{doc_type}{sorted(overrides)}".encode()).hexdigest()
    return {
        "file": f"{doc_type}.pdf",
        "sha256": sha,
        "type": doc_type,
        "type_confidence": 0.95,
        "pages": 1,
        "ocr": False,
        "error": None,
        "fields": f,
        "warnings": [],
    }


NUMBER_ANSWERS = {
    "分": "90分",
    "fraction": "98%",
    "%": "98%",
    "亩": "2000亩",
    "元": "3亿元",
    "万元": "3亿元",
    "头": "20000头",
    "羽": "200000羽",
    "吨": "800吨",
    "年": "5年",
}


def answer_for(ask: dict, choices: dict | None = None) -> str:
    """What a cooperative applicant says to `ask`."""
    choices = choices or {}
    kind = ask["kind"]
    if ask["key"] in choices:
        return choices[ask["key"]]
    if kind == "yes_no":  # the favourable answer to the question as asked (its polarity)
        return "没有" if ask.get("polarity") == "negative" else "是"
    if kind == "choice":
        return ask["choices"][0]["label"]
    if kind == "number":
        return NUMBER_ANSWERS.get(ask.get("unit") or "", "100")
    if kind == "date":
        return "2015-03-01"
    if kind == "confirm":
        return "对"
    if kind == "scale":
        first = next(iter(ask["categories"]))
        return f"{first} 20000{ask['categories'][first]}"
    return "示例"


def drive(assistant, as_of: date, choices: dict | None = None, max_turns: int = 120) -> tuple[list, object]:
    """Answer every question until the interview is complete; return (transcript, last reply)."""
    transcript = []
    reply = assistant.reply("你好")
    transcript.append(("你好", reply.text))
    for _ in range(max_turns):
        ask = reply.question
        if ask is None:
            return transcript, reply
        if ask["kind"] == "upload":
            doc = document(ask["doc_type"], assistant.scheme_id, as_of)
            reply = assistant.on_upload(doc)
            transcript.append((f"[上传 {ask['doc_type']}]", reply.text))
        else:
            msg = answer_for(ask, choices)
            reply = assistant.reply(msg)
            transcript.append((msg, reply.text))
    raise AssertionError("interview did not finish:\n" + "\n".join(f"> {m}\n{t}" for m, t in transcript[-6:]))
