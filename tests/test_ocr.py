"""Scanned evidence: generated scans and photos read back into the same facts as their text twins.

Each full-page OCR costs a couple of seconds on the shared cores, so the scans are
made and read once per module (fixtures below) and several tests look at each.
"""

from __future__ import annotations

import io

import ocr_scans as s
import pytest

from extractors import ocr
from extractors.read import read_document

pytestmark = pytest.mark.ocr

needs_engine = pytest.mark.skipif(not ocr.available(), reason=ocr.INSTALL_HINT)
CONTRACT = ("type", "org_name", "uscc", "cert_number", "valid_until")


def _facts(doc):
    from extractors.extract import extract_facts

    return extract_facts(doc)


def _twin(fx):
    """The contract fields the text PDF itself yields."""
    f = _facts(read_document(fx.pdf(), f"{fx.name}.pdf"))
    return f, {k: (f.type if k == "type" else f.value(k)) for k in CONTRACT}


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(scope="module")
def licence_scan(cache):
    """An image-only PDF of a business licence: red seal over the name, 2° skew, blur, noise, JPEG."""
    fx = s.licence()
    data = s.scanned_pdf(fx, dpi=300)
    with ocr.deferred():
        doc = read_document(data, "营业执照扫描件.pdf")
    events = []
    ocr.ocr_document(doc, data, cache_dir=cache, progress=events.append)
    return fx, data, doc, events


@pytest.fixture(scope="module")
def certificate_photo():
    """A phone photo of an ISO certificate, stored sideways with an EXIF orientation tag."""
    from PIL import Image

    fx = s.certificate()
    jpeg = s.scan(fx, dpi=220, rotate=3.0, shade=True, noise=12, jpeg=50, seed=3)
    im = Image.open(io.BytesIO(jpeg)).rotate(90, expand=True)  # as the sensor stored it
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85, exif=exif)
    data = buf.getvalue()
    return fx, data, read_document(data, "证书照片.jpg")


@needs_engine
def test_scanned_licence_reads_as_lines_with_positions_and_confidence(licence_scan):
    import pypdfium2 as pdfium

    fx, data, doc, _ = licence_scan
    page = doc.pages[0]
    assert page.ocr and doc.ocr and not doc.needs_ocr
    names = [l for l in page.lines if s.LICENCE_ORG in l.text]
    assert names, "the holder's name under the red seal was not read"
    line = names[0]
    assert 0.5 < line.confidence < 1.0
    x0, top, x1, bottom = line.bbox
    assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height
    assert (page.width, page.height) == pytest.approx(pdfium.PdfDocument(data)[0].get_size(), abs=0.5)  # points


@needs_engine
def test_scanned_licence_yields_the_fields_of_its_text_twin(licence_scan):
    fx, _, doc, _ = licence_scan
    twin, want = _twin(fx)
    got = _facts(doc)
    assert got.type == "business_license" == twin.type
    for k in ("org_name", "uscc", "legal_rep", "established"):
        assert got.value(k) == twin.value(k) == fx.expected[k], k
    assert got.ocr and got.fields["org_name"].ocr
    assert got.fields["uscc"].confidence < 1.0  # OCR confidence carried into the field


@needs_engine
def test_photographed_certificate_yields_the_contract_fields(certificate_photo):
    fx, _, doc = certificate_photo
    page = doc.pages[0]
    assert page.ocr and page.height > page.width  # EXIF orientation honoured: portrait
    assert not doc.metadata["ocr"]["turned"]  # upright from EXIF, no retry needed
    twin, want = _twin(fx)
    got = _facts(doc)
    assert got.type == "qms_certificate"
    for k in ("org_name", "uscc", "cert_number", "valid_until"):
        assert got.value(k) == want[k] == fx.expected[k], k
        assert got.fields[k].ocr
    assert got.value("standard") == twin.value("standard") == fx.expected["standard"]


@needs_engine
def test_reading_again_uses_the_cache_and_never_the_engine(licence_scan, cache, monkeypatch):
    fx, data, first, events = licence_scan
    assert [(e.page, e.done, e.total, e.status) for e in events] == [(1, 0, 1, "running"), (1, 1, 1, "ocr")]
    assert list(cache.rglob("*.json"))
    assert ocr.progress_of(first.sha256, cache)["status"] == "ocr"  # what another process (the web) sees

    def no_engine(*a, **k):
        raise AssertionError("re-OCR of a cached page")

    monkeypatch.setattr(ocr, "_recognize_bgr", no_engine)
    seen = []
    with ocr.reporting(seen.append):
        monkeypatch.setenv("INTAKE_OCR_CACHE", str(cache))
        again = read_document(data, "renamed.pdf")  # same bytes, another name: same sha256
    assert [e.status for e in seen] == ["cached"]
    assert [l.text for l in again.pages[0].lines] == [l.text for l in first.pages[0].lines]
    # a different engine setting is a different cache entry
    other = ocr.load_settings(dpi=150)
    assert ocr.cache_path(cache, first.sha256, 1, other) != ocr.cache_path(cache, first.sha256, 1, ocr.load_settings())


@needs_engine
def test_indicator_table_rebuilt_from_boxes():
    fx = s.test_report()
    data = s.scan(fx, dpi=200, rotate=-1.5)
    doc = read_document(data, "report.jpg")
    tables = doc.pages[0].tables
    assert len(tables) == 1
    grid = tables[0].grid()
    assert grid[0][:4] == ["序号", "检验项目", "标准要求", "实测结果"]
    assert [r[3] for r in grid[1:]] == [r[3] for r in s.INDICATORS[1:]]  # measured values exact
    assert [r[1] for r in grid[1:]] == [r[1] for r in s.INDICATORS[1:]]
    assert all(r[5] == "合格" for r in grid[1:])
    # the text above the table stays lines, not cells
    assert any(l.text.startswith("委托单位") and s.CERT_ORG in l.text for l in doc.pages[0].lines)


@needs_engine
def test_page_over_its_time_limit_stays_flagged(monkeypatch):
    from PIL import Image

    data = _png(Image.new("RGB", (400, 200), "white"))
    events = []
    with ocr.reporting(events.append):
        monkeypatch.setattr(ocr, "load_settings", _settings_with(page_seconds=0))
        doc = read_document(data, "slow.png")
    assert doc.needs_ocr and not doc.pages[0].ocr
    assert any("超过" in w for w in doc.warnings)
    assert [e.status for e in events] == ["running", "timeout"]


def _settings_with(**kw):
    real = ocr.load_settings

    def load(*a, **more):
        return real(*a, **{**kw, **more})

    return load


def _png(im) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def test_without_the_engine_pages_stay_flagged_with_the_install_hint(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    data = s.scanned_pdf(s.licence(), dpi=100)
    doc = read_document(data, "scan.pdf")
    assert len(doc.pages) == 1 and doc.needs_ocr and not doc.ocr
    assert any("requirements-ocr.txt" in w and "make run" in w for w in doc.warnings)
    facts = _facts(doc)
    assert facts.error is None


def test_damaged_image_is_a_warning_not_a_crash(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: True)
    jpeg = s.scan(s.licence(), dpi=72, seal=False)
    doc = read_document(jpeg[: len(jpeg) // 3], "cut.jpg")
    assert doc.needs_ocr and not doc.ocr
    assert any("OCR" in w for w in doc.warnings)


def test_oversized_image_is_refused_before_decoding(monkeypatch):
    from PIL import Image

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "load_settings", _settings_with(max_pixels=10_000))
    doc = read_document(_png(Image.new("RGB", (300, 300), "white")), "big.png")
    assert doc.needs_ocr and any("过大" in w for w in doc.warnings)


@pytest.mark.skipif(not ocr.available(), reason=ocr.INSTALL_HINT)
def test_seal_suppression_removes_red_keeps_black():
    import numpy as np

    a = np.full((120, 120, 3), 240, np.uint8)
    a[20:40, 10:110] = (30, 30, 30)  # black print
    a[60:80, 10:110] = (210, 40, 40)  # red seal ink
    a[85:95, 10:110] = (40, 40, 160)  # blue ink (a stamp, a signature)
    a[100:110, 10:110] = (20, 30, 90)  # navy print
    a[112:118, 10:110] = (40, 70, 190)  # blue stamp ink
    out = ocr.suppress_seals(a, stamps=False)
    assert out[30, 60, 0] < 60 and out[90, 60, 0] < 80
    assert out[70, 60, 0] == 255 and out[5, 5, 0] == 255
    out = ocr.suppress_seals(a)  # stamps too: the blue 副本 stamp goes, black and navy print stay
    assert out[115, 60, 0] == 255 and out[70, 60, 0] == 255 and out[90, 60, 0] > 200
    assert out[30, 60, 0] < 60 and out[105, 60, 0] < 140


def _top(jpeg: bytes, share: float = 0.4):
    from PIL import Image

    im = Image.open(io.BytesIO(jpeg)).convert("RGB")
    return im.crop((0, 0, im.width, int(im.height * share)))


@needs_engine
def test_heic_photo_is_read():
    pytest.importorskip("pillow_heif").register_heif_opener()
    im = _top(s.scan(s.licence(), dpi=200, rotate=1.0))
    buf = io.BytesIO()
    im.save(buf, "HEIF", quality=70)
    doc = read_document(buf.getvalue(), "IMG_0001.HEIC")
    assert doc.format == "image" and doc.pages[0].ocr
    assert any(s.LICENCE_USCC in l.text for l in doc.pages[0].lines)


@needs_engine
def test_multi_page_tiff_with_an_upside_down_page():
    first = _top(s.scan(s.licence(), dpi=200, seal=False))
    second = _top(s.scan(s.certificate(), dpi=200, seal=False)).rotate(180)
    buf = io.BytesIO()
    first.save(buf, "TIFF", save_all=True, append_images=[second], compression="tiff_lzw")
    doc = read_document(buf.getvalue(), "bundle.tiff")
    assert [p.number for p in doc.pages] == [1, 2] and all(p.ocr for p in doc.pages)
    assert doc.metadata["ocr"]["turned"] == {2: 2}  # read the right way up
    lines = [l.text for l in doc.pages[1].lines]
    assert lines[0] == "质量管理体系认证证书"
    assert any(s.CERT_NUMBER in t for t in lines)


@needs_engine
def test_out_of_time_file_returns_what_it_read_and_the_next_read_continues(tmp_path):
    from types import SimpleNamespace

    first = _top(s.scan(s.licence(), dpi=150, seal=False))
    second = _top(s.scan(s.certificate(), dpi=150, seal=False))
    buf = io.BytesIO()
    first.save(buf, "PDF", save_all=True, append_images=[second], resolution=150)
    data = buf.getvalue()
    events = []
    with ocr.deferred():
        doc = read_document(data, "two-pages.pdf")
    ocr.ocr_document(
        doc, data, SimpleNamespace(ocr_seconds=0.01, max_pages=300), cache_dir=tmp_path, progress=events.append
    )
    assert [(e.page, e.status) for e in events] == [(1, "running"), (1, "ocr"), (2, "pending")]
    assert doc.pages[0].ocr and not doc.pages[1].ocr and doc.needs_ocr
    assert doc.metadata["ocr_pending"] == [2] and any("再次读取" in w for w in doc.warnings)
    events.clear()
    with ocr.deferred():
        again = read_document(data, "two-pages.pdf")
    ocr.ocr_document(again, data, cache_dir=tmp_path, progress=events.append)
    assert [(e.page, e.status) for e in events] == [(1, "cached"), (2, "running"), (2, "ocr")]
    assert not again.needs_ocr and any(s.CERT_NUMBER in l.text for l in again.pages[1].lines)


def test_an_engine_failure_on_one_page_keeps_the_file(monkeypatch):
    from PIL import Image

    monkeypatch.setattr(ocr, "available", lambda: True)

    def broken(*a, **k):
        raise RuntimeError("onnxruntime: bad allocation")

    monkeypatch.setattr(ocr, "read_image", broken)
    doc = read_document(_png(Image.new("RGB", (200, 100), "white")), "photo.png")
    assert doc.needs_ocr and any("OCR 出错" in w for w in doc.warnings)
