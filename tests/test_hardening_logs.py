"""Issue 24, items 7 and 9: no secret in any log line of a server started as documented (a journey
through case links and a signed link to an original, then the whole log grepped), and /metrics
labels come from a fixed set whatever methods clients make up."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from test_hardening_operations import samples
from web_helpers import make_client

from intake.logsafety import RedactSecrets, redact


def test_made_up_methods_share_one_label(tmp_path, monkeypatch):
    monkeypatch.setenv("INTAKE_METRICS_FROM", "testclient")
    client = make_client(tmp_path)
    for i in range(30):
        client.request(f"X{i}GET", "/healthz")
    client.get("/healthz")
    got = samples(client.get("/metrics").text)
    methods = {dict(k[1]).get("method") for k in got if k[0] == "intake_http_requests_total"}
    assert methods == {"GET", "other"}
    assert sum(v for k, v in got.items() if k[0] == "intake_http_requests_total" and ("method", "other") in k[1]) == 30


def test_the_filter_replaces_tokens_and_signatures_in_any_record():
    line = (
        'HTTP Request: GET http://127.0.0.1:8000/blobs/ab12?expires=1700000000&sig=9f86d081884c7d65 "HTTP/1.1 200 OK"'
    )
    assert "9f86d081884c7d65" not in redact(line) and "expires=1700000000" in redact(line)
    assert redact('"GET /c/Zq3_abcdefghijklmnopqrstuvwx HTTP/1.1" 303') == '"GET /c/… HTTP/1.1" 303'
    assert (
        redact("broker redis://:s3cret-Pw@10.0.0.5:6379/0: 2 not sent")
        == "broker redis://:…@10.0.0.5:6379/0: 2 not sent"
    )
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s"', ("1.2.3.4", "GET", "/c/" + "t" * 32), None
    )
    RedactSecrets().filter(record)
    assert "t" * 32 not in record.getMessage()


@pytest.mark.slow
def test_no_secret_in_the_server_log_after_a_journey(tmp_path):
    from intake.reading.broker import link_key, sign_link

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "var"
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "intake"), "serve", "--port", str(port), "--data", str(data)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    secrets = []
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while "serving at" not in log.read_text() and time.time() < deadline:
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=30) as c:
            token = c.get("/api/session").json()["csrf"]
            case = c.post(
                "/api/cases", json={"scheme": "jinzhi", "applicant": "甲公司"}, headers={"X-CSRF-Token": token}
            ).json()
            secrets.append(case["token"])
            with httpx.Client(base_url=base, timeout=30) as stranger:  # the link, opened elsewhere
                assert stranger.get(f"/c/{case['token']}").status_code == 303
                stranger.get(f"/c/{case['token']}x")  # a wrong link: 404, logged too
                stranger.get(f"/api/cases/{case['id']}", headers={"X-Case-Token": case["token"]})
            up = c.post(
                f"/api/cases/{case['id']}/documents",
                files=[("files", ("营业执照.txt", "营业执照\n名称：甲公司\n".encode(), "text/plain"))],
                headers={"X-CSRF-Token": token},
            ).json()
            link = sign_link(link_key(data), base, up["files"][0]["sha256"])
            secrets.append(link.split("sig=")[1])
            assert c.get(link).status_code == 200
            assert c.get(link.replace("sig=", "sig=0")).status_code == 403
        time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(10)
    text = log.read_text()
    assert '"route": "/c/{token}"' in text and '"route": "/blobs/{sha256}"' in text  # the journey was logged
    for secret in secrets:
        assert secret not in text
