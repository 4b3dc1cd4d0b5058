"""Scanned and photographed evidence, generated in code from text fixtures.

A text PDF (tests/docgen.py) is rendered to an image, then made to look like a
scan or a phone photo: a red seal stamped over the holder's name, a few degrees
of rotation, blur, noise and JPEG artefacts. The text twin (the PDF itself)
is kept beside it so a test can compare what OCR reads with what the text layer says.

Used by tests/test_ocr*.py and benchmarks/bench_ocr.py.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field

from docgen import Grid, cjk_font_path, pdf_bytes

LICENCE_ORG = "天津市海河精密机械有限公司"
LICENCE_USCC = "91120116MA05K8YRXQ"  # valid: extractors.fields.uscc.make("120116", "MA05K8YR")
CERT_ORG = "苏州瑞丰新材料科技有限公司"
CERT_USCC = "91320500MA1N7QXT6H"  # valid: make("320500", "MA1N7QXT")
CERT_NUMBER = "00124Q35678R2M"


@dataclass
class Fixture:
    name: str
    pages: list[list]
    holder: str  # where the seal goes
    expected: dict = field(default_factory=dict)  # contract fields a reader must find

    def pdf(self) -> bytes:
        return pdf_bytes(self.pages, font_size=13)


def licence() -> Fixture:
    return Fixture(
        "licence",
        [
            [
                "营业执照",
                f"统一社会信用代码：{LICENCE_USCC}",
                f"名称：{LICENCE_ORG}",
                "类型：有限责任公司(自然人投资或控股)",
                "住所：天津市滨海新区经济技术开发区第十三大街88号",
                "法定代表人：王建国",
                "注册资本：伍仟万元人民币",
                "成立日期：2015年03月18日",
                "营业期限：2015年03月18日至长期",
                "经营范围：精密机械零部件、液压元件的研发、制造、销售；货物进出口。",
                "登记机关：天津市滨海新区市场监督管理局",
                "2024年06月12日",
            ]
        ],
        holder=LICENCE_ORG,
        expected={
            "type": "business_license",
            "org_name": LICENCE_ORG,
            "uscc": LICENCE_USCC,
            "legal_rep": "王建国",
            "established": "2015-03-18",
        },
    )


def certificate() -> Fixture:
    return Fixture(
        "certificate",
        [
            [
                "质量管理体系认证证书",
                f"证书编号：{CERT_NUMBER}",
                f"兹证明：{CERT_ORG}",
                f"统一社会信用代码：{CERT_USCC}",
                "注册地址：江苏省苏州市工业园区星湖街328号",
                "质量管理体系符合标准：GB/T 19001-2016/ISO 9001:2015",
                "认证范围：铝合金型材的设计、生产和销售",
                "发证日期：2024年06月01日",
                "有效期至：2027年05月31日",
                "发证机构：中质协质量保证中心",
            ]
        ],
        holder=CERT_ORG,
        expected={
            "type": "qms_certificate",
            "org_name": CERT_ORG,
            "uscc": CERT_USCC,
            "cert_number": CERT_NUMBER,
            "valid_until": "2027-05-31",
            "standard": "GB/T 19001-2016/ISO 9001:2015",
        },
    )


INDICATORS = [
    ["序号", "检验项目", "标准要求", "实测结果", "单位", "单项判定"],
    ["1", "抗拉强度", "≥160", "185", "MPa", "合格"],
    ["2", "规定非比例延伸强度", "≥110", "132", "MPa", "合格"],
    ["3", "断后伸长率", "≥8", "11.5", "%", "合格"],
    ["4", "维氏硬度", "≥58", "66", "HV", "合格"],
    ["5", "膜厚", "≥10", "12.3", "μm", "合格"],
]


def test_report() -> Fixture:
    return Fixture(
        "test_report",
        [
            [
                "检验报告",
                "报告编号：WT2024-08815",
                f"委托单位：{CERT_ORG}",
                "样品名称：铝合金建筑型材",
                "检验依据：GB/T 5237.1-2017",
                "签发日期：2024年07月15日",
                Grid(INDICATORS, col_widths=[40, 130, 80, 80, 60, 70]),
                "检验结论：所检项目符合GB/T 5237.1-2017要求。",
            ]
        ],
        holder=CERT_ORG,
        expected={"type": "test_report", "org_name": CERT_ORG},
    )


FIXTURES = {"licence": licence, "certificate": certificate, "test_report": test_report}


def render(pdf: bytes, page: int = 0, dpi: int = 200):
    """A PDF page as an RGB PIL image."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return doc[page].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        doc.close()


def text_box(pdf: bytes, text: str, page: int = 0):
    """(x0, top, x1, bottom) in points of the first occurrence of `text` on the page."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as p:
        hits = p.pages[page].search(text, regex=False)
        if not hits:
            raise ValueError(f"{text!r} not on page {page + 1}")
        h = hits[0]
        return h["x0"], h["top"], h["x1"], h["bottom"]


def stamp_seal(img, centre: tuple[float, float], diameter: float, label: str = "检验检测专用章"):
    """A red round seal (ring, star, label) printed over `img` like ink: darkest wins."""
    from PIL import Image, ImageChops, ImageDraw, ImageFont

    d = int(diameter)
    layer = Image.new("RGB", (d, d), "white")
    draw = ImageDraw.Draw(layer)
    red = (214, 38, 38)
    ring = max(3, d // 28)
    draw.ellipse([ring, ring, d - ring, d - ring], outline=red, width=ring)
    cx = cy = d / 2
    r_star = d * 0.14
    pts = []
    for i in range(10):
        r = r_star if i % 2 == 0 else r_star * 0.4
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    draw.polygon(pts, fill=red)
    font = ImageFont.truetype(cjk_font_path(), size=max(10, d // 9))
    # characters along the upper arc, as on a real company seal
    text = "天津市海河精密机械有限公司"
    for i, ch in enumerate(text):
        a = math.radians(-150 + i * 120 / (len(text) - 1))
        x, y = cx + d * 0.36 * math.cos(a), cy + d * 0.36 * math.sin(a)
        glyph = Image.new("L", (d // 8, d // 8), 0)
        ImageDraw.Draw(glyph).text((0, 0), ch, font=font, fill=255)
        glyph = glyph.rotate(-math.degrees(a) - 90, expand=True)
        layer.paste(Image.new("RGB", glyph.size, red), (int(x - glyph.width / 2), int(y - glyph.height / 2)), glyph)
    w = draw.textlength(label, font=font)
    draw.text((cx - w / 2, cy + d * 0.2), label, font=font, fill=red)
    over = Image.new("RGB", img.size, "white")
    over.paste(layer, (int(centre[0] - d / 2), int(centre[1] - d / 2)))
    return ImageChops.multiply(img, over)


def degrade(
    img,
    *,
    seed: int = 7,
    rotate: float = 2.0,
    blur: float = 0.8,
    noise: float = 10.0,
    jpeg: int = 55,
    shade: bool = False,
):
    """Make a clean render look scanned/photographed. Returns JPEG bytes."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    if rotate:
        img = img.rotate(rotate, resample=Image.BICUBIC, expand=True, fillcolor=(235, 235, 230))
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(img).astype(np.float32)
    if shade:  # uneven lighting of a phone photo
        h, w = a.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w]
        a *= (0.82 + 0.18 * (1 - ((xx / w - 0.3) ** 2 + (yy / h - 0.2) ** 2)))[..., None]
    if noise:
        gen = np.random.default_rng(rng.randrange(1 << 30))
        a += gen.normal(0, noise, a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=jpeg)
    return buf.getvalue()


def scan(fx: Fixture, *, dpi: int = 200, seal: bool = True, **kw) -> bytes:
    """JPEG bytes of the fixture's first page, sealed over the holder's name and degraded."""
    pdf = fx.pdf()
    img = render(pdf, 0, dpi)
    if seal:
        x0, top, x1, bottom = text_box(pdf, fx.holder)
        k = dpi / 72
        img = stamp_seal(img, ((x0 + x1) / 2 * k, (top + bottom) / 2 * k), diameter=42 / 25.4 * dpi)
    return degrade(img, **kw)


def scanned_pdf(fx: Fixture, **kw) -> bytes:
    """An image-only PDF (no text layer) holding the scan, as a copier would make."""
    from PIL import Image

    img = Image.open(io.BytesIO(scan(fx, **kw)))
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=kw.get("dpi", 200))
    return buf.getvalue()
