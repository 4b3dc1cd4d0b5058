"""Readers on more than one machine: a real redis-server, the web service sending documents as jobs,
two `intake worker` processes reading them. Killing a worker mid-job loses nothing and records
nothing twice; with no broker the embedded readers still do the work."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from docgen import pdf_bytes

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server (make test installs it)"),
]

INTAKE = str(Path(sys.executable).parent / "intake")
LICENCE = [
    "营业执照",
    "统一社会信用代码：91120116MA05JXQ72G",
    "名称：天津{n}号精密机械有限公司",
    "住所：天津市滨海新区海泰发展六道6号",
    "法定代表人：李明",
    "成立日期：2015年03月18日",
]
ENV = {
    **os.environ,
    "INTAKE_BROKER_HEARTBEAT_MS": "5000",
    "INTAKE_BROKER_MAINTENANCE": "1000000",
    "INTAKE_FILE_SECONDS": "120",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, seconds: float, what: str):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(tmp_path),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    wait_until(lambda: _pings(client), 20, "redis-server")
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    stop(proc)


def _pings(client) -> bool:
    try:
        return client.ping()
    except Exception:
        return False


class Cluster:
    def __init__(self, tmp: Path, broker: str | None):
        self.tmp, self.broker = tmp, broker
        self.procs: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []

    def serve(self) -> str:
        port = free_port()
        args = [INTAKE, "serve", "--port", str(port), "--data", str(self.tmp / "web"), "--no-demo"]
        if self.broker:
            args += ["--broker", self.broker]
        env = {k: v for k, v in ENV.items() if k != "INTAKE_BROKER"}
        self.procs.append(subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        self.url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _answers(self.url), 60, "the web service")
        return self.url

    def worker(self) -> subprocess.Popen:
        n = len(self.workers)
        log = open(self.tmp / f"worker{n}.log", "wb")
        proc = subprocess.Popen(
            [INTAKE, "worker", "--broker", self.broker, "--data", str(self.tmp / f"w{n}")],
            env=ENV,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(proc)
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        for p in reversed(self.procs):
            stop(p)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url + "/api/schemes", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def worker_heartbeats(broker: str) -> int:
    import redis

    client = redis.Redis.from_url(broker)
    try:
        return client.zcard("intake:__heartbeats__")
    finally:
        client.close()


class Applicant:
    def __init__(self, url: str):
        self.c = httpx.Client(base_url=url, timeout=60)
        self.csrf = self.c.get("/api/session").json()["csrf"]
        self.case = self.c.post(
            "/api/cases",
            json={"scheme": "jinzhi", "applicant": "天津某某精密机械有限公司"},
            headers={"X-CSRF-Token": self.csrf},
        ).json()["id"]

    def upload(self, name: str, data: bytes) -> int:
        r = self.c.post(
            f"/api/cases/{self.case}/documents",
            headers={"X-CSRF-Token": self.csrf},
            files=[("files", (name, data, "application/pdf"))],
        )
        r.raise_for_status()
        return r.json()["files"][0]["document_id"]

    def documents(self) -> dict[int, dict]:
        return {d["id"]: d for d in self.c.get(f"/api/cases/{self.case}/documents").json()}

    def document(self, doc_id: int) -> dict:
        return self.c.get(f"/api/cases/{self.case}/documents/{doc_id}").json()

    def all_done(self, ids) -> bool:
        docs = self.documents()
        return all(docs[i]["state"] in ("read", "failed") for i in ids)


def licence_pdf(n: int, pages: int = 1) -> bytes:
    return pdf_bytes([[l.format(n=n) for l in LICENCE] + [f"第 {p} 页"] for p in range(1, pages + 1)])


def scanned_pdf(pages: int) -> bytes:
    """An image-only PDF of `pages` scanned pages: every page needs OCR, so reading it takes a while."""
    import io

    from ocr_scans import licence, scan
    from PIL import Image

    img = Image.open(io.BytesIO(scan(licence())))
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=200, save_all=True, append_images=[img.copy() for _ in range(pages - 1)])
    return buf.getvalue()


@pytest.fixture
def cluster(tmp_path, redis_url):
    c = Cluster(tmp_path, redis_url)
    yield c
    c.close()


def test_documents_uploaded_through_the_web_are_read_by_two_workers(cluster):
    w0, w1 = cluster.worker(), cluster.worker()
    wait_until(lambda: worker_heartbeats(cluster.broker) >= 2, 60, "two workers on the broker")
    app = Applicant(cluster.serve())
    ids = [app.upload(f"licence{n}.pdf", licence_pdf(n, pages=40)) for n in range(6)]
    wait_until(lambda: app.all_done(ids), 240, "the workers to read every document")
    readers = set()
    for n, doc_id in enumerate(ids):
        doc = app.document(doc_id)
        assert doc["state"] == "read", doc.get("error")
        assert doc["facts"]["type"] == "business_license"
        assert doc["facts"]["fields"]["org_name"]["value"] == f"天津{n}号精密机械有限公司"
        readers.add(int(doc["facts"]["read_by"].rsplit(":", 1)[1]))
    assert readers == {w0.pid, w1.pid}  # both machines took jobs; the web service read none
    report = app.c.get(f"/api/cases/{app.case}/report").json()
    assert report["case"]["complete"] and len(report["documents"]) == 6


def test_a_worker_killed_mid_job_loses_nothing_and_nothing_is_recorded_twice(cluster):
    first = cluster.worker()
    wait_until(lambda: worker_heartbeats(cluster.broker) >= 1, 60, "a worker on the broker")
    app = Applicant(cluster.serve())
    slow = app.upload("scan.pdf", scanned_pdf(4))
    wait_until(lambda: app.documents()[slow]["state"] == "reading", 60, "the worker to start the scan")
    time.sleep(1.5)  # well into its OCR
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its reading child: a machine gone
    first.wait(10)
    second = cluster.worker()
    quick = app.upload("licence.pdf", licence_pdf(7))
    wait_until(lambda: app.all_done([slow, quick]), 300, "the second worker to take over the killed job")
    doc = app.document(slow)
    assert doc["state"] == "read", doc.get("error")
    assert doc["facts"]["read_by"].endswith(f":{second.pid}")
    assert doc["facts"]["fields"]["org_name"]["value"]
    assert app.document(quick)["state"] == "read"
    # recorded once each: the assistant said what it read once per document (uploads in one batch)
    said = "\n".join(m["text"] for m in app.c.get(f"/api/cases/{app.case}/chat").json())
    assert said.count("收到“scan.pdf”") == 1 and said.count("收到“licence.pdf”") == 1, said


def test_without_a_broker_the_service_reads_documents_itself(tmp_path):
    c = Cluster(tmp_path, None)
    try:
        app = Applicant(c.serve())
        doc_id = app.upload("licence.pdf", licence_pdf(3))
        wait_until(lambda: app.all_done([doc_id]), 120, "the embedded readers")
        doc = app.document(doc_id)
        assert doc["state"] == "read" and "read_by" not in doc["facts"]
        assert doc["facts"]["fields"]["org_name"]["value"] == "天津3号精密机械有限公司"
    finally:
        c.close()
