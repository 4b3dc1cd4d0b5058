"""The order documents of an upload are read in, as the applicant feels it: a text PDF answers
before the photos' OCR starts, a long scan never holds back the documents uploaded with it or
after it, the same bytes are not read twice, and the pre-check page says what is still being read.

The reads are stand-ins (the engine is not what these tests are about, and they must not depend on
the machine's speed): a text PDF reads at once, a photo needs OCR, a 20-page scan gives 3 pages per
OCR slice. The reader's queue is driven one read at a time, as its threads would."""

from __future__ import annotations

import hashlib
import json

import pytest
from docgen import image_bytes, pdf_bytes
from web_helpers import make_client, open_case, upload

from extractors import ocr
from intake.reading import readers as reading
from intake.reading.lanes import OCR, TEXT, ReadQueue
from intake.store.db import open_db

SCAN_PAGES, PAGES_PER_SLICE = 20, 3
LICENCE_TEXT = [
    "营业执照",
    "统一社会信用代码 91120116MA05T3K21X",
    "名称 天津滨海精密机械有限公司",
    "类型 有限责任公司",
    "法定代表人 王建国",
    "成立日期 2010年03月15日",
    "营业期限 2010年03月15日至长期",
    "登记机关 天津市滨海新区市场监督管理局",
]


class FakeReads:
    """read_file_timed by file name: what each read was asked, and the OCR cache of the scan."""

    def __init__(self):
        self.calls: list[tuple[str, bool]] = []
        self.scan_pages: set[int] = set()

    def __call__(self, path, name, sha, limits, defer_ocr=False, ocr_seconds=None):
        self.calls.append((name, defer_ocr))
        result = {"file": name, "sha256": sha, "type": "other", "pages": 1, "error": None, "fields": {}, "warnings": []}
        if name.startswith("scan"):
            if not defer_ocr:
                start = len(self.scan_pages) + 1
                self.scan_pages |= set(range(start, min(SCAN_PAGES, start + PAGES_PER_SLICE - 1) + 1))
            pending = [n for n in range(1, SCAN_PAGES + 1) if n not in self.scan_pages]
            return {**result, "pages": SCAN_PAGES, **({"ocr_pending": pending} if pending else {})}, {}
        if name.endswith(".jpg"):
            assert not defer_ocr, "a photo has nothing to read before its OCR"
        return result, {}

    def cached(self, sha, *a, **k):
        return set(self.scan_pages)


@pytest.fixture
def fake(monkeypatch):
    reads = FakeReads()
    monkeypatch.setattr(reading, "read_file_timed", reads)
    monkeypatch.setattr(ocr, "cached_pages", reads.cached)
    return reads


def _take(reader) -> str:
    """One turn of a reader thread: take the next document and do what its lane says (read it, or
    move a photo to the OCR lane); the name of the file taken."""
    doc_id = reader.queue.get_nowait()
    lane = reader.queue.lane_of(doc_id)
    db = open_db(reader.data)
    name = db.table("documents").get(doc_id)["file_name"]
    reader._read_safely(db, doc_id, lane)
    db.conn.close()
    return name


def _read_next(reader, calls: list) -> str:
    """Turns until one file is actually read; its name."""
    before = len(calls)
    while len(calls) == before:
        _take(reader)
    return calls[-1][0]


def _states(client, case_id) -> dict[str, str]:
    return {d["file"]: d["state"] for d in client.get(f"/api/cases/{case_id}/report").json()["documents"]}


def test_a_text_pdf_is_read_before_the_photos_uploaded_before_it(tmp_path, fake):
    client = make_client(tmp_path)
    reader = client.app.state.reader
    case = open_case(client)
    files = [
        ("licence.jpg", image_bytes("JPEG")),
        ("cert.jpg", image_bytes("JPEG", size=(210, 100))),
        ("report.pdf", pdf_bytes([["检验报告"]])),
    ]
    assert upload(client, case["id"], files).status_code == 200
    while not reader.queue.empty():
        _take(reader)
    read_order = [name for name, _ in fake.calls]
    assert read_order == ["report.pdf", "licence.jpg", "cert.jpg"]  # photos in upload order, after the text
    assert set(_states(client, case["id"]).values()) == {"read"}


def test_a_long_scan_is_read_in_slices_and_never_holds_back_the_others(tmp_path, fake):
    client = make_client(tmp_path)
    reader = client.app.state.reader
    case = open_case(client)
    scan = [("scan-report.pdf", b"%PDF-1.4\n%%EOF\n")]
    four = [
        ("licence.jpg", image_bytes("JPEG")),
        ("cert.jpg", image_bytes("JPEG", size=(210, 100))),
        ("report.pdf", pdf_bytes([["检验报告"]])),
        ("patent.pdf", pdf_bytes([["发明专利证书"]])),
    ]
    assert upload(client, case["id"], scan + four).status_code == 200
    while len(fake.calls) < 6:
        _take(reader)
    # everything uploaded with the scan is read before the scan's first OCR slice
    assert [n for n, _ in fake.calls] == [
        "scan-report.pdf",
        "report.pdf",
        "patent.pdf",
        "licence.jpg",
        "cert.jpg",
        "scan-report.pdf",
    ]
    assert [s for f, s in _states(client, case["id"]).items() if f != "scan-report.pdf"] == ["read"] * 4

    # a document uploaded while the scan is being OCRed waits one slice at most
    later = [("later.jpg", image_bytes("JPEG", size=(220, 100)))]
    assert upload(client, case["id"], later).status_code == 200
    assert _read_next(reader, fake.calls) == "later.jpg"

    while not reader.queue.empty():
        _take(reader)
    assert _states(client, case["id"])["scan-report.pdf"] == "read"
    assert fake.scan_pages == set(range(1, SCAN_PAGES + 1))
    slices = sum(1 for n, deferred in fake.calls if n == "scan-report.pdf" and not deferred)
    assert slices == -(-SCAN_PAGES // PAGES_PER_SLICE)  # each slice went on from the cache


def test_the_same_bytes_are_read_once(tmp_path, fake):
    client = make_client(tmp_path)
    reader = client.app.state.reader
    data = pdf_bytes([["检验报告", "报告编号：TJ2024-00001"]])
    first, second = open_case(client), open_case(client)
    upload(client, first["id"], [("report.pdf", data)])
    _take(reader)
    upload(client, second["id"], [("同一份报告.pdf", data)])
    _take(reader)
    assert len(fake.calls) == 1
    doc = client.get(f"/api/cases/{second['id']}/report").json()["documents"][0]
    assert doc["state"] == "read" and doc["file"] == "同一份报告.pdf"


def test_a_deleted_documents_reading_is_never_lent_to_other_bytes(tmp_path, fake):
    """A file read, then deleted: its id can be taken by another file (SQLite gives a deleted highest rowid
    to the next row). The same bytes as the deleted one, uploaded again, are read as themselves, not
    given the facts of the file that now has the id (a useless file once showed another certificate's
    expiry date)."""
    client = make_client(tmp_path)
    reader = client.app.state.reader
    useless = b"not really a spreadsheet"
    first, second = open_case(client), open_case(client)
    gone = upload(client, first["id"], [("会议照片.txt", useless)]).json()["files"][0]["document_id"]
    _take(reader)
    cert = upload(client, first["id"], [("证书.pdf", pdf_bytes([["质量管理体系认证证书"]]))]).json()["files"][0]
    _take(reader)
    db = open_db(reader.data)
    with db.conn:  # the useless file deleted, and its id taken by the certificate
        db.execute("delete from documents where id = ?", [gone])
        db.execute("update documents set id = ? where id = ?", [gone, cert["document_id"]])
    upload(client, second["id"], [("会议照片.txt", useless)])
    while not reader.queue.empty():
        _take(reader)
    [(facts,)] = db.execute("select facts from documents where case_id = ?", [second["id"]]).fetchall()
    assert json.loads(facts)["sha256"] == hashlib.sha256(useless).hexdigest()  # its own reading


def test_the_page_shows_what_is_decided_and_marks_the_rest_as_being_read(tmp_path, monkeypatch):
    def read(path, name, sha, limits, defer_ocr=False, ocr_seconds=None):
        from extractors.extract import extract_facts
        from extractors.model import Document

        facts = extract_facts(Document.from_text("\n".join(LICENCE_TEXT), file=name)).to_json()
        return {**facts, "sha256": sha}, {}

    monkeypatch.setattr(reading, "read_file_timed", read)
    client = make_client(tmp_path)
    reader = client.app.state.reader
    case = open_case(client)
    upload(client, case["id"], [("licence.pdf", pdf_bytes([LICENCE_TEXT])), ("cert.jpg", image_bytes("JPEG"))])
    before = client.get(f"/cases/{case['id']}/progress.json").json()
    assert before["complete"] is False and before["reading"] == 2 and before["read"] == 0
    page = client.get(f"/cases/{case['id']}?step=result").text
    assert "读取中" in page and 'data-progress="todo"' in page

    assert _take(reader) == "licence.pdf"  # the photo waits for its OCR
    middle = client.get(f"/cases/{case['id']}/progress.json").json()
    assert middle["read"] == 1 and middle["reading"] == 1 and middle["version"] > before["version"]
    report = client.get(f"/api/cases/{case['id']}/report").json()
    decided = [i for i in report["items"] if any(e.get("file") == "licence.pdf" for e in i.get("evidence") or [])]
    assert decided, "an item decided by the licence already read"
    fragment = client.get(f"/cases/{case['id']}/report-fragment?step=result").text
    assert "读取中" in fragment and "licence.pdf" in fragment
    assert f">{middle['todo']}<" in fragment  # the count the page shows is the one progress.json gives

    while not reader.queue.empty():
        _take(reader)
    after = client.get(f"/cases/{case['id']}/progress.json").json()
    assert after["complete"] is True and after["reading"] == 0 and after["waiting"] == 0
    assert "读取中" not in client.get(f"/cases/{case['id']}/report-fragment?step=result").text


def test_progress_is_the_case_owners_alone(tmp_path):
    client = make_client(tmp_path)
    case = open_case(client)
    client.cookies.clear()
    assert client.get(f"/cases/{case['id']}/progress.json").status_code in (403, 404)
    assert client.get(f"/cases/{case['id']}/progress.json?after=1").status_code in (403, 404)  # and never waits


def test_a_page_waiting_for_news_hears_of_a_document_the_moment_it_is_read(tmp_path, fake):
    import threading
    import time

    client = make_client(tmp_path)
    reader = client.app.state.reader
    case = open_case(client)
    upload(client, case["id"], [("licence.pdf", pdf_bytes([LICENCE_TEXT]))])
    shown = client.get(f"/cases/{case['id']}/progress.json").json()
    assert shown["read"] == 0

    later = threading.Thread(target=lambda: (time.sleep(0.5), _take(reader)))
    later.start()
    news = client.get(f"/cases/{case['id']}/progress.json?after={shown['version']}").json()
    later.join()
    # the answer waited for the read instead of repeating what the page already shows
    assert news["version"] > shown["version"] and news["read"] == 1 and news["complete"] is True and news["waited"]


def test_a_page_behind_the_case_is_answered_at_once(tmp_path, fake):
    client = make_client(tmp_path)
    case = open_case(client)
    upload(client, case["id"], [("licence.pdf", pdf_bytes([LICENCE_TEXT]))])
    now = client.get(f"/cases/{case['id']}/progress.json").json()
    stale = client.get(f"/cases/{case['id']}/progress.json?after={now['version'] - 1}").json()
    assert stale["version"] == now["version"] and stale["waited"] is False


def test_waiting_pages_cannot_hold_the_service(tmp_path, fake, monkeypatch):
    """Pages waiting for news take a bounded number of places; past them an answer comes at once (the page
    then asks every second), and other requests are served while they wait."""
    import threading

    from web.routes import applicant

    monkeypatch.setattr(applicant, "NEWS_WAIT_SECONDS", 3.0)
    client = make_client(tmp_path)
    client.app.state.news_waiter_limit = 2
    case = open_case(client)
    upload(client, case["id"], [("licence.pdf", pdf_bytes([LICENCE_TEXT]))])
    url = f"/cases/{case['id']}/progress.json"
    version = client.get(url).json()["version"]
    answers: list[dict] = []
    waiting = [
        threading.Thread(target=lambda: answers.append(client.get(f"{url}?after={version}").json())) for _ in range(2)
    ]
    for t in waiting:
        t.start()
    for _ in range(100):  # until both have taken their place
        if getattr(client.app.state, "news_waiters", 0) == 2:
            break
        threading.Event().wait(0.02)
    assert client.app.state.news_waiters == 2
    third = client.get(f"{url}?after={version}").json()
    assert third["waited"] is False and third["version"] == version  # answered at once, not queued
    assert client.get(f"/api/cases/{case['id']}/report").status_code == 200  # the service goes on meanwhile
    for t in waiting:
        t.join()
    assert [a["waited"] for a in answers] == [True, True] and client.app.state.news_waiters == 0


def test_text_goes_before_ocr_and_each_lane_keeps_its_order():
    q = ReadQueue()
    for item in [(1, OCR), (2, TEXT), (3, OCR), 4]:
        q.put(item)
    q.put(None)
    got = [q.get_nowait() for _ in range(5)]
    assert got == [None, 2, 4, 1, 3]


def test_a_text_pdf_is_read_while_every_other_reader_is_busy_with_photos(tmp_path, monkeypatch):
    """A browser sends each file in its own request: the photos may be taken by the readers before
    the PDF arrives. The PDF is still read at once, by the reader that only reads text."""
    import threading
    import time

    ocr_may_end = threading.Event()
    photos_started: list[str] = []

    def read(path, name, sha, limits, defer_ocr=False, ocr_seconds=None):
        if name.endswith(".jpg"):
            photos_started.append(name)
            assert ocr_may_end.wait(60)
        return {"file": name, "sha256": sha, "type": "other", "pages": 1, "error": None, "fields": {}}, {}

    monkeypatch.setattr(reading, "read_file_timed", read)
    with make_client(tmp_path) as client:  # the reader threads run
        case = open_case(client)
        photos = [
            (f"photo{i}.jpg", image_bytes("JPEG", size=(200 + i, 100)))
            for i in range(len(client.app.state.reader.threads))
        ]
        for photo in photos:
            upload(client, case["id"], [photo])
        deadline = time.time() + 60
        while len(photos_started) < len(client.app.state.reader.threads) - 1 and time.time() < deadline:
            time.sleep(0.05)
        upload(client, case["id"], [("report.pdf", pdf_bytes([["检验报告"]]))])
        while _states(client, case["id"])["report.pdf"] != "read" and time.time() < deadline:
            time.sleep(0.05)
        states = _states(client, case["id"])
        ocr_may_end.set()
    assert states["report.pdf"] == "read"
    assert all(states[name] != "read" for name, _ in photos)  # the photos were still being read
