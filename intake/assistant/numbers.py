"""Questions with a number in them, answered by computing from the scheme's own data.

"信用评分92分是几星" → the grade and the gap to the next; "满意度82分能申请优质吗" → the score
against the asked level's threshold; "营收8000万够不够（我们是专精特新小巨人）" → sales against the
sector's threshold, with the exemptions; "证书2022年3月发的还有效吗" → a date against the validity.
Which computations a scheme offers, and the words that call them, are data
(checklists/schemes/<id>/interview.yaml `numbers`); every threshold is read from the scheme file
(checklists/schemes/<id>.yaml) — never a second copy. A reply opens with the verdict and the
number; the caller then quotes the clauses returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .answers import clean, vocabulary
from .schemedata import scheme_talk


@dataclass
class Computed:
    lines: list[str]
    clauses: list[str] = field(default_factory=list)  # quoted after the lines, in this order


def _g(v: float) -> str:
    return f"{round(v, 4):g}"


def _yuan(v: float) -> str:
    from checklists.rules import yuan

    return yuan(v).replace(" ", "")


# -- what the question says -------------------------------------------------------

_SCORE = re.compile(r"(\d+(?:\.\d+)?)\s*分")
_BARE = re.compile(r"(?<![\d.A-Za-z])(\d{1,3}(?:\.\d+)?)(?![\d.%％])")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]|百分之\s*(\d+(?:\.\d+)?)")
_MONEY = re.compile(r"(-?\d+(?:\.\d+)?)\s*(亿元|个亿|亿|万元|万|[wW](?![a-zA-Z])|元)")
_MONEY_FACTOR = {"亿元": 1e8, "个亿": 1e8, "亿": 1e8, "万元": 1e4, "万": 1e4, "w": 1e4, "W": 1e4, "元": 1}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?")


def _score(text: str) -> float | None:
    m = _SCORE.search(text)
    if m:
        return float(m.group(1))
    nums = [float(n) for n in _BARE.findall(text) if 0 < float(n) <= 100]
    return nums[0] if len(nums) == 1 else None


def _percent(text: str) -> float | None:
    m = _PERCENT.search(text)
    if not m:
        return None
    return float(m.group(1) or m.group(2)) / 100


def _money(text: str) -> float | None:
    m = _MONEY.search(text)
    if not m:
        return None
    value = float(m.group(1)) * _MONEY_FACTOR[m.group(2)]
    if any(w in text[: m.start()] for w in vocabulary()["loss_words"]):
        value = -abs(value)
    return value


def _date(text: str) -> tuple[date, bool] | None:
    """(date, day given) from "2022年3月15日" / "2022-03" / "2022.3"."""
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)), bool(m.group(3))
    except ValueError:
        return None


def _named_levels(scheme, text: str) -> list[str]:
    """Levels the question names, longest name first ("AA级" is AA, not A; "优质" is 优质品牌)."""
    s = clean(text).upper()
    found = []
    for name in sorted(scheme.level_names, key=len, reverse=True):
        short = re.sub(r"品牌$", "", name)
        if re.fullmatch(r"[A-Z]+", name):
            pat = rf"(?<![A-Z]){name}(?![A-Z])"
            if re.search(pat, s):
                found.append(name)
                s = re.sub(pat, " ", s)
        elif _said(name, s, scheme) or (len(short) >= 2 and _said(short, s, scheme)):
            found.append(name)
    return found


def _said(word: str, s: str, scheme) -> bool:
    """`word` names a level in `s`. A word of the scheme's own name ("认证" in “江苏精品”认证, "培育" in
    …品牌培育活动) is the scheme talking, not a level ("认证证书有效期"), unless said as a stage (认证阶段)."""
    if word in clean(getattr(scheme, "name", "") or ""):
        return f"{word}阶段" in s
    return word in s


def named_levels(scheme, text: str) -> list[str]:
    return _named_levels(scheme, text)


# -- computations ---------------------------------------------------------------------


def _grade(scheme, spec, text, as_of, facts) -> Computed | None:
    grades = (scheme.scoring or {}).get("grades") or []
    if not grades:
        return None
    parts = _group_scores(scheme, text)
    score = sum(p for _, p in parts) if parts else _score(text)
    asked = [
        g
        for g in grades
        if re.sub(r"级$", "", g["name"]) in text or (g["name"][:1] in "三四五" and f"{g['name'][:1]}星" in text)
    ]
    overall = (scheme.scoring or {}).get("clause")
    if score is None:
        if not asked:
            return None
        g = asked[0]
        nxt = next((x for x in grades if x["min"] > g["min"]), None)
        upper = f"、低于 {_g(nxt['min'])}分" if nxt else f"、不超过满分 {_g(scheme.scoring.get('total', 100))}分"
        return Computed(
            [f"{g['name']}：评价得分 {_g(g['min'])}分及以上{upper}（{g['clause']}）。"], [g["clause"], overall]
        )
    if score > scheme.scoring.get("total", 100):
        return Computed([f"{_g(score)}分超出了满分 {_g(scheme.scoring.get('total', 100))}分，请核对分数。"], [overall])
    got = [g for g in grades if score >= g["min"]]
    g = got[-1] if got else None
    added = "＋".join(f"{name} {_g(p)}分" for name, p in parts)
    if parts:
        added += f"＝{_g(score)}分（两部分相加后再定等级）。"
    now = (
        f"{_g(score)}分属于{g['name']}（{g['clause']}：{_g(g['min'])}分及以上）。"
        if g
        else f"{_g(score)}分低于{_g(grades[0]['min'])}分，评不上等级（最低的{grades[0]['name']}要{_g(grades[0]['min'])}分）。"
    )
    if parts:
        now = f"{added}\n{now}"
    wanted = next((a for a in asked if a["min"] > score), None)
    target = wanted or next((x for x in grades if x["min"] > score), None)
    if wanted:  # "还差几分到三星": the gap first
        lines = [
            f"还差{_g(wanted['min'] - score)}分：{wanted['name']}要{_g(wanted['min'])}分（{wanted['clause']}）。",
            now,
        ]
    else:
        lines = [now]
        if target:
            lines.append(f"距{target['name']}（{_g(target['min'])}分）还差{_g(target['min'] - score)}分。")
        elif g:
            lines.append("已是最高等级。")
    failed = [
        f"{it.clause}（{it.title}）"
        for it in scheme.items
        if it.gates and (facts.get("declarations") or {}).get(it.id) is False
    ]
    if failed:  # a grade is never given beside a failed precondition (issue 14)
        lines.append(f"注意：按您目前的回答，{'、'.join(dict.fromkeys(failed))}不满足；前提条件不满足时不评星级。")
    lines.append("注：星级以认证机构按评分标准评定的完整得分为准，且申请条件须全部满足；自评分只作参考。")
    clauses = [c for c in [g and g["clause"], target and target["clause"], overall] if c]
    return Computed(lines, list(dict.fromkeys(clauses)))


def _group_scores(scheme, text: str) -> list[tuple[str, float]]:
    """ "基本指标80分，专项指标12分": a score given for each of two or more scoring groups of the scheme
    (their names are the clauses' own titles), to be added before grading."""
    from .structure import point_groups

    names = sorted({t for _, t, _ in point_groups(scheme)}, key=len, reverse=True)
    found: list[tuple[str, float]] = []
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*分", text):
        before = text[max(0, m.start() - 12) : m.start()]
        # the group named nearest before the number (the window may reach back to the previous group's name)
        name = max((n for n in names if n in before), key=lambda n: (before.rfind(n) + len(n), len(n)), default=None)
        if name and name not in [f[0] for f in found]:
            found.append((name, float(m.group(1))))
    return found if len(found) >= 2 else []


def _level_thresholds(scheme, spec) -> list[tuple[str, float, str]]:
    """(level, minimum, clause) for the field/fact `spec` names, lowest level first."""
    fact = spec.get("fact")
    fld = spec.get("field")
    out = []
    item_clause = next((it.clause for it in scheme.items if fact and (it.params or {}).get("fact") == fact), None)
    for lv in scheme.levels:
        if fact and fact in (lv.min_facts or {}):
            out.append((lv.name, float(lv.min_facts[fact]), item_clause or ""))
            continue
        best = None
        for it in scheme.items:
            p = it.params or {}
            if p.get("min") is None or not ((fld and p.get("field") == fld) or (fact and p.get("fact") == fact)):
                continue
            if lv.name in it.gates or "*" in it.gates:
                if best is None or float(p["min"]) > best[1]:
                    best = (lv.name, float(p["min"]), it.clause)
        if best:
            out.append(best)
    return out


def _level_min(scheme, spec, text, as_of, facts) -> Computed | None:
    table = _level_thresholds(scheme, spec)
    if not table:
        return None
    percent = bool(spec.get("fact")) and all(m <= 1 for _, m, _ in table)
    value = _percent(text) if percent else _score(text)

    def show(v: float) -> str:
        return f"{_g(v * 100)}%" if percent else f"{_g(v)}分"

    asked = _named_levels(scheme, text) or (
        [facts["target_level"]] if facts.get("target_level") in scheme.level_names and value is not None else []
    )
    lines = []
    provisional = getattr(scheme, "provisional", None) if percent else None
    if value is None and asked and provisional:
        # The text gives no per-level figure: say so first; the scheme's working figures are 暂定.
        working = "、".join(f"{name} {show(m)}" for name, m, _ in table if name in asked)
        lines.append(
            f"原文未规定各级的具体门槛（只列出了等级名称）。本方案暂定：{working}——暂定值，以正式发布的标准为准，"
            "请向评价机构确认。"
        )
        return Computed(lines, list(dict.fromkeys(c for n, _, c in table if c and n in asked)))
    if value is None:
        if not asked:
            return None
        for name, m, clause in table:
            if name in asked:
                lines.append(f"{name}：要求达到 {show(m)}（{clause}）。")
    else:
        rows = [r for r in table if r[0] in asked] or table
        for name, m, clause in rows:
            if value >= m:
                lines.append(f"{'能' if asked else '达到'}：{show(value)}达到{name}要求的 {show(m)}（{clause}）。")
            else:
                lines.append(
                    f"{'不够' if asked else '未达到'}：{show(value)}低于{name}要求的 {show(m)}"
                    f"（{clause}），还差 {show(m - value)}。"
                )
        if asked and all(value < m for n, m, _ in rows):
            ok = [n for n, m, _ in table if value >= m]
            if ok:
                lines.append(f"按这个{'比例' if percent else '分数'}可以考虑申报：{'、'.join(ok)}。")
    if getattr(scheme, "provisional", None) and percent:
        lines.append(f"注：这些门槛是暂定的——{scheme.provisional.get('note', '')}")
    clauses = list(dict.fromkeys(c for n, _, c in table if c and (not asked or n in asked)))
    return Computed(lines, clauses)


def _sales(scheme, spec, text, as_of, facts) -> Computed | None:
    amount = _money(text)
    if amount is None:
        return None
    v = vocabulary()
    labels = {c["value"]: c["label"] for q in v["case_questions"] for c in q.get("choices") or []}
    sector_words = spec.get("sectors") or {}
    aliases = spec.get("exemption_aliases") or {}
    claimed = {name for word, name in aliases.items() if word in text}
    exempt = next((ex for ex in scheme.exemptions or [] if ex["name"] in claimed or ex["name"] in text), None)
    sector = (
        (exempt or {}).get("branch")
        or next((s for s, words in sector_words.items() if any(w in text for w in words)), None)
        or facts.get("sector")
    )
    rows = [it for it in scheme.items if (it.params or {}).get("thresholds") and (it.params or {}).get("branch")]
    if sector:
        rows = [it for it in rows if it.params["branch"] == sector] or rows
    lines, clauses = [], []
    for it in rows:
        p = it.params
        by = p.get("by")
        for key, minimum in p["thresholds"].items():
            if by and facts.get(by) and facts[by] != key:
                continue
            kind_words = (spec.get("kinds") or {}).get(key) or []
            if (
                by
                and not facts.get(by)
                and any(
                    any(w in text for w in ws) for k, ws in (spec.get("kinds") or {}).items() if k in p["thresholds"]
                )
                and not any(w in text for w in kind_words)
            ):
                continue
            who = labels.get(key, p.get("label") or "") if key != "default" else p.get("label", "年收入")
            branch = labels.get(p["branch"], p["branch"])
            ok = amount >= minimum
            lines.append(
                f"{'够' if ok else '不够'}：{_yuan(amount)}{'达到' if ok else '低于'}{branch}（{who}）"
                f"{_yuan(minimum)}的门槛（{it.clause}）" + ("" if ok else f"，还差{_yuan(minimum - amount)}") + "。"
            )
            clauses.append(it.clause)
    if not lines:
        return None
    if exempt:
        lines.insert(
            0,
            f"可以不受这个门槛限制：{exempt['name']}可不受规模条件的限制，提供有效的佐证材料后直接纳入培育库"
            f"（{exempt['clause']}）。只看销售额的话：",
        )
        clauses.insert(0, exempt["clause"])
    if amount < 0:
        lines.insert(0, "注意：销售额不会是负数，请核对。")
    return Computed(lines, list(dict.fromkeys(clauses)))


def _validity(scheme, spec, text, as_of, facts) -> Computed | None:
    years = (scheme.campaign or {}).get("validity_years")
    got = _date(text)
    if not years or not got:
        return None
    d, day_given = got
    expiry_given = any(w in text for w in ("到期", "有效期至", "截止", "过期"))
    if expiry_given and not any(w in text for w in ("发", "拿", "获", "颁", "取得", "认证的", "评上")):
        until = d
    else:
        try:
            until = d.replace(year=d.year + int(years))
        except ValueError:
            until = d.replace(year=d.year + int(years), day=28)
    verdict = "仍在有效期内" if until >= as_of else "已过期"
    shown = (lambda x: x.isoformat()) if day_given else (lambda x: f"{x.year}年{x.month}月")
    line = f"{verdict}：证书有效期 {years} 年，{shown(d)} 起算到 {shown(until)}，今天（{as_of.isoformat()}）{verdict}。"
    if expiry_given and until == d:
        line = f"{verdict}：有效期至 {until.isoformat()}，今天（{as_of.isoformat()}）{verdict}。"
    renew = (scheme.campaign or {}).get("renewal_months_before")
    extra = []
    if renew and until >= as_of:
        extra.append(f"到期前 {renew} 个月要申请复审。")
    return Computed([line] + extra, list(dict.fromkeys(spec.get("clauses") or [])))


def _margin(scheme, spec, text, as_of, facts) -> Computed | None:
    try:
        item = scheme.item(spec["item"])
    except Exception:
        return None
    need = (item.params or {}).get("min_margin")
    got = _percent(text)
    if need is None or got is None:
        return None
    ok = got >= float(need)
    line = (
        f"{'够' if ok else '不够'}：高出 {_g(got * 100)}%，要求至少有一项关键指标高于国家标准 {_g(float(need) * 100)}%"
        f"（{item.clause}）" + ("" if ok else f"，还差 {_g((float(need) - got) * 100)} 个百分点") + "。"
    )
    return Computed([line], [item.clause])


def _profit(scheme, spec, text, as_of, facts) -> Computed | None:
    """ "亏了200万还能报吗" against a rule that asks for years of profit (rule profit_years)."""
    try:
        item = scheme.item(spec["item"])
    except Exception:
        return None
    years = (item.params or {}).get("years")
    amount = _money(text)
    loss = any(w in text for w in vocabulary()["loss_words"]) or (amount is not None and amount < 0)
    if not years or (amount is None and not loss):
        return None
    said = f"亏损{_yuan(abs(amount))}" if amount is not None and loss else ("亏损" if loss else f"盈利{_yuan(amount)}")
    if loss:
        line = (
            f"不符合：{said}，而{item.clause}要求近{years}年保持盈利（每一年净利润都为正）；"
            "有亏损的年度在近两年内的，目前不满足这一条。"
        )
    else:
        line = f"这一年{said}，符合该年度的要求；{item.clause}要求近{years}年每年都盈利。"
    return Computed([line], [item.clause])


_YEARS_SAID = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)\s*个?\s*(?:多)?年(半)?"


def _age(scheme, spec, text, as_of, facts) -> Computed | None:
    """ "公司成立两年半" against a rule that asks for years of existence or of production
    (params min_years / years)."""
    try:
        item = scheme.item(spec["item"])
    except Exception:
        return None
    need = (item.params or {}).get("min_years") or (item.params or {}).get("years")
    words = "|".join(map(re.escape, spec.get("words") or []))
    m = re.search(rf"(?:{words})[^，,。；;？?]{{0,6}}?{_YEARS_SAID}", text) if words else None
    if not need or not m:
        return None
    n = float(m.group(1)) if m.group(1)[0].isdigit() else float(_cn_int(m.group(1)) or 0)
    years = n + (0.5 if m.group(2) else 0)
    if not years:
        return None
    ok = years >= float(need)
    line = (
        f"{'够' if ok else '不够'}：{_g(years)} 年，{item.clause}要求{item.title}（{_g(float(need))}年以上）"
        + ("" if ok else f"，还差 {_g(float(need) - years)} 年")
        + "。"
    )
    return Computed([line], [item.clause])


_KINDS = {
    "age": _age,
    "profit": _profit,
    "grade": _grade,
    "level_min": _level_min,
    "sales": _sales,
    "validity": _validity,
    "margin": _margin,
}


_CN_DIGIT = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_AMOUNT = re.compile(
    r"(百分之)([零一二两三四五六七八九十百千]+)|([零一二两三四五六七八九十百千]+)(?=\s*(?:个亿|亿|万|分(?!之)))"
)


def _cn_int(word: str) -> int | None:
    """一百二十 → 120, 十二 → 12, 八 → 8 (no 万/亿 inside: those are units here)."""
    total, digit = 0, None
    for ch in word:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            total += (1 if digit is None else digit) * _CN_UNIT[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def arabic_amounts(text: str) -> str:
    """Amounts said in Chinese numerals as digits: 百分之十二 → 百分之12, 一个亿 → 1个亿, 八十五分 → 85分."""

    def repl(m: re.Match) -> str:
        word = m.group(2) or m.group(3)
        n = _cn_int(word)
        return m.group(0) if n is None else (m.group(1) or "") + str(n)

    return _CN_AMOUNT.sub(repl, text)


def compute(scheme, text: str, as_of: date, facts: dict | None = None) -> Computed | None:
    """The first computed answer the scheme's data offers for this question, or None."""
    s = arabic_amounts(clean(text))
    found: list[Computed] = []
    for spec in scheme_talk(scheme.id).get("numbers") or []:
        if not any(w in s for w in spec.get("words") or []):
            continue
        fn = _KINDS.get(spec.get("kind"))
        got = fn(scheme, spec, s, as_of, facts or {}) if fn else None
        if got:
            found.append(got)
            if len(re.findall(r"\d+(?:\.\d+)?|[一二两三四五六七八九十]+\s*个?\s*年半?", s)) < 2:
                break  # one number, one answer; two numbers ("成立两年半，年收入2500w") each get theirs
    if not found:
        return None
    lines = [line for c in found for line in c.lines]
    return Computed(lines, list(dict.fromkeys(c for got in found for c in got.clauses)))


def for_answer(scheme, key: str, value, facts: dict) -> list[str]:
    """An answered number against the level the applicant aims at (a per-level threshold the
    item's own check does not show): "按 AA 的要求（暂定 90%），60% 还差 30%"."""
    target = facts.get("target_level")
    if not target or not isinstance(value, (int, float)):
        return []
    for spec in scheme_talk(scheme.id).get("numbers") or []:
        if spec.get("kind") != "level_min" or key not in (spec.get("fact"), spec.get("field")):
            continue
        table = {name: (m, clause) for name, m, clause in _level_thresholds(scheme, spec)}
        if target not in table:
            return []
        m, clause = table[target]
        percent = bool(spec.get("fact")) and m <= 1
        show = (lambda v: f"{_g(v * 100)}%") if percent else (lambda v: f"{_g(v)}分")
        provisional = "暂定" if percent and getattr(scheme, "provisional", None) else ""
        if value >= m:
            return [f"按{target}的{provisional}要求（{show(m)}，{clause}），{show(value)}已达到。"]
        lower = [n for n, (mm, _) in table.items() if value >= mm]
        tail = f"；按这个数可达：{'、'.join(lower)}" if lower else ""
        return [f"注意：{target}要求{provisional}{show(m)}（{clause}），{show(value)}还差 {show(m - value)}{tail}。"]
    return []
