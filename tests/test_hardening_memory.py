"""Issue 17, memory and process lifetime: a PDF whose content inflates to 1.5 GB never takes the
server's process tree over 1 GB (reading it, previewing it); a worker past its memory limit is
stopped; workers and the fork server die with a killed parent."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import zlib
from pathlib import Path

import httpx
import pytest
from docgen import pdf_bytes

from extractors.limits import UnreadableDocument
from extractors.readers.pdf_streams import check_inflated
from intake.reading.memory import descendants, tree_rss
from intake.reading.worker import run_each

GB = 1024**3


def bomb_pdf(inflated: int = 1536 * 1024 * 1024) -> bytes:
    """One page whose content stream is `inflated` NUL bytes (whitespace to a PDF parser), deflated."""
    z = zlib.compressobj(9)
    piece = bytes(16 * 1024 * 1024)
    parts = [z.compress(piece) for _ in range(inflated // len(piece))]
    stream = b"".join(parts) + z.flush()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return bomb_pdf()


def test_the_bomb_is_refused_before_rendering_and_ordinary_pdfs_pass(bomb):
    assert len(bomb) < 3 * 1024 * 1024
    with pytest.raises(UnreadableDocument, match="文件解压后过大"):
        check_inflated(bomb, 200 * 1024 * 1024)
    check_inflated(pdf_bytes([["营业执照", "名称：天津某某有限公司"]] * 30), 200 * 1024 * 1024)
    check_inflated(bomb_pdf(8 * 1024 * 1024), 200 * 1024 * 1024)  # large but under the limit: read


def _allocate(mb: int) -> int:
    block = bytearray(mb * 1024 * 1024)
    for i in range(0, len(block), 4096):  # touch every page: real memory, not a reservation
        block[i] = 1
    if mb > 10:
        time.sleep(30)
    return len(block)


def test_a_worker_past_its_memory_limit_is_stopped_and_named():
    started = time.monotonic()
    big, small = run_each(_allocate, [(600,), (1,)], seconds=120, workers=2, max_memory=200 * 1024 * 1024)
    assert not big.ok and "文件解压后过大" in big.error and "200 MB" in big.error
    assert time.monotonic() - started < 60  # stopped for its memory, long before its time limit
    assert small.ok and small.value == 1024 * 1024  # the other file is read as usual


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sampler(threading.Thread):
    """The largest resident size of a process tree, sampled every 20 ms."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, tree_rss(self.pid))
            time.sleep(0.02)


@pytest.mark.slow
def test_the_bomb_never_takes_the_server_over_1gb(bomb, tmp_path):
    port = _free_port()
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "intake"), "serve", "--port", str(port), "--data", str(tmp_path / "var")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    sampler = Sampler(proc.pid)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as c:
            for _ in range(200):
                try:
                    csrf = c.get("/api/session").json()["csrf"]
                    break
                except httpx.HTTPError:
                    time.sleep(0.3)
            sampler.start()
            case = c.post(
                "/api/cases",
                json={"scheme": "jinzhi", "applicant": "某公司", "product": "齿轮"},
                headers={"X-CSRF-Token": csrf},
            ).json()
            r = c.post(
                f"/api/cases/{case['id']}/documents",
                headers={"X-CSRF-Token": csrf},
                files=[("files", ("bomb.pdf", bomb, "application/pdf"))],
            )
            doc_id = r.json()["files"][0]["document_id"]
            deadline = time.time() + 120
            while time.time() < deadline:
                doc = c.get(f"/api/cases/{case['id']}/documents/{doc_id}").json()
                if doc["state"] in ("read", "failed"):
                    break
                time.sleep(0.2)
            assert doc["state"] == "failed" and "文件解压后过大" in doc["error"], doc
            preview = c.get(f"/cases/{case['id']}/documents/{doc_id}/pages/1.png")
            assert preview.status_code == 404 and "文件解压后过大" in preview.text
    finally:
        sampler.running = False
        proc.terminate()
        proc.wait(10)
    print(f"server tree peak: {sampler.peak / 1048576:.0f} MB")
    assert 0 < sampler.peak < GB, f"server tree peaked at {sampler.peak / 1048576:.0f} MB"


CHILD = textwrap.dedent("""
    import sys, threading, time
    from intake.reading.worker import run_each
    if sys.argv[1] == "forkserver":  # a second thread: run_each uses the fork server, as in the web server
        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
    print("ready", flush=True)
    run_each(time.sleep, [(300,)], seconds=600, workers=1)
""")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fork", "forkserver"])
def test_workers_die_with_a_killed_parent(mode):
    root = Path(__file__).resolve().parent.parent
    parent = subprocess.Popen([sys.executable, "-c", CHILD, mode], stdout=subprocess.PIPE, text=True, cwd=root)
    assert parent.stdout.readline().strip() == "ready"
    deadline = time.time() + 60
    while time.time() < deadline and not descendants(parent.pid):
        time.sleep(0.1)
    time.sleep(1)  # the worker is under way (the fork server forked it)
    kids = descendants(parent.pid)
    assert kids, "no worker started"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(10)
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(k) for k in kids):
        time.sleep(0.1)
    left = [k for k in kids if _alive(k)]
    for k in left:
        os.kill(k, signal.SIGKILL)
    assert not left, f"{mode}: {len(left)} of {len(kids)} worker processes outlived the killed parent"


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


@pytest.mark.slow
def test_anonymous_sheet_uploads_are_streamed_not_held(tmp_path):
    """Three anonymous posts of 20 files of 25 MB each to /drafts/N/sheets: the server process stays
    under 350 MB (it used to hold every file whole: 3.2 GB)."""
    from click.testing import CliRunner
    from comment_sheets import draft_markdown

    from cli import cli

    data = tmp_path / "var"
    (tmp_path / "draft.md").write_bytes(draft_markdown())
    r = CliRunner().invoke(
        cli,
        [
            "comments",
            "register",
            "--draft",
            str(tmp_path / "draft.md"),
            "--out",
            str(tmp_path / "r.docx"),
            "--data",
            str(data),
        ],
    )
    assert r.exit_code == 0, r.output
    port = _free_port()
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "intake"), "serve", "--port", str(port), "--data", str(data)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, _rss(proc.pid))
            except OSError:
                return
            time.sleep(0.02)

    base = bytes(25 * 1024 * 1024)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as c:
            for _ in range(200):
                try:
                    csrf = c.get("/api/session").json()["csrf"]
                    break
                except httpx.HTTPError:
                    time.sleep(0.3)
            threading.Thread(target=sample, daemon=True).start()
            for post in range(3):
                files = [
                    ("files", (f"意见表{post}-{i}.docx", base + f"{post}-{i}".encode(), "application/octet-stream"))
                    for i in range(20)
                ]
                r = c.post("/drafts/1/sheets", data={"csrf": csrf}, files=files, headers={"Accept": "text/html"})
                assert r.status_code == 200, r.text[:500]
                assert r.text.count("YJ001-") >= 20  # every file got its receipt, unreadable or not
    finally:
        done.set()
        proc.terminate()
        proc.wait(10)
    print(f"server peak RSS: {peak / 1048576:.0f} MB")
    assert 0 < peak < 350 * 1024 * 1024, f"server peaked at {peak / 1048576:.0f} MB"


@pytest.mark.slow
def test_the_fork_server_dies_with_a_killed_server(tmp_path):
    port = _free_port()
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "intake"), "serve", "--port", str(port), "--data", str(tmp_path / "var")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(200):
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        kids = descendants(proc.pid)
        assert kids, "the fork server is started with the service"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(k) for k in kids):
        time.sleep(0.1)
    left = [k for k in kids if _alive(k)]
    for k in left:
        os.kill(k, signal.SIGKILL)
    assert not left, "the fork server outlived the killed server"
