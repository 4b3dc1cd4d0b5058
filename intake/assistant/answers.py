"""Parsing an applicant's free-text answer into a typed value, or saying politely what
form was expected. A parser never guesses: "五百来万" or "about five million" is
ambiguous and comes back as a re-ask naming the expected form.

Every parser returns `Parsed(value, None)` or `Parsed(None, "<re-ask text>")`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from intake.clock import today as clock_today

DATA = Path(__file__).parent / "data" / "interview.yaml"
MAX_MESSAGE = 500  # characters; longer messages are not answers


@dataclass
class Parsed:
    value: object = None
    problem: str | None = None
    note: str | None = None  # yes/no: "partial" (部分产品有), "in_progress" (还在办), "not_involved" (不涉及)

    @property
    def ok(self) -> bool:
        return self.problem is None


@cache
def vocabulary() -> dict:
    """The assistant's own words (data/interview.yaml) with the one vocabulary's names of document
    types, outcomes and fields (checklists/vocabulary.yaml)."""
    from checklists.vocabulary import DOC_TYPES, FIELD_NAMES, OUTCOME_ZH
    from checklists.vocabulary import vocabulary as shared

    return {
        **yaml.safe_load(DATA.read_text(encoding="utf-8")),
        "doc_type_names": DOC_TYPES,
        "outcome_words": OUTCOME_ZH,
        "field_names": FIELD_NAMES,
        "document_summary": list(shared()["document_summary"]),
    }


def clean(message: str) -> str:
    """NFKC, trimmed, spaces between CJK characters dropped, trailing punctuation removed."""
    s = unicodedata.normalize("NFKC", message or "").strip()
    s = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", s)
    return s.strip(" 。.!！~～")


_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|<!--|\]\]>|javascript:|\{\{|\{%|```", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def message_problem(message: str) -> str | None:
    """Why a message cannot be taken at all (too long, markup, control characters), or None."""
    if message is None or not str(message).strip():
        return "没有收到内容。请直接输入您的回答或问题。"
    if len(message) > MAX_MESSAGE:
        return (
            f"您的消息有 {len(message)} 个字符，超过了 {MAX_MESSAGE} 字的上限，我没有保存它。"
            "请只回答当前的问题，或把问题拆短一些。"
        )
    if _MARKUP.search(message) or _CONTROL.search(message):
        return "您的消息里有网页标记或控制字符，我没有保存它。请直接用文字回答，例如“是”或“5000万元”。"
    return None


MAX_YES_NO = 24  # characters; a longer message is not read as a yes/no answer from its first words


def _strip_subject(s: str, words: list[str]) -> str:
    while True:
        w = next((w for w in sorted(words, key=len, reverse=True) if s.startswith(w) and len(s) > len(w)), None)
        if w is None:
            return s
        s = s[len(w) :].lstrip(" ,，、:：;；")


def parse_yes_no(message: str, whole_only: bool = False) -> Parsed:
    """What the applicant said to the question as asked: True ("是", "有过一次", "参与过两项"),
    False ("没有", "从来没有", "不涉及", "还在办"), or a re-ask. Doubt ("不确定", "可能有") is never
    read as an answer. The caller turns it into a fact through the question's polarity."""
    v = vocabulary()["yes_no"]

    def words(key):
        return [unicodedata.normalize("NFKC", str(w)).lower() for w in v.get(key) or []]

    s = clean(message).lower().rstrip("，,;；")
    if any(w in s for w in words("unsure")):
        return Parsed(
            problem="不确定的回答我不会替您记下：请回答“是”或“否”；拿不准的话可以先回答“跳过”，弄清楚后再输入“修改”补答。"
        )
    if s in words("yes"):
        return Parsed(True)
    if s in words("no"):
        return Parsed(False, note="not_involved" if s == "不涉及" else None)
    if whole_only:  # a confirmation: "不对，是某某有限公司" is a correction, not a "no"
        if any(s.startswith(w) and len(s) <= len(w) + 6 for w in words("yes_prefix")):
            return Parsed(True)
        if any(s.startswith(w) and len(s) <= len(w) + 6 for w in words("no_prefix")):
            return Parsed(False)
        return Parsed(problem="请回答“是”或“否”（也可以说“有”/“没有”）。")
    s = _strip_subject(s, words("subject_words"))
    if s in words("yes"):
        return Parsed(True)
    if s in words("no"):
        return Parsed(False)
    if len(s) <= MAX_YES_NO:
        if any(w in s for w in words("in_progress")):
            return Parsed(False, note="in_progress")
        leads = sorted(
            [(w, True) for w in words("yes_lead")] + [(w, False) for w in words("no_lead")], key=lambda wv: -len(wv[0])
        )
        partial = next((w for w in words("partial") if s.startswith(w)), None)
        if partial:
            rest = s[len(partial) :]
            negated = any(n in rest for n in ("没", "未", "无", "不"))
            return Parsed(not negated, note=None if negated else "partial")
        for w, value in leads:
            if s.startswith(w):
                note = "not_involved" if w == "不涉及" else None
                if value and any(p in s for p in words("partial")):
                    note = "partial"
                return Parsed(value, note=note)
        if any(s.endswith(w) for w in words("no_tail")):
            return Parsed(False)
        if any(s.endswith(w) for w in words("yes_tail")):
            return Parsed(True)
    return Parsed(problem="请回答“是”或“否”（也可以说“有”/“没有”）。")


# Multipliers and the units an ask may be expressed in; `to` is the stored unit.
_NUMBER = re.compile(r"(?<![\d.])(-?\d+(?:,\d{3})*(?:\.\d+)?)")
_HEDGES = (
    "约",
    "大约",
    "大概",
    "差不多",
    "将近",
    "接近",
    "左右",
    "上下",
    "来",
    "多",
    "余",
    "几",
    "approximately",
    "about",
    "around",
)
_FUZZY = re.compile(r"\d+\s*(来|多|余)\s*[万亿千百]|[几数][十百千万亿]|[一二三四五六七八九十百千万亿两]+(来|多|余)")
_CN_NUMERAL = re.compile(r"[零〇一二三四五六七八九十百千两]")
_WORD_NUMBER = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion)\b", re.I
)


def unit_name(unit: str | None) -> str:
    """The unit as people say it (the stored unit "fraction" is "百分比")."""
    spec = vocabulary()["units"].get(unit or "", {})
    return spec.get("name") or unit or ""


def parse_number(message: str, unit: str | None = None, signed: bool = False) -> Parsed:
    """A number with its unit, converted to the ask's unit.

    "约500万" for a 元 ask → 5000000; "1.2亿元" → 120000000; "1000亩" → 1000;
    "85%" for a fraction → 0.85; bare "85" is read in the ask's own unit.
    """
    units = vocabulary()["units"]
    spec = units.get(unit or "", {"to": unit or "", "suffixes": {}})
    form = spec.get("example", f"例如 100{unit or ''}")
    s = clean(message).replace("，", ",")
    if _FUZZY.search(s) or _WORD_NUMBER.search(s):
        return Parsed(problem=f"这个数说得不够确切，我不能替您估。请用阿拉伯数字写一个确切的数，{form}。")
    nums = _NUMBER.findall(s)
    if not nums:
        if _CN_NUMERAL.search(s):
            return Parsed(problem=f"请用阿拉伯数字回答，{form}。")
        return Parsed(problem=f"我需要一个数字，{form}。")
    if len(nums) > 1:
        return Parsed(problem=f"您的回答里有几个数字（{'、'.join(nums)}），请只写一个，{form}。")
    value = float(nums[0].replace(",", ""))
    head = s[: s.index(nums[0])]
    loss = any(w in head for w in vocabulary()["loss_words"])
    if signed and loss:
        value = -abs(value)
    elif value < 0 and not signed:
        return Parsed(problem=f"这个数不能是负数，{form}。")
    elif loss:
        return Parsed(problem=f"这个数不能是负数，{form}。")
    tail = s[s.index(nums[0]) + len(nums[0]) :]
    tail = re.sub(r"^\s+", "", tail)
    for hedge in _HEDGES:
        tail = tail.replace(hedge, "")
    factor = None
    for suffix, f in sorted(spec.get("suffixes", {}).items(), key=lambda kv: -len(kv[0])):
        if tail.lower().startswith(suffix.lower()):
            factor = f
            tail = tail[len(suffix) :]
            break
    if factor is None:
        if tail.strip() and any(tail.strip().lower().startswith(u.lower()) for u in vocabulary()["known_unit_words"]):
            return Parsed(problem=f"这个问题的单位是“{unit_name(unit)}”，您写的单位对不上。{form}。")
        factor = 1
    value = value * factor
    if spec.get("max") is not None and value > spec["max"]:
        return Parsed(problem=f"{nums[0]} 超出了可能的范围（最多 {spec['max']:g}），{form}。")
    return Parsed(int(value) if float(value).is_integer() else round(value, 6))


_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?"),
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"),
]


def parse_date(message: str, *, not_future: bool = False, today: date | None = None) -> Parsed:
    form = "例如 2019-05-01 或 2019年5月1日"
    s = clean(message)
    for pat in _DATE_PATTERNS:
        found = list(pat.finditer(s))
        if len(found) > 1:
            return Parsed(problem=f"您的回答里有几个日期，请只写一个，{form}。")
        m = found[0] if found else None
        if m:
            try:
                d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return Parsed(problem=f"“{s}”不是一个存在的日期，请写年月日，{form}。")
            if not_future and d > (today or clock_today()):
                return Parsed(problem=f"{d.isoformat()} 在今天之后，这个日期不能是将来的。请核对后再写，{form}。")
            if d.year < 1900:
                return Parsed(problem=f"{d.isoformat()} 太早了，请核对年份，{form}。")
            return Parsed(d.isoformat())
    if re.match(r"^\d{4}\s*年?\s*(\d{1,2}\s*月?)?$", s):
        return Parsed(problem=f"请写到具体哪一天，{form}。")
    return Parsed(problem=f"请写一个日期，{form}。")


def parse_choice(message: str, choices: list[dict]) -> Parsed:
    """`choices`: [{"value", "label", "aliases": [...]}]; a number picks by position."""
    s = clean(message).lower()
    labels = "、".join(f"{i}. {c['label']}" for i, c in enumerate(choices, 1))
    if re.fullmatch(r"\d{1,2}", s):
        i = int(s)
        if 1 <= i <= len(choices):
            return Parsed(choices[i - 1]["value"])
    exact = [
        c
        for c in choices
        if s in {str(c["value"]).lower(), c["label"].lower(), *[a.lower() for a in c.get("aliases", [])]}
    ]
    if len(exact) == 1:
        return Parsed(exact[0]["value"])
    contained = [c for c in choices if any(w and w.lower() in s for w in [c["label"], *c.get("aliases", [])])]
    if len(contained) == 1:
        return Parsed(contained[0]["value"])
    # Short names: "AA级" → AA (not A, not AAA), "优质" → 优质品牌, "我们是专精特新" → 专精特新小巨人.
    s = _strip_subject(s, [str(w).lower() for w in vocabulary()["yes_no"].get("subject_words") or []])
    s = re.sub(r"^(我们|我司)?(是|属于|申报|报|选)", "", s) or s
    short = re.sub(r"(等级|级别|级|品牌|产品|企业)$", "", s)
    exact = [c for c in choices if short and short in {str(c["value"]).lower(), c["label"].lower()}]
    if len(exact) == 1:
        return Parsed(exact[0]["value"])
    part = [c for c in choices if len(short) >= 2 and short in c["label"].lower()]
    if len(part) == 1:
        return Parsed(part[0]["value"])
    return Parsed(problem=f"请从这些里选一个（写名称或序号）：{labels}。")


def parse_text(message: str) -> Parsed:
    """A free-text value (a product name). A non-answer is never stored as the value: "不知道" /
    "暂无" / "还没定" → note "not_given" (the caller records it as not given); "没有" / "是" / "从来没有"
    answer some other question → re-asked."""
    s = clean(message)
    if not s:
        return Parsed(problem="请写上内容。")
    said = non_answer(s)
    if said == "not_given":
        return Parsed(problem="这不是一个具体的值。", note="not_given")
    if said == "yes_no":
        return Parsed(problem=f"“{s}”不是这个问题要的内容，请直接写出来；暂时说不上来可以回答“跳过”。", note="yes_no")
    return Parsed(s)


def non_answer(message: str) -> str | None:
    """ "not_given" (不知道, 暂无, 还没定 …), "yes_no" (是, 没有, 从来没有 …) or None (a value)."""
    v = vocabulary()
    norm = [unicodedata.normalize("NFKC", str(w)).lower() for w in v["yes_no"]["subject_words"]]
    s = _strip_subject(clean(message).lower().rstrip("，,;；"), norm)

    def listed(words) -> bool:
        return s in {unicodedata.normalize("NFKC", str(w)).lower() for w in words or []}

    if listed(v["non_answers"]["not_given"]) or listed(v["yes_no"].get("in_progress")):
        return "not_given"
    yn = v["yes_no"]
    if listed(yn["yes"]) or listed(yn["no"]) or listed([w for w in yn["no_lead"] if len(str(w)) >= 2]):
        return "yes_no"
    return None


def looks_like_question(message: str) -> bool:
    """A question mark, a question word (什么/多少/哪/是否 …), a final 吗/呢, or 几 before a
    measure word ("几年"). The markers are data (`question_markers` in interview.yaml)."""
    s = clean(message)
    if re.search(r"[?？]", s):
        return True
    m = vocabulary()["question_markers"]
    if any(w in s for w in m["words"]):
        return True
    if any(s.endswith(e) for e in m["endings"]):
        return True
    if m.get("a_not_a") and any(
        x.group(1) not in (m.get("a_not_a_except") or []) for x in re.finditer(r"([\u4e00-\u9fff])[不没]\1", s)
    ):
        return True
    if any(w in s[1:] and not s.startswith(w) and not s.endswith(w) for w in m.get("inner_words") or []):
        return True  # "消费类还是生产资料类"; "还是没有" is an answer
    last = re.split(r"[,，;；、\s]", s)[-1]  # "我们用过，现在没有" is an answer: only the last clause counts
    for tag in sorted(m.get("tag_endings") or [], key=len, reverse=True):
        if last.endswith(tag) and len(last) > len(tag):
            before = last[: -len(tag)]
            if any(v in before for v in m.get("tag_verbs") or []):
                return True  # "要交审计报告不", "有专利没有"
            break
    return bool(re.search("几[" + "".join(map(re.escape, m["ji_before"])) + "]", s))


def split_lead_in(message: str) -> tuple[bool, str]:
    """("不对，应为 X" →) (True, "X"): whether the message starts with a correction lead-in, and the
    value after the lead-ins and their punctuation."""
    s = clean(message)
    words = sorted(vocabulary()["correction_lead_ins"], key=len, reverse=True)
    found = False
    while True:
        w = next((w for w in words if s.startswith(w)), None)
        if w is None:
            return found, s
        found = True
        s = s[len(w) :].lstrip(" ,，:：;；、。.")


def split_questions(message: str) -> list[str]:
    """Two questions in one message ("评价依据能用团标吗？证书能用几年") as two: split after a question
    mark, a full stop or a semicolon, when every piece is a question of its own (a question mark or
    word, at least four characters); otherwise the message is one question."""
    s = clean(message)
    pieces = [p.strip(" ，,") for p in re.split(r"(?<=[?？。;；])", s)]
    pieces = [p for p in pieces if p]
    if len(pieces) < 2 or not all(len(re.sub(r"[?？。;；\s]", "", p)) >= 4 and looks_like_question(p) for p in pieces):
        return [s]
    return pieces
