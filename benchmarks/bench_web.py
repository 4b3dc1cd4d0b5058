"""The web service under load, with uvicorn on 127.0.0.1 (`python -m benchmarks.bench_web`).

(a) 20 concurrent applicants, each opening a case, uploading a 30-page PDF and polling the
    report JSON every 0.5 s until it is complete: wall time until all are complete, against the
    same journey for one applicant alone (baseline) in the same run; p95 latency of the report
    endpoint during the load against its p95 with one applicant; failed requests (must be 0).
(b) The case page (HTML: gap report + documents) of a case with 30 read documents: first render
    after a change (report computed) and warm renders (cached), against the page of a case with
    one document.
Bounded: every request has a timeout, the whole run gives up after 10 minutes.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from docgen import pdf_bytes  # noqa: E402

from benchmarks.common import report  # noqa: E402

APPLICANTS = 20
PAGES = 30
DOCS_ON_PAGE = 30
DEADLINE = time.time() + 600
LINES = [
    "检验检测报告",
    "报告编号：TJ2024-{n:05d}",
    "委托单位：天津某某精密机械制造有限公司",
    "检验依据：GB/T 3077-2015",
    "签发日期：2024年6月1日",
    "检验结论：所检项目符合标准要求。",
]


def _pdf(n: int, pages: int) -> bytes:
    para = "本页为检验记录的正文，记载取样、试验条件和结果，供核查。" * 6
    return pdf_bytes([[l.format(n=n) for l in LINES] + [f"第 {p} 页", para, para] for p in range(1, pages + 1)])


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path) -> tuple[subprocess.Popen, str]:
    port = _port()
    intake = Path(sys.executable).parent / "intake"
    proc = subprocess.Popen(
        [str(intake), "serve", "--port", str(port), "--data", str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while time.time() < DEADLINE:
        try:
            if httpx.get(url + "/api/schemes", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


class Applicant:
    def __init__(self, url: str, pdf: bytes, latencies: list, failures: list):
        self.url, self.pdf, self.latencies, self.failures = url, pdf, latencies, failures
        self.done_at: float | None = None

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as c:
            try:
                csrf = c.get("/api/session").json()["csrf"]
                case = c.post(
                    "/api/cases",
                    json={"scheme": "nonferrous", "applicant": "负载测试公司"},
                    headers={"X-CSRF-Token": csrf},
                )
                case.raise_for_status()
                cid = case.json()["id"]
                r = c.post(
                    f"/api/cases/{cid}/documents",
                    headers={"X-CSRF-Token": csrf},
                    files=[("files", ("report.pdf", self.pdf, "application/pdf"))],
                )
                r.raise_for_status()
                while time.time() < DEADLINE:
                    t0 = time.perf_counter()
                    r = c.get(f"/api/cases/{cid}/report")
                    self.latencies.append(time.perf_counter() - t0)
                    r.raise_for_status()
                    body = r.json()
                    if body["case"]["complete"]:
                        if any(d["state"] != "read" for d in body["documents"]):
                            self.failures.append(f"case {cid}: {body['documents'][0].get('error')}")
                        self.done_at = time.perf_counter()
                        return
                    time.sleep(0.5)
                self.failures.append(f"case {cid}: not complete before the deadline")
            except Exception as e:  # counted, not raised: the figure is "no failed request"
                self.failures.append(repr(e))


def journey(url: str, n: int, pdf: bytes) -> dict:
    latencies, failures = [], []
    apps = [Applicant(url, pdf, latencies, failures) for _ in range(n)]
    threads = [threading.Thread(target=a.run) for a in apps]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(1, DEADLINE - time.time()))
    done = [a.done_at - t0 for a in apps if a.done_at]
    lat = sorted(latencies)
    p95 = lat[int(0.95 * (len(lat) - 1))] if lat else float("nan")
    return {
        "all_complete_s": max(done) if len(done) == n else float("nan"),
        "p95_s": p95,
        "requests": len(lat),
        "failures": failures,
    }


def case_with_documents(url: str, n: int) -> tuple[httpx.Client, int]:
    c = httpx.Client(base_url=url, timeout=60)
    csrf = c.get("/api/session").json()["csrf"]
    cid = c.post(
        "/api/cases", json={"scheme": "jinzhi", "applicant": "页面测试公司"}, headers={"X-CSRF-Token": csrf}
    ).json()["id"]
    for i in range(n):
        c.post(
            f"/api/cases/{cid}/documents",
            headers={"X-CSRF-Token": csrf},
            files=[("files", (f"doc{i}.pdf", _pdf(i, 1), "application/pdf"))],
        ).raise_for_status()
    while time.time() < DEADLINE and not c.get(f"/api/cases/{cid}/report").json()["case"]["complete"]:
        time.sleep(0.5)
    return c, cid


def page_times(c: httpx.Client, cid: int) -> tuple[float, float]:
    c.get(f"/cases/{cid}").raise_for_status()  # templates compiled, modules imported
    # a change (facts) makes the next render compute the report again
    csrf = c.get("/api/session").json()["csrf"]
    c.put(f"/api/cases/{cid}/facts", json={"sector": "manufacturing"}, headers={"X-CSRF-Token": csrf})
    t0 = time.perf_counter()
    r = c.get(f"/cases/{cid}")
    cold = time.perf_counter() - t0
    assert r.status_code == 200
    warm = []
    for _ in range(10):
        t0 = time.perf_counter()
        c.get(f"/cases/{cid}").raise_for_status()
        warm.append(time.perf_counter() - t0)
    return cold, statistics.median(warm)


def main() -> int:
    pdf = _pdf(0, PAGES)
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp) / "var")
        try:
            base = journey(url, 1, pdf)
            load = journey(url, APPLICANTS, pdf)
            one, one_id = case_with_documents(url, 1)
            many, many_id = case_with_documents(url, DOCS_ON_PAGE)
            one_cold, one_warm = page_times(one, one_id)
            many_cold, many_warm = page_times(many, many_id)
        finally:
            proc.terminate()
            proc.wait(10)
    failures = base["failures"] + load["failures"]
    report(
        [
            ("cores", str(os.cpu_count())),
            (f"1 applicant, {PAGES}-page PDF: report complete (baseline)", f"{base['all_complete_s']:.2f} s"),
            (
                f"{APPLICANTS} concurrent applicants: all reports complete",
                f"{load['all_complete_s']:.2f} s  ({load['all_complete_s'] / base['all_complete_s']:.1f}x baseline)",
            ),
            ("report endpoint p95, 1 applicant (baseline)", f"{base['p95_s'] * 1000:.0f} ms"),
            (
                f"report endpoint p95 under load ({load['requests']} requests)",
                f"{load['p95_s'] * 1000:.0f} ms  ({load['p95_s'] / base['p95_s']:.1f}x baseline)",
            ),
            ("failed requests", str(len(failures))),
            (
                "case page, 1 document: first render / warm (baseline)",
                f"{one_cold * 1000:.0f} ms / {one_warm * 1000:.0f} ms",
            ),
            (
                f"case page, {DOCS_ON_PAGE} documents: first render / warm",
                f"{many_cold * 1000:.0f} ms / {many_warm * 1000:.0f} ms  ({many_cold / one_cold:.1f}x / {many_warm / one_warm:.1f}x baseline)",
            ),
        ]
    )
    for f in failures[:5]:
        print("  failure:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
