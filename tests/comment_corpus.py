"""Generated public comments for seed 000's draft: independent comments and planted campaigns.

Independent comments on one prompt are composed from phrase banks (different openings,
wording, reasons), the way different people answer the same question; campaign copies are
one form letter with the small edits people make when they forward it (their own unit
name, a changed word, dropped or added punctuation, a sentence left out).

Used by tests/test_comments_duplicates.py, benchmarks/bench_comments.py and
benchmarks/measure_comment_thresholds.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CLAUSES = [
    "前言",
    "1",
    "3.1",
    "4",
    "5.1",
    "5.2",
    "6",
    "7.1",
    "7.2.2",
    "7.2.3",
    "7.2.5",
    "7.2.5a",
    "7.2.5b",
    "8.1",
    "8.2",
    "8.3",
    "9",
    "10.1",
    "10.2",
    "11.1",
    "11.1b",
    "11.2",
    "12.1",
    "12.3",
]

# Prompts: what a clause makes people write about; each has several ways to say it.
TOPICS = {
    "8.2": (
        ["标识有效期", "证书有效期", "有效期限", "3年有效期"],
        ["过长", "不宜统一规定为3年", "应与监督周期衔接", "建议缩短为2年", "应区分产品类别"],
    ),
    "4": (
        ["基本要求", "准入条件", "关键质量指标要求", "高于国家标准10%的要求"],
        ["表述不清", "缺少可操作的判定方法", "建议细化", "应明确检测依据", "过于严格"],
    ),
    "7.2.5": (
        ["公示期", "公示程序", "异议处理", "复核程序"],
        ["未规定时长", "建议明确为7个工作日", "应补充异议受理渠道", "时限不明确", "应公开复核结果"],
    ),
}
GENERIC = (
    ["本条款", "该条内容", "相关表述", "术语定义", "评价程序", "收费规定", "监督要求", "证书管理要求"],
    ["表述不够严谨", "建议修改", "与上位标准不一致", "可操作性不强", "建议删除", "应补充说明", "含义不明确"],
)
OPENERS = ["建议", "我单位建议", "经研究，建议", "建议对", "本单位认为", "专家组认为", "", "考虑到实际执行情况，"]
ACTIONS = ["进一步明确", "予以修改", "补充具体要求", "作出调整", "重新表述", "细化规定", "增加说明"]
REASONS = [
    "便于评价机构执行。",
    "与GB/T 1.1—2020要求一致。",
    "避免理解歧义。",
    "符合行业实际。",
    "与相关法规衔接。",
    "提高标准的可操作性。",
    "参照同类团体标准的做法。",
]
UNITS = ["天津", "北京", "河北", "江苏", "上海", "山东", "浙江", "广东", "重庆", "四川"]
KINDS = ["检测有限公司", "科技有限公司", "质量技术研究院", "产品质量监督检验所", "标准化协会", "制造有限公司", "大学"]

CAMPAIGN_LETTERS = [
    "我们坚决反对第8.2条将“津质精品”产品质量标识有效期统一规定为3年的做法，该规定未考虑不同产品的生命周期差异，"
    "对中小企业负担过重，建议改为由评价机构根据产品类别确定有效期，并允许企业在有效期内申请延续。",
    "关于第4章基本要求，我们认为“至少有一项关键产品质量指标高于国家标准要求的10%”这一门槛过高，"
    "大量优质中小企业将被排除在外，强烈建议删除该项要求或将比例调整为5%，以体现标准的包容性。",
    "第7.2.5条关于公示的规定缺少公示期限和异议受理方式，申请企业和社会公众无法有效行使监督权利，"
    "建议明确公示期不少于7个工作日，并在公示中公布异议受理电话、邮箱和处理时限。",
]


@dataclass
class GenComment:
    clause: str
    text: str
    reason: str
    campaign: int | None = None  # index of the form letter it copies


def unit_name(rng: random.Random, i: int) -> str:
    return f"{rng.choice(UNITS)}{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i}号{rng.choice(KINDS)}"


DETAILS = [
    "如电线电缆、钢材等产品",
    "尤其是中小企业",
    "结合近年抽查情况",
    "参照GB/T 27000系列",
    "在{n}家企业试评价中",
    "部分地区已有类似做法",
    "从检测机构的角度看",
    "考虑到检测周期约{n}个月",
    "对出口产品而言",
    "对食品相关产品",
    "我单位在{n}年的评价工作中",
    "按目前的收费水平",
    "在实际申报中",
]
PROPOSALS = [
    "改为“{w}”",
    "增加“{w}”的规定",
    "删除“{w}”",
    "将“{w}”调整为{n}个工作日",
    "补充{w}的判定方法",
    "在附录中给出{w}示例",
    "将{w}与证书有效期挂钩",
    "由联盟另行制定{w}细则",
]
WORDS = [
    "有效期",
    "关键指标",
    "公示",
    "复核",
    "异议",
    "抽样",
    "现场审核",
    "标识使用",
    "年度检查",
    "收费人日数",
    "评价证书",
    "第三方评价机构",
    "自愿申请",
    "信用记录",
    "整改期限",
]


def independent(rng: random.Random, clause: str) -> GenComment:
    """One person's own comment on a clause: shared subject, own wording, details and proposal."""
    subjects, problems = TOPICS.get(clause, GENERIC)
    n = rng.randint(2, 30)
    detail = rng.choice(DETAILS).format(n=n)
    proposal = rng.choice(PROPOSALS).format(w=rng.choice(WORDS), n=n)
    opener = rng.choice(OPENERS)
    s, p = rng.choice(subjects), rng.choice(problems)
    shapes = [
        f"{opener}{s}{p}，{detail}，建议{proposal}。",
        f"{detail}，{s}{p}。{opener or '建议'}{rng.choice(ACTIONS)}，{proposal}。",
        f"第{clause}条中{s}的规定{p}。{detail}，{opener or '建议'}{proposal}。",
        f"{opener}将{s}相关内容{rng.choice(ACTIONS)}：{p}；{detail}，{proposal}。",
        f"{s}：{p}。{detail}，可{proposal}，{rng.choice(REASONS)}",
    ]
    return GenComment(clause, rng.choice(shapes), rng.choice(REASONS))


_SWAPS = [
    ("建议", "提议"),
    ("我们", "我单位"),
    ("强烈", "郑重"),
    ("规定", "要求"),
    ("并", "同时"),
    ("不少于", "至少"),
    ("大量", "很多"),
    ("坚决", ""),
]


def campaign_copy(rng: random.Random, letter: int, unit: str) -> GenComment:
    """The form letter as a unit forwards it: usually verbatim, sometimes lightly edited."""
    text = CAMPAIGN_LETTERS[letter]
    roll = rng.random()
    if roll < 0.5:
        pass  # verbatim
    elif roll < 0.7:
        text = text.replace("，", ",", rng.randint(1, 3)).replace("。", "", 1)  # punctuation differences
    elif roll < 0.9:
        a, b = rng.choice([s for s in _SWAPS if s[0] in text] or [("", "")])
        text = text.replace(a, b, 1) if a else text  # one word changed
    else:
        text = f"{unit}意见：" + text  # their own name in front
    clause = ["8.2", "4", "7.2.5"][letter]
    return GenComment(clause, text, "同上", campaign=letter)


def corpus(n: int, campaign_share: float = 0.15, seed: int = 7) -> list[GenComment]:
    """`n` comments: about `campaign_share` of them copies of the form letters, the rest independent."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if rng.random() < campaign_share:
            out.append(campaign_copy(rng, rng.randrange(len(CAMPAIGN_LETTERS)), unit_name(rng, i)))
        else:
            out.append(independent(rng, rng.choice(CLAUSES)))
    return out
