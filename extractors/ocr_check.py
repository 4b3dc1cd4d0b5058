"""Which values read by OCR a person must check, and what they probably say instead.

An OCR reading can be confidently wrong: `…R0M` comes out `…ROM`, a seal's stroke becomes a
character in front of a certificate number. Such a field keeps the value as read, but gets

- `check`: `请核对：可能为 …R0M` (the likely alternative) or why it is doubtful;
- `ocr_confidence` (and `confidence`) below the OCR review threshold (`review_below`), so the
  checklists never turn it into `met` without a person's review.

Identifiers (certificate, report, licence and lab numbers, the USCC) are checked against their
known formats (`identifier_formats` in extractors/data/ocr.yaml): a value that does not fit but
would after swapping characters OCR confuses (O/0, I/1, S/5, B/8, Z/2, G/6) is flagged with the
swapped value. Letters that identifiers hardly ever carry (O, I) are flagged even without a format.
A value holding characters no identifier has (a CJK character, `!`) is flagged too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .facts import DocumentFacts, Field
from .text import normalize

IDENTIFIERS = ("cert_number", "uscc", "lab_number", "reg_number")
TO_DIGIT = {
    "O": "0",
    "o": "0",
    "D": "0",
    "Q": "0",
    "I": "1",
    "l": "1",
    "i": "1",
    "S": "5",
    "s": "5",
    "B": "8",
    "Z": "2",
    "z": "2",
    "G": "6",
    "b": "6",
}
TO_LETTER = {"0": "OQD", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}
RARE_LETTERS = "OI"  # hardly any Chinese code scheme uses them (GB 32100 leaves out I, O, Z, S, V)
_FOREIGN = re.compile(r"[^A-Za-z0-9\-/.() ]")


@lru_cache(maxsize=1)
def _settings() -> tuple[float, list[re.Pattern]]:
    import yaml

    from .ocr import DATA, load_settings

    raw = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    formats = [re.compile(p) for p in raw.get("identifier_formats") or []]
    return float(load_settings().review_below), formats


def preload() -> None:
    """Read the settings and compile the identifier formats now: the readers' fork server does, once
    for every worker it forks."""
    _settings()


def alternative(value: str, formats: list[re.Pattern], most: int = 3) -> str | None:
    """What an identifier read as `value` probably is (several: ` / ` between them), or None when it
    looks sound."""
    v = normalize(value)
    if any(f.fullmatch(v) for f in formats):
        return None
    found: list[str] = []
    fewest = None
    for swaps, candidate in _swaps(v):
        if fewest is not None and swaps > fewest:
            break  # only the alternatives needing the fewest swaps
        if candidate not in found and any(f.fullmatch(candidate) for f in formats):
            found.append(candidate)
            fewest = swaps
    if found:
        return " / ".join(found[:most])
    if any(ch in RARE_LETTERS for ch in v) and re.search(r"\d", v):
        return "".join(TO_DIGIT.get(ch, ch) if ch in RARE_LETTERS else ch for ch in v)
    return None


def _swaps(v: str, limit: int = 3) -> list[tuple[int, str]]:
    """(swaps, `v` with that many confusable characters swapped, letter→digit and digit→letter),
    fewest swaps first, up to `limit`."""
    spots = [i for i, ch in enumerate(v) if ch in TO_DIGIT or ch in TO_LETTER]
    if len(v) > 24:  # not an identifier: nothing to try
        return []
    out: list[tuple[int, str]] = []
    frontier = [(v, -1)]
    for n in range(1, limit + 1):
        nxt = []
        for s, last in frontier:
            for i in spots:
                if i <= last:
                    continue
                for sw in TO_DIGIT.get(v[i]) or TO_LETTER.get(v[i], ""):
                    t = s[:i] + sw + s[i + 1 :]
                    out.append((n, t))
                    nxt.append((t, i))
            if len(out) > 20000:  # bounded work for a long run of look-alikes
                return out
        frontier = nxt
    return out


def flag(facts: DocumentFacts) -> DocumentFacts:
    """Mark the OCR'd fields a person must check (see the module's docstring), in place."""
    threshold, formats = _settings()
    doubt = round(threshold - 0.05, 3)
    for name, f in facts.fields.items():
        if not f.ocr or not isinstance(f.value, str):
            continue
        note = _identifier_note(f, formats) if name in IDENTIFIERS else None
        if note is None and name == "scope" and facts.type in CLOSED_SCOPE:
            note = _cut_scope_note(f.value, f.text)
        if note is None and f.ocr_confidence is not None and f.ocr_confidence < threshold:
            f.check = f"请核对：OCR 识别置信度 {f.ocr_confidence:.2f}"
            continue
        if note is not None:
            f.check = note
            f.ocr_confidence = min(f.ocr_confidence if f.ocr_confidence is not None else doubt, doubt)
            f.confidence = round(min(f.confidence, doubt), 3)
    return facts


# a licence's 经营范围 ends its sentence (`…经营活动。`, `…（依法须经批准的项目…）`): one that stops mid-word
# was cut by the layout (a wrap into another column, a seal) and must be read on the document
CLOSED_SCOPE = ("business_license",)
_SCOPE_END = re.compile(r"[。.)）】\]」;；]$|经营活动$|项目$")


def _cut_scope_note(value: str, text: str) -> str | None:
    v = normalize(value).rstrip()
    if _SCOPE_END.search(v) or _SCOPE_END.search(normalize(text or "").rstrip()):
        return None
    return f"请核对：经营范围可能未读全（读到“…{v[-8:]}”为止）"


def _bare(text: str) -> str:
    return re.sub(r"[\s\-/.]", "", text).upper()


def _identifier_note(f: Field, formats: list[re.Pattern]) -> str | None:
    value = normalize(f.value)
    if _FOREIGN.search(value):
        clean = _FOREIGN.sub("", value)
        return f"请核对：含有编号中不应出现的字符（“{value}”），可能为 {clean}"
    alt = alternative(value, formats)
    if alt is not None:
        return f"请核对：可能为 {alt}"
    read_as = normalize(f.raw or f.text or "")
    if _bare(value) not in _bare(read_as):
        return f"请核对：原文识别为“{read_as}”，已按编号规则纠正为 {value}"
    return None
