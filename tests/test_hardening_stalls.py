"""Issue 24, items 1 and 2: one anonymous request cannot stall the service. The clause field's
reference patterns run in linear time on any text (the 1.2 KB form attack, a DOCX whose clause cell
holds GB + 1,300 × U+2028), the form and the JSON API cap the field alike, and /healthz keeps
answering while the attack is served."""

from __future__ import annotations

import ast
import subprocess
import sys
import threading
import time
from pathlib import Path

from comment_sheets import seed_sheet
from test_web_committee import DRAFT
from web_helpers import login, make_client, page_csrf

from extractors.comments.clauses import MAX_TEXT, parse_refs, prepare
from extractors.text import normalize

ROOT = Path(__file__).resolve().parent.parent
SEPARATORS = "\n\u2028\u2029\x85\x0b\x0c"
# each family was cubic or quadratic before: GB then a run of line separators (three adjacent \s*),
# a number then a run of separators (two \s* around an optional 章), a long run of digits
ATTACKS = [
    "GB" + "\n" * 1200 + "x",
    "GB" + "\u2028" * 4000 + "x",
    "GB/" + "\u2029" * 4000 + "T",
    "7.2" + "\u2028" * 4000 + "条" + "\u2028" * 4000 + "a",
    "1" * 200_000,
    "第" + "\n" * 100_000 + "页",
    "1." * 100_000,
]


def test_every_line_and_paragraph_separator_is_a_newline_and_runs_fold_for_references():
    between = "".join(c + sep for c, sep in zip("乙丙丁戊己庚", SEPARATORS))
    assert normalize("甲" + between + "辛") == "甲乙\n丙\n丁\n戊\n己\n庚\n辛"
    text = prepare("4.2" + "\u2028" * 50 + "5.1" + "\n\n\n" + "x" * 5000)
    assert "  " not in text and "\n" not in text and len(text) <= MAX_TEXT
    assert parse_refs("4.2\u2028\u20285.1\n\n第\u20288.2\u2029条") == ["4.2", "5.1", "8.2"]


def test_attack_texts_are_parsed_to_the_end_in_a_separate_process():
    """Run where a regression cannot hang the test run: each attack must finish (before: minutes to
    hours each); the whole process is given a generous minute."""
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/tests']\n"
        "from test_hardening_stalls import ATTACKS\n"
        "from extractors.comments.clauses import parse_refs\n"
        "from extractors.comments.sheet import split_numbered\n"
        "assert [len(split_numbered(a)) for a in ATTACKS] == [1] * len(ATTACKS)\n"  # a comment cell: no list in them
        "assert split_numbered('1. 甲' + ' ' * 200_000 + '2. 乙') == ['甲', '乙']\n"
        "print([parse_refs(a) for a in ATTACKS])\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    *refs, chain = ast.literal_eval(done.stdout)
    assert refs == [[], [], [], ["7.2"], [], []]  # 条 and a) lie past the 1,000 characters read
    assert len(chain) == 1 and chain[0].startswith("1.1.1")


def publish(client) -> int:
    login(client, "com")
    r = client.post(
        "/committee/drafts",
        data={"csrf": page_csrf(client.get("/committee").text), "title": "津质精品通则", "deadline": "2099-01-08"},
        files={"file": ("draft.md", DRAFT, "text/markdown")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    client.cookies.clear()
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_the_form_and_the_api_refuse_the_same_overlong_clause(tmp_path):
    attack = "GB" + "\u2028" * 1200 + "x"  # the 1.2 KB form attack
    with make_client(tmp_path) as client:
        draft_id = publish(client)
        html = client.get(f"/drafts/{draft_id}").text
        form = client.post(
            f"/drafts/{draft_id}/comments",
            data={"csrf": page_csrf(html), "submitter": "某公司", "clause_1": attack, "comment_1": "意见"},
        )
        assert form.status_code == 400 and "“章节”超过 100 个字符" in form.text
        api = client.post(
            f"/api/drafts/{draft_id}/comments",
            json={"submitter": "某公司", "comments": [{"clause": attack, "comment": "意见"}]},
            headers={"X-CSRF-Token": client.get("/api/session").json()["csrf"]},
        )
        assert api.status_code == 422
        register = client.get(f"/api/drafts/{draft_id}")  # nothing was stored by either
        assert register.status_code == 200
        ok = client.post(
            f"/drafts/{draft_id}/comments",
            data={"csrf": page_csrf(html), "submitter": "某公司", "clause_1": "8.2", "comment_1": "意见"},
        )
        assert ok.status_code == 200 and "YJ" in ok.text


def test_healthz_answers_while_attack_sheets_are_read(tmp_path):
    """Three 37 KB DOCX sheets whose clause cell is GB + 1,300 × U+2028 (before: 7–16 s of a stalled
    service each). Every /healthz asked meanwhile is answered within a generous bound."""
    sheets = [
        seed_sheet([["1", "GB" + "\u2028" * 1300 + "x", "意见。", "理由"]], unit=f"甲{i}公司", date="2026年1月5日")
        for i in range(3)
    ]
    assert all(30_000 < len(s) < 45_000 for s in sheets)
    with make_client(tmp_path) as client:
        draft_id = publish(client)
        csrf = page_csrf(client.get(f"/drafts/{draft_id}").text)
        answers: list = []

        def attack():
            answers.append(
                client.post(
                    f"/drafts/{draft_id}/sheets",
                    data={"csrf": csrf},
                    files=[("files", (f"甲{i}.docx", s, "application/octet-stream")) for i, s in enumerate(sheets)],
                )
            )

        runner = threading.Thread(target=attack)
        runner.start()
        waits = []
        while runner.is_alive() and len(waits) < 200:
            started = time.monotonic()
            assert client.get("/healthz").status_code == 200
            waits.append(time.monotonic() - started)
            time.sleep(0.05)
        runner.join(120)
        assert not runner.is_alive()
        assert max(waits, default=0) < 5, waits  # generous: a stalled service took 7 s and more
        assert answers[0].status_code == 200 and answers[0].text.count("YJ") >= 3


def _slow_parse(doc, expected_title=None):
    from extractors.comments import parse_sheet

    if doc.file.startswith("slow"):
        time.sleep(60)  # a sheet whose parsing never ends
    return parse_sheet(doc, expected_title=expected_title)


def test_each_sheet_is_parsed_within_its_own_time_budget(tmp_path, monkeypatch):
    """Parsing runs in the sheet's worker process (not a server thread), under INTAKE_FILE_SECONDS:
    a sheet past it fails with a sentence naming it, the others are registered."""
    from comment_sheets import draft_markdown

    from intake import comments
    from intake.config import Limits
    from intake.store.blobs import BlobStore
    from intake.store.db import open_db

    monkeypatch.setattr("intake.comments.reading.parse_sheet", _slow_parse)  # inherited by the forked workers
    db, blobs = open_db(tmp_path), BlobStore(tmp_path)
    draft = comments.publish_draft(db, blobs, draft_markdown(), "draft.md")
    slow = seed_sheet([["1", "8.2", "意见一。", "理由"]], unit="甲公司", date="2026年1月5日")
    fine = seed_sheet([["1", "4", "意见二。", "理由"]], unit="乙公司", date="2026年1月5日")
    late, ok = comments.import_sheets(
        db, blobs, draft.id, [("slow.docx", slow, None), ("fine.docx", fine, None)], limits=Limits(file_seconds=2)
    )
    assert late.status == "error" and late.error == "slow.docx: 读取超时（超过 2 秒），已中止"
    assert ok.status == "new" and [c["comment"] for c in comments.comments(db, draft.id)] == ["意见二。"]


def test_no_request_evaluates_a_case_on_the_event_loop(tmp_path, monkeypatch):
    """The pre-check (and the comparison over every scheme) is CPU work: every route that needs it runs
    it in a worker thread. Each evaluation notes whether an event loop runs in its thread."""
    import asyncio

    from web_helpers import csrf, open_case, upload, wait_report

    import intake.cases.report
    import intake.comparison

    on_loop: list[str] = []

    def watched(real):
        def evaluate(*a, **kw):
            try:
                asyncio.get_running_loop()
                on_loop.append(real.__name__)
            except RuntimeError:
                pass
            return real(*a, **kw)

        return evaluate

    for module in (intake.cases.report, intake.comparison):
        monkeypatch.setattr(module, "precheck", watched(module.precheck))
    with make_client(tmp_path) as client:
        case = open_case(client)
        upload(client, case["id"], [("licence.txt", "营业执照\n名称：天津某某科技有限公司\n".encode())])
        wait_report(client, case["id"])
        html = client.get(f"/cases/{case['id']}?step=result").text
        for value in ("yes", "一千多"):  # taken, then refused and shown beside its field
            client.post(
                f"/cases/{case['id']}/answer",
                data={"csrf": page_csrf(html), "key": "declarations.jinzhi.4.3", "value": value},
            )
        client.post(f"/cases/{case['id']}/info", data={"csrf": page_csrf(html), "applicant": "乙公司"})
        client.post("/api/compare", headers={"X-CSRF-Token": csrf(client)})
        login(client, "sec")
        page = client.get(f"/cases/{case['id']}").text
        client.post(f"/cases/{case['id']}/correction", data={"csrf": page_csrf(page), "item": ["jinzhi.4.2"]})
    assert on_loop == []
