"""The chat panel over the web API: the streamed turn (Server-Sent Events) gives the same reply as
the JSON endpoint, under the same rights; and a scripted conversation per scheme, from an empty case
to a complete pre-check, through the web endpoints, with the answers showing in the case's report."""

from __future__ import annotations

import json

import pytest
from assistant_helpers import answer_for
from docgen import pdf_bytes
from web_helpers import csrf, make_client, open_case, upload, wait_report

SCHEMES = ["jinzhi", "credit", "nonferrous", "jiangsu", "trace"]
ADDRESS = {
    "jinzhi": "天津市滨海新区海泰发展六道6号",
    "jiangsu": "江苏省南京市江宁区天元路6号",
    "nonferrous": "北京市海淀区中关村大街6号",
    "credit": "北京市海淀区中关村大街6号",
    "trace": "浙江省杭州市西湖区文三路6号",
}


def licence_pdf(scheme: str) -> bytes:
    return pdf_bytes(
        [
            [
                "营业执照",
                "统一社会信用代码：91120116MA05JXQ72G",
                "名称：某某精工科技有限公司",
                "住所：" + ADDRESS[scheme],
                "法定代表人：李明",
                "成立日期：2015年03月18日",
            ]
        ]
    )


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


def events(body: str) -> list[tuple[str, dict]]:
    """Parse a text/event-stream body into (event, JSON data) pairs."""
    out = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        name = next(line[6:].strip() for line in block.splitlines() if line.startswith("event:"))
        data = "".join(line[5:].lstrip(" ") for line in block.splitlines() if line.startswith("data:"))
        out.append((name, json.loads(data)))
    return out


def stream(client, case_id: int, message: str, token: str | None):
    headers = {"X-CSRF-Token": token} if token else {}
    with client.stream("POST", f"/api/cases/{case_id}/chat/stream", headers=headers, json={"message": message}) as r:
        pieces = list(r.iter_text())
        return r, "".join(pieces)


def test_streamed_reply_is_the_json_reply_in_sentence_chunks(client, tmp_path):
    token = csrf(client)
    streamed_case, plain_case = open_case(client, "nonferrous"), open_case(client, "nonferrous")
    question = "卓越品牌的满意度测评要达到多少分？"
    r, body = stream(client, streamed_case["id"], question, token)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    evs = events(body)
    chunks = [d["text"] for name, d in evs if name == "chunk"]
    assert len(chunks) > 1  # cut into sentences/lines, not one block
    assert [name for name, _ in evs][-1] == "done"
    done = evs[-1][1]
    plain = client.post(
        f"/api/cases/{plain_case['id']}/chat", headers={"X-CSRF-Token": token}, json={"message": question}
    ).json()
    assert "".join(chunks) == done["reply"] == plain["reply"]
    assert done["quotes"] == plain["quotes"] and done["quotes"]  # the clause quoted, as in the JSON reply
    # the turn is kept in the case's transcript like a JSON turn
    said = client.get(f"/api/cases/{streamed_case['id']}/chat").json()
    assert [m["text"] for m in said] == [question, done["reply"]]


def test_final_event_carries_the_question_and_the_changes(client):
    token = csrf(client)
    case = open_case(client, "jiangsu")
    _, body = stream(client, case["id"], "你好", token)
    ask = events(body)[-1][1]["question"]
    assert ask["key"] == "sector" and ask["choices"]  # a choice question the panel can show
    _, body = stream(client, case["id"], answer_for(ask, {"sector": "制造业"}), token)
    done = events(body)[-1][1]
    assert done["changed"] is True  # the panel refreshes the report on this
    assert client.get(f"/api/cases/{case['id']}/report").json()["facts"]["sector"]["value"] == "manufacturing"


def test_stream_refuses_without_csrf_and_for_another_applicants_case(client, tmp_path):
    case = open_case(client, "jinzhi")
    r, _ = stream(client, case["id"], "还缺什么", None)
    assert r.status_code == 403
    assert client.get(f"/api/cases/{case['id']}/chat").json() == []  # nothing was said or stored
    with make_client(tmp_path / "other") as other:
        r, _ = stream(other, case["id"], "还缺什么", csrf(other))
        assert r.status_code == 404  # same as a case that does not exist


def test_markup_in_a_message_comes_back_as_text(client):
    token = csrf(client)
    case = open_case(client, "trace")
    stream(client, case["id"], "你好", token)
    _, body = stream(client, case["id"], "<script>alert(1)</script>", token)
    evs = events(body)  # JSON data: the markup is a string, never a raw line of the stream
    assert all(not line.startswith("<") for line in body.splitlines())
    assert evs[-1][0] == "done" and "".join(d["text"] for n, d in evs if n == "chunk") == evs[-1][1]["reply"]
    html = client.get(f"/cases/{case['id']}?step=assistant").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("scheme", SCHEMES)
def test_scripted_conversation_through_the_web_reaches_a_complete_precheck(client, scheme):
    """A cooperative applicant answers every question in the chat until the assistant says the
    pre-check is complete: the business licence it asks for is uploaded through the upload endpoint
    (a small generated PDF, read by the server's queue); other documents are answered 跳过."""
    token = csrf(client)
    case = open_case(client, scheme)
    before = client.get(f"/api/cases/{case['id']}/report").json()
    answered: dict[str, str] = {}
    _, body = stream(client, case["id"], "你好", token)
    reply = events(body)[-1][1]
    for _ in range(80):
        ask = reply["question"]
        if ask is None:
            break
        if ask["kind"] == "upload" and ask.get("doc_type") == "business_license" and "licence" not in answered:
            assert upload(client, case["id"], [("licence.pdf", licence_pdf(scheme))], token).status_code == 200
            wait_report(client, case["id"])
            answered["licence"] = "licence.pdf"
            message = "已上传"
        else:
            message = "跳过" if ask["kind"] == "upload" else answer_for(ask, {"sector": "制造业"})
        answered[ask["key"]] = message
        _, body = stream(client, case["id"], message, token)
        reply = events(body)[-1][1]
    assert reply["question"] is None and "预审完成" in reply["reply"], reply["reply"][-300:]
    assert any(not k.startswith("upload:") for k in answered)  # facts were asked, not only documents

    report = client.get(f"/api/cases/{case['id']}/report").json()
    facts = {k: f["value"] for k, f in report["facts"].items()}  # the facts the report was computed on
    declared = [k.split(".", 1)[1] for k in answered if k.startswith("declarations.")]
    for item in declared:  # every declaration answered 是 is a case fact …
        assert facts["declarations"][item] is True
    if "sector" in answered:
        assert facts["sector"] == "manufacturing"
    statuses = {i["id"]: i["status"] for i in report["items"]}
    was = {i["id"]: i["status"] for i in before["items"]}
    moved = [i for i in statuses if was[i] == "missing" and statuses[i] == "review"]
    assert moved  # … and items went from 缺少材料 to 需人工审核
    licence_items = [
        i["id"]
        for i in before["items"]
        if i["status"] == "missing" and any(n.get("doc_type") == "business_license" for n in i["needs"])
    ]
    if licence_items:  # a scheme that needs a licence asked for it …
        assert "licence" in answered
        licence = next(d for d in report["documents"] if d["file"] == "licence.pdf")
        assert licence["state"] == "read" and licence["type"] == "business_license"
        assert any(statuses[i] != "missing" for i in licence_items)  # … and the read licence counts
    # the transcript of the page holds the whole conversation, the last line the conclusion
    said = client.get(f"/api/cases/{case['id']}/chat").json()
    assert said[-1]["role"] == "assistant" and "预审完成" in said[-1]["text"]


def test_an_upload_batch_gives_one_summary_in_the_transcript(client):
    """Several files uploaded together: one assistant message naming each of them (not one per file)."""
    token = csrf(client)
    case = open_case(client, "jiangsu")
    files = [("licence-a.pdf", licence_pdf("jiangsu")), ("licence-b.pdf", licence_pdf("jinzhi"))]
    assert upload(client, case["id"], files, token).status_code == 200
    wait_report(client, case["id"])
    said = client.get(f"/api/cases/{case['id']}/chat").json()
    summaries = [m for m in said if m["role"] == "assistant"]
    assert len(summaries) == 1, [m["text"][:80] for m in summaries]
    assert "licence-a.pdf" in summaries[0]["text"] and "licence-b.pdf" in summaries[0]["text"]
    # a message starts a new batch: the next upload gets its own summary
    stream(client, case["id"], "还缺什么", token)
    assert upload(client, case["id"], [("licence-c.pdf", licence_pdf("trace"))], token).status_code == 200
    wait_report(client, case["id"])
    said = client.get(f"/api/cases/{case['id']}/chat").json()
    assert (
        said[-1]["role"] == "assistant"
        and "licence-c.pdf" in said[-1]["text"]
        and "licence-a.pdf" not in said[-1]["text"]
    )
