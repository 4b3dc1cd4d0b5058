"""The applicant's facts (`intake check --facts FACTS.json`): what a document cannot show.

Checked against the scheme before anything is evaluated: an unknown key, a string
where a number belongs, a level the scheme does not have → one `FactsError` whose
message says what was expected.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from extractors.fields.dates import beijing_day

from .factschema import facts_file_kinds
from .rules import parse_date


class FactsError(ValueError):
    pass


# key -> (kind, description), derived from the facts schema (checklists/facts.yaml). Kinds: choice:<a|b>,
# bool, number01, level, declarations, scores, scale, exemptions, date, text, by_year, object.
FACT_KEYS: dict[str, tuple[str, str]] = facts_file_kinds()


def _type_name(v: Any) -> str:
    return {
        str: "文本",
        bool: "true/false",
        int: "数字",
        float: "数字",
        list: "列表",
        dict: "对象",
        type(None): "null",
    }.get(type(v), type(v).__name__)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def load_facts_file(path: str | Path) -> dict:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise FactsError(f"{p}: 无法读取事实文件（{e.strerror or e}）") from None
    except UnicodeDecodeError:
        raise FactsError(f"{p}: 事实文件应为 UTF-8 编码的 JSON") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise FactsError(f"{p}: 不是有效的 JSON（第 {e.lineno} 行第 {e.colno} 列：{e.msg}）") from None
    if not isinstance(data, dict):
        raise FactsError(f'{p}: 事实文件应为一个 JSON 对象 {{"sector": …}}，实际是{_type_name(data)}')
    return data


def validate_facts(scheme, facts: dict | None, origin: str = "facts") -> dict:
    """A checked copy of `facts`; raises FactsError naming the key and what was expected."""
    if facts is None:
        return {}
    if not isinstance(facts, dict):
        raise FactsError(f"{origin}: 应为 JSON 对象，实际是{_type_name(facts)}")
    out: dict = {}
    item_ids = {it.id for it in scheme.items}
    for key, value in facts.items():
        if key not in FACT_KEYS:
            raise FactsError(f"{origin}: 未知的键 {key!r}；可用的键：{', '.join(FACT_KEYS)}")
        kind, desc = FACT_KEYS[key]
        where = f"{origin}: {key}"
        if value is None:
            continue  # null = unknown, the same as leaving the key out
        if kind.startswith("choice:"):
            choices = kind[7:].split("|")
            if value not in choices:
                raise FactsError(f"{where} 应为 {' / '.join(choices)} 之一，实际是 {value!r}")
        elif kind == "bool":
            if not isinstance(value, bool):
                raise FactsError(f"{where} 应为 true 或 false，实际是{_type_name(value)} {value!r}")
        elif kind == "number01":
            if not _is_number(value) or not 0 <= value <= 1:
                raise FactsError(
                    f"{where} 应为 0 到 1 之间的数字（如 0.85 表示 85%），实际是{_type_name(value)} {value!r}"
                )
        elif kind == "level":
            if not scheme.level_names:
                raise FactsError(f"{where}: 方案 {scheme.id} 没有级别，不能指定 target_level")
            if value not in scheme.level_names:
                raise FactsError(f"{where} 应为本方案的级别之一（{'、'.join(scheme.level_names)}），实际是 {value!r}")
        elif kind == "declarations":
            if not isinstance(value, dict):
                raise FactsError(f"{where} 应为对象：条目 id → true/false，实际是{_type_name(value)}")
            value = _item_map(scheme, value, where, item_ids, lambda v: isinstance(v, bool), "true 或 false")
        elif kind == "scores":
            if not isinstance(value, dict):
                raise FactsError(f"{where} 应为对象：条目 id → 0..1 的得分比例，实际是{_type_name(value)}")
            scored = {it.id for it in scheme.items if it.rule == "scored"}
            value = _item_map(
                scheme,
                value,
                where,
                scored,
                lambda v: _is_number(v) and 0 <= v <= 1,
                "0 到 1 之间的数字（得分比例，如 0.8）",
            )
        elif kind == "scale":
            if (
                not isinstance(value, dict)
                or set(value) - {"category", "value", "unit"}
                or not isinstance(value.get("category"), str)
                or not _is_number(value.get("value"))
            ):
                raise FactsError(
                    f'{where} 应为 {{"category": 文本, "value": 数字, "unit": 文本}}，实际是 '
                    f"{json.dumps(value, ensure_ascii=False)}"
                )
        elif kind == "exemptions":
            names = [ex["name"] for ex in scheme.exemptions]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise FactsError(f"{where} 应为名称列表，实际是{_type_name(value)}")
            for v in value:
                if names and v not in names:
                    raise FactsError(f"{where}: 未知的豁免 {v!r}；本方案可豁免的有：{'、'.join(names)}")
                if not names:
                    raise FactsError(f"{where}: 方案 {scheme.id} 没有规模豁免条款")
        elif kind == "date":
            if not isinstance(value, str) or parse_date(value) is None:
                raise FactsError(f"{where} 应为日期 YYYY-MM-DD，实际是 {value!r}")
            value = parse_date(value).isoformat()
        elif kind == "by_year":
            if not isinstance(value, dict) or not all(
                re.fullmatch(r"\d{4}", str(y)) and _is_number(v) for y, v in value.items()
            ):
                raise FactsError(
                    f'{where} 应为对象：年份 → 金额（元），如 {{"2024": 12000000}}，实际是 '
                    f"{json.dumps(value, ensure_ascii=False)}"
                )
            value = {str(y): v for y, v in value.items()}
        elif kind == "object":
            if not isinstance(value, dict):
                raise FactsError(f"{where} 应为对象，实际是{_type_name(value)}")
        elif kind == "text":
            if not isinstance(value, str):
                raise FactsError(f"{where} 应为文本，实际是{_type_name(value)}")
        out[key] = value
    return out


def _item_map(scheme, value: dict, where: str, allowed: set, ok, expected: str) -> dict:
    out = {}
    for iid, v in value.items():
        if v is None:
            continue  # null = not stated
        if iid not in allowed:
            if iid.startswith(scheme.id + "."):
                raise FactsError(f"{where}: 本方案没有可用于此处的条目 {iid!r}（参见 intake schemes 和方案文件）")
            continue  # another scheme's item: a facts file may serve several schemes
        if not ok(v):
            raise FactsError(f"{where}.{iid} 应为{expected}，实际是{_type_name(v)} {v!r}")
        out[iid] = v
    return out


def parse_as_of(value: str | date | None) -> date:
    if value is None:
        return beijing_day()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise FactsError(f"评价日期应为 YYYY-MM-DD，例如 2024-08-01，实际是 {value!r}") from None
