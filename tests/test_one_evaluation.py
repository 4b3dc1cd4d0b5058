"""One evaluation: the case report, the assistant on the case, `intake check` and the assistant of
`intake chat` give the same verdict for every item, because they all take it from `intake.precheck`."""

from __future__ import annotations

import pytest
from formbundles import BUNDLES, DECLARED, as_read, fill_in

from extractors.extract import extract_facts
from extractors.read import read_document
from forms.application import build_form
from intake.assistant import Assistant
from intake.cases.case import add_document, get_case, open_case, set_document_state
from intake.cases.chat import case_assistant
from intake.cases.report import case_report
from intake.precheck import precheck
from intake.store.db import open_db

AS_OF = "2025-06-01"


def _verdicts(evaluation: dict) -> dict[str, str]:
    return {item["id"]: item["status"] for item in evaluation["items"]}


def _case_with(db, scheme: str, docs: list[dict]):
    case = open_case(db, scheme, "天津市海河精密机械有限公司", "精密齿轮")
    for i, d in enumerate(docs):
        doc_id = add_document(db, case, f"{i:064x}", d["file"], 100, d["type"])
        set_document_state(db, doc_id, "read", facts={**d, "sha256": f"{i:064x}"})
    return get_case(db, case.id)


def _jinzhi_form(tmp_path) -> dict:
    """The generated jinzhi application form, 4.3 declared by the generator and 4.4 typed in Word."""
    out = build_form("jinzhi", BUNDLES["jinzhi"], DECLARED, None, tmp_path / "f.docx")
    data = fill_in(out.path, {}, {"jinzhi.4.4": "是"})
    return extract_facts(read_document(data, "申请书.docx")).to_json()


def _bundles(tmp_path):
    yield from ((s, docs) for s, docs in sorted(BUNDLES.items()))
    yield "jinzhi", [*BUNDLES["jinzhi"], _jinzhi_form(tmp_path)]


def test_the_assistant_on_a_case_gives_the_report_s_verdict_for_every_item(tmp_path):
    from datetime import date

    for n, (scheme, docs) in enumerate(_bundles(tmp_path)):
        db = open_db(tmp_path / f"s{n}")
        case = _case_with(db, scheme, docs)
        report = case_report(db, case, as_of=date.fromisoformat(AS_OF), cache=False)
        bot = case_assistant(db, case, None)
        bot.state["as_of"] = AS_OF
        assert report["items"], scheme
        assert _verdicts(bot.evaluate()) == _verdicts(report), scheme


def test_a_declaration_typed_into_the_application_form_is_not_asked_again(tmp_path):
    docs = [*BUNDLES["jinzhi"], _jinzhi_form(tmp_path)]
    checked = _verdicts(precheck("jinzhi", as_read(docs), as_of=AS_OF).to_json())
    bot = Assistant("jinzhi", as_of=AS_OF)
    bot.sync(documents=docs)
    said = _verdicts(bot.evaluate())
    assert said == checked
    assert said["jinzhi.4.4"] != "missing" and said["jinzhi.4.3"] != "missing"
    missing = bot.reply("还缺什么").text.split("需人工审核")[0]
    assert "缺少材料" in missing and "第3项" not in missing and "第4项" not in missing


@pytest.mark.parametrize("scheme", sorted(BUNDLES))
def test_intake_chat_and_intake_check_agree(scheme):
    bot = Assistant(scheme, as_of=AS_OF)
    bot.sync(documents=BUNDLES[scheme])
    assert _verdicts(bot.evaluate()) == _verdicts(precheck(scheme, as_read(BUNDLES[scheme]), as_of=AS_OF).to_json())
