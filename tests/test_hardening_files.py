"""Issue 17, files and folders: the CLI refuses FIFOs and devices (it used to hang or read /dev/zero
until MemoryError), the data folder is private, the register's CSV error names the CSV, an
oversized chunked upload is 413."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from comment_sheets import draft_markdown
from web_helpers import csrf, make_client, open_case

ROOT = Path(__file__).resolve().parent.parent
INTAKE = [sys.executable, "-m", "cli"]


def run(*args, timeout=60):
    """The real command in a subprocess: a hang shows as a timeout, not a stuck test run."""
    return subprocess.run(INTAKE + list(args), capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.pdf"
    os.mkfifo(path)
    return path


def test_extract_refuses_a_fifo_and_still_reads_the_other_files(fifo, tmp_path):
    (tmp_path / "note.txt").write_text("营业执照\n名称：天津某某有限公司\n", encoding="utf-8")
    r = run("extract", str(fifo), str(tmp_path / "note.txt"), "--json")
    assert r.returncode == 3
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "pipe.pdf" in errors[0] and "不是普通文件" in errors[0] and "FIFO" in errors[0]
    assert '"note.txt"' in r.stdout


def test_extract_dev_zero_is_refused_not_read_forever():
    r = run("extract", "/dev/zero")
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert "/dev/zero" in r.stdout + r.stderr or "zero" in r.stderr
    assert "字符设备" in r.stderr


def test_check_refuses_a_fifo_as_facts(fifo):
    r = run("check", "--scheme", "jinzhi", "--facts", str(fifo))
    assert r.returncode == 3
    assert r.stderr.count("\n") == 1 and str(fifo) in r.stderr and "不是普通文件" in r.stderr


@pytest.mark.parametrize(
    "command", [["form", "--scheme", "jinzhi", "--out", "x.docx", "--facts"], ["chat", "--scheme", "jinzhi", "--facts"]]
)
def test_form_and_chat_refuse_a_fifo_as_facts(fifo, command):
    r = run(*command, str(fifo))
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and "不是普通文件" in r.stderr


def test_comments_register_refuses_a_fifo_sheet_and_a_fifo_draft(fifo, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_bytes(draft_markdown())
    data = tmp_path / "data"
    r = run(
        "comments",
        "register",
        "--draft",
        str(draft),
        str(fifo),
        "--out",
        str(tmp_path / "r.docx"),
        "--data",
        str(data),
        "--json",
    )
    assert r.returncode == 3
    assert any("pipe.pdf" in line and "不是普通文件" in line for line in r.stderr.splitlines())
    r = run("comments", "register", "--draft", str(fifo), "--out", str(tmp_path / "r.docx"), "--data", str(data))
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and "pipe.pdf" in r.stderr


def test_register_csv_to_a_full_disk_names_the_csv(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_bytes(draft_markdown())
    r = run(
        "comments",
        "register",
        "--draft",
        str(draft),
        "--out",
        str(tmp_path / "r.docx"),
        "--csv",
        "/dev/full",
        "--data",
        str(tmp_path / "data"),
    )
    assert r.returncode == 2
    assert "/dev/full" in r.stderr and "r.docx" not in r.stderr


def test_the_data_folder_and_database_are_private(tmp_path):
    client = make_client(tmp_path)
    case = open_case(client)
    r = client.post(
        f"/api/cases/{case['id']}/documents",
        headers={"X-CSRF-Token": csrf(client)},
        files=[("files", ("a.txt", "营业执照 名称：某公司".encode(), "text/plain"))],
    )
    assert r.status_code == 200
    data = tmp_path / "var"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "intake.db").stat().st_mode) == 0o600
    blobs = [p for p in (data / "files").rglob("*") if p.is_file()]
    assert blobs and all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in blobs)


def test_a_wide_data_folder_is_narrowed(tmp_path):
    from intake.config import data_dir

    (tmp_path / "d").mkdir(mode=0o755)
    os.chmod(tmp_path / "d", 0o755)
    assert stat.S_IMODE(data_dir(tmp_path / "d").stat().st_mode) == 0o700


def test_an_oversized_chunked_upload_is_413(tmp_path):
    from intake.config import Limits

    client = make_client(tmp_path, Limits(max_bytes=64 * 1024, file_seconds=30))
    case = open_case(client)
    boundary = "xyzzy"

    def body():  # no Content-Length: the body is sent chunked
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n".encode()
        )
        for _ in range(40):
            yield b"%" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post(
        f"/api/cases/{case['id']}/documents",
        content=body(),
        headers={"X-CSRF-Token": csrf(client), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert r.status_code == 413, r.text
    assert "过大" in r.json()["detail"]
