"""Duplicate and campaign detection: exact copies, near copies, similar comments on one clause."""

from __future__ import annotations

import random
from itertools import combinations

from comment_corpus import CAMPAIGN_LETTERS, TOPICS, campaign_copy, corpus, independent, unit_name
from rapidfuzz import fuzz

from extractors.comments.duplicates import Item, canon, find_duplicates, similar_pairs
from extractors.comments.rules import load_rules

LETTER = CAMPAIGN_LETTERS[0]


def test_exact_copies_are_one_group_whatever_the_punctuation_and_spacing():
    items = [
        Item(1, LETTER, "8.2", "甲"),
        Item(2, LETTER.replace("，", ", "), "8.2", "乙"),
        Item(3, "完全不同的一条意见，关于收费标准应当公开。", "12.1", "丙"),
        Item(4, LETTER + " ", "8.2", "丁"),
    ]
    groups = find_duplicates(items)
    assert len(groups) == 1
    g = groups[0]
    assert g.kind == "exact" and g.members == [1, 2, 4] and g.representative == 1
    assert g.campaign and g.sources == 3


def test_near_copies_from_different_units_are_a_campaign_with_the_form_letter_as_representative():
    rng = random.Random(3)
    items = [Item(0, LETTER, "8.2", "u0"), Item(1, LETTER, "8.2", "u1")]
    items += [Item(i, campaign_copy(rng, 0, unit_name(rng, i)).text, "8.2", f"u{i}") for i in range(2, 30)]
    items.append(Item(99, "第8.2条有效期可保留3年，但应增加年度监督。", "8.2", "x"))
    groups = find_duplicates(items)
    camp = [g for g in groups if g.kind in ("exact", "near")]
    assert len(camp) == 1 and len(camp[0].members) == 30 and camp[0].campaign
    assert items[[i.key for i in items].index(camp[0].representative)].text == LETTER
    assert 99 not in camp[0].members


def test_independent_comments_on_one_prompt_are_not_a_campaign():
    rng = random.Random(5)
    items = [Item(i, independent(rng, "8.2").text, "8.2", f"u{i}") for i in range(150)]
    groups = [g for g in find_duplicates(items) if g.kind in ("exact", "near")]
    copied = sum(len(g.members) for g in groups)
    assert copied <= 4, [[items[m].text for m in g.members] for g in groups]


def test_similar_comments_on_the_same_clause_grouped_but_not_across_clauses():
    a = "建议将证书有效期由3年缩短为2年，以便加强对获证企业的监督。"
    b = "建议把证书有效期从3年缩短到2年，以便于加强对获证企业的监管。"
    c = "建议证书有效期由3年改为2年，从而加强对获证企业的管理。"
    items = [Item(1, a, "8.2"), Item(2, b, "8.2"), Item(3, c, "10.2")]
    groups = find_duplicates(items)
    sim = [g for g in groups if g.kind == "similar"]
    t = load_rules()["duplicates"]
    for x, y in ((a, b), (a, c), (b, c)):
        assert t["similar_same_clause"] <= fuzz.ratio(canon(x), canon(y)) / 100 < t["campaign"]
    assert len(sim) == 1 and sim[0].members == [1, 2]


def test_short_texts_only_match_exactly():
    items = [Item(1, "同意", "4"), Item(2, "同意。", "4"), Item(3, "不同意", "4")]
    groups = find_duplicates(items)
    assert [(g.kind, g.members) for g in groups] == [("exact", [1, 2])]


def test_thresholds_separate_measured_copies_from_independent_comments():
    """The configured campaign threshold catches every generated copy and (almost) no independent pair."""
    t = load_rules()["duplicates"]["campaign"]
    rng = random.Random(11)
    copies = []
    for i in range(300):
        k = rng.randrange(len(CAMPAIGN_LETTERS))
        copies.append(
            fuzz.ratio(canon(campaign_copy(rng, k, unit_name(rng, i)).text), canon(CAMPAIGN_LETTERS[k])) / 100
        )
    indep = []
    for clause in TOPICS:
        texts = list({canon(independent(rng, clause).text) for _ in range(60)})
        indep += [fuzz.ratio(a, b) / 100 for a, b in combinations(texts, 2)]
    assert min(copies) >= t
    assert sum(x >= t for x in indep) / len(indep) < 0.001
    assert 0.8 < t < 0.99


def test_windowed_search_finds_exactly_what_brute_force_finds():
    texts = [canon(c.text) for c in corpus(300, seed=2)]
    texts = list(dict.fromkeys(texts))
    t = 0.7
    brute = {(i, j) for i, j in combinations(range(len(texts)), 2) if fuzz.ratio(texts[i], texts[j]) >= t * 100}
    fast = {(i, j) for i, j, _ in similar_pairs(texts, t)}
    assert fast == brute


def test_every_planted_copy_found_in_a_mixed_corpus():
    comments = corpus(1500, seed=9)
    items = [Item(i, c.text, c.clause, f"u{i}") for i, c in enumerate(comments)]
    groups = find_duplicates(items)
    planted = {i for i, c in enumerate(comments) if c.campaign is not None}
    found = {m for g in groups if g.kind in ("exact", "near") for m in g.members}
    assert planted <= found
    by_letter = {}
    for g in groups:
        if g.kind in ("exact", "near") and g.campaign:
            letters = {comments[m].campaign for m in g.members}
            assert len(letters) == 1  # one group per form letter, never two letters merged
            by_letter.setdefault(letters.pop(), []).append(g)
    assert set(by_letter) == {0, 1, 2} and all(len(v) == 1 for v in by_letter.values())
