"""Comment sheets as they come back: printed, signed, stamped, then scanned or photographed.

Each sheet is a text PDF in one of the layouts units really send (附件2's four columns with the
header in the table; five columns with 原文 | 修改为 under a merged 修改意见 and the header as
lines above the table; a long sheet running onto a second page), with comments from
tests/comment_corpus.py. It is rendered to pixels and then treated the way paper is: a red seal
over the signature cell (and, on some, over the last comment row), a handwritten signature, a
0.5–3° skew, a phone's perspective and shadows, JPEG. Blank templates come back too.

A third of the sheets is held out by whole sheet (`held_out`), never looked at while tuning. That
third was looked at once a sheet of it failed, so `fresh_sheets` is a second held-out set of new
sheets, frozen before any result on it was seen.
Used by tests/test_comments_scans.py, benchmarks/measure_comment_scans.py and bench_comments.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
from dataclasses import dataclass, field

from comment_corpus import independent, unit_name
from comment_sheets import TITLE
from docgen import Grid, pdf_bytes
from ocr_scans import render, stamp_seal
from photo_corpus import _perspective_coeffs

DPI = 150
CLAUSES = ["4", "5.1", "6", "7.1", "7.2.3", "8.1", "8.2", "9", "10.1", "11.2", "12.1", "前言"]


@dataclass
class Expected:
    clause: str  # the reference as the parser gives it
    text: str  # the comment (修改为 on a five-column sheet)


@dataclass
class ScanSheet:
    name: str
    unit: str
    rows: list[list[str]]  # comment rows as printed
    expected: list[Expected]
    layout: str  # four | five
    how: str  # scan (image-only PDF) | photo (JPEG)
    skew: float
    perspective: float = 0.0
    shadow: bool = False
    seal_last_row: bool = False
    signature: str = "seal"  # seal | hand | both
    blank: bool = False
    pages: int = 1
    seed: int = 0
    extra: dict = field(default_factory=dict)

    def pdf(self) -> bytes:
        return pdf_bytes(_blocks(self), font_size=11)

    def bytes(self) -> bytes:
        pdf = self.pdf()
        images = [self._paper(pdf, i) for i in range(_n_pages(pdf))]
        if self.how == "photo" and len(images) == 1:
            buf = io.BytesIO()
            images[0].save(buf, "JPEG", quality=70)
            return buf.getvalue()
        buf = io.BytesIO()
        images[0].save(buf, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
        return buf.getvalue()

    @property
    def filename(self) -> str:
        return self.name + (".jpg" if self.how == "photo" and self.pages == 1 else ".pdf")

    def _paper(self, pdf: bytes, page: int):
        """The rendered page stamped, signed and damaged."""
        from PIL import Image

        rng = random.Random(self.seed * 31 + page)
        img = render(pdf, page, DPI)
        k = DPI / 72
        tables = _cells(pdf, page)
        last_page = page == _n_pages(pdf) - 1
        if tables and (page == 0 if self.layout == "four" else last_page):
            sign = tables[-1 if self.layout == "five" else 0][0][-1]  # the cell beside 单位盖章或专家签名
            cx, cy = (sign[0] + sign[2]) / 2 * k, (sign[1] + sign[3]) / 2 * k
            if self.signature in ("hand", "both"):
                img = _handwriting(img, (cx - 30, cy), rng)
            if self.signature in ("seal", "both"):
                img = stamp_seal(img, (cx + rng.uniform(-15, 15), cy + rng.uniform(-8, 8)), 40 / 25.4 * DPI)
        if self.seal_last_row and tables and last_page and not self.blank:
            main = tables[0]
            last = main[-1] if self.layout == "five" else main[-2]  # the last comment row
            x0, y0, x1, y1 = last[len(last) // 2]
            img = stamp_seal(img, ((x0 + x1) / 2 * k, (y0 + y1) / 2 * k), 38 / 25.4 * DPI)
        w, h = img.size
        if self.perspective:
            p = self.perspective
            src = [(0, 0), (w, 0), (w, h), (0, h)]
            dst = [(x + rng.uniform(-p, p) * w, y + rng.uniform(-p, p) * h) for x, y in src]
            img = img.transform(
                img.size, Image.PERSPECTIVE, _perspective_coeffs(dst, src), Image.BICUBIC, fillcolor=(200, 196, 188)
            )
        img = img.rotate(self.skew, resample=Image.BICUBIC, expand=False, fillcolor=(236, 236, 232))
        return _light(img, rng, self.shadow)


def _n_pages(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def _cells(pdf: bytes, page: int) -> list[list[list[tuple]]]:
    """Each table's rows of cell boxes (points), from the PDF's own ruling."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as p:
        return [[[c for c in row.cells if c] for row in t.rows] for t in p.pages[page].find_tables()]


def _handwriting(img, at: tuple[float, float], rng: random.Random):
    """A signature: a few quick strokes in blue-black ink, no printed letters."""
    from PIL import ImageDraw

    d = ImageDraw.Draw(img)
    x, y = at
    for _ in range(3):
        pts = []
        for i in range(14):
            pts.append(
                (x + i * 5 + rng.uniform(-2, 2), y + 9 * math.sin(i / 1.7 + rng.uniform(0, 3)) + rng.uniform(-3, 3))
            )
        d.line(pts, fill=(25, 30, 70), width=2, joint="curve")
        x += 40
    return img


def _light(img, rng: random.Random, shadow: bool):
    import numpy as np
    from PIL import Image

    a = np.asarray(img).astype(np.float32)
    if shadow:
        h, w = a.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w]
        light = 1 - 0.25 * ((xx / w - rng.uniform(0, 1)) ** 2 + (yy / h - rng.uniform(0, 1)) ** 2)
        dark = np.where((xx / w + yy / h) > rng.uniform(1.4, 1.7), 0.8, 1.0)
        a *= np.clip(light * dark, 0.5, 1.0)[..., None]
    a += np.random.default_rng(rng.randrange(1 << 30)).normal(0, 6, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


# -- the printed sheets ---------------------------------------------------------------------


def _blocks(s: ScanSheet) -> list[list]:
    if s.layout == "five":
        head = [
            ["序号", "章条编号", "修改意见", "", "理由"],
            ["", "", "原文为", "修改为", ""],
        ]
        merges = [(0, 2, 0, 3), (0, 0, 1, 0), (0, 1, 1, 1), (0, 4, 1, 4)]
        grid = Grid(head + s.rows, merges=merges, col_widths=[34, 62, 120, 140, 90])
        lines = [
            "技术标准征求意见表",
            f"标准名称：{TITLE}",
            f"单位名称：{s.unit if not s.blank else ''}",
            f"联系人：{'' if s.blank else '李' + '明华'}    联系电话：{'' if s.blank else '022-2345' + str(1000 + s.seed)}",
        ]
        # the signature area: a one-row table at the end (where the seal goes)
        sign = Grid([["单位盖章或专家签名", ""]], col_widths=[140, 306])
        return [lines + [grid, sign]]
    top = [
        ["单位名称或专家姓名", "" if s.blank else s.unit, "单位盖章或专家签名", ""],
        ["联系人", "" if s.blank else "张敏", "联系方式", "" if s.blank else f"1380000{1000 + s.seed}"],
        ["标准名称", TITLE, "", ""],
        ["序号", "章节", "修改意见", "具体理由"],
    ]
    n = len(top)
    rows = s.rows
    foot = [["备注：修改意见和具体理由，可另附相关说明", "", "", ""]]
    merges = [(2, 1, 2, 3), (n + len(rows), 0, n + len(rows), 3)]
    grid = Grid(top + rows + foot, merges=merges, col_widths=[70, 90, 190, 106])
    return [["团体标准制定征求意见表", grid, "日期：2026年1月5日"]]


def _sheet(i: int, layout: str, how: str, n: int, rng: random.Random, **kw) -> ScanSheet:
    unit = unit_name(rng, i)
    rows, expected = [], []
    for j in range(n):
        clause = rng.choice(CLAUSES)
        g = independent(rng, clause)
        written = clause if clause == "前言" else rng.choice([clause, f"第{clause}条", clause])
        if layout == "five":
            original = f"原文第{clause}条的表述。" if clause != "前言" else "前言第二段。"
            rows.append([str(j + 1), written, original, g.text, g.reason])
        else:
            rows.append([str(j + 1), written, g.text, g.reason])
        expected.append(Expected(clause, g.text))
    return ScanSheet(f"scan{i:02d}-{layout}-{how}", unit, rows, expected, layout, how, seed=i, **kw)


def _blank(i: int, layout: str, how: str, **kw) -> ScanSheet:
    rows = [[""] * (5 if layout == "five" else 4) for _ in range(6)]
    return ScanSheet(f"blank{i:02d}-{layout}-{how}", "", rows, [], layout, how, blank=True, seed=i, **kw)


def sheets() -> list[ScanSheet]:
    """12 filled sheets from 12 units and 3 blank templates, in every kind of damage."""
    rng = random.Random(23)
    plan = [
        ("four", "scan", 3, dict(skew=0.5)),
        ("four", "photo", 3, dict(skew=-1.5, perspective=0.02, shadow=True, signature="both")),
        ("five", "scan", 3, dict(skew=1.0, signature="hand")),
        ("five", "photo", 2, dict(skew=2.5, perspective=0.015, shadow=True, seal_last_row=True)),
        ("four", "scan", 16, dict(skew=-0.8, pages=2, seal_last_row=True)),
        ("four", "photo", 4, dict(skew=3.0, shadow=True, signature="both")),
        ("five", "scan", 4, dict(skew=-2.0, seal_last_row=True, signature="both")),
        ("four", "scan", 2, dict(skew=1.8, signature="hand")),
        ("five", "photo", 3, dict(skew=-0.6, perspective=0.02, signature="seal")),
        ("four", "photo", 3, dict(skew=2.2, perspective=0.01, shadow=True, seal_last_row=True)),
        ("five", "scan", 18, dict(skew=0.7, pages=2)),
        ("four", "scan", 3, dict(skew=-2.8, shadow=True, signature="hand")),
    ]
    out = [_sheet(i, layout, how, n, rng, **kw) for i, (layout, how, n, kw) in enumerate(plan)]
    out += [
        _blank(20, "four", "scan", skew=1.2),
        _blank(21, "five", "photo", skew=-2.0, perspective=0.015, shadow=True),
        _blank(22, "five", "scan", skew=0.5),
    ]
    return out


def fresh_sheets() -> list[ScanSheet]:
    """A second held-out set, made after the first held-out third had been looked at: 12 new filled
    sheets and 3 blank ones, new seeds, each sheet's damage drawn from the same kinds and ranges
    (skew 0.5–3° either way, perspective and shadows on photos, seals over the last row, handwritten
    signatures, two long sheets running onto a second page). Frozen before any result on it was seen;
    run once, at the end, never tuned on."""
    rng = random.Random(2323)
    out = []
    for i in range(30, 42):
        layout, how = rng.choice(["four", "five"]), rng.choice(["scan", "scan", "photo"])
        long = i in (33, 39)
        skew = round(rng.choice([-1, 1]) * rng.uniform(0.5, 3.0), 1)
        kw: dict = dict(skew=skew, signature=rng.choice(["seal", "hand", "both"]), seal_last_row=rng.random() < 0.4)
        if how == "photo":
            kw.update(perspective=round(rng.uniform(0.008, 0.02), 3), shadow=rng.random() < 0.7)
        else:
            kw.update(shadow=rng.random() < 0.3)
        if long:
            how, kw["pages"] = "scan", 2
        n = rng.randint(14, 18) if long else rng.randint(2, 5)
        out.append(_sheet(i, layout, how, n, rng, **kw))
    out += [
        _blank(50, "four", "photo", skew=-1.1, perspective=0.012, shadow=True),
        _blank(51, "five", "scan", skew=2.4, shadow=True),
        _blank(52, "four", "scan", skew=-0.7),
    ]
    return out


def held_out(name: str) -> bool:
    """A third of the sheets, by a hash of the whole sheet's name."""
    return int(hashlib.sha256(("held-out:" + name).encode()).hexdigest()[:8], 16) % 3 == 0


# -- scoring --------------------------------------------------------------------------------


def score(s: ScanSheet, parsed: dict) -> dict:
    """Comments right (clause right and text ≥ 0.95 similar), the unit, comments on a blank sheet."""
    from rapidfuzz import fuzz

    from extractors.comments.clauses import parse_refs, primary
    from extractors.text import normalize

    got = [(c["clause"], normalize(c.get("comment_raw") or c["comment"])) for c in parsed.get("comments", [])]
    right = 0
    for e in s.expected:
        want_clause = primary(parse_refs(e.clause)) or e.clause
        want = normalize(e.text)
        hit = next((g for g in got if g[0] == want_clause and fuzz.ratio(g[1], want) / 100 >= 0.95), None)
        if hit:
            got.remove(hit)
            right += 1
    return {
        "comments": len(s.expected),
        "right": right,
        "unit": (normalize(parsed.get("submitter", "")) == normalize(s.unit)) if not s.blank else None,
        "blank_comments": len(parsed.get("comments", [])) if s.blank else 0,
        "signed": parsed.get("signed"),
    }
