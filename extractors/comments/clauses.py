"""Clause references as people write them → normalised ids.

parse_refs("第 7.2.5 条")  -> ["7.2.5"]
parse_refs("7.2.5 a)")     -> ["7.2.5a"]
parse_refs("８．２")        -> ["8.2"]
parse_refs("4.2、5.1")     -> ["4.2", "5.1"]
parse_refs("5.1~5.3")      -> ["5.1", "5.2", "5.3"]
parse_refs("第4章")        -> ["4"]
parse_refs("表1"), parse_refs("附录 A") -> ["表1"], ["附录A"]
parse_refs("前言"), parse_refs("全文")  -> ["前言"], ["全文"]
"""

from __future__ import annotations

import re

from ..text import normalize

CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "〇": 0, "零": 0}

# Words kept as written (the contract: 全文, 前言, 范围, 附录A …). Longer first.
WORDS = [
    "规范性引用文件",
    "术语和定义",
    "参考文献",
    "编制说明",
    "标准名称",
    "全文",
    "前言",
    "引言",
    "范围",
    "目次",
    "封面",
    "题目",
    "标题",
    "名称",
    "整体",
    "总体",
    "索引",
]

# Linear time on any text (it comes from anonymous visitors): prepare() folds every run of white space
# (newlines and U+2028/U+2029 included) into one space and keeps MAX_TEXT characters, no two `\s*` can
# share a run of spaces (each optional word carries its own trailing space), and a number starts only
# at the start of a run of digits, so no run of digits is scanned from each of its positions.
MAX_TEXT = 1000  # a reference cell longer than this is prose: what follows is not read for references
_NUM = r"(?<![\d.])(?:[A-Z]\.)?\d{1,3}(?:\.\d{1,3})*"
_ITEM = (
    r"(?:(?:[(（]\s*(?P<l1>[a-z])\s*[)）]|(?P<l2>[a-z])\s*[)）]|(?P<l3>[a-z])(?![A-Za-z]))(?:\s*[(（]?\d{1,2}[)）])?)?"
)
_TOKEN = re.compile(
    rf"(?P<range>(?:第\s*)?(?P<r0>{_NUM})\s*(?:[章条节]\s*)?(?:~|-|—|–|－|至|到)\s*(?:第\s*)?(?P<r1>{_NUM}))"
    rf"|(?P<tab>(?P<tk>[表图])\s*(?P<tn>(?:[A-Z]\.?)?\d{{1,3}}(?:\.\d{{1,3}})*))"
    rf"|(?P<app>附\s*录\s*(?P<al>[A-Z])(?![a-zA-Z]))"
    rf"|(?P<cn>第\s*(?P<cnn>[一二三四五六七八九十〇零]{{1,3}})\s*[章条节])"
    rf"|(?P<num>(?:第\s*)?(?P<n>{_NUM})(?![\d.]*\d)\s*(?:[章条款节]\s*)?{_ITEM})"
    rf"|(?P<word>{'|'.join(WORDS)})"
)
# Page references are not clauses: 第3页, P3, p.12, 页码3
_PAGE = re.compile(r"第\s*\d+\s*页|[Pp]\.?\s*\d+|页码\s*(?:[:：]\s*)?\d+|(?<!\d)\d+\s*页")
_DATE = re.compile(r"(?<!\d)\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}日?")
# a cited standard (GB/T 1.1—2020, T/CAQI 12-2019): `/` and `T` each carry the space before them
_STD = re.compile(
    r"(?:GB|GB/T|T/[A-Z]+|ISO|IEC|HG|QB|JB|YY|DB\d*)(?:\s*/)?(?:\s*T)?\s*[\d.]+(?:\s*[-—–]\s*\d{4})?", re.I
)
_WHITE = re.compile(r"\s+")


def _cn_number(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN_NUM.get(s[1:], 0)
    if "十" in s:
        a, _, b = s.partition("十")
        return CN_NUM.get(a, 0) * 10 + (CN_NUM.get(b, 0) if b else 0)
    return CN_NUM.get(s, 0)


def _expand(a: str, b: str, limit: int = 60) -> list[str]:
    pa, pb = a.split("."), b.split(".")
    if len(pa) == len(pb) and pa[:-1] == pb[:-1] and pa[-1].isdigit() and pb[-1].isdigit():
        lo, hi = int(pa[-1]), int(pb[-1])
        if lo < hi and hi - lo <= limit:
            prefix = ".".join(pa[:-1])
            return [f"{prefix}.{i}" if prefix else str(i) for i in range(lo, hi + 1)]
    return [a, b]


def prepare(raw: str) -> str:
    t = _WHITE.sub(" ", normalize(raw[: MAX_TEXT * 2]))[:MAX_TEXT]
    t = re.sub(r"(?<=\d)\s*[。．]\s*(?=\d)", ".", t)  # ８．２ / 8。2
    t = _DATE.sub(" ", t)
    t = _STD.sub(" ", t)
    t = _PAGE.sub(" ", t)
    return t


def parse_refs(raw: str | None) -> list[str]:
    """Every clause reference in `raw`, normalised, in order, without repeats."""
    if not raw:
        return []
    text = prepare(raw)
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        if m.group("range"):
            refs = _expand(m.group("r0"), m.group("r1"))
        elif m.group("tab"):
            refs = [m.group("tk") + m.group("tn")]
        elif m.group("app"):
            refs = ["附录" + m.group("al")]
        elif m.group("cn"):
            refs = [str(_cn_number(m.group("cnn")))]
        elif m.group("num"):
            n = m.group("n")
            letter = m.group("l1") or m.group("l2") or m.group("l3")
            refs = [n + (letter or "")]
        else:
            refs = [m.group("word")]
        for r in refs:
            if r not in out:
                out.append(r)
    return out


def primary(refs: list[str]) -> str:
    return refs[0] if refs else ""


def sort_key(ref: str) -> tuple:
    """Register order: 全文/封面/前言 first, then chapters numerically, tables, 附录, others."""
    front = {
        "全文": 0,
        "整体": 0,
        "总体": 0,
        "封面": 1,
        "标准名称": 1,
        "名称": 1,
        "题目": 1,
        "标题": 1,
        "目次": 2,
        "前言": 3,
        "引言": 4,
    }
    if ref in front:
        return (0, front[ref], ())
    if ref == "范围":
        return (1, 1, ())
    m = re.fullmatch(r"(\d+(?:\.\d+)*)([a-z]?)", ref)
    if m:
        return (1, 0, tuple(int(x) for x in m.group(1).split(".")) + ((ord(m.group(2)) - 96,) if m.group(2) else ()))
    if ref.startswith("附录") or re.fullmatch(r"[A-Z](?:\.\d+)+[a-z]?", ref):
        letter = ref[2:3] if ref.startswith("附录") else ref[0]
        rest = tuple(int(x) for x in re.findall(r"\d+", ref[1:])) if not ref.startswith("附录") else ()
        return (3, ord(letter), rest)
    m = re.fullmatch(r"([表图])(.*)", ref)
    if m:
        return (2, 0 if m.group(1) == "表" else 1, tuple(int(x) for x in re.findall(r"\d+", m.group(2))))
    if ref == "规范性引用文件":
        return (1, 0, (2,))
    if ref == "术语和定义":
        return (1, 0, (3,))
    if ref == "参考文献":
        return (4, 0, ())
    if not ref:
        return (9, 0, ())
    return (5, 0, (ref,))
