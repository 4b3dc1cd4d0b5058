"""One assistant engine behind the terminal (`intake chat`), the web chat panel and the JSON API.

    a = Assistant("jiangsu")                 # or Assistant("jiangsu", state=saved_dict)
    r = a.reply("你好")                      # Reply(text, quotes, question, changes, state)
    r = a.reply("制造业")
    r = a.on_upload(document_facts)          # DocumentFacts or its `intake extract` JSON
    save(r.state)                            # a plain JSON-serialisable dict

Verdicts always come from the application's one evaluation (`intake.precheck`), handed in as
`evaluator` — a case's (its overrides, facts and applicant) on the web, the plain pre-check in
`intake chat`; the assistant never runs the checklist engine itself. Rule answers always quote the
scheme's own text. An optional model back-end (intake.assistant.llm)
may only rephrase the finished text.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from checklists.vocabulary import plain
from intake.clock import today as clock_today

from . import settles
from .answers import (
    clean,
    looks_like_question,
    message_problem,
    parse_yes_no,
    split_lead_in,
    split_questions,
    vocabulary,
)
from .case import answer as case_answer
from .interview import (
    _parse_confirmation,
    apply_confirmation,
    changes_between,
    describe_changes,
    describe_document,
    display_value,
    facts_of,
    is_free_text,
    new_state,
    open_asks,
    parse_for,
    reason_map,
    record,
    related_items,
    skip,
    status_map,
    unrecord,
    with_polarity,
)
from .numbers import compute, for_answer, named_levels
from .retrieval import clause_key, index_for, tokenize
from .schemedata import contact
from .structure import answer as structure_answer


@dataclass
class Reply:
    text: str
    quotes: list[dict] = field(default_factory=list)  # [{clause, title, text}] quoted verbatim from the seed
    question: dict | None = None  # the ask now waiting for an answer (kind, choices, unit …)
    changes: list[dict] = field(default_factory=list)  # [{item, clause, title, before, after, reason}]
    state: dict = field(default_factory=dict)
    outcome: dict | None = None  # the engine's outcome after this turn

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "quotes": self.quotes,
            "question": self.question,
            "changes": self.changes,
            "outcome": self.outcome,
        }


# (documents, facts, corrections, as_of) → the contract's `intake check` object
Evaluator = Callable[[list, dict, list, date], dict]


class Assistant:
    def __init__(
        self,
        scheme_id: str,
        state: dict | None = None,
        *,
        as_of: date | str | None = None,
        facts: dict | None = None,
        llm=None,
        evaluator: Evaluator | None = None,
    ):
        from checklists.scheme import load_scheme

        self.scheme = load_scheme(scheme_id)  # raises for an unknown scheme, naming the known ones
        if evaluator is None:
            from intake.precheck import evaluator as plain_precheck

            evaluator = plain_precheck(self.scheme)
        self._evaluator = evaluator
        self.scheme_id = scheme_id
        if state is None:
            state = new_state(scheme_id, facts, as_of.isoformat() if isinstance(as_of, date) else as_of)
        elif state.get("scheme") != scheme_id:
            raise ValueError(f"state belongs to scheme {state.get('scheme')!r}, not {scheme_id!r}")
        self.state = state
        self._refresh_pending()
        if llm is None:
            from .llm import from_env

            llm = from_env()
        self.llm = llm

    def _refresh_pending(self) -> None:
        """A conversation saved before the yes/no questions had their polarity: a pending one asked
        in its old (negative) wording is asked again in its positive form before any answer is
        taken — "没有" to "是否从未…" cannot be read."""
        p = self.state.get("pending")
        if not (p and p.get("kind") == "yes_no" and "polarity" not in p):
            return
        fresh = with_polarity(dict(p), self.scheme)
        if fresh["question"] != p["question"] or fresh.get("polarity") == "negative":
            self.state["pending"] = fresh
            self.state["asked"][p["key"]] = fresh
            self.state["reask_first"] = True

    # -- the engine ----------------------------------------------------------------

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.state["as_of"]) if self.state.get("as_of") else clock_today()

    def facts(self) -> dict:
        """The facts file this conversation has built (the contract's `--facts` object)."""
        return facts_of(self.state)

    def evaluate(self) -> dict:
        """The contract's `intake check` object for the case as it stands."""
        return self._evaluator(self.state["documents"], self.facts(), self.state["corrections"], self.as_of)

    def sync(self, documents: list | None = None, facts: dict | None = None) -> None:
        """Align the conversation with a case kept elsewhere (the web service): its documents
        (`intake extract` objects or DocumentFacts) and the facts entered outside the chat.
        Silent: no message; the next reply evaluates with them. Chat answers still win over `facts`."""
        if documents is not None:
            self.state["documents"] = [d.to_json() if hasattr(d, "to_json") else dict(d) for d in documents]
        if facts is not None:
            self.state["base_facts"] = copy.deepcopy(facts)

    def corrections(self) -> list[dict]:
        """Values read from uploads that the applicant corrected: original and new value, for the secretariat."""
        return copy.deepcopy(self.state["corrections"])

    # -- turns -----------------------------------------------------------------------

    def reply(self, message: str) -> Reply:
        message = "" if message is None else str(message)
        first = self.state["turns"] == 0
        self.state["turns"] += 1
        self.state["upload_batch"] = None  # the next upload starts a new summary
        problem = message_problem(message)
        if problem and not (first and not message.strip()):
            return self._finish([problem], keep_pending=True)
        text = clean(message)
        if self._is_correction(text):  # "改为 …" / "更正为 …" corrects the value to confirm, not an answer
            pending = self.state["pending"]
            return self._answer(pending, parse_for(pending, text, self.as_of).value, text)
        cmd = self._command(text)
        if first and (not text or cmd == "help" or _is_greeting(text)):
            return self._finish([self._intro()])
        if self.state.pop("reask_first", False) and not cmd and not looks_like_question(text):
            return self._finish(
                ["这个问题的问法更新了，请按下面的问法再回答一次（刚才的回答没有记录）。"], keep_pending=True
            )
        if cmd:
            return getattr(self, f"_cmd_{cmd}")(text)
        pending = self.state.get("pending")
        if pending is None:
            pending = self._next_ask()
        if not pending:
            return self._rule_question(text)
        if pending["kind"] == "upload":
            return self._while_upload_pending(pending, text)
        if pending["kind"] == "confirm_group":
            return self._rule_question(text) if looks_like_question(text) else self._confirm_group(pending, text)
        # A question is answered as a question and the pending ask re-asked, for every kind of
        # ask: "卓越品牌的满意度要达到多少分？" names a level, "证书有效期是几年？" would pass as text.
        if looks_like_question(text):
            return self._rule_question(text)
        parsed = parse_for(pending, text, self.as_of)
        if parsed.ok and is_free_text(pending) and not split_lead_in(text)[0] and self._rules_know(text):
            return self._rule_question(text)  # "证书有效期" while a free-text value is pending
        if parsed.ok:
            return self._answer(pending, parsed.value, text, note=parsed.note)
        if parsed.note == "not_given" and pending["kind"] == "text":
            return self._not_given(pending)
        if not re.search(r"\d", text) and parsed.note != "yes_no" and self._rules_know(text):
            return self._rule_question(text)  # not an answer of the right kind, but a rules topic
        said = parsed.problem if pending["kind"] == "confirm" else f"抱歉，这个回答我没法记录。{parsed.problem}"
        if pending["kind"] != "confirm" and self._off_topic(text):
            said = f"这不是当前问题的回答，在《{self.scheme.name}》原文里也没有找到依据，我不能回答。{parsed.problem}"
        return self._finish([said], keep_pending=True)

    def _off_topic(self, text: str) -> bool:
        """A message of some length, with no number, that is neither an answer nor anything the
        scheme's text speaks of ("推荐一家附近好吃的餐馆")."""
        if re.search(r"\d", text) or len(text) < 6:
            return False
        return not index_for(self.scheme_id).search(text, k=1).known

    def _while_upload_pending(self, pending: dict, text: str) -> Reply:
        if looks_like_question(text):
            return self._rule_question(text)
        yn = parse_yes_no(text)
        if yn.ok and yn.value is False:
            skip(self.state, pending)
            if yn.note == "in_progress":
                return self._finish(
                    [
                        f"好的，记下：{_doc_name(pending.get('doc_type'))}还在办理，先跳过；"
                        "办好后随时上传，这一项会列在“还缺什么”里。"
                    ]
                )
            return self._finish([f"好的，先不上传{_doc_name(pending.get('doc_type'))}；这一项会列在“还缺什么”里。"])
        if self._rules_know(text):
            return self._rule_question(text)
        return self._finish(
            [
                f"这里需要上传文件：{_doc_name(pending.get('doc_type'))}。"
                "上传后我会告诉您识别出的内容；没有这份材料可以回答“没有”或“跳过”。"
            ],
            keep_pending=True,
        )

    def _confirm_group(self, pending: dict, text: str) -> Reply:
        items = pending["items"]
        before, outcome_before = self._last()
        yn = parse_yes_no(text, whole_only=True)
        if yn.ok and yn.value is True:
            for it in items:
                apply_confirmation(self.state, it, ("confirmed", it["original"]))
            self.state["pending"] = None
            return self._finish(
                [f"好的，这 {len(items)} 个值都按识别结果确认。"], before=before, outcome_before=outcome_before
            )
        m = re.match(r"^(\d{1,2})\s*[.、:：号,，]?\s*(.*)$", clean(text))
        if m and 1 <= int(m.group(1)) <= len(items):
            item = items[int(m.group(1)) - 1]
            parsed = _parse_confirmation(item, m.group(2) or "对", self.as_of)
            if not parsed.ok:
                return self._finish([parsed.problem], keep_pending=True)
            said = apply_confirmation(self.state, item, cast(tuple, parsed.value))
            self.state["pending"] = None
            doc_type = next((d.get("type") for d in self.state["documents"] if d.get("sha256") == item["sha256"]), None)
            related = {it.id for it in self.scheme.items if doc_type in (it.evidence or [])}
            return self._finish([said], before=before, outcome_before=outcome_before, related=related)
        if self._rules_know(text):
            return self._rule_question(text)
        return self._finish(
            [f"请回“对”确认全部 {len(items)} 个值，或写“序号 正确的值”，例如“1 某某科技有限公司”。"], keep_pending=True
        )

    def _is_correction(self, text: str) -> bool:
        pending = self.state.get("pending")
        if not (pending and pending["kind"] == "confirm" and split_lead_in(text)[0]) or looks_like_question(text):
            return False
        return parse_for(pending, text, self.as_of).ok

    def _rules_know(self, text: str) -> bool:
        """The scheme's text answers this message well (the retrieval's calibrated "known").
        A yes/no word is an answer, and a match on one-character words alone ("不对" → 不) is not good."""
        if parse_yes_no(text, whole_only=True).ok or not any(len(t) >= 2 for t in tokenize(text)):
            return False
        if re.match(r"^[不没无未]", clean(text)) and not looks_like_question(text):
            return False  # "不涉及", "没有网售": a negated statement answers the ask, it is no topic
        return index_for(self.scheme_id).search(text, k=1).known

    def on_upload(self, document: Any) -> Reply:
        """An upload was read (DocumentFacts or its JSON): say what was recognised, re-evaluate,
        and ask to confirm values read with low confidence."""
        doc = document.to_json() if hasattr(document, "to_json") else dict(document)
        self.state["turns"] += 1
        # Uploads with no message in between are one batch: the reply to the last one sums up the
        # whole batch (every file, what changed since the batch began, one question).
        batch = self.state.get("upload_batch")
        if not batch:
            before, outcome_before = self._last()
            batch = {
                "status": before,
                "outcome": outcome_before,
                "reason": self.state.get("last_reason"),
                "described": [],
            }
        batch["described"].append(describe_document(doc, self.as_of))
        self.state["upload_batch"] = batch
        self.state["documents"] = [d for d in self.state["documents"] if d.get("sha256") != doc.get("sha256")]
        self.state["documents"].append(doc)
        lines = list(batch["described"])
        if len(lines) > 1:
            lines.insert(0, f"收到 {len(lines)} 份文件：")
        pending = self.state.get("pending")
        if (
            pending
            and pending.get("kind") in ("upload", "confirm", "confirm_group")
            and (pending.get("kind") != "upload" or pending.get("doc_type") == doc.get("type"))
        ):
            self.state["pending"] = None  # a new upload may add values to check: the list is rebuilt
        return self._finish(
            lines, before=dict(batch["status"] or {}), outcome_before=batch["outcome"], reasons_before=batch["reason"]
        )

    # -- commands ------------------------------------------------------------------

    def _command(self, text: str) -> str | None:
        cmds = vocabulary()["commands"]
        low = text.lower()
        for name in ("missing", "skip", "back", "help", "topics"):
            if low in [c.lower() for c in cmds[name]]:
                return name
        # "修改 哪一类组织" is a command; "改名后还能申请吗？" is a question.
        if not re.search(r"[?？]", text) and any(text.startswith(p) for p in cmds["change_prefix"]):
            if text.startswith(("修改", "更改", "更正")) or not looks_like_question(text):
                return "change"
        if text in cmds["change_prefix"]:
            return "change"
        return None

    def _cmd_help(self, text: str) -> Reply:
        return self._finish([self._help()], keep_pending=True)

    def _cmd_topics(self, text: str) -> Reply:
        topics = "、".join(index_for(self.scheme_id).topics())
        return self._finish([f"我可以按《{self.scheme.name}》原文回答这些方面的问题：{topics}。"], keep_pending=True)

    def _cmd_skip(self, text: str) -> Reply:
        pending = self.state.get("pending")
        if not pending:
            return self._finish(["现在没有待回答的问题。"])
        had = self.state["answers"].get(pending["key"])
        if had is not None:  # "返回" then "跳过": the old answer no longer stands
            unrecord(self.state, pending["key"], None)
        skip(self.state, pending)
        self.state["pending"] = None
        said = "，原来的回答已清除" if had is not None else ""
        return self._finish([f"好的，先跳过这个问题{said}；需要时输入“修改”可以回来补答。"])

    def _not_given(self, pending: dict) -> Reply:
        """A free-text question the applicant cannot answer yet ("还没定"): recorded as not given,
        nothing stored; "修改" brings it back."""
        skip(self.state, pending)
        self.state["pending"] = None
        return self._finish(
            [f"好的，“{_short(pending.get('question', ''))}”记为未提供，不会替您填写；确定后输入“修改”可以补答。"]
        )

    def _cmd_back(self, text: str) -> Reply:
        order = [k for k in self.state["order"] if k in self.state["asked"]]
        if not order:
            return self._finish(["还没有已回答的问题可以返回。"], keep_pending=True)
        ask = self.state["asked"][order[-1]]
        return self._reask(ask)

    def _cmd_change(self, text: str) -> Reply:
        prefixes = sorted(vocabulary()["commands"]["change_prefix"], key=len, reverse=True)
        target = text
        for p in prefixes:
            if text.startswith(p):
                target = text[len(p) :].strip(" :：")
                break
        asked = [
            self.state["asked"][k] for k in self.state["order"] + self.state["skipped"] if k in self.state["asked"]
        ]
        if not target:
            if not asked:
                return self._finish(["还没有回答过的问题。"], keep_pending=True)
            listing = "\n".join(f"{i}. {a['question']}（当前：{self._current(a)}）" for i, a in enumerate(asked, 1))
            return self._finish([f"要修改哪一个？请输入“修改 序号”：\n{listing}"], keep_pending=True)
        if re.fullmatch(r"\d{1,3}", target) and 1 <= int(target) <= len(asked):
            return self._reask(asked[int(target) - 1])
        for a in asked:
            if target in a["question"] or target == a["key"] or target in (a.get("title") or ""):
                return self._reask(a)
        return self._finish(
            [f"没有找到和“{target}”相关的已答问题。输入“修改”可以看到全部已答问题。"], keep_pending=True
        )

    def _cmd_missing(self, text: str) -> Reply:
        ev = self.evaluate()
        v = vocabulary()
        words = v["status_words"]
        lines = [
            f"预审结论：{v['outcome_words'].get(ev['outcome']['status'], ev['outcome']['status'])}"
            + (f"（可达级别：{ev['outcome']['level']}）" if ev["outcome"].get("level") else "")
            + "。"
        ]
        groups: dict[str, list] = {"not_met": [], "missing": [], "review": []}
        for it in ev["items"]:
            if it["status"] in groups:
                groups[it["status"]].append(f"· {it['clause']} {it['title']}：{plain(it['reason'])}")
        for st in ("not_met", "missing", "review"):
            if groups[st]:
                lines.append(f"{words[st]}（{len(groups[st])} 项）：\n" + "\n".join(groups[st]))
        skipped = [self.state["asked"][k]["question"] for k in self.state["skipped"] if k in self.state["asked"]]
        if skipped:
            lines.append("您跳过的问题：\n" + "\n".join(f"· {q}" for q in skipped))
        if len(lines) == 1:
            lines.append("没有缺少的项目。")
        return self._finish(lines, keep_pending=True, evaluation=ev)

    # -- answers -----------------------------------------------------------------------

    def _answer(self, ask: dict, value: Any, raw: str, note: str | None = None) -> Reply:
        before, outcome_before = self._last()
        if ask["kind"] == "confirm":
            said = apply_confirmation(self.state, ask, value)
            ev = self.evaluate()
        else:
            previous = self.state["answers"].get(ask["key"])
            record(self.state, ask, value, raw)
            try:
                ev = self.evaluate()
            except ValueError as e:  # the checklist engine refuses the value (FactsError): not stored
                unrecord(self.state, ask["key"], previous)
                return self._finish([f"抱歉，这个回答不能记录：{e}"], keep_pending=True)
            said = _recorded(ask, value, raw, note)
            if ask["kind"] == "number":
                said = "\n".join([said] + for_answer(self.scheme, ask["key"], value, self.facts()))
        self.state["pending"] = None
        if ask["kind"] == "confirm":  # a corrected date or score can change a reason without a status
            doc_type = next((d.get("type") for d in self.state["documents"] if d.get("sha256") == ask["sha256"]), None)
            related = {it.id for it in self.scheme.items if doc_type in (it.evidence or [])}
        else:
            related = related_items(self.scheme, ask["key"])
        return self._finish([said], before=before, outcome_before=outcome_before, evaluation=ev, related=related)

    def _reask(self, ask: dict) -> Reply:
        self.state["pending"] = ask
        current = self._current(ask)
        return self._finish([f"好的，重新回答这个问题（当前：{current}）。其他回答都会保留。"], keep_pending=True)

    def _current(self, ask: dict) -> str:
        ans = self.state["answers"].get(ask["key"])
        if ans is None:
            return "已跳过" if ask["key"] in self.state["skipped"] else "未回答"
        if ask["kind"] == "confirm":
            return str(ans["value"])
        return display_value(ask, ans["value"])

    # -- rule questions --------------------------------------------------------------------

    def _rule_question(self, text: str) -> Reply:
        """A question about the rules or about the applicant's own case: each question of the message
        answered in turn (two in one message get two answers), against the one evaluation."""
        ix = index_for(self.scheme_id)
        text = ix.correct(text)
        ev = self.evaluate()
        parts = split_questions(text)
        if len(parts) > 1 and compute(self.scheme, text, self.as_of, self.facts()) is not None:
            parts = [text]  # the numbers of one message belong together ("AA级…？覆盖率要到多少")
        lines: list[str] = []
        quotes: list[dict] = []
        for part in parts:
            got = self._rule_part(part, ev, quotes)
            if got is None:  # nothing in the text for this part
                got = self._not_found(part, single=len(parts) == 1)
            lines += got
        return self._finish(lines, keep_pending=True, quotes=quotes, evaluation=ev)

    def _rule_part(self, text: str, ev: dict, quotes: list[dict]) -> list[str] | None:
        ix = index_for(self.scheme_id)
        facts = self.facts()
        own = case_answer(self.scheme, text, ev, self.state["documents"], facts, self.as_of)
        if own is not None:
            lines = list(own.lines)
            clauses = list(own.clauses)
            if own.inject:
                computed = compute(self.scheme, f"{text} {own.inject}", self.as_of, facts)
                if computed is not None:
                    lines += computed.lines
                    clauses += computed.clauses
            for c in list(dict.fromkeys(clauses))[:4]:
                lines += self._quote_lines(ix, c, quotes)
            return lines
        computed = compute(self.scheme, text, self.as_of, facts)
        if computed is None:
            unsettled = self._unsettled(text, quotes)
            if unsettled:
                return unsettled
            computed = structure_answer(self.scheme, text)
        if computed is not None:
            lines = list(computed.lines)
            for c in computed.clauses[:3]:
                lines += self._quote_lines(ix, c, quotes)
            case_lines = self._for_this_case(ev, computed.clauses[:3], text)
            if case_lines:
                lines.append("就您的申请：\n" + "\n".join(case_lines))
            return lines
        ans = ix.search(text, k=5)
        attrs = settles.asked(text)
        if not ans.known and attrs:  # "意见啥时候之前要交": the subject alone, without the attribute's words
            ans = ix.search(settles.subject(text, attrs), k=5)
        if not ans.known:
            return None
        hits = self._case_order(ans.hits, ev, named_levels(self.scheme, text))
        if attrs:
            hits = self._settling(hits, text, attrs, {q["clause"] for q in quotes})
            if not hits:
                return self._not_settled(attrs)
        best = hits[0]
        shown = [best] + [h for h in hits[1:] if h.score >= 0.6 * best.score][:1]
        said: list[str] = []
        for h in shown:
            said += self._quote_lines(ix, h.clause, quotes)
        case_lines = self._for_this_case(ev, [h.clause for h in shown], text)
        if case_lines:
            said.append("就您的申请：\n" + "\n".join(case_lines))
        return said

    def _settling(self, hits: list, text: str, attrs: list[dict], quoted: set[str]) -> list:
        """The hits that settle the question: they state the asked attribute and speak of the same subject
        (a clause the message's other question was answered with speaks of it: "多久评一次？评上了管几年")."""
        ix = index_for(self.scheme_id)
        topic = settles.subject(text, attrs)
        floor = settles.min_subject_coverage()
        out = []
        for h in hits:
            rec = ix.clause(h.clause) or {}
            texts = [rec] + [ix.clause(p) or {} for p in ix.lead_ins(h.clause)]
            on_subject = (
                h.clause in quoted or all(a.get("any_subject") for a in attrs) or ix.coverage(topic, h.clause) >= floor
            )
            if on_subject and any(all(settles.states(r, a) for a in attrs) for r in texts):
                out.append(h)
        return out

    def _not_settled(self, attrs: list[dict]) -> list[str]:
        noun = "、".join(a["noun"] for a in attrs)
        return [
            f"原文未规定{noun}：《{self.scheme.name}》里谈到这件事的条款都没有写明{noun}，"
            f"不能凭猜测回答，请向{contact(self.scheme_id)}咨询。"
        ]

    def _not_found(self, text: str, single: bool) -> list[str]:
        if not single:
            return [f"“{text}”：在《{self.scheme.name}》原文里没有找到依据，不能凭猜测回答。"]
        topics = "、".join(index_for(self.scheme_id).topics())
        return [
            f"抱歉，这个问题我在《{self.scheme.name}》原文里没有找到依据，不能凭猜测回答。"
            f"我能回答的方面有：{topics}。也可以输入“还缺什么”查看您的申请进度。"
        ]

    def _quote_lines(self, ix, clause: str, quotes: list[dict]) -> list[str]:
        """The clause verbatim; a list item comes with its lead-in (and the consequence it states):
        11.1 b) 1) is quoted under 11.1 b)'s "应暂停或撤销…并取消3年内申报资格"."""
        out = []
        done = {q["clause"] for q in quotes}
        for c in ix.lead_ins(clause) + [clause]:
            rec = ix.clause(c)
            if rec is None or c in done:
                continue
            done.add(c)
            quotes.append({"clause": c, "title": rec.get("title") or "", "text": rec.get("text") or ""})
            text = rec.get("text") or rec.get("title") or ""
            title = f"（{rec['title']}）" if rec.get("title") and rec["title"] not in text else ""
            out.append(f"根据{_cite(c)}{title}：“{text}”")
        return out

    def _unsettled(self, text: str, quotes: list[dict]) -> list[str] | None:
        """Fees, durations, who attends …: the scheme's text does not settle them; say so plainly,
        with the clause that comes closest, rather than quote something unrelated."""
        s = clean(text)
        ix = index_for(self.scheme_id)
        for topic in vocabulary().get("unsettled") or []:
            if not any(w in s for w in topic.get("any") or []):
                continue
            if topic.get("with_any") and not any(w in s for w in topic["with_any"]):
                continue
            if any(w in s for w in topic.get("unless") or []):
                continue
            hits = ix.search(text, k=3).hits
            if any(w in (h.text or "") for h in hits for w in topic.get("settled_by") or []):
                return None
            if topic.get("settled_in_text") and any(
                w in (c.get("text") or "") for c in ix.clauses for w in topic["settled_in_text"]
            ):
                return None
            lines = [f"原文未规定{topic['topic']}，请向{contact(self.scheme_id)}咨询。"]
            related = [
                c["clause"] for c in ix.clauses if any(w in (c.get("text") or "") for w in topic.get("related") or [])
            ]
            for c in related[:1]:
                lines.append("原文相关的规定只有这一条：")
                lines += self._quote_lines(ix, c, quotes)
            return lines
        return None

    def _case_order(self, hits: list, ev: dict, levels: list[str] | None = None) -> list:
        """Clauses whose checklist items do not apply to this case (another level, another
        sector) give way to those that do; a question naming a level prefers that level's
        clauses (优质 → 第六条（七）, not 第七条（六）); the scores of the rest are untouched."""
        na = {clause_key(it["clause"]) for it in ev["items"] if it["status"] == "not_applicable"}
        live = {clause_key(it["clause"]) for it in ev["items"] if it["status"] != "not_applicable"}
        named, other = set(), set()
        for it in self.scheme.items if levels else ():
            k = clause_key(it.clause)
            gates = set(it.gates)
            if gates & set(levels):
                named.add(k)
            elif gates and "*" not in gates:
                other.add(k)

        def weight(h) -> float:
            k = clause_key(h.clause)
            w = 0.5 if (k in na and k not in live) else 1.0
            if levels:
                w *= 1.3 if k in named else (0.5 if k in other else 1.0)
            return w

        return sorted(hits, key=lambda h: -h.score * weight(h))

    def _for_this_case(self, ev: dict, clauses: list[str], question: str = "") -> list[str]:
        words = vocabulary()["status_words"]
        keys = {clause_key(c) for c in clauses}
        asked = set(tokenize(question))
        out = []
        # Items named by the question come first ("用码覆盖率是什么" → trace.general.5).
        items = sorted(ev["items"], key=lambda it: -len(asked & set(tokenize(it.get("title") or ""))))
        for it in items:
            ck = clause_key(it.get("clause") or "")
            if ck in keys or any(ck.startswith(k) and len(k) >= 2 for k in keys):
                if it["status"] == "not_applicable":
                    continue
                out.append(
                    f"· {it['clause']} {it['title']}：{words.get(it['status'], it['status'])}，{plain(it['reason'])}"
                )
        if len(out) > 4:
            out = out[:4] + [f"· 另有 {len(out) - 4} 项相关条目，输入“还缺什么”可查看全部。"]
        return out

    def _next_ask(self) -> dict | None:
        nxt = open_asks(self.scheme, self.evaluate(), self.state)
        self.state["pending"] = nxt[0] if nxt else None
        if nxt:
            self.state["asked"].setdefault(nxt[0]["key"], nxt[0])
        return self.state["pending"]

    # -- composing a reply ---------------------------------------------------------------

    def _last(self) -> tuple[dict, str | None]:
        return dict(self.state.get("last_status") or {}), self.state.get("last_outcome")

    def _finish(
        self,
        lines: list[str],
        *,
        keep_pending: bool = False,
        before: dict | None = None,
        outcome_before: str | None = None,
        quotes: list[dict] | None = None,
        evaluation: dict | None = None,
        related: set[str] | frozenset[str] = frozenset(),
        reasons_before: dict | None = None,
    ) -> Reply:
        ev = evaluation or self.evaluate()
        changes: list[dict] = []
        if before is not None:
            reasons = reasons_before if reasons_before is not None else self.state.get("last_reason")
            changes = changes_between(before, ev, reasons, related) if before else []
            said = describe_changes(changes, outcome_before, ev)
            if said:
                lines.append(said)
        self.state["last_status"] = status_map(ev)
        self.state["last_reason"] = reason_map(ev)
        self.state["last_outcome"] = ev["outcome"]["status"]
        pending = self.state.get("pending")
        if not (keep_pending and pending):
            nxt = open_asks(self.scheme, ev, self.state)
            pending = nxt[0] if nxt else None
            self.state["pending"] = pending
            if pending:
                self.state["asked"].setdefault(pending["key"], pending)
            else:
                done = self._complete(ev)
                # Said once: a later rule answer does not repeat it unless the conclusion changed.
                if not (keep_pending and self.state.get("last_complete") == done):
                    lines.append(done)
                self.state["last_complete"] = done
        caveat = self._provisional(lines)
        if caveat:
            lines.append(caveat)
        if pending:
            if keep_pending and quotes is not None and self.state.get("last_posed") == pending["key"]:
                # Answering a question in between: the waiting ask is mentioned only where it matters —
                # when the answer quotes a clause it bears on — and then briefly.
                if self._concerns(pending, quotes):
                    lines.append(_reminder(pending))
            else:
                lines.append(_pose(pending))
            self.state["last_posed"] = pending["key"]
        text = "\n".join(l for l in lines if l)
        text = self._rephrase(text, quotes or [])
        return Reply(
            text=text,
            quotes=quotes or [],
            question=copy.deepcopy(pending),
            changes=changes,
            state=self.state,
            outcome=ev["outcome"],
        )

    def _concerns(self, ask: dict, quotes: list[dict]) -> bool:
        """The waiting ask bears on the quoted clauses: a value to confirm read from a document those
        clauses' items use, or a question whose answer those items read."""
        quoted = {clause_key(q["clause"]) for q in quotes}
        if not quoted:
            return False
        if ask["kind"] in ("confirm", "confirm_group"):
            shas = {it.get("sha256") for it in ask.get("items") or [ask]}
            types = {d.get("type") for d in self.state["documents"] if d.get("sha256") in shas}
            ids = {it.id for it in self.scheme.items if types & set(it.evidence or [])}
        else:
            ids = related_items(self.scheme, ask["key"])
        clauses = {clause_key(it.clause) for it in self.scheme.items if it.id in ids}
        return any(q == c or q.startswith(c) or c.startswith(q) for q in quoted for c in clauses)

    def _provisional(self, lines: list[str]) -> str | None:
        """A reply that states a provisional threshold says 暂定 and why (the scheme's own note)."""
        prov = getattr(self.scheme, "provisional", None) or {}
        text = "\n".join(l for l in lines if l)
        if not prov or (prov.get("note") or "暂定") in text:
            return None
        shown = {
            f"{v * 100:g}%"
            for lv in self.scheme.levels
            for v in (lv.min_facts or {}).values()
            if isinstance(v, (int, float)) and v <= 1
        }
        if any(re.search(rf"(?<![\d.]){re.escape(x)}", text) for x in shown):
            return f"注：这些门槛是{vocabulary().get('provisional_word', '暂定')}的——{prov.get('note', '')}"
        return None

    def _rephrase(self, text: str, quotes: list[dict]) -> str:
        if self.llm is None:
            return text
        return self.llm.rephrase(text, quotes)

    def _complete(self, ev: dict) -> str:
        v = vocabulary()
        status = ev["outcome"]["status"]
        n_review = sum(1 for it in ev["items"] if it["status"] == "review")
        n_missing = sum(1 for it in ev["items"] if it["status"] == "missing")
        n_not = sum(1 for it in ev["items"] if it["status"] == "not_met")
        out = ev["outcome"]
        level = f"，可达级别：{out['level']}" if out.get("level") else ""
        if out.get("grade"):
            level += f"，等级：{out['grade']}"
        best = ""
        if not out.get("grade") and out.get("best_grade"):  # not a grade: nothing scored yet (issue 14)
            best = (
                f"{out.get('best_grade_label') or '可争取的最高等级'}：{out['best_grade']}（尚未评分，不是评定等级）。"
            )
        return (
            f"需要问的都问完了，预审完成。结论：{v['outcome_words'].get(status, status)}{level}"
            f"（不满足 {n_not} 项、缺少材料 {n_missing} 项、需人工审核 {n_review} 项）。{best}"
            "输入“还缺什么”查看明细，或继续上传材料、提问。"
        )

    def _intro(self) -> str:
        return (
            f"您好！我是《{self.scheme.name}》申报预审助手。我会一条一条问您申报需要的信息，"
            "也可以回答关于规则的问题（我只按原文回答，并注明条款）。随时可以说“还缺什么”、“跳过”、“返回”、“修改”。"
        )

    def _help(self) -> str:
        return (
            "我可以：\n· 一步步问您申报需要的信息（回答“是/否”、数字加单位如“5000万元”、日期如“2019-05-01”，或选项）；\n"
            "· 按原文回答规则问题，例如“证书有效期几年？”；\n"
            "· “还缺什么”：查看预审结论和缺少的材料；“跳过”：先不答当前问题；“返回”：重答上一个问题；"
            "“修改”：改任何一个已答问题（其他回答保留）；“有哪些主题”：我能回答的方面。"
        )


def _cite(clause: str) -> str:
    if re.match(r"^[第一二三四五六七八九十通]", clause):
        return clause
    return f"第 {clause} 条"


def _short(question: str) -> str:
    return question.rstrip("？?。")


def _recorded(ask: dict, value: Any, raw: str, note: str | None) -> str:
    """The confirmation of a recorded answer, in words that cannot be misread."""
    if ask["kind"] == "yes_no" and (ask.get("said_yes") or ask.get("said_no")):
        said = f"已记录：{display_value(ask, value)}（申请人声明）。"
        if note == "partial":
            said += f"您说的是“{raw}”，按“是”记录，原话保留；评审时会核实覆盖到哪些产品。"
        elif note == "in_progress":
            said += "您说还在办理中，先按目前的情况记录；办好后输入“修改”即可更新。"
        return said
    said = f"已记录：{_short(ask['question'])} → {display_value(ask, value)}（申请人声明）。"
    if ask["kind"] == "yes_no" and note == "partial":
        said += f"您说的是“{raw}”，按“是”记录，原话保留。"
    return said


def _pose(ask: dict) -> str:
    q = ask["question"]
    if ask["kind"] == "yes_no":
        return f"{q}（请回答“是”或“否”）"
    if ask["kind"] == "choice":
        opts = "、".join(f"{i}. {c['label']}" for i, c in enumerate(ask.get("choices") or [], 1))
        return f"{q}（可选：{opts}）"
    if ask["kind"] == "number":
        example = vocabulary()["units"].get(ask.get("unit") or "", {}).get("example")
        return f"{q}（请写一个确切的数字和单位，{example}）" if example else f"{q}（请写一个数字）"
    if ask["kind"] == "date":
        return q if "YYYY" in q else f"{q}（日期，例如 2019-05-01）"
    if ask["kind"] == "upload":
        return f"{q}（没有的话回答“没有”或“跳过”）"
    if ask["kind"] == "scale":
        return f"{q}（例如“稻麦 1200亩”）"
    return q


def _reminder(ask: dict) -> str:
    if ask["kind"] not in ("confirm", "confirm_group"):
        return f"（这和还没回答的问题有关：{ask['question']}）"
    if ask["kind"] == "confirm_group":
        return f"（还在等您核对上面读出的 {len(ask['items'])} 个值：回“对”确认全部，或写“序号 正确的值”。）"
    label = vocabulary()["field_names"].get(ask["field"], ask["field"])
    return f"（还在等您确认{label}“{ask['original']}”：对的话回“对”，不对请直接写正确的值。）"


def _doc_name(doc_type: str | None) -> str:
    return vocabulary()["doc_type_names"].get(doc_type or "other", doc_type or "文件")


def _is_greeting(text: str) -> bool:
    return text.lower() in ("你好", "您好", "hi", "hello", "开始", "在吗", "start")
