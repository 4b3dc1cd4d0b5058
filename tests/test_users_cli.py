"""`intake users add/list`: accounts for the web service."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli import cli
from intake.store.accounts import authenticate
from intake.store.db import open_db


def test_add_and_list_users(tmp_path):
    run = CliRunner().invoke
    r = run(cli, ["users", "add", "wang", "--role", "secretariat", "--data", str(tmp_path)])
    assert r.exit_code == 0 and "password:" in r.output
    generated = r.output.rsplit("password:", 1)[1].strip()
    assert authenticate(open_db(tmp_path), "wang", generated).role == "secretariat"
    r = run(cli, ["users", "add", "li", "--role", "committee", "--password", "long-enough-1", "--data", str(tmp_path)])
    assert r.exit_code == 0 and "long-enough-1" not in r.output
    rows = json.loads(run(cli, ["users", "list", "--json", "--data", str(tmp_path)]).output)
    assert [(u["name"], u["role"]) for u in rows] == [("wang", "secretariat"), ("li", "committee")]
    assert "password" not in json.dumps(rows)


def test_bad_arguments_exit_2(tmp_path):
    run = CliRunner().invoke
    assert run(cli, ["users", "add", "a", "--role", "boss", "--data", str(tmp_path)]).exit_code == 2
    r = run(cli, ["users", "add", "a", "--role", "admin", "--password", "short", "--data", str(tmp_path)])
    assert r.exit_code == 2 and "至少8个字符" in r.output
    run(cli, ["users", "add", "a", "--role", "admin", "--data", str(tmp_path)])
    r = run(cli, ["users", "add", "a", "--role", "admin", "--data", str(tmp_path)])
    assert r.exit_code == 2 and "已存在" in r.output
