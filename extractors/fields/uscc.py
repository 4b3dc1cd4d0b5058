"""统一社会信用代码 (GB 32100): python-stdnum checks the 18th character; the embedded 9-character
organisation code (characters 9–17) carries its own GB 11714 check digit, which stdnum does not check."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from stdnum.cn import uscc as _uscc

from ..model import Document
from .labels import Finder, Hit

UNLABELLED_PAGES = 10  # an unlabelled code is looked for on the first pages only
_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_TOKEN = re.compile(r"(?<![0-9A-Z])([0-9A-Z]{18})(?![0-9A-Z])")
_LOOSE = re.compile(r"(?<![0-9A-Z])([0-9][0-9A-Z](?:\s?[0-9A-Z]){16})(?![0-9A-Z])")


def org_code_check_digit(body: str) -> str:
    """GB 11714 check character for the 8-character organisation code body."""
    total = sum(int(c, 36) * w for c, w in zip(body.upper(), _WEIGHTS))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def compact(s: str) -> str:
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", s or "")).upper()


@lru_cache(maxsize=4096)
def problem(code: str) -> str | None:
    """Why `code` is not a valid USCC, or None when it is."""
    code = compact(code)
    if len(code) != 18:
        return f"长度为 {len(code)} 位，应为 18 位"
    try:
        _uscc.validate(code)
    except Exception as e:  # stdnum's ValidationError subclasses
        name = type(e).__name__
        return {"InvalidChecksum": "第 18 位校验码不符", "InvalidFormat": "含有统一社会信用代码不使用的字符"}.get(
            name, "格式不符"
        )
    org = code[8:17]
    if org_code_check_digit(org[:8]) != org[8]:
        return f"其中的组织机构代码 {org[:8]}-{org[8]} 不符合 GB 11714 校验规则"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def make(region: str, org_body: str, prefix: str = "91") -> str:
    """A valid USCC from a 6-digit region code and an 8-character organisation code body (for fixtures)."""
    base = prefix + region + org_body + org_code_check_digit(org_body)
    return base + _uscc.calc_check_digit(base)


# letters a USCC never contains, and the digit an OCR engine most likely misread as them
_NOT_IN_USCC = str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5", "V": "7"})


def repaired(code: str) -> str | None:
    """`9112O116MAO5T3K21X` → the valid code, when replacing letters no USCC contains makes it valid."""
    fixed = code.translate(_NOT_IN_USCC)
    return fixed if fixed != code and problem(fixed) is None else None


def candidates_in(text: str) -> list[str]:
    s = unicodedata.normalize("NFKC", text or "").upper()
    found = [m.group(1) for m in _TOKEN.finditer(s)]
    if not found:
        found = [compact(m.group(1)) for m in _LOOSE.finditer(s)]
    return found


def find(finder: Finder, doc: Document) -> tuple[Hit | None, list[str]]:
    """The labelled (or, failing that, any) valid USCC in the document; invalid ones as warnings."""
    warnings: list[str] = []
    seen_bad: set[str] = set()
    hits = finder.find("uscc")
    valid: list[Hit] = []
    for h in hits:
        for code in candidates_in(h.value):
            why = problem(code)
            fixed = repaired(code) if why else None
            if why is None:
                valid.append(
                    Hit(
                        "uscc",
                        code,
                        h.page,
                        h.text,
                        h.raw,
                        h.confidence,
                        h.ocr,
                        h.label,
                        h.how,
                        h.order,
                        ocr_confidence=h.ocr_confidence,
                    )
                )
            elif fixed:
                valid.append(
                    Hit(
                        "uscc",
                        fixed,
                        h.page,
                        h.text,
                        h.raw,
                        0.85 * h.confidence,
                        h.ocr,
                        h.label,
                        h.how,
                        h.order,
                        ocr_confidence=h.ocr_confidence,
                    )
                )
                warnings.append(
                    f"统一社会信用代码 {code} on page {h.page} read as {fixed} "
                    f"(letters a USCC never contains taken for the digits they resemble)"
                )
            elif code not in seen_bad:
                seen_bad.add(code)
                warnings.append(f"第 {h.page} 页的统一社会信用代码 {code} 无效：{why}")
    if not valid:
        order = 10_000
        for line in Document(doc.file, doc.sha256, doc.format, doc.pages[:UNLABELLED_PAGES]).lines():
            for code in candidates_in(line.text):
                if not re.match(r"^[0-9A-HJ-NP-RTUWXY]{2}\d{6}", code) or sum(c.isdigit() for c in code) < 10:
                    continue
                why = problem(code)
                order += 1
                if why is None:
                    ocr = line.page in {p.number for p in doc.pages if p.ocr}
                    valid.append(
                        Hit(
                            "uscc",
                            code,
                            line.page,
                            line.text,
                            line.raw,
                            0.8 * line.confidence,
                            ocr,
                            "",
                            "unlabelled",
                            order,
                            ocr_confidence=line.confidence if ocr else None,
                        )
                    )
                elif code not in seen_bad and not hits:
                    seen_bad.add(code)
                    warnings.append(f"第 {line.page} 页的统一社会信用代码 {code} 无效：{why}")
    if not valid:
        valid = _across_lines(doc)
    best = max(valid, key=lambda h: (h.confidence, -h.order)) if valid else None
    return best, warnings


def _across_lines(doc: Document) -> list[Hit]:
    """A code broken over two lines (the 2024 licence print, a stamp or a fold between its halves): valid
    only when the joined characters pass both check digits — a code is never made up."""
    out: list[Hit] = []
    ocr_pages = {p.number for p in doc.pages if p.ocr}
    for p in doc.pages[:UNLABELLED_PAGES]:
        for a, b in zip(p.lines, p.lines[1:]):
            tail = re.search(r"[0-9A-Z]{1,17}$", compact(a.text))
            head = re.match(r"^[0-9A-Z]{1,17}", compact(b.text))
            if not tail or not head or len(tail.group(0)) + len(head.group(0)) != 18:
                continue
            code = tail.group(0) + head.group(0)
            if problem(code) is None:
                conf = 0.7 * min(a.confidence, b.confidence)
                ocr = p.number in ocr_pages
                out.append(
                    Hit(
                        "uscc",
                        code,
                        p.number,
                        f"{a.text} {b.text}",
                        f"{a.raw} {b.raw}",
                        conf,
                        ocr,
                        "",
                        "across two lines",
                        20_000 + len(out),
                        ocr_confidence=min(a.confidence, b.confidence) if ocr else None,
                    )
                )
    return out
