"""Issue 17, operations: /healthz tells a working service from a broken one (database, reader
threads, disk, queue), /metrics speaks the Prometheus text format with the queue depth, read
durations and failures by reason, and each request leaves one structured log line without the
case link's token."""

from __future__ import annotations

import json
import logging
import time

from prometheus_client.parser import text_string_to_metric_families
from web_helpers import make_client, open_case, upload

from intake.config import Limits
from intake.store import blobs


def samples(text: str) -> dict:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for fam in text_string_to_metric_families(text)
        for s in fam.samples
    }


def test_healthz_reports_each_part_and_fails_when_one_breaks(tmp_path, monkeypatch):
    client = make_client(tmp_path)
    with client:
        ok = client.get("/healthz")
        body = ok.json()
        assert ok.status_code == 200 and body["status"] == "ok" and body["database"] == "ok"
        # two readers (one per core, at least two) and the reader that only reads text
        assert body["readers"] == {"alive": 3, "expected": 3} and body["queue_depth"] == 0
        assert body["disk"]["free_bytes"] > 0
        monkeypatch.setattr(blobs, "free_bytes", lambda path: 1024)
        monkeypatch.setattr("web.operations.free_bytes", lambda path: 1024)
        full = client.get("/healthz")
        assert full.status_code == 503 and full.json()["problems"] == ["disk"]
        monkeypatch.undo()
        client.app.state.reader.stop()  # the reader threads end
        deadline = time.time() + 10
        while client.app.state.reader.alive() and time.time() < deadline:
            time.sleep(0.1)
        dead = client.get("/healthz")
        assert dead.status_code == 503 and "readers" in dead.json()["problems"]


def test_metrics_in_prometheus_format_with_reads_and_failures(tmp_path, monkeypatch):
    monkeypatch.setenv("INTAKE_METRICS_FROM", "testclient")
    client = make_client(tmp_path, Limits(max_bytes=5 * 1024 * 1024, file_seconds=30))
    with client:
        case = open_case(client)
        upload(
            client,
            case["id"],
            [
                ("licence.txt", "营业执照\n名称：天津某某有限公司\n".encode()),
                ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n"),
            ],
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            docs = client.get(f"/api/cases/{case['id']}/documents").json()
            if all(d["state"] in ("read", "failed") for d in docs):
                break
            time.sleep(0.2)
        r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    got = samples(r.text)
    assert got[("intake_queue_depth", ())] == 0
    assert got[("intake_reader_threads_alive", ())] == 3  # two readers and the text-only one
    assert got[("intake_read_seconds_count", ())] == 2
    assert got[("intake_read_failures_total", (("reason", "corrupt"),))] == 1
    assert got[("intake_http_requests_total", (("method", "POST"), ("route", "/api/cases"), ("status", "201")))] == 1


def test_metrics_are_not_for_the_public(tmp_path):
    assert make_client(tmp_path).get("/metrics").status_code == 404


def test_request_log_lines_are_json_without_case_tokens(tmp_path, caplog):
    client = make_client(tmp_path)
    with caplog.at_level(logging.INFO, logger="intake.requests"):
        link = client.post(
            "/api/cases",
            json={"scheme": "jinzhi", "applicant": "乙公司", "product": "x"},
            headers={"X-CSRF-Token": client.get("/api/session").json()["csrf"]},
        ).json()["token"]
        client.get(f"/c/{link}", follow_redirects=False)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "intake.requests"]
    assert {"method", "route", "status", "ms", "client"} <= set(lines[-1])
    assert lines[-1]["route"] == "/c/{token}" and lines[-1]["status"] == 303
    assert all(link not in r.getMessage() for r in caplog.records)
