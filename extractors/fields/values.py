"""Value checkers: each takes the text found beside a label and returns the cleaned value
and a factor for the confidence, or None when the text is not such a value."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..text import normalize
from .dates import LONG_TERM, find_dates, find_range, open_range


@dataclass
class Checked:
    value: Any
    factor: float = 1.0
    extra: dict = field(default_factory=dict)


ORG_SUFFIX = re.compile(
    r"(有限责任公司|股份有限公司|有限公司|公司|集团|厂|研究院|研究所|院|所|中心|协会|学会|大学|学院|局|委员会|"
    r"站|社|合作社|事务所|部|行|店|馆|处|办公室|实验室|商会|联合会|政府)$"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TRAILING_SEAL = re.compile(r"[(（]?\s*(?:盖章|公章|签章|章|印章|签字|签名|单位公章|盖公章)\s*[)）]?$")
_EDGE_PUNCT = " :：;；,，。.、|/-—_"

LAB = re.compile(r"CNAS\s*(?:No\.?|NO\.?|编号|注册号)?\s*[:：]?\s*([A-Z]{1,2})\s?(\d{3,5})")
PATENT_TYPES = ("实用新型", "外观设计", "发明")


def clean_text(s: str) -> str:
    return normalize(s).strip(_EDGE_PUNCT)


# an English holder or issuer: `Chengdu Shuxin Precision Mould Co., Ltd.`
EN_ORG = re.compile(
    r"^[A-Z][A-Za-z0-9&'().,\- ]{2,120}?(?i:Co\.?\s?,?\s?Ltd\.?|Company Limited|Limited|Corporation|Corp\.|Inc\.?|LLC|"
    r"GmbH|Group|Centre|Center|Institute|Laboratory|University|Association|Service for Conformity Assessment)$"
)


_HOLDER_END = re.compile(r"(?:有限责任公司|股份有限公司|有限公司|集团公司|公司|\(有限合伙\)|\(普通合伙\))")


@lru_cache(maxsize=1)
def _authority() -> re.Pattern:
    from .labels import load_spec  # labels imports this module: resolved at the first call

    return re.compile("^(?:" + "|".join(load_spec().get("authorities") or ["(?!)"]) + ")$")


def split_issuer(v: str) -> tuple[str, str | None]:
    """`上海浦江汇融证券股份有限公司中国证监会` → (the holder, the issuer printed beside it)."""
    for m in _HOLDER_END.finditer(v):
        rest = v[m.end() :].strip(_EDGE_PUNCT)
        if rest and _authority().match(rest):
            return v[: m.end()], rest
    return v, None


def _unbalanced_brackets(s: str) -> str:
    """`(法人:某某有限公司)` read from `(` to `)` gives `某某有限公司)`: the bracket belongs to the caption."""
    s = s.strip()
    for o, c in ("()", "（）"):
        if s.endswith(c) and s.count(o) < s.count(c):
            s = s[:-1].rstrip()
    return s


def check_org(s: str, **_) -> Checked | None:
    s = _unbalanced_brackets(normalize(s))
    v = clean_text(s)
    if not _CJK.search(v):
        v = normalize(s).strip(" :;,")  # `Co., Ltd.` keeps its full stop
        return Checked(v) if EN_ORG.match(v) else None
    v, beside = split_issuer(v)
    v = _TRAILING_SEAL.sub("", v).strip(_EDGE_PUNCT)
    v = re.sub(r"^[(（]\s*(?:盖章|公章)\s*[)）]", "", v).strip(_EDGE_PUNCT)
    head = v.split(" ")[0]
    if head != v and ORG_SUFFIX.search(head) and len(head) >= 4:
        v = head  # `某某有限公司 2023年度`: the name ends at its suffix
    if not (2 <= len(v) <= 80) or not _CJK.search(v) or ":" in v or v[0].isdigit():
        return None
    if re.fullmatch(r"[\u4e00-\u9fff]{1,4}", v) and not ORG_SUFFIX.search(v):
        return None  # a word, not a name
    return Checked(v, 1.0 if ORG_SUFFIX.search(v) else 0.7, {"issuer_beside": beside} if beside else {})


def check_person(s: str, **_) -> Checked | None:
    v = _TRAILING_SEAL.sub("", clean_text(s)).strip(_EDGE_PUNCT)
    m = re.match(r"^([\u4e00-\u9fff·]{2,6})(?:\s|$)", v)
    if not m:
        return None
    return Checked(m.group(1), 1.0 if len(m.group(1)) <= 4 else 0.8)


# a postcode or a telephone number glued to the end of an address: `…166号邮编:610000`, `…88号027-84561234`
_ADDRESS_TAIL = re.compile(
    r"(?<=[\u4e00-\u9fff\d)）])\s*[,，;；]?\s*(?:(?:邮编|邮政编码|Post\s?code|P\.?C\.?)\s*[:：]?\s*[\dOoIl()（）]{4,8}|"
    r"(?<=[\u4e00-\u9fff])[,，]\s*\d{6}|"
    r"(?:电话|联系电话|Tel\.?|TEL)?\s*[:：]?\s*(?:\(?0\d{2,3}\)?\s?-?\s?\d{7,8}|1[3-9]\d{9}))\s*$"
)
_EN_ADDRESS = re.compile(
    r"\b(?:Road|Rd\.|Street|St\.|Avenue|Ave\.|District|Zone|Park|Town|Village|Province|City|China|"
    r"Building|Block|Room|Floor|Lane|Industrial)\b",
    re.I,
)


def check_address(s: str, **_) -> Checked | None:
    v = re.sub(r"^(?:邮编\s*[:：]?\s*)?\d{6}\s+(?=[\u4e00-\u9fff])", "", clean_text(s))  # a postcode before it
    for _tail in range(2):  # a postcode and a telephone
        v = _ADDRESS_TAIL.sub("", v).strip(_EDGE_PUNCT)
    if not _CJK.search(v):
        return Checked(v) if len(v) >= 8 and _EN_ADDRESS.search(v) and re.search(r"\d", v) else None
    if len(v) < 4:
        return None
    return Checked(v, 1.0 if re.search(r"[省市区县路街道号镇村园弄巷里]", v) else 0.6)


def check_text(s: str, **_) -> Checked | None:
    v = clean_text(s)
    return Checked(v) if len(v) >= 2 else None


def check_number(s: str, **_) -> Checked | None:
    v = re.sub(r"^(?:No|NO|no)\s*[.:]?\s*(?=[A-Za-z0-9(])", "", clean_text(s))
    if re.match(r"^\d{1,5}\s+[A-Za-z]", v) and _EN_ADDRESS.search(v):
        return None  # `No. 35 Huanhai Road, …`: an address, not a number
    m = re.match(
        r"^(?:第\s*)?((?:\([\u4e00-\u9fff]{1,2}\))?[A-Za-z0-9][A-Za-z0-9\-/().:\s]*[A-Za-z0-9)])\s*号?(?:\s|$)", v
    )
    if m and re.search(r"\d", m.group(1)):
        tokens = re.sub(r"\s+", " ", m.group(1)).strip().split(" ")
        kept = tokens[:1]
        for tok in tokens[1:]:  # `00124Q35612R2M Certificate` — an English caption is not the number
            if not (re.search(r"\d", tok) or re.fullmatch(r"[A-Z]{1,3}", tok)):
                break
            kept.append(tok)
        inner = " ".join(kept)
        if inner.endswith(")") and "(" not in inner:
            inner = inner[:-1].rstrip()
        # a trailing CJK word after a space is not part of the number
        return Checked(inner)
    if re.search(r"\d", v) and len(v) <= 40 and not find_dates(v):
        tok = v.split(" ")[0]
        return Checked(tok, 0.85)
    return None


_STANDARDS = Path(__file__).parent.parent / "data" / "standards.yaml"
# number (part .1, IEC-style parts -4-2) and year; no digit may follow either (a longer number is no code)
_CODE_TAIL = (
    r"\s?(?P<num>\d{1,6}(?:[.]\d+)*(?:-\d{1,2}(?=\s?[-—–:]\s?\d))*)(?!\d)"
    r"(?:\s?(?P<sep>[-—–:])\s?(?P<year>\d{2,4})(?!\d))?"
)


@dataclass(frozen=True)
class _StandardSyntax:
    code: re.Pattern  # a code with any prefix
    adopted: re.Pattern  # a joiner and a code with an adopted prefix, matched where the last code ended
    literals: tuple[tuple[re.Pattern, str], ...]  # tolerant form → the prefix as written
    year_required: tuple[re.Pattern, ...]  # prefix families that only count with a year


@lru_cache(maxsize=1)
def _standard_syntax() -> _StandardSyntax:
    """standards.yaml → the regexes (prefixes, OCR confusions and joiners are data)."""
    import yaml

    spec = yaml.safe_load(_STANDARDS.read_text(encoding="utf-8"))
    confusions = {k: str(v) for k, v in (spec.get("ocr_confusions") or {}).items()}

    def tolerant(prefix: str) -> str:
        out = []
        for ch in prefix:
            if ch in confusions:
                out.append("[" + re.escape(ch + confusions[ch]) + "]")
            elif ch in "/-":
                out.append(r"\s?" + re.escape(ch) + r"\s?")
            else:
                out.append(re.escape(ch))
        return "".join(out)

    def alternation(prefixes: list[str], patterns: tuple[str, ...] | list[str] = ()) -> str:
        lit = [tolerant(p) for p in sorted(prefixes, key=len, reverse=True)]
        return "(?:" + "|".join(lit + list(patterns)) + ")"

    start = r"(?<![A-Za-z0-9])"
    families = [p if isinstance(p, dict) else {"re": p} for p in spec.get("prefix_patterns") or []]
    code = re.compile(
        start + "(?P<prefix>" + alternation(spec["prefixes"], [f["re"] for f in families]) + ")" + _CODE_TAIL
    )
    joiners = "|".join(re.escape(j) for j in spec.get("joiners") or ["/"])
    adopted = re.compile(
        r"\s?(?P<join>" + joiners + r")\s?(?P<prefix>" + alternation(spec["adopted_prefixes"]) + ")" + _CODE_TAIL
    )
    literals = tuple((re.compile(tolerant(p)), p) for p in sorted(spec["prefixes"], key=len, reverse=True))
    year_required = tuple(re.compile(f["re"]) for f in families if f.get("year") == "required")
    return _StandardSyntax(code, adopted, literals, year_required)


def _canonical_code(m: re.Match, syntax: _StandardSyntax) -> str:
    prefix = m.group("prefix")
    for rx, written in syntax.literals:
        if rx.fullmatch(prefix):
            prefix = written
            break
    else:
        prefix = re.sub(r"\s+", "", prefix)
    out = f"{prefix} {m.group('num')}"
    if m.group("year"):
        out += (":" if m.group("sep") == ":" else "-") + m.group("year")
    return out


def check_standard(s: str, **_) -> Checked | None:
    """A standard code, written canonically (GB/T19001—2016 → GB/T 19001-2016, IS0 9001 → ISO 9001),
    with any adopted code joined to it (GB/T 19001-2016/ISO 9001:2015)."""
    syntax = _standard_syntax()
    text = normalize(s)
    for m in syntax.code.finditer(text):
        if not re.search(r"\d{3,}", m.group("num") + (m.group("year") or "")):
            continue
        if (
            not m.group("year")
            and any(rx.fullmatch(m.group("prefix")) for rx in syntax.year_required)
            and not any(rx.fullmatch(m.group("prefix")) for rx, _ in syntax.literals)
        ):
            continue
        out, end = _canonical_code(m, syntax), m.end()
        while (a := syntax.adopted.match(text, end)) is not None:
            join = a.group("join")
            out += ("/" if join == "/" else f" {join} ") + _canonical_code(a, syntax)
            end = a.end()
        return Checked(out)
    return None


def check_reg_number(s: str, **_) -> Checked | None:
    """A licence's registration number before the USCC: 15 digits (13 before 2007)."""
    m = re.match(r"^(\d{15}|\d{13})(?!\d)", re.sub(r"\s+", "", normalize(s)))
    return Checked(m.group(1)) if m else None


def check_lab(s: str, **_) -> Checked | None:
    v = normalize(s)
    m = LAB.search(v)
    if m:
        return Checked(f"CNAS {m.group(1)}{m.group(2)}")
    m = re.match(r"^([LIC])\s?(\d{4,5})\b", v)
    if m:
        return Checked(f"CNAS {m.group(1)}{m.group(2)}", 0.9)
    return None


def check_patent_type(s: str, **_) -> Checked | None:
    v = normalize(s)
    for t in PATENT_TYPES:
        if t in v:
            return Checked(t)
    return None


def check_date(s: str, field_name: str = "", **_) -> Checked | None:
    v = normalize(s)
    rng = find_range(v)
    if rng:
        start, end = rng
        if field_name == "valid_until":
            if end is None:
                return Checked(None, 1.0, {"long_term": True, "range_start": start.isoformat()})
            return Checked(end.isoformat(), 1.0, {"range_start": start.isoformat()})
        return Checked(start.isoformat(), 0.9, {"range_end": end.isoformat() if end else None})
    if field_name == "valid_until" and LONG_TERM.match(v):
        return Checked(None, 1.0, {"long_term": True})
    start = open_range(v)
    if start is not None and field_name == "valid_until":
        # the end of the range is unreadable: never its start as the expiry — empty, and said so
        return Checked(None, 1.0, {"end_unreadable": True, "range_start": start.isoformat()})
    found = find_dates(v, compact=True)
    if not found or found[0].start > 12:
        return None
    return Checked(found[0].value.isoformat())


CHECKERS: dict[str, Callable[..., Checked | None]] = {
    "org": check_org,
    "person": check_person,
    "address": check_address,
    "text": check_text,
    "number": check_number,
    "standard": check_standard,
    "lab": check_lab,
    "patent_type": check_patent_type,
    "date": check_date,
    "reg_number": check_reg_number,
    "uscc": lambda s, **_: Checked(normalize(s)) if normalize(s) else None,  # checked in uscc.py
}
