"""Bad input: each case gets one clear message naming the file, and the other files in
the same call are still read (every case goes through the worker pipeline)."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from docgen import docx_bytes, encrypted_office_bytes, many_pages_pdf, pdf_bytes

from extractors.read import ReadLimits, UnreadableDocument, read_document
from intake.config import Limits
from intake.reading.pipeline import ReadError, extract_files, read_file_safely, read_files_safely

GOOD_PDF = pdf_bytes([["营业执照", "名称：天津某某科技有限公司"]])


def check(bad_name: str, bad: bytes, *expected: str, limits: Limits | None = None) -> str:
    """Run the bad file between two good ones; return its error after checking the neighbours."""
    results = extract_files([("before.pdf", GOOD_PDF), (bad_name, bad), ("after.pdf", GOOD_PDF)], limits)
    assert [r.file for r in results] == ["before.pdf", bad_name, "after.pdf"]
    before, broken, after = results
    assert before.error is None and after.error is None and after.pages == 1
    assert broken.error and broken.error.startswith(f"{bad_name}: ")
    for text in expected:
        assert text in broken.error, broken.error
    assert "\n" not in broken.error and "Traceback" not in broken.error
    return broken.error


def zipped(files: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return buf.getvalue()


def test_empty_file():
    check("empty.pdf", b"", "空文件")


def test_truncated_pdf():
    check("cut.pdf", GOOD_PDF[: len(GOOD_PDF) // 3], "PDF 文件已损坏或不完整")


def test_corrupt_pdf_body():
    check("junk.pdf", b"%PDF-1.7\n" + os.urandom(4000), "PDF 文件已损坏或不完整")


def test_encrypted_pdf():
    check("secret.pdf", pdf_bytes([["机密"]], password="s3cret"), "PDF 已加密")


def test_truncated_docx():
    data = docx_bytes(["征求意见表"])
    check("cut.docx", data[: len(data) // 2], "DOCX 文件已损坏或不完整")


def test_docx_missing_its_document_part():
    check("hollow.docx", zipped({"[Content_Types].xml": "<Types/>", "word/styles.xml": "<w/>"}), "DOCX", "损坏")


def test_password_protected_docx():
    check("locked.docx", encrypted_office_bytes(), "密码保护")


def test_docx_zip_bomb_by_size():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/media/zeros.bin", "w") as f:
            chunk = bytes(1 << 20)
            for _ in range(12):
                f.write(chunk)
    bomb = buf.getvalue()
    assert len(bomb) < 100_000
    limits = Limits(max_unzipped_bytes=10 << 20)
    check("bomb.docx", bomb, "压缩炸弹", "超过上限 10 MB", limits=limits)


def test_docx_zip_bomb_by_entry_count():
    bomb = zipped({f"word/media/{i}.xml": "" for i in range(3000)})
    check("many.docx", bomb, "3000 个压缩条目", "压缩炸弹")


def test_docx_with_entity_expansion():
    real = zipfile.ZipFile(io.BytesIO(docx_bytes(["正文"])))
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
        + "]>"
    )
    parts = {n: real.read(n) for n in real.namelist()}
    body = parts["word/document.xml"].decode()
    parts["word/document.xml"] = laughs + body[body.index("<w:document") :].replace("正文", "&lol9;")
    check("laughs.docx", zipped(parts), "DTD", "拒绝读取")


def test_unknown_and_unsupported_formats():
    check("noise.pdf", os.urandom(2048).replace(b"%PDF", b"xxxx"), "无法识别的文件格式")
    check("sheet.docx", zipped({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<x/>"}), "XLSX", "暂不支持")


def test_lying_extension_is_read_with_a_warning():
    results = extract_files([("license.docx", GOOD_PDF)])
    assert results[0].error is None
    assert "扩展名为 .docx，实际为 PDF，已按 PDF 读取" in results[0].warnings


def test_two_thousand_pages_are_capped_with_a_warning():
    data = many_pages_pdf(2000)
    [facts] = extract_files([("huge.pdf", data)], Limits(max_pages=300))
    assert facts.error is None
    assert any("共 2000 页" in w and "只读取前 300 页" in w and "跳过 1700 页" in w for w in facts.warnings)
    doc = read_document(data, "huge.pdf", ReadLimits(max_pages=300))
    assert len(doc.pages) == 300 and doc.pages[-1].lines[0].text == "第 300 页正文"


def test_file_too_large_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.pdf"
    path.write_bytes(GOOD_PDF + b"\0" * (2 << 20))
    [facts] = extract_files([path], Limits(max_bytes=1 << 20))
    assert facts.error.startswith("big.pdf: ") and "超过上限 1 MB" in facts.error


def test_missing_path_is_an_error_not_a_crash(tmp_path):
    good = tmp_path / "good.pdf"
    good.write_bytes(GOOD_PDF)
    results = extract_files([tmp_path / "nowhere.pdf", good])
    assert results[0].error == "nowhere.pdf: 找不到文件"
    assert results[1].error is None and results[1].sha256


# ---- the worker: hung and crashing readers ------------------------------------------


def _hang(data, name, limits):
    import time

    if name.startswith("hang"):
        time.sleep(60)
    return read_document(data, name, limits)


def _crash(data, name, limits):
    if name.startswith("crash"):
        os._exit(9)  # as a segfaulting parser would: no exception, no reply
    return read_document(data, name, limits)


def test_hung_reader_is_killed_at_the_time_limit(monkeypatch):
    monkeypatch.setattr("intake.reading.pipeline.read_document", _hang)  # inherited by the forked workers
    error = check("hang.pdf", GOOD_PDF, "读取超时", "1 秒", limits=Limits(file_seconds=1))
    assert error == "hang.pdf: 读取超时（超过 1 秒），已中止"


def test_crashing_reader_loses_only_its_file(monkeypatch):
    monkeypatch.setattr("intake.reading.pipeline.read_document", _crash)
    check("crash.pdf", GOOD_PDF, "读取进程意外退出")


def test_read_file_safely_returns_document_or_error():
    doc = read_file_safely(("ok.pdf", GOOD_PDF))
    assert doc.pages[0].lines[0].text == "营业执照"
    err = read_file_safely(("cut.pdf", GOOD_PDF[:500]))
    assert isinstance(err, ReadError) and not err and err.error.startswith("cut.pdf: PDF 文件已损坏")
    both = read_files_safely([("a.pdf", b""), ("b.pdf", GOOD_PDF)])
    assert isinstance(both[0], ReadError) and both[1].file == "b.pdf"


def test_unreadable_document_is_raised_directly_too():
    with pytest.raises(UnreadableDocument, match="空文件"):
        read_document(b"", "x.pdf")


def test_works_from_a_threaded_server_process():
    """With other threads alive (a web server) forking is unsafe: workers come from a fork server."""
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        good, empty = extract_files([("ok.pdf", GOOD_PDF), ("empty.pdf", b"")])
    finally:
        stop.set()
        thread.join()
    assert good.error is None and good.pages == 1
    assert empty.error == "empty.pdf: 空文件（0 字节）"


def test_damaged_bytes_never_escape_as_raw_exceptions():
    """Random byte damage: every outcome is a Document or one clear UnreadableDocument."""
    import random

    from docgen import Grid

    rng = random.Random(7)
    pdf = pdf_bytes([["检验报告", Grid([["项目", "结果"], ["a", "b"]])], ["第二页"]])
    docx = docx_bytes(["标题", Grid([["a", "b"], ["c", "d"]], merges=[(0, 0, 1, 0)])])
    for name, base in (("x.pdf", pdf), ("x.docx", docx)):
        for _ in range(60):
            damaged = bytearray(base)
            for _ in range(rng.randint(1, 20)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            if rng.random() < 0.3:
                damaged = damaged[: rng.randrange(len(damaged))]
            try:
                read_document(bytes(damaged), name)
            except UnreadableDocument as e:
                assert str(e) and "\n" not in str(e)


def test_entity_expansion_hidden_in_a_part_without_xml_extension():
    real = zipfile.ZipFile(io.BytesIO(docx_bytes(["正文"])))
    parts = {n: real.read(n) for n in real.namelist()}
    parts["customXml/item1"] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    check("hidden.docx", zipped(parts), "customXml/item1", "DTD")
