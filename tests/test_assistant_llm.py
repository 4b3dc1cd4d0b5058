"""The optional model back-end, against a local stub of an OpenAI-compatible server:
it may only rephrase; a failure or an unfaithful rewrite leaves the deterministic text."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from intake.assistant.engine import Assistant
from intake.assistant.llm import Rephraser, faithful, from_env


class Stub:
    """Answers /v1/chat/completions with whatever `reply(user_text)` returns."""

    def __init__(self, reply, status=200):
        self.reply, self.status, self.requests = reply, status, []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = min(int(self.headers.get("Content-Length", 0)), 1_000_000)  # bounded
                body = json.loads(self.rfile.read(length) or b"{}")
                stub.requests.append((self.path, body))
                user = body["messages"][-1]["content"]
                out = json.dumps({"choices": [{"message": {"role": "assistant", "content": stub.reply(user)}}]})
                self.send_response(stub.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(out.encode())

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    stubs = []

    def make(reply, status=200):
        s = Stub(reply, status)
        stubs.append(s)
        return s

    yield make
    for s in stubs:
        s.close()


QUESTION = "卓越品牌的满意度测评要达到多少分？"


def deterministic():
    return Assistant("nonferrous", as_of="2024-08-01", llm=False or None).reply(QUESTION).text


def test_off_by_default(monkeypatch):
    monkeypatch.delenv("INTAKE_LLM_URL", raising=False)
    assert from_env() is None


def test_faithful_rephrasing_is_used(stub, monkeypatch):
    monkeypatch.delenv("INTAKE_LLM_URL", raising=False)
    plain = deterministic()
    s = stub(lambda text: "您好，答复如下：\n" + text)
    monkeypatch.setenv("INTAKE_LLM_URL", s.url)
    r = Assistant("nonferrous", as_of="2024-08-01").reply(QUESTION)
    assert r.text == "您好，答复如下：\n" + plain
    path, body = s.requests[0]
    assert path == "/v1/chat/completions"
    assert "第七条（六）" in body["messages"][-1]["content"]  # the model sees the retrieved clause
    assert r.quotes and r.quotes[0]["text"] in r.text


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda t: "满意度要求为90分。",  # invents a number, drops the clause
        lambda t: t.replace("第七条（六）", "有关规定"),  # drops the clause reference
        lambda t: t.replace("85分", "80分"),  # changes a threshold
        lambda t: "",  # empty
    ],
)
def test_unfaithful_rephrasing_falls_back(stub, monkeypatch, rewrite):
    monkeypatch.delenv("INTAKE_LLM_URL", raising=False)
    plain = deterministic()
    s = stub(rewrite)
    monkeypatch.setenv("INTAKE_LLM_URL", s.url)
    assert Assistant("nonferrous", as_of="2024-08-01").reply(QUESTION).text == plain


def test_server_error_and_unreachable_server_fall_back(stub, monkeypatch):
    monkeypatch.delenv("INTAKE_LLM_URL", raising=False)
    plain = deterministic()
    s = stub(lambda t: t, status=500)
    monkeypatch.setenv("INTAKE_LLM_URL", s.url)
    assert Assistant("nonferrous", as_of="2024-08-01").reply(QUESTION).text == plain
    monkeypatch.setenv("INTAKE_LLM_URL", "http://127.0.0.1:9/v1")  # nothing listens on the discard port
    monkeypatch.setenv("INTAKE_LLM_TIMEOUT", "2")
    assert Assistant("nonferrous", as_of="2024-08-01").reply(QUESTION).text == plain


def test_model_cannot_change_a_verdict():
    original = "· nonferrous.art7.6（第七条（六））不满足：满意度 82.6 分，低于要求的 85 分"
    assert not faithful(original, original.replace("不满足", "已满足"))
    assert not faithful(original, "· nonferrous.art7.6（第七条（六））：满意度 82.6 分，低于要求的 85 分")
    assert faithful(original, "就您的情况：" + original)


def test_rephraser_url_forms():
    assert Rephraser("http://x/v1").url == "http://x/v1/chat/completions"
    assert Rephraser("http://x").url == "http://x/v1/chat/completions"
    assert Rephraser("http://x/v1/chat/completions").url == "http://x/v1/chat/completions"
