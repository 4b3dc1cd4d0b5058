"""The applicant's facts in words: the label each fact is shown under, the question that asks it,
the Chinese for its values, and `plain()`, which turns an engine message into words an applicant
reads (no fact keys, no English values, no internal item ids). Shared by the web pages, the
assistant and the gap report, so all speak one vocabulary (web/labels.py adds the page-only labels)."""
from __future__ import annotations

import re

FACT_LABELS = {"sector": "所属行业", "product_kind": "产品类别", "org_kind": "组织类型", "association_member": "协会会员",
               "target_level": "申报等级", "declarations": "申请人声明", "scale": "规模", "exemptions": "免于规模限制",
               "sells_online": "网络销售", "code_coverage": "用码覆盖率", "mandatory_standard": "强制性国家标准",
               "production_start": "批量生产开始日期", "scores": "评分", "applicant": "申请单位", "product": "申报产品",
               "net_profit": "净利润", "revenue": "营业收入", "form": "申请表其他项", "self_assessment": "自评得分"}
FACT_QUESTIONS = {"sector": "贵单位属于哪个行业？", "product_kind": "申报产品属于哪一类？",
                  "org_kind": "贵单位是哪种组织？", "association_member": "贵单位是中国有色金属工业协会会员吗？",
                  "target_level": "申报哪个等级？", "mandatory_standard": "申报产品有强制性国家标准要求吗？",
                  "sells_online": "申报产品通过网络销售吗？", "code_coverage": "产品用码覆盖率是多少？",
                  "production_start": "申报产品从哪天开始批量生产？", "scale": "生产规模有多大？"}
VALUE_LABELS = {"agriculture": "农业", "manufacturing": "制造业", "services": "服务业", "consumer": "消费品",
                "production_material": "生产资料", "enterprise": "企业", "cooperative": "农业专业合作社", "other": "其他",
                "True": "是", "False": "否", "true": "是", "false": "否"}


_KEY = re.compile(r"\b(" + "|".join(sorted(set(FACT_LABELS) | set(VALUE_LABELS), key=len, reverse=True)) + r")\b")
_ITEM_ID = re.compile(r"\b(?:jinzhi|jiangsu|nonferrous|credit|trace)\.[A-Za-z0-9_.]*[A-Za-z0-9]")


def plain(text: str | None) -> str:
    """An engine message in the applicant's words: fact keys and English values by their Chinese
    labels, `key = value` as 「label：value」, internal item ids dropped."""
    if not text:
        return ""
    s = re.sub(r"\b(\w+)\s*=\s*(\w+)", lambda m: f"{_label(m.group(1))}为{_label(m.group(2))}", str(text))
    s = _KEY.sub(lambda m: _label(m.group(1)), s)
    s = _ITEM_ID.sub("", s)
    return re.sub(r"\s{2,}", " ", s).replace("（）", "").strip()


def _label(word: str) -> str:
    return FACT_LABELS.get(word) or VALUE_LABELS.get(word) or word
