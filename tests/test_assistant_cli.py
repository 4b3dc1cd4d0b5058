"""`intake chat` in a terminal script: one message per line in, each reply followed by a blank line out."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from assistant_helpers import answer_for

INTAKE = [sys.executable, "-m", "cli"]
ROOT = Path(__file__).resolve().parent.parent


def run(args, stdin="", timeout=60):
    return subprocess.run(INTAKE + args, input=stdin, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def licence_pdf(tmp_path_factory):
    from docgen import pdf_bytes

    path = tmp_path_factory.mktemp("chat") / "营业执照.pdf"
    path.write_bytes(
        pdf_bytes(
            [
                [
                    "营业执照",
                    "名称 江苏某某精工科技有限公司",
                    "法定代表人 张三",
                    "成立日期 2010年05月01日",
                    "住所 江苏省南京市玄武区某路1号",
                    "登记机关 南京市市场监督管理局",
                ]
            ]
        )
    )
    return path


def test_piped_question_gets_one_reply_citing_the_clause():
    r = run(["chat", "--scheme", "nonferrous"], "满意度测评要达到多少分？\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("\n\n") and r.stdout.count("\n\n") == 1
    assert "第六条（七）" in r.stdout or "第七条（六）" in r.stdout
    assert "“" in r.stdout  # quoted


def test_each_message_gets_exactly_one_reply():
    r = run(["chat", "--scheme", "trace"], "你好\n用码覆盖率是什么意思？\n\n今天天气怎么样？\n")
    replies = r.stdout.split("\n\n")[:-1]
    assert len(replies) == 3  # the empty line is not a message
    assert "三（二）3" in replies[1]
    assert "没有找到依据" in replies[2]


class Conversation:
    """`intake chat --json` driven line by line, with a watchdog so a bug cannot hang the suite."""

    def __init__(self, args):
        self.p = subprocess.Popen(
            INTAKE + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
        )
        self.timer = threading.Timer(120, self.p.kill)
        self.timer.start()

    def say(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        out = self.p.stdout.readline()
        assert out, self.p.stderr.read()
        assert self.p.stdout.readline() == "\n"  # the blank line after each reply
        return json.loads(out)

    def close(self):
        self.p.stdin.close()
        rc = self.p.wait()
        self.timer.cancel()
        return rc


@pytest.mark.parametrize("scheme", ["jinzhi", "credit", "nonferrous", "jiangsu", "trace"])
def test_conversation_through_stdin_reaches_the_end(scheme, licence_pdf):
    c = Conversation(["chat", "--scheme", scheme, "--json", "--as-of", "2024-08-01"])
    try:
        reply = c.say("你好")
        for _ in range(80):
            q = reply["question"]
            if q is None:
                break
            if q["kind"] == "upload" and q["doc_type"] == "business_license":
                reply = c.say(f"上传 {licence_pdf}")
            elif q["kind"] == "upload":
                reply = c.say("没有")
            else:
                reply = c.say(answer_for(q, {"sector": "制造业"}))
        assert reply["question"] is None and "预审完成" in reply["text"]
        assert reply["outcome"]["status"] in ("incomplete", "needs_review", "not_eligible", "eligible")
    finally:
        assert c.close() == 0


def test_files_on_the_command_line_are_read_first(licence_pdf):
    r = run(["chat", "--scheme", "jiangsu", str(licence_pdf)], "还缺什么\n")
    assert r.returncode == 0
    assert "识别为营业执照" in r.stderr and "江苏某某精工科技有限公司" in r.stderr  # recognised, on stderr in pipe mode
    assert r.stdout.count("\n\n") == 1 and "预审结论" in r.stdout


def test_unreadable_file_is_named_conversation_continues_exit_3(tmp_path):
    bad = tmp_path / "坏.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    r = run(["chat", "--scheme", "jinzhi", str(bad)], "证书有效期几年？\n")
    assert r.returncode == 3
    assert "坏.pdf" in r.stderr
    assert "8.2" in r.stdout


def test_bad_arguments_exit_2(tmp_path):
    assert run(["chat", "--scheme", "nope"]).returncode == 2
    facts = tmp_path / "facts.json"
    facts.write_text('{"sector": "mining"}', encoding="utf-8")
    r = run(["chat", "--scheme", "jiangsu", "--facts", str(facts)], "你好\n")
    assert r.returncode == 2 and "sector" in r.stderr
    facts.write_text("not json", encoding="utf-8")
    assert run(["chat", "--scheme", "jiangsu", "--facts", str(facts)]).returncode == 2


def test_facts_file_answers_are_not_asked_again(tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"sector": "manufacturing", "product_kind": "consumer"}), encoding="utf-8")
    r = run(["chat", "--scheme", "jiangsu", "--facts", str(facts), "--json"], "你好\n")
    q = json.loads(r.stdout.split("\n\n")[0])["question"]
    assert q["key"] not in ("sector", "product_kind")


def test_state_file_lets_a_conversation_continue(tmp_path):
    state = tmp_path / "case.json"
    run(["chat", "--scheme", "nonferrous", "--state", str(state)], "你好\n卓越品牌\n")
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["answers"]["target_level"]["value"] == "卓越品牌"
    r = run(["chat", "--scheme", "nonferrous", "--state", str(state), "--json"], "还缺什么\n")
    assert json.loads(r.stdout.split("\n\n")[0])["outcome"]["target_level"] == "卓越品牌"


def test_markup_and_long_lines_are_refused_politely():
    r = run(["chat", "--scheme", "jinzhi"], "<script>alert(1)</script>\n" + "长" * 5000 + "\n")
    assert r.returncode == 0
    replies = r.stdout.split("\n\n")[:-1]
    assert len(replies) == 2
    assert "网页标记" in replies[0] and "<script>" not in r.stdout
    assert "上限" in replies[1]


def test_files_on_the_command_line_get_one_summary(licence_pdf, tmp_path):
    second = tmp_path / "营业执照副本.pdf"
    second.write_bytes(licence_pdf.read_bytes() + b"\n% copy")
    r = run(["chat", "--scheme", "jiangsu", str(licence_pdf), str(second)], "还缺什么\n")
    assert r.returncode == 0
    assert r.stderr.count("收到 2 份文件") == 1 and "营业执照副本.pdf" in r.stderr and "营业执照.pdf" in r.stderr
    assert r.stderr.strip().count("\n\n") == 0  # one reply for the batch, not one per file
