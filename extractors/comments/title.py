"""Where a draft names itself: the Title-styled paragraph (DOCX), the biggest line on the cover (PDF),
the first heading (Markdown, DOCX Heading 1). A title cited in the 前言 ("本文件按照 GB/T 1.1—2020
《标准化工作导则 …》的规定起草") is another standard's and never the draft's.

`docx_styled_titles` looks at the DOCX XML once more (like numbering.py), inside the reader's
time-limited worker, on bytes the DOCX reader has accepted; the rest works on the Document.
"""

from __future__ import annotations

import io
import re
import zipfile

from defusedxml import ElementTree as ET

from ..model import Document
from ..text import normalize

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# style ids / names of a document's own title: Word's Title, WPS/Word in Chinese, 标准编写软件's cover
TITLE_STYLES = ("title", "标题", "封面标准名称", "标准名称", "文件名称", "封面标题")
HEADING_STYLES = ("heading1", "标题1", "1级标题")
# lines on a cover that are not the standard's name
_NOT_A_TITLE = re.compile(
    r"^(?:(?:本(?:文件|标准))?(?:主要|负责|参加)?起草(?:单位|人)[:：].*|(?:归口|提出|发布|主管)单位[:：].*|"
    r"(?:联系人|联系电话|电话|地址|邮箱|电子邮箱|传真|截止日期|反馈截止日期)[:：].*|团体标准|国家标准|行业标准|地方标准|企业标准|中华人民共和国.*标准|.*标准化(?:技术)?委员会|.*协会(?:文件)?|.*文件|"
    r"前言|目次|引言|征求意见稿|送审稿|报批稿|[（(].*[)）]|ICS.*|CCS.*|[A-Z/ ]+\s*[\d.*＊]+.*|\d{4}.*(?:发布|实施)|.*发布|.*实施)$"
)


def plausible(text: str) -> bool:
    t = re.sub(r"\s+", "", normalize(text))
    return (
        3 <= len(t) <= 60
        and bool(re.search(r"[\u4e00-\u9fff]", t))
        and not re.search(r"[。；;:：，,]$", t)
        and not t.startswith("本")
        and not _NOT_A_TITLE.match(t)
    )


def _style_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", (text or "").lower())


def docx_styled_titles(data: bytes) -> dict[str, list[str]]:
    """{"title": [Title-styled paragraphs], "headings": [Heading 1 paragraphs]} in document order."""
    out: dict[str, list[str]] = {"title": [], "headings": []}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            root = ET.fromstring(z.read("word/document.xml"))
            names = {}
            if "word/styles.xml" in z.namelist():
                for st in ET.fromstring(z.read("word/styles.xml")).iter(W + "style"):
                    name = st.find(W + "name")
                    names[st.get(W + "styleId")] = name.get(W + "val") if name is not None else ""
    except (KeyError, zipfile.BadZipFile, ET.ParseError, ValueError):
        return out
    body = root.find(W + "body")
    for p in body.iter(W + "p") if body is not None else []:
        ps = p.find(f"{W}pPr/{W}pStyle")
        if ps is None:
            continue
        sid = ps.get(W + "val", "")
        keys = {_style_key(sid), _style_key(names.get(sid, ""))}
        text = normalize("".join(t.text or "" for t in p.iter(W + "t")))
        if not text:
            continue
        if keys & {_style_key(s) for s in TITLE_STYLES}:
            out["title"].append(text)
        elif keys & {_style_key(s) for s in HEADING_STYLES}:
            out["headings"].append(text)
    return out


def cover_title(doc: Document, pages: int = 2) -> str:
    """The biggest plausible line on the first pages (a cover's standard name is set larger than the
    text), where lines carry positions (PDF) and one size stands out; "" otherwise."""
    sized = [(l.bbox[3] - l.bbox[1], l.text) for p in doc.pages[:pages] for l in p.lines if l.bbox and l.role == "body"]
    if len(sized) < 3:
        return ""
    body = sorted(h for h, _ in sized)[len(sized) // 2]  # the text's usual line height
    big = [(h, t) for h, t in sized if h >= 1.3 * body and plausible(t)]
    if not big:
        return ""
    top = max(h for h, _ in big)
    return next(t for h, t in big if h >= 0.95 * top)


def first_heading(headings: list[str]) -> str:
    return next((h for h in headings if plausible(h)), "")


_CITED = re.compile(r"(?:GB|GB/T|GB/Z|T/[A-Z]+|DB\d*/T|[A-Z]{2}/T|ISO|IEC)\s*[\d.]+\s*(?:[—\-–]+\s*\d{4})?\s*$")


def is_citation(line: str, start: int) -> bool:
    """Is the 《…》 at `start` another standard cited (a code right before it, or a 按照/依据 … 起草 sentence)?"""
    before = line[:start]
    return bool(
        _CITED.search(before)
        or re.search(r"(?:按照|依据|根据|参照|引用|符合|代替|替代)", before)
        and re.search(r"起草|规定|要求|编写|代替|替代", line[start:])
    )
