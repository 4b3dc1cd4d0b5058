"""Word's automatic numbering, rendered: drafts written with 标准编写软件 (or any multilevel list)
carry "5.1" and "a)" in numbering.xml, not in the paragraph text, so a reader sees "自愿开放"
where the page shows "5.1 自愿开放". This computes the numbers the way Word does for the common
cases (multilevel lists by paragraph or by style, %1.%2 level texts, decimal / letters / roman,
start values, deeper levels restarting) and returns the body's paragraphs with them.

Runs inside the reader's time-limited worker on bytes the DOCX reader has accepted.
"""

from __future__ import annotations

import io
import zipfile

from defusedxml import ElementTree as ET

from ..text import normalize

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _val(el, path: str, default=None):
    x = el.find(path) if el is not None else None
    return x.get(W + "val", default) if x is not None else default


def _roman(n: int) -> str:
    out = ""
    for v, s in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= v:
            out, n = out + s, n - v
    return out


def _letters(n: int) -> str:
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_CN = "〇一二三四五六七八九十"


def _format(n: int, fmt: str) -> str:
    if fmt in ("none", "bullet"):
        return ""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "japaneseCounting") and n <= 10:
        return _CN[n]
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


class _Numbering:
    def __init__(self, z: zipfile.ZipFile):
        self.levels: dict[str, dict[int, dict]] = {}  # abstractNumId → ilvl → {start, fmt, text}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}  # styleId → (numId, ilvl, basedOn)
        try:
            root = ET.fromstring(z.read("word/numbering.xml"))
        except KeyError:
            root = None
        if root is not None:
            for a in root.findall(W + "abstractNum"):
                lv = {}
                for l in a.findall(W + "lvl"):
                    lv[int(l.get(W + "ilvl", "0"))] = {
                        "start": int(_val(l, W + "start", "1") or 1),
                        "fmt": _val(l, W + "numFmt", "decimal"),
                        "text": _val(l, W + "lvlText", ""),
                    }
                self.levels[a.get(W + "abstractNumId")] = lv
            for n in root.findall(W + "num"):
                overrides = {}
                for o in n.findall(W + "lvlOverride"):
                    s = _val(o, W + "startOverride")
                    if s is not None:
                        overrides[int(o.get(W + "ilvl", "0"))] = int(s)
                self.nums[n.get(W + "numId")] = (_val(n, W + "abstractNumId"), overrides)
        try:
            sroot = ET.fromstring(z.read("word/styles.xml"))
        except KeyError:
            sroot = None
        if sroot is not None:
            for st in sroot.findall(W + "style"):
                ppr = st.find(W + "pPr")
                numpr = ppr.find(W + "numPr") if ppr is not None else None
                num_id = _val(numpr, W + "numId")
                ilvl = _val(numpr, W + "ilvl")
                self.styles[st.get(W + "styleId")] = (
                    num_id,
                    int(ilvl) if ilvl is not None else None,
                    _val(st, W + "basedOn"),
                )

    def of_style(self, style: str | None, depth: int = 0) -> tuple[str | None, int | None]:
        if not style or style not in self.styles or depth > 10:
            return None, None
        num_id, ilvl, based = self.styles[style]
        if num_id is not None:
            return num_id, ilvl
        return self.of_style(based, depth + 1)


def docx_numbered_lines(data: bytes) -> list[str]:
    """The body's paragraphs in order, each with its automatic number in front (as Word shows it)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        root = ET.fromstring(z.read("word/document.xml"))
    except (KeyError, zipfile.BadZipFile, ET.ParseError, ValueError):
        return []
    num = _Numbering(z)
    counters: dict[str, list[int]] = {}
    body = root.find(W + "body")
    out: list[str] = []
    if body is None:
        return out
    for p in _paragraphs(body):
        text = normalize("".join(t.text or "" for t in p.iter(W + "t")))
        ppr = p.find(W + "pPr")
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        style = _val(ppr, W + "pStyle")
        s_num, s_ilvl = num.of_style(style)
        num_id = _val(numpr, W + "numId") or s_num
        ilvl_s = _val(numpr, W + "ilvl")
        ilvl = int(ilvl_s) if ilvl_s is not None else (s_ilvl or 0)
        label = ""
        if num_id and num_id != "0" and num_id in num.nums:
            abstract, overrides = num.nums[num_id]
            levels = num.levels.get(abstract, {})
            if ilvl in levels:
                c = counters.setdefault(abstract, [0] * 10)
                start = lambda k: overrides.get(k, levels.get(k, {}).get("start", 1))  # noqa: B023 (used at once)
                c[ilvl] = c[ilvl] + 1 if c[ilvl] else start(ilvl)
                for k in range(ilvl + 1, 10):
                    c[k] = 0
                label = levels[ilvl]["text"]
                for k in range(ilvl, -1, -1):
                    value = c[k] or start(k)
                    label = label.replace(f"%{k + 1}", _format(value, levels.get(k, {}).get("fmt", "decimal")))
                label = normalize(label)
        if text or label:
            out.append(f"{label} {text}".strip() if label else text)
    return out


def _paragraphs(parent):
    for el in parent:
        if el.tag == W + "p":
            yield el
        elif el.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"):
            yield from _paragraphs(el)
