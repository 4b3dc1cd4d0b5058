"""One vocabulary of Chinese labels for everything the web pages show: verdicts, outcomes, document
types, document fields, the applicant's facts and their values, audit actions, the applicant's steps.
Templates get them as globals (web/deps.py); `plain()` turns an engine message into words an applicant
reads (no fact keys, no English values); `beijing()` shows a stored UTC time in Beijing time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from checklists.vocabulary import (  # noqa: F401 (re-exported to the templates)  # noqa: F401 (one vocabulary)
    DOC_TYPES,
    FACT_LABELS,
    FACT_QUESTIONS,
    FIELD_NAMES,
    OUTCOME_ZH,
    STATUS_ZH,
    VALUE_LABELS,
    plain,
)
from intake.cases.case import DOC_STATES, STATUSES  # noqa: F401 (re-exported to the templates)
from intake.clock import chinese_day

BEIJING = ZoneInfo("Asia/Shanghai")

# verdicts and outcomes: the engine's own words (checklists/engine.py), case states: intake's
STATUS_LABELS = STATUS_ZH
OUTCOME_LABELS = OUTCOME_ZH
CASE_STATES = STATUSES
# fields read from a document: the one vocabulary's (checklists/vocabulary.yaml field_names)
FIELD_LABELS = FIELD_NAMES
INDICATOR_COLUMNS = {
    "name": "检验项目",
    "unit": "单位",
    "requirement": "标准要求",
    "measured": "实测值",
    "verdict": "单项判定",
}
AUDIT_ACTIONS = {
    "open": "开立申请",
    "details": "修改基本信息",
    "facts": "填写补充信息",
    "submit": "提交秘书处",
    "override": "人工改判",
    "scores": "评分",
    "state": "推进程序",
    "decide": "记录结论",
    "chat-correction": "助手记录更正",
    "chat-facts": "助手记录信息",
    "upload": "上传材料",
    "delete": "删除材料",
    "correction": "发出补正通知",
    "resubmit": "补正后重新提交",
}
ROLE_LABELS = {"secretariat": "秘书处", "committee": "标准委员会", "admin": "管理员", "applicant": "申请人"}
# the applicant's steps (web/routes/applicant.py); "scheme" is the home page
STEPS = [
    ("scheme", "选择方案"),
    ("info", "基本信息"),
    ("upload", "上传材料"),
    ("result", "预审结果"),
    ("assistant", "补充说明（助手）"),
    ("submit", "提交"),
]


def beijing(ts: str | None, seconds: bool = False) -> str:
    """'2026-11-29T07:05:00+00:00' → '2026年11月29日 15:05' (Beijing time); a date → '2026年11月29日'."""
    if not ts:
        return ""
    s = str(ts)
    if len(s) <= 10:
        return chinese_day(s)
    try:
        t = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return s
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)  # the store writes UTC
    t = t.astimezone(BEIJING)
    return chinese_day(t.date()) + t.strftime(" %H:%M:%S" if seconds else " %H:%M")


# a person's words for an HTTP error whose own message is a framework default in English
HTTP_MESSAGES = {
    400: "提交的内容有误，请检查后重试",
    401: "请先登录",
    403: "没有权限查看或办理此项",
    404: "找不到这个页面或申请（链接可能有误，或申请不属于您）",
    405: "不支持这样打开此页面",
    409: "当前状态下不能这样办理",
    413: "文件或请求太大",
    422: "填写的内容不完整或格式不对，请检查后重试",
    429: "操作太频繁，请稍后再试",
    500: "服务出错了，请稍后再试；如持续出现请联系秘书处",
    503: "服务暂时不可用，请稍后再试",
}
