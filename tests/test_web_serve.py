"""`intake serve` on a fresh data directory: prints the demo accounts and the address, creates the
database, a demo case in the secretariat's queue and the 津质精品 draft of seed 000 for comment."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


def test_first_start_creates_demo_data_and_prints_accounts(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "var"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "intake"), "serve", "--port", str(port), "--data", str(data), "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out = []
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()
            out.append(line)
            if "serving at" in line or not line:
                break
        log = "".join(out)
        assert f"intake: serving at http://127.0.0.1:{port}/" in log, log
        accounts = dict(re.findall(r"^\s+(\w+)\s+角色 (\w+)\s+密码 \S+", log, re.M))
        assert accounts == {"secretariat": "secretariat", "committee": "committee", "admin": "admin"}
        assert (data / "intake.db").exists() and (data / "session.key").exists()
        password = re.search(r"secretariat\s+角色 secretariat\s+密码 (\S+)", log).group(1)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            assert c.post("/api/login", json={"name": "secretariat", "password": password}).status_code == 200
            queue = c.get("/api/queue").json()
            assert [r["applicant"] for r in queue] == ["天津津品示范精密机械有限公司"]
            drafts = c.get("/api/drafts").json()
            assert drafts[0]["deadline"] == "2026-01-08" and "津质精品" in drafts[0]["title"]
            assert "8.2" in [cl["id"] for cl in c.get(f"/api/drafts/{drafts[0]['id']}").json()["clauses"]]
    finally:
        proc.terminate()
        proc.wait(10)
    # a second start finds the data and creates nothing new
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "intake"), "serve", "--port", str(port), "--data", str(data), "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = ""
        deadline = time.time() + 60
        while time.time() < deadline and "serving at" not in line:
            line = proc.stdout.readline()
            assert "演示账号" not in line
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_production_start_creates_no_accounts(tmp_path):
    """Without --demo nobody gets an account with a printed password (issue 17, item 9)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "var"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "intake"), "serve", "--port", str(port), "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out = []
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()
            out.append(line)
            if "serving at" in line or not line:
                break
        log = "".join(out)
        assert "serving at" in log and "密码" not in log and "intake users add" in log, log
        assert not (data / "demo-accounts.txt").exists()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            assert c.post("/api/login", json={"name": "admin", "password": "x" * 12}).status_code == 401
    finally:
        proc.terminate()
        proc.wait(10)
