"""A photographed and scanned corpus, generated in code: real layouts, then real damage.

Each `Sheet` is a document drawn at its own positions (licences with widely spaced labels
`名　　称`, two-column licences whose values wrap inside their own column, Chinese, English and
bilingual certificates, a test report with its table), with the facts a person reads on it
(`expected`, written from the text drawn — never from what the extractor returns). `photograph`
then damages the page the way phones and copiers do: perspective and rotation, uneven light and
shadow, blur, noise, JPEG artefacts, a red seal over the issue date, a blue 副本 stamp over a label,
a diagonal watermark. Every random choice comes from a seeded RNG: the same name gives the same bytes.

About a third of the sheets are held out (`held_out(sheet name)`: a hash of the name) with every
damage of them, to be looked at only as an aggregate figure, never page by page, while the layout
code is tuned: the split is by whole document, so no held-out text is seen under another damage.

    python -m tests.photo_corpus OUTDIR        # write every page (JPEG) and its expected JSON
    python -m tests.photo_corpus --write-expected   # tests/corpus/photo_expected/<sheet>.json
    python -m tests.photo_corpus --score tuned  # OCR + extract the tuned part, one line per page
    python -m tests.photo_corpus --score held-out   # the held-out part: aggregate figures only
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docgen import cjk_font_path  # noqa: E402

EXPECTED = Path(__file__).parent / "corpus" / "photo_expected"

INK = (25, 25, 30)
RED = (214, 38, 38)
BLUE = (40, 70, 190)


@dataclass
class Text:
    x: float
    y: float
    text: str
    size: int = 30
    spread: float = 0.0  # extra space between characters, as a multiple of size (`名　　称`)


@dataclass
class Sheet:
    name: str
    width: int
    height: int
    items: list[Text]
    expected: dict  # {"type": …, "fields": {…}}
    seal_at: tuple[float, float] | None = None  # where the red seal goes (the date at the foot)
    stamp_at: tuple[float, float] | None = None  # where the blue 副本 stamp goes
    variant: dict = field(default_factory=dict)


# -- the companies (valid USCCs: check digit and embedded organisation code) ----------------

COMPANIES = [
    ("天津滨海精密机械有限公司", "91120116MA05T3K21X", "天津市滨海新区经济技术开发区第三大街12号", "王建国", "天津市"),
    ("江苏精工特钢股份有限公司", "91320281142315286E", "江苏省江阴市临港街道滨江西路188号", "陈立新", "江苏省"),
    ("天津津南新材料科技有限公司", "91120112MA06AB3C4D", "天津市津南区咸水沽镇聚兴道8号", "李明华", "天津市"),
    ("苏州华创电子科技有限公司", "91320594MA1NQ8LW9Y", "江苏省苏州市工业园区星湖街328号", "周晓东", "江苏省"),
    ("天津市宏达电线电缆有限公司", "91120113103584723B", "天津市北辰区宜兴埠工业园区辰达路16号", "赵宏达", "天津市"),
    ("洛阳鑫源铝业有限公司", "91410300MA44GJ7T9L", "河南省洛阳市高新区丰华路21号", "刘建军", "河南省"),
]
EN_NAMES = {
    "江苏精工特钢股份有限公司": "Jiangsu Jinggong Special Steel Co., Ltd.",
    "苏州华创电子科技有限公司": "Suzhou Huachuang Electronic Technology Co., Ltd.",
    "洛阳鑫源铝业有限公司": "Luoyang Xinyuan Aluminium Co., Ltd.",
}
SCOPES = [
    "精密机械零部件、液压元件的设计、制造、销售；货物及技术进出口；机械设备租赁；技术咨询服务",
    "特种钢材的冶炼、轧制、加工及销售；金属材料检测服务；道路普通货物运输；仓储服务（危险品除外）",
    "新材料技术研发；高性能有色金属及合金材料销售；塑料制品制造；电子专用材料制造",
]
ISSUERS = {"天津市": "天津市滨海新区市场监督管理局", "江苏省": "苏州市行政审批局", "河南省": "洛阳市市场监督管理局"}


def _font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(cjk_font_path(), size=size)


def _wrap(text: str, size: int, width: float) -> list[str]:
    """Lines of `text` no wider than `width` pixels (characters, not words: CJK wraps anywhere)."""
    font, out, cur = _font(size), [], ""
    for ch in text:
        if cur and font.getlength(cur + ch) > width:
            out.append(cur)
            cur = ""
        cur += ch
    return out + [cur] if cur else out


def _cn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}年{m}月{d}日"


# -- licences ------------------------------------------------------------------------------


def _licence_fields(c: int, year: int) -> tuple[list[tuple[str, str]], dict]:
    org, uscc, addr, rep, prov = COMPANIES[c]
    est = f"{year}-0{c % 9 + 1}-1{c % 10}"
    scope = SCOPES[c % len(SCOPES)]
    pairs = [
        ("名称", org),
        ("类型", "有限责任公司（自然人投资或控股）"),
        ("法定代表人", rep),
        ("注册资本", "伍仟万元整"),
        ("成立日期", _cn_date(est)),
        ("营业期限", f"{_cn_date(est)}至长期"),
        ("住所", addr),
        ("经营范围", scope),
    ]
    fields = {
        "org_name": org,
        "uscc": uscc,
        "address": addr,
        "province": prov,
        "legal_rep": rep,
        "established": est,
        "validity": "长期",
        "scope": scope,
    }
    return pairs, fields


def licence(name: str, c: int, *, columns: int = 1, spaced: bool = False, year: int = 2012) -> Sheet:
    """A business licence: label/value pairs in one or two columns, labels spread or with a colon."""
    pairs, fields = _licence_fields(c, year)
    org, uscc, addr, rep, prov = COMPANIES[c]
    issuer = ISSUERS[prov]
    issued = f"20{23 - c % 3}-0{c % 7 + 2}-2{c % 8}"
    landscape = columns == 2
    W, H = (1754, 1240) if landscape else (1240, 1754)
    size = 28
    items = [
        Text(W / 2 - 3 * 64, 110, "营 业 执 照", 64),
        Text(W / 2 - 60, 200, "（副  本）", 30),
        Text(90, 270, f"统一社会信用代码  {uscc}", size),
    ]
    label_w = 5 * size if spaced else 0

    def put(x: float, y: float, label: str, value: str, width: float) -> float:
        if spaced:
            gap = (label_w - size * len(label)) / max(len(label) - 1, 1) / size if len(label) > 1 else 0
            items.append(Text(x, y, label, size, spread=gap))
            vx = x + label_w + 0.6 * size  # as printed: the value a little after the label's last character
        else:
            items.append(Text(x, y, f"{label}：", size))
            vx = x + size * (len(label) + 1) + 10
        lines = _wrap(value, size, width - (vx - x))
        for k, ln in enumerate(lines):
            items.append(Text(vx, y + k * size * 1.45, ln, size))
        return y + len(lines) * size * 1.45 + size * 0.9

    if columns == 2:
        left = [p for p in pairs if p[0] in ("名称", "类型", "法定代表人", "经营范围")]
        right = [p for p in pairs if p[0] not in ("名称", "类型", "法定代表人", "经营范围")]
        y = 360
        for label, value in left:
            y = put(120, y, label, value, 720)
        y = 360
        for label, value in right:
            y = put(960, y, label, value, 680)
    else:
        y = 360
        for label, value in pairs:
            y = put(120, y, label, value, W - 240)
    foot_y = H - 230
    items.append(Text(W - 620, foot_y - 60, "登记机关", size))
    items.append(Text(W - 620, foot_y, issuer, size))
    items.append(Text(W - 560, foot_y + 60, _cn_date(issued), size))
    fields.update(issuer=issuer, issued=issued)
    return Sheet(
        name,
        W,
        H,
        items,
        {"type": "business_license", "fields": fields},
        seal_at=(W - 420, foot_y + 50),
        stamp_at=(100, 262),
    )


# -- certificates --------------------------------------------------------------------------

CERT_NUMBERS = ["00124Q35612R2M", "04423E10038R0M", "15621S20460R1S", "00224Q28911R3M"]
KINDS = {  # type, Chinese title, Chinese standard, English title, English standard
    "qms": (
        "qms_certificate",
        "质量管理体系认证证书",
        "GB/T 19001-2016/ISO 9001:2015",
        "QUALITY MANAGEMENT SYSTEM CERTIFICATE",
        "ISO 9001:2015",
    ),
    "ems": (
        "ems_certificate",
        "环境管理体系认证证书",
        "GB/T 24001-2016/ISO 14001:2015",
        "ENVIRONMENTAL MANAGEMENT SYSTEM CERTIFICATE",
        "ISO 14001:2015",
    ),
    "ohsms": (
        "ohsms_certificate",
        "职业健康安全管理体系认证证书",
        "GB/T 45001-2020/ISO 45001:2018",
        "OCCUPATIONAL HEALTH AND SAFETY MANAGEMENT SYSTEM CERTIFICATE",
        "ISO 45001:2018",
    ),
}
CERT_SCOPES = ["铝合金型材的设计、生产和销售", "电线电缆的生产和服务", "精密机械零部件的加工"]


def certificate(name: str, c: int, kind: str, n: int, *, language: str = "zh") -> Sheet:
    """A management-system certificate in Chinese, English, or both (Chinese line, English under it)."""
    org, uscc, addr, rep, prov = COMPANIES[c]
    typ, title, std, en_title, en_std = KINDS[kind]
    number = CERT_NUMBERS[n % len(CERT_NUMBERS)]
    scope = CERT_SCOPES[c % len(CERT_SCOPES)]
    issued, until = f"202{3 + n % 2}-0{n % 8 + 1}-15", f"202{6 + n % 2}-0{n % 8 + 1}-14"
    W, H = 1240, 1754
    items: list[Text] = []
    en = EN_NAMES.get(org, org)
    issuer_cn, issuer_en = "中联认证中心（北京）有限公司", "China United Certification Co., Ltd."
    if language == "en":
        items += [
            Text(110, 160, en_title, 36),
            Text(110, 300, f"Certificate No.: {number}", 28),
            Text(110, 400, "This is to certify that the management system of", 28),
            Text(110, 470, en, 34),
            Text(110, 560, "has been assessed and found to conform to", 28),
            Text(110, 620, en_std, 30),
            Text(110, 720, "Scope: Design and manufacture of aluminium profiles", 28),
            Text(110, 820, f"Issue date: {_en_date(issued, n)}", 28),
            Text(110, 880, f"Valid until: {_en_date(until, n)}", 28),
            Text(110, H - 260, issuer_en, 30),
        ]
        fields = {
            "org_name": en,
            "cert_number": number,
            "standard": en_std,
            "issued": issued,
            "valid_until": until,
            "issuer": issuer_en,
        }
        seal = (760, H - 250)
    else:
        items += [Text(W / 2 - 18 * len(title), 150, title, 36)]
        y = 280
        rows = [
            f"证书编号：{number}",
            "兹证明",
            org,
            f"统一社会信用代码：{uscc}",
            f"注册地址：{addr}",
            f"建立的管理体系符合标准：{std}",
            f"认证范围：{scope}",
            f"发证日期：{_cn_date(issued)}",
            f"有效期至：{_cn_date(until)}",
        ]
        english = {
            0: f"Certificate No.: {number}",
            2: en,
            5: f"Standard: {en_std}",
            7: f"Issue date: {_en_date(issued, n)}",
            8: f"Valid until: {_en_date(until, n)}",
        }
        for k, row in enumerate(rows):
            items.append(Text(110, y, row, 34 if k == 2 else 28))
            y += 62
            if language == "bilingual" and k in english:
                items.append(Text(110, y - 12, english[k], 22))
                y += 40
        items.append(Text(110, H - 260, issuer_cn, 30))
        if language == "bilingual":
            items.append(Text(110, H - 215, issuer_en, 22))
        fields = {
            "org_name": org,
            "uscc": uscc,
            "address": addr,
            "province": prov,
            "cert_number": number,
            "standard": std,
            "scope": scope,
            "issued": issued,
            "valid_until": until,
            "issuer": issuer_cn,
        }
        seal = (560, H - 250)
    return Sheet(name, W, H, items, {"type": typ, "fields": fields}, seal_at=seal, stamp_at=(100, 290))


def _en_date(iso: str, n: int) -> str:
    y, m, d = (int(v) for v in iso.split("-"))
    months = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.", "Nov.", "Dec."]
    return [f"{y}-{m:02d}-{d:02d}", f"{months[m - 1]} {d}, {y}", f"{d:02d}-{m:02d}-{y}"][n % 3]


# -- test report ---------------------------------------------------------------------------


def test_report(name: str, c: int) -> Sheet:
    org, uscc, addr, rep, prov = COMPANIES[c]
    W, H = 1240, 1754
    number = f"WT202{c % 5}-0{c}815"
    items = [
        Text(W / 2 - 72, 120, "检验报告", 36),
        Text(110, 240, f"报告编号：{number}", 28),
        Text(110, 300, f"委托单位：{org}", 28),
        Text(110, 360, "样品名称：铝合金建筑型材", 28),
        Text(110, 420, "检验依据：GB/T 5237.1-2017", 28),
        Text(110, 480, "签发日期：2024年07月15日", 28),
    ]
    table = [
        ["序号", "检验项目", "标准要求", "实测结果", "单位", "单项判定"],
        ["1", "抗拉强度", "≥160", "185", "MPa", "合格"],
        ["2", "断后伸长率", "≥8", "11.5", "%", "合格"],
        ["3", "维氏硬度", "≥58", "66", "HV", "合格"],
        ["4", "膜厚", "≥10", "12.3", "μm", "合格"],
    ]
    xs = [110, 210, 470, 660, 850, 980]
    for r, row in enumerate(table):
        for x, cell in zip(xs, row):
            items.append(Text(x, 580 + r * 64, cell, 26))
    items.append(Text(110, 920, "检验结论：所检项目符合GB/T 5237.1-2017要求。", 28))
    items.append(Text(700, H - 260, "天津市产品质量监督检测技术研究院", 26))
    fields = {
        "org_name": org,
        "cert_number": number,
        "standard": "GB/T 5237.1-2017",
        "issued": "2024-07-15",
        "issuer": "天津市产品质量监督检测技术研究院",
    }
    return Sheet(
        name, W, H, items, {"type": "test_report", "fields": fields}, seal_at=(860, H - 250), stamp_at=(100, 232)
    )


# -- damage --------------------------------------------------------------------------------

PROFILES = {
    # a flatbed scan: slight rotation, a seal, JPEG
    "scan": dict(
        rotate=(-1.5, 1.5),
        perspective=0.0,
        shade=0.0,
        blur=(0.5, 0.8),
        jpeg=(60, 75),
        seal=True,
        stamp=False,
        watermark=False,
    ),
    # a phone photo: perspective, rotation, uneven light, blur
    "photo": dict(
        rotate=(-4.0, 4.0),
        perspective=0.04,
        shade=0.35,
        blur=(0.7, 1.1),
        jpeg=(45, 65),
        seal=True,
        stamp=False,
        watermark=False,
    ),
    # a stamped copy: 副本 stamp over a label, diagonal watermark, seal
    "stamped": dict(
        rotate=(-2.0, 2.0),
        perspective=0.02,
        shade=0.15,
        blur=(0.5, 0.9),
        jpeg=(55, 70),
        seal=True,
        stamp=True,
        watermark=True,
    ),
}


def draw(sheet: Sheet):
    """The clean page as an RGB image."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (sheet.width, sheet.height), (252, 251, 247))
    d = ImageDraw.Draw(img)
    for t in sheet.items:
        font = _font(t.size)
        if t.spread:
            x = t.x
            for ch in t.text:
                d.text((x, t.y), ch, font=font, fill=INK)
                x += t.size * (1 + t.spread)
        else:
            d.text((t.x, t.y), t.text, font=font, fill=INK)
    return img


def _seal(img, centre, diameter: float, rng: random.Random):
    from PIL import Image, ImageChops, ImageDraw

    d = int(diameter)
    layer = Image.new("RGB", (d, d), "white")
    dr = ImageDraw.Draw(layer)
    ring = max(4, d // 26)
    dr.ellipse([ring, ring, d - ring, d - ring], outline=RED, width=ring)
    cx = cy = d / 2
    pts = []
    for i in range(10):
        r = d * 0.14 if i % 2 == 0 else d * 0.056
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    dr.polygon(pts, fill=RED)
    font = _font(max(12, d // 10))
    label = "市场监督管理局"
    for i, ch in enumerate(label):
        a = math.radians(-160 + i * 140 / (len(label) - 1))
        x, y = cx + d * 0.36 * math.cos(a), cy + d * 0.36 * math.sin(a)
        glyph = Image.new("L", (d // 7, d // 7), 0)
        ImageDraw.Draw(glyph).text((0, 0), ch, font=font, fill=255)
        glyph = glyph.rotate(-math.degrees(a) - 90, expand=True)
        layer.paste(Image.new("RGB", glyph.size, RED), (int(x - glyph.width / 2), int(y - glyph.height / 2)), glyph)
    layer = layer.rotate(rng.uniform(-20, 20), fillcolor="white")
    over = Image.new("RGB", img.size, "white")
    over.paste(layer, (int(centre[0] - d / 2), int(centre[1] - d / 2)))
    return ImageChops.multiply(img, over)


def _stamp(img, at, rng: random.Random):
    """A blue rectangular 副本 stamp (仅供认证申请使用), printed over whatever is under it."""
    from PIL import Image, ImageChops, ImageDraw

    w, h = 330, 120
    layer = Image.new("RGB", (w, h), "white")
    dr = ImageDraw.Draw(layer)
    dr.rectangle([3, 3, w - 4, h - 4], outline=BLUE, width=5)
    dr.text((110, 10), "副本", font=_font(48), fill=BLUE)
    dr.text((40, 72), "仅供认证申请使用", font=_font(30), fill=BLUE)
    layer = layer.rotate(rng.uniform(-8, 8), expand=True, fillcolor="white")
    over = Image.new("RGB", img.size, "white")
    over.paste(layer, (int(at[0] + rng.uniform(0, 60)), int(at[1] - 40)))
    return ImageChops.multiply(img, over)


def _watermark(img, rng: random.Random):
    """A light grey diagonal watermark across the page."""
    from PIL import Image, ImageDraw

    W, H = img.size
    layer = Image.new("L", (W, H), 0)
    ImageDraw.Draw(layer).text((W * 0.12, H * 0.45), "仅供资质审核使用  他用无效", font=_font(int(W / 14)), fill=255)
    layer = layer.rotate(rng.uniform(25, 40), center=(W / 2, H / 2))
    grey = Image.new("RGB", (W, H), (150, 150, 150))
    return Image.composite(grey, img, layer.point(lambda v: int(v * 0.45)))


def photograph(sheet: Sheet, profile: str, seed: int) -> bytes:
    """JPEG bytes of the sheet damaged by `profile`, deterministic in `seed`."""
    import numpy as np
    from PIL import Image, ImageFilter

    p = PROFILES[profile]
    rng = random.Random(seed)
    img = draw(sheet)
    if p["watermark"]:
        img = _watermark(img, rng)
    if p["seal"] and sheet.seal_at:
        img = _seal(img, sheet.seal_at, 250, rng)
    if p["stamp"] and sheet.stamp_at:
        img = _stamp(img, sheet.stamp_at, rng)
    W, H = img.size
    # a margin of table or desk around the page, then perspective and rotation
    pad = int(0.06 * max(W, H))
    canvas = Image.new("RGB", (W + 2 * pad, H + 2 * pad), (110, 96, 80) if p["perspective"] else (236, 236, 232))
    canvas.paste(img, (pad, pad))
    img = canvas
    if p["perspective"]:
        k = p["perspective"]
        src = [(pad, pad), (pad + W, pad), (pad + W, pad + H), (pad, pad + H)]
        dst = [(x + rng.uniform(-k, k) * W, y + rng.uniform(-k, k) * H) for x, y in src]
        img = img.transform(
            img.size, Image.PERSPECTIVE, _perspective_coeffs(dst, src), Image.BICUBIC, fillcolor=(110, 96, 80)
        )
    img = img.rotate(
        rng.uniform(*p["rotate"]),
        resample=Image.BICUBIC,
        expand=False,
        fillcolor=(110, 96, 80) if p["perspective"] else (236, 236, 232),
    )
    a = np.asarray(img).astype(np.float32)
    if p["shade"]:  # a lamp on one side, the phone's shadow across a corner
        h, w = a.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w]
        cx, cy = rng.uniform(0, 1), rng.uniform(0, 1)
        light = 1 - p["shade"] * ((xx / w - cx) ** 2 + (yy / h - cy) ** 2)
        shadow = np.where((xx / w + yy / h) > rng.uniform(1.3, 1.6), 0.78, 1.0)
        a *= np.clip(light * shadow, 0.45, 1.0)[..., None]
    a += np.random.default_rng(seed).normal(0, 7, a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(*p["blur"])))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=int(rng.uniform(*p["jpeg"])))
    return buf.getvalue()


def _perspective_coeffs(dst, src):
    """PIL's 8 coefficients mapping output (dst) points back to input (src) points."""
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=float)
    b = np.array([c for pt in src for c in pt], dtype=float)
    return np.linalg.solve(a, b).tolist()


# -- the corpus ----------------------------------------------------------------------------


def sheets() -> list[Sheet]:
    return [
        licence("licence_colon_a", 0),
        licence("licence_colon_b", 5, year=2016),
        licence("licence_spaced_a", 1, spaced=True),
        licence("licence_spaced_b", 2, spaced=True, year=2018),
        licence("licence_two_column_a", 3, columns=2),
        licence("licence_two_column_b", 4, columns=2, year=2009),
        licence("licence_two_column_spaced", 2, columns=2, spaced=True, year=2014),
        certificate("qms_cn", 0, "qms", 0),
        certificate("ems_cn", 4, "ems", 1),
        certificate("ohsms_cn", 3, "ohsms", 2),
        certificate("qms_bilingual", 1, "qms", 3, language="bilingual"),
        certificate("qms_en", 5, "qms", 1, language="en"),
        certificate("ems_en", 3, "ems", 2, language="en"),
        test_report("test_report_a", 4),
    ]


@dataclass
class Page:
    name: str  # sheet + profile
    sheet: Sheet
    profile: str

    def bytes(self) -> bytes:
        return photograph(self.sheet, self.profile, _seed(self.name))

    @property
    def expected(self) -> dict:
        """What the page says: tests/corpus/photo_expected/<sheet>.json (written by --write-expected
        from the values the sheet was drawn with)."""
        return json.loads((EXPECTED / f"{self.sheet.name}.json").read_text(encoding="utf-8"))


def _seed(name: str) -> int:
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)


def held_out(sheet: str) -> bool:
    """The fixed rule that sets a document aside, with all its damages: the sheets ranked by a hash of
    their names, every third one (a third exactly, whatever the hash values happen to be)."""
    return sheet in _held_out_sheets()


@functools.cache
def _held_out_sheets() -> frozenset[str]:
    ranked = sorted((s.name for s in sheets()), key=lambda n: _seed("held-out:" + n))
    return frozenset(ranked[::3])


def pages() -> list[Page]:
    """Every sheet in two of the three damages (which two: by the sheet's index), ~28 pages."""
    out = []
    names = list(PROFILES)
    for i, s in enumerate(sheets()):
        for profile in (names[i % 3], names[(i + 1) % 3]):
            out.append(Page(f"{s.name}-{profile}", s, profile))
    return out


def tuned() -> list[Page]:
    return [p for p in pages() if not held_out(p.sheet.name)]


def held_out_pages() -> list[Page]:
    return [p for p in pages() if held_out(p.sheet.name)]


# -- scoring -------------------------------------------------------------------------------


def same(got, want) -> bool:
    """Values compared as the contract gives them (NFKC), ignoring spaces and trailing punctuation."""
    from extractors.text import normalize

    def canon(v) -> str:
        return normalize(str(v)).replace(" ", "").rstrip("。.;；")

    return canon(got) == canon(want)


def score(page: Page, facts) -> dict:
    want = page.expected
    got = {k: f.value for k, f in facts.fields.items()}
    right = [k for k, v in want["fields"].items() if k in got and same(got[k], v)]
    wrong = {k: (got.get(k), v) for k, v in want["fields"].items() if k not in right}
    # a value read wrong that nothing marks for checking: what "unsure is not yes" must keep at zero
    silent = [k for k in wrong if k in got and not getattr(facts.fields[k], "check", None)]
    return {
        "type_right": facts.type == want["type"],
        "type": facts.type,
        "right": len(right),
        "total": len(want["fields"]),
        "wrong": wrong,
        "silent": silent,
        "flagged_right": sum(1 for k in right if getattr(facts.fields[k], "check", None)),
        "extra": sorted(set(got) - set(want["fields"])),
    }


def read(page: Page, cache_dir: str | None = None):
    from extractors import ocr
    from extractors.extract import extract_facts
    from extractors.read import read_document

    data = page.bytes()
    with ocr.deferred():
        doc = read_document(data, f"{page.name}.jpg")
    doc.sha256 = doc.sha256 or hashlib.sha256(data).hexdigest()
    ocr.ocr_document(doc, data, cache_dir=cache_dir)
    return doc, extract_facts(doc)


def run(part: str, cache_dir: str | None = None, verbose: bool = True) -> dict:
    chosen = tuned() if part == "tuned" else held_out_pages()
    totals = {"pages": 0, "type_right": 0, "right": 0, "total": 0, "silent": 0, "flagged_right": 0}
    for p in chosen:
        _, facts = read(p, cache_dir)
        s = score(p, facts)
        totals["pages"] += 1
        for k in ("type_right", "right", "total", "flagged_right"):
            totals[k] += s[k]
        totals["silent"] += len(s["silent"])
        if verbose and part == "tuned":  # the held-out part is only ever seen as totals
            print(
                f"{p.name:38} {s['type']:18} {s['right']}/{s['total']}  "
                + "; ".join(
                    f"{k}={g!r} (want {w!r}){' 未标记' if k in s['silent'] else ''}" for k, (g, w) in s["wrong"].items()
                )
            )
    return totals


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--write-expected"]:
        EXPECTED.mkdir(parents=True, exist_ok=True)
        for s in sheets():
            (EXPECTED / f"{s.name}.json").write_text(
                json.dumps(s.expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
    elif args[:1] == ["--score"]:
        part = args[1] if len(args) > 1 else "tuned"
        t = run(part, cache_dir=args[2] if len(args) > 2 else None)
        print(
            f"{part}: {t['pages']} pages, type right {t['type_right']}/{t['pages']}, "
            f"fields right {t['right']}/{t['total']} = {t['right'] / max(t['total'], 1):.1%}, "
            f"wrong values without 请核对 {t['silent']}, right values sent to 请核对 {t['flagged_right']}"
        )
    else:
        out = Path(args[0] if args else "photo-corpus-out")
        out.mkdir(parents=True, exist_ok=True)
        for p in pages():
            (out / f"{p.name}.jpg").write_bytes(p.bytes())
            (out / f"{p.name}.json").write_text(json.dumps(p.expected, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"{len(pages())} pages written to {out}")
