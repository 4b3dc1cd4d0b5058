"""One assistant engine behind the terminal (`intake chat`), the web chat panel and the JSON API.

    a = Assistant("jiangsu")                 # or Assistant("jiangsu", state=saved_dict)
    r = a.reply("你好")                      # Reply(text, quotes, question, changes, state)
    r = a.reply("制造业")
    r = a.on_upload(document_facts)          # DocumentFacts or its `intake extract` JSON
    save(r.state)                            # a plain JSON-serialisable dict

Verdicts always come from the checklist engine (`checklists.evaluate`); rule answers
always quote the scheme's own text. An optional model back-end (intake.assistant.llm)
may only rephrase the finished text.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .answers import clean, looks_like_question, message_problem, parse_yes_no, split_lead_in, vocabulary
from .interview import (apply_confirmation, changes_between, describe_changes, describe_document,
                        display_value, documents_of, facts_of, is_free_text, new_state, open_asks, parse_for,
                        record, reason_map, related_items, skip, status_map, unrecord)
from .retrieval import clause_key, index_for, tokenize
from checklists.vocabulary import plain


@dataclass
class Reply:
    text: str
    quotes: list[dict] = field(default_factory=list)  # [{clause, title, text}] quoted verbatim from the seed
    question: dict | None = None                      # the ask now waiting for an answer (kind, choices, unit …)
    changes: list[dict] = field(default_factory=list)  # [{item, clause, title, before, after, reason}]
    state: dict = field(default_factory=dict)
    outcome: dict | None = None                       # the engine's outcome after this turn

    def to_json(self) -> dict:
        return {"text": self.text, "quotes": self.quotes, "question": self.question,
                "changes": self.changes, "outcome": self.outcome}


def _checklists():
    from checklists import engine

    return engine


class Assistant:
    def __init__(self, scheme_id: str, state: dict | None = None, *, as_of: date | str | None = None,
                 facts: dict | None = None, llm=None):
        ck = _checklists()
        self.scheme = ck.load_scheme(scheme_id)  # raises for an unknown scheme, naming the known ones
        self.scheme_id = scheme_id
        if state is None:
            state = new_state(scheme_id, facts, as_of.isoformat() if isinstance(as_of, date) else as_of)
        elif state.get("scheme") != scheme_id:
            raise ValueError(f"state belongs to scheme {state.get('scheme')!r}, not {scheme_id!r}")
        self.state = state
        if llm is None:
            from .llm import from_env

            llm = from_env()
        self.llm = llm

    # -- the engine ----------------------------------------------------------------

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.state["as_of"]) if self.state.get("as_of") else date.today()

    def facts(self) -> dict:
        """The facts file this conversation has built (the contract's `--facts` object)."""
        return facts_of(self.state)

    def evaluate(self) -> dict:
        """The contract's `intake check` object for the case as it stands."""
        ck = _checklists()
        ev = ck.evaluate(self.scheme, documents_of(self.state), self.facts(), self.as_of, {})
        return ev.to_json() if hasattr(ev, "to_json") else ev

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
        if cmd:
            return getattr(self, f"_cmd_{cmd}")(text)
        pending = self.state.get("pending")
        if pending is None:
            pending = self._next_ask()
        if not pending:
            return self._rule_question(text)
        if pending["kind"] == "upload":
            return self._while_upload_pending(pending, text)
        # A question is answered as a question and the pending ask re-asked, for every kind of
        # ask: "卓越品牌的满意度要达到多少分？" names a level, "证书有效期是几年？" would pass as text.
        if looks_like_question(text):
            return self._rule_question(text)
        parsed = parse_for(pending, text, self.as_of)
        if parsed.ok and is_free_text(pending) and not split_lead_in(text)[0] and self._rules_know(text):
            return self._rule_question(text)   # "证书有效期" while a free-text value is pending
        if parsed.ok:
            return self._answer(pending, parsed.value, text)
        if not re.search(r"\d", text) and self._rules_know(text):
            return self._rule_question(text)   # not an answer of the right kind, but a rules topic
        said = parsed.problem if pending["kind"] == "confirm" else f"抱歉，这个回答我没法记录。{parsed.problem}"
        return self._finish([said], keep_pending=True)

    def _while_upload_pending(self, pending: dict, text: str) -> Reply:
        if looks_like_question(text):
            return self._rule_question(text)
        yn = parse_yes_no(text)
        if yn.ok and yn.value is False:
            skip(self.state, pending)
            return self._finish([f"好的，先不上传{_doc_name(pending.get('doc_type'))}；"
                                 f"这一项会列在“还缺什么”里。"])
        if self._rules_know(text):
            return self._rule_question(text)
        return self._finish([f"这里需要上传文件：{_doc_name(pending.get('doc_type'))}。"
                             "上传后我会告诉您识别出的内容；没有这份材料可以回答“没有”或“跳过”。"],
                            keep_pending=True)

    def _is_correction(self, text: str) -> bool:
        pending = self.state.get("pending")
        if not (pending and pending["kind"] == "confirm" and split_lead_in(text)[0]) or looks_like_question(text):
            return False
        return parse_for(pending, text, self.as_of).ok

    def _rules_know(self, text: str) -> bool:
        """The scheme's text answers this message well (the retrieval's calibrated "known").
        A yes/no word is an answer, and a match on one-character words alone ("不对" → 不) is not good."""
        if parse_yes_no(text).ok or not any(len(t) >= 2 for t in tokenize(text)):
            return False
        return index_for(self.scheme_id).search(text, k=1).known

    def on_upload(self, document: Any) -> Reply:
        """An upload was read (DocumentFacts or its JSON): say what was recognised, re-evaluate,
        and ask to confirm values read with low confidence."""
        doc = document.to_json() if hasattr(document, "to_json") else dict(document)
        self.state["turns"] += 1
        before, outcome_before = self._last()
        self.state["documents"] = [d for d in self.state["documents"] if d.get("sha256") != doc.get("sha256")]
        self.state["documents"].append(doc)
        lines = [describe_document(doc, self.as_of)]
        pending = self.state.get("pending")
        if pending and pending.get("kind") == "upload" and pending.get("doc_type") == doc.get("type"):
            self.state["pending"] = None
        return self._finish(lines, before=before, outcome_before=outcome_before)

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
        skip(self.state, pending)
        self.state["pending"] = None
        return self._finish(["好的，先跳过这个问题；需要时输入“修改”可以回来补答。"])

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
                target = text[len(p):].strip(" :：")
                break
        asked = [self.state["asked"][k] for k in self.state["order"] + self.state["skipped"]
                 if k in self.state["asked"]]
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
        return self._finish([f"没有找到和“{target}”相关的已答问题。输入“修改”可以看到全部已答问题。"],
                            keep_pending=True)

    def _cmd_missing(self, text: str) -> Reply:
        ev = self.evaluate()
        v = vocabulary()
        words = v["status_words"]
        lines = [f"预审结论：{v['outcome_words'].get(ev['outcome']['status'], ev['outcome']['status'])}"
                 + (f"（可达级别：{ev['outcome']['level']}）" if ev["outcome"].get("level") else "") + "。"]
        groups = {"not_met": [], "missing": [], "review": []}
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

    def _answer(self, ask: dict, value: Any, raw: str) -> Reply:
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
            said = f"已记录：{_short(ask['question'])} → {display_value(ask, value)}（申请人声明）。"
        self.state["pending"] = None
        if ask["kind"] == "confirm":  # a corrected date or score can change a reason without a status
            doc_type = next((d.get("type") for d in self.state["documents"] if d.get("sha256") == ask["sha256"]), None)
            related = {it.id for it in self.scheme.items if doc_type in (it.evidence or [])}
        else:
            related = related_items(self.scheme, ask["key"])
        return self._finish([said], before=before, outcome_before=outcome_before, evaluation=ev,
                            related=related)

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
        ix = index_for(self.scheme_id)
        ans = ix.search(text, k=5)
        if not ans.known:
            topics = "、".join(ix.topics())
            return self._finish([f"抱歉，这个问题我在《{self.scheme.name}》原文里没有找到依据，不能凭猜测回答。"
                                 f"我能回答的方面有：{topics}。也可以输入“还缺什么”查看您的申请进度。"],
                                keep_pending=True)
        ev = self.evaluate()
        hits = self._case_order(ans.hits, ev)
        best = hits[0]
        shown = [best] + [h for h in hits[1:] if h.score >= 0.6 * best.score][:1]
        lines, quotes = [], []
        for h in shown:
            quotes.append(h.quote())
            title = f"（{h.title}）" if h.title and h.title not in h.text else ""
            lines.append(f"根据{_cite(h.clause)}{title}：“{h.text}”")
        case_lines = self._for_this_case(ev, [h.clause for h in shown], text)
        if case_lines:
            lines.append("就您的申请：\n" + "\n".join(case_lines))
        return self._finish(lines, keep_pending=True, quotes=quotes, evaluation=ev)

    def _case_order(self, hits: list, ev: dict) -> list:
        """Clauses whose checklist items do not apply to this case (another level, another
        sector) give way to those that do; the scores of the rest are untouched."""
        na = {clause_key(it["clause"]) for it in ev["items"] if it["status"] == "not_applicable"}
        live = {clause_key(it["clause"]) for it in ev["items"] if it["status"] != "not_applicable"}

        def weight(h) -> float:
            k = clause_key(h.clause)
            return 0.5 if (k in na and k not in live) else 1.0

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
                out.append(f"· {it['clause']} {it['title']}：{words.get(it['status'], it['status'])}，{plain(it['reason'])}")
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

    def _finish(self, lines: list[str], *, keep_pending: bool = False, before: dict | None = None,
                outcome_before: str | None = None, quotes: list[dict] | None = None,
                evaluation: dict | None = None, related: set[str] = frozenset()) -> Reply:
        ev = evaluation or self.evaluate()
        changes: list[dict] = []
        if before is not None:
            changes = changes_between(before, ev, self.state.get("last_reason"), related) if before else []
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
                lines.append(self._complete(ev))
        if pending:
            lines.append(_pose(pending))
        text = "\n".join(l for l in lines if l)
        text = self._rephrase(text, quotes or [])
        return Reply(text=text, quotes=quotes or [], question=copy.deepcopy(pending), changes=changes,
                     state=self.state, outcome=ev["outcome"])

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
        level = f"，可达级别：{ev['outcome']['level']}" if ev["outcome"].get("level") else ""
        return (f"需要问的都问完了，预审完成。结论：{v['outcome_words'].get(status, status)}{level}"
                f"（不满足 {n_not} 项、缺少材料 {n_missing} 项、需人工审核 {n_review} 项）。"
                "输入“还缺什么”查看明细，或继续上传材料、提问。")

    def _intro(self) -> str:
        return (f"您好！我是《{self.scheme.name}》申报预审助手。我会一条一条问您申报需要的信息，"
                "也可以回答关于规则的问题（我只按原文回答，并注明条款）。随时可以说“还缺什么”、“跳过”、“返回”、“修改”。")

    def _help(self) -> str:
        return ("我可以：\n· 一步步问您申报需要的信息（回答“是/否”、数字加单位如“5000万元”、日期如“2019-05-01”，或选项）；\n"
                "· 按原文回答规则问题，例如“证书有效期几年？”；\n"
                "· “还缺什么”：查看预审结论和缺少的材料；“跳过”：先不答当前问题；“返回”：重答上一个问题；"
                "“修改”：改任何一个已答问题（其他回答保留）；“有哪些主题”：我能回答的方面。")


def _cite(clause: str) -> str:
    if re.match(r"^[第一二三四五六七八九十通]", clause):
        return clause
    return f"第 {clause} 条"


def _short(question: str) -> str:
    return question.rstrip("？?。")


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


def _doc_name(doc_type: str | None) -> str:
    return vocabulary()["doc_type_names"].get(doc_type or "other", doc_type or "文件")


def _is_greeting(text: str) -> bool:
    return text.lower() in ("你好", "您好", "hi", "hello", "开始", "在吗", "start")
