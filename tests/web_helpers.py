"""Shared by the web tests: an app over a temp data directory, signing in, CSRF, waiting for reads."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient

from intake.config import Limits
from intake.store.accounts import add_user
from intake.store.db import open_db
from web.app import create_app

PASSWORD = "correct-horse-9"


def make_client(tmp_path, limits: Limits | None = None) -> TestClient:
    app = create_app(tmp_path / "var", limits or Limits(max_bytes=5 * 1024 * 1024, file_seconds=30))
    db = open_db(tmp_path / "var")
    for name, role in (("sec", "secretariat"), ("com", "committee"), ("adm", "admin")):
        add_user(db, name, role, PASSWORD)
    db.conn.close()
    return TestClient(app)


def csrf(client: TestClient) -> str:
    return client.get("/api/session").json()["csrf"]


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    r = client.post("/api/login", json={"name": name, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["csrf"]


def page_csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def open_case(client: TestClient, scheme: str = "jinzhi", applicant: str = "天津某某科技有限公司") -> dict:
    r = client.post(
        "/api/cases",
        json={"scheme": scheme, "applicant": applicant, "product": "齿轮"},
        headers={"X-CSRF-Token": csrf(client)},
    )
    assert r.status_code == 201, r.text
    return r.json()


def upload(client: TestClient, case_id: int, files: list[tuple[str, bytes]], token: str | None = None):
    headers = {"X-CSRF-Token": token or csrf(client)}
    return client.post(
        f"/api/cases/{case_id}/documents",
        headers=headers,
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
    )


def wait_report(client: TestClient, case_id: int, seconds: float = 60) -> dict:
    deadline = time.time() + seconds
    while True:
        report = client.get(f"/api/cases/{case_id}/report").json()
        if report["case"]["complete"] or time.time() > deadline:
            return report
        time.sleep(0.3)


def untimed(read_file):
    """A stand-in for intake.reading.readers.read_file (path, name, sha, limits) -> dict, in the
    shape the reader calls (`read_file_timed`: the result and where its time went)."""

    def read_file_timed(path, name, sha, limits, **options):
        return read_file(path, name, sha, limits), {}

    return read_file_timed
