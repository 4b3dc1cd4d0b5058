"""Issue 17, sign-in: sessions end on the server (a copied cookie is refused after logout, a
password reset, a disabled or deleted account, "sign out everywhere"); password guessing is
throttled per account and per address with the same answer for unknown names; the session
cookie is Secure over HTTPS."""

from __future__ import annotations

from click.testing import CliRunner
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, csrf, login, make_client

from cli import cli
from intake.store.db import open_db


def copy_of(client: TestClient) -> TestClient:
    """Another browser holding a copy of this one's cookie (a stolen or shared cookie)."""
    other = TestClient(client.app)
    other.cookies.set("intake_session", client.cookies.get("intake_session"))
    return other


def whoami(client: TestClient):
    return client.get("/api/session").json()["user"]


def test_a_copied_cookie_is_refused_after_logout(tmp_path):
    client = make_client(tmp_path)
    token = login(client, "sec")
    thief = copy_of(client)
    assert whoami(thief) == "sec" and thief.get("/api/queue").status_code == 200
    assert client.post("/api/logout", headers={"X-CSRF-Token": token}).status_code == 200
    assert whoami(client) is None
    assert whoami(thief) is None and thief.get("/api/queue").status_code == 401


def test_the_html_logout_ends_the_session_too(tmp_path):
    client = make_client(tmp_path)
    token = login(client, "sec")
    thief = copy_of(client)
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert thief.get("/api/queue").status_code == 401


def test_sign_out_everywhere_ends_every_session_of_the_account(tmp_path):
    client = make_client(tmp_path)
    laptop, phone = TestClient(client.app), TestClient(client.app)
    login(laptop, "sec")
    login(phone, "sec")
    other = TestClient(client.app)
    login(other, "com")
    token = login(client, "sec")
    r = client.post("/api/logout/everywhere", headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["ended"] == 3
    assert whoami(laptop) is None and whoami(phone) is None and whoami(client) is None
    assert whoami(other) == "com"  # another account is not touched


def test_users_cli_disable_reset_delete_end_sessions(tmp_path):
    data = str(tmp_path / "var")
    client = make_client(tmp_path)
    run = CliRunner().invoke
    login(client, "sec")
    assert run(cli, ["users", "disable", "sec", "--data", data]).exit_code == 0
    assert whoami(client) is None
    assert client.post("/api/login", json={"name": "sec", "password": PASSWORD}).status_code == 401
    assert "(disabled)" in run(cli, ["users", "list", "--data", data]).output
    assert run(cli, ["users", "enable", "sec", "--data", data]).exit_code == 0
    login(client, "sec")
    r = run(cli, ["users", "reset-password", "sec", "--data", data])
    assert r.exit_code == 0 and "password:" in r.output
    new = r.output.rsplit("password:", 1)[1].strip()
    assert whoami(client) is None
    assert client.post("/api/login", json={"name": "sec", "password": PASSWORD}).status_code == 401
    login(client, "sec", new)
    assert run(cli, ["users", "delete", "sec", "--yes", "--data", data]).exit_code == 0
    assert whoami(client) is None
    assert run(cli, ["users", "delete", "nobody", "--yes", "--data", data]).exit_code == 2


def test_a_deleted_applicant_cases_go_to_nobody(tmp_path):
    from intake.cases.case import open_case
    from intake.store.accounts import add_user, delete_user

    db = open_db(tmp_path)
    user, _ = add_user(db, "zhang", "applicant", PASSWORD)
    case = open_case(db, "jinzhi", "某公司", "齿轮", owner=user)
    delete_user(db, "zhang")
    again, _ = add_user(db, "wang", "applicant", PASSWORD)  # may get the same id
    assert db["cases"].get(case.id)["owner_id"] is None


def test_thirty_wrong_passwords_are_throttled_with_growing_waits(tmp_path):
    client = make_client(tmp_path)
    answers = [client.post("/api/login", json={"name": "sec", "password": f"wrong-{i}"}) for i in range(30)]
    codes = [r.status_code for r in answers]
    assert codes[:5] == [401] * 5 and 429 in codes
    assert sum(c == 429 for c in codes) >= 20
    limited = [r for r in answers if r.status_code == 429]
    assert all(int(r.headers["Retry-After"]) >= 1 for r in limited)
    # even the right password waits: a guesser cannot tell by trying it
    assert client.post("/api/login", json={"name": "sec", "password": PASSWORD}).status_code == 429
    # the wait grows with each failure after the free ones
    t = client.app.state.login_throttle
    for _ in range(3):
        t.failed("sec", "testclient")
    assert t.wait_seconds("sec", "testclient") >= 8


def test_unknown_names_get_the_same_answers_as_known_ones(tmp_path):
    client = make_client(tmp_path)
    known = [client.post("/api/login", json={"name": "sec", "password": "wrong-pw-x"}) for _ in range(7)]
    client.app.state.login_throttle.records.clear()
    unknown = [client.post("/api/login", json={"name": "ghost", "password": "wrong-pw-x"}) for _ in range(7)]
    assert [(r.status_code, r.json(), r.headers.get("retry-after")) for r in known] == [
        (r.status_code, r.json(), r.headers.get("retry-after")) for r in unknown
    ]


def test_one_address_is_throttled_across_many_names(tmp_path):
    client = make_client(tmp_path)
    codes = [
        client.post("/api/login", json={"name": f"user{i}", "password": "wrong-pw-x"}).status_code for i in range(25)
    ]
    assert codes[:20] == [401] * 20 and codes[-1] == 429


def test_the_html_form_is_throttled_too(tmp_path):
    client = make_client(tmp_path)
    token = csrf(client)
    codes = [
        client.post(
            "/login", data={"name": "sec", "password": "nope-nope", "csrf": token}, headers={"Accept": "text/html"}
        ).status_code
        for _ in range(8)
    ]
    assert codes[:5] == [401] * 5 and codes[-1] == 429


def test_concurrent_password_checks_are_bounded(tmp_path):
    import threading

    client = make_client(tmp_path)
    t = client.app.state.login_throttle
    t.queue_seconds = 0.2
    held = [t.hashing.acquire() for _ in range(2)]  # two checks already running
    try:
        r = client.post("/api/login", json={"name": "sec", "password": PASSWORD})
        assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    finally:
        for _ in held:
            t.hashing.release()
    assert client.post("/api/login", json={"name": "sec", "password": PASSWORD}).status_code == 200
    assert threading.active_count() >= 1


def test_the_cookie_is_secure_over_https_and_through_a_trusted_proxy(tmp_path, monkeypatch):
    app = make_client(tmp_path).app

    def cookie(base_url="http://testserver", **headers):  # a fresh browser: the session cookie is set
        return TestClient(app, base_url=base_url).get("/api/session", headers=headers).headers["set-cookie"].lower()

    assert "intake_session=" in cookie() and "secure" not in cookie()
    assert "secure" in cookie("https://testserver")
    # X-Forwarded-Proto counts only from a trusted proxy
    assert "secure" not in cookie(**{"X-Forwarded-Proto": "https"})
    monkeypatch.setenv("INTAKE_TRUSTED_PROXIES", "testclient")
    proxied = make_client(tmp_path / "p")
    r = proxied.get("/api/session", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert "secure" in r.headers["set-cookie"].lower()
    monkeypatch.setenv("INTAKE_HTTPS", "1")
    assert "secure" in TestClient(make_client(tmp_path / "h").app).get("/api/session").headers["set-cookie"].lower()
