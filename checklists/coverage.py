"""Does a certificate's scope (or a patent's title) cover the applicant's product? (nonferrous 第五条（四）
"企业(含该产品生产线)", jinzhi 3.1 "其产品拥有自主知识产权")

Both texts are normalised (NFKC, no spaces or punctuation), the product is cut into terms with jieba
(search mode) and each term is looked for in the scope, exactly or by rapidfuzz's partial ratio. Only
"yes" is ever decided: a scope that names every term of the product covers it; anything less is
"unsure" — a broader scope ("有色金属材料") can cover a narrower product, which words cannot tell —
and the item goes to a person with the terms that were and were not found.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .settings import settings


@dataclass
class Coverage:
    covered: bool  # True: every term of the product is in the scope; False: unsure
    found: list[str]
    absent: list[str]
    similarity: float  # rapidfuzz partial ratio of the whole texts, 0..100

    def describe(self, scope: str, product: str) -> str:
        if self.covered:
            return f"范围“{scope}”涵盖申报产品“{product}”（{'、'.join(self.found) or product}）"
        miss = f"未见“{'、'.join(self.absent)}”" if self.absent else "无法确定"
        return f"范围“{scope}”与申报产品“{product}”不能确定对应（{miss}，相似度 {self.similarity:.0f}%），需人工核对是否覆盖"


def canon(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s\W_]+", "", t)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def terms(text: str) -> list[str]:
    """The meaningful terms of a product name: jieba's search-mode words, generic words dropped,
    a word kept only if no longer kept word contains it."""
    conf = settings().get("coverage") or {}
    generic = set(conf.get("generic_words") or ())
    words = [w for w in _jieba().lcut_for_search(canon(text)) if len(w) >= 2 and w not in generic]
    words = sorted(set(words), key=len, reverse=True)
    kept: list[str] = []
    for w in words:
        if not any(w in k for k in kept):
            kept.append(w)
    return kept or ([canon(text)] if canon(text) else [])


def coverage(scope: str, product: str) -> Coverage:
    conf = settings().get("coverage") or {}
    term_ratio = float(conf.get("term_ratio", 90))
    s, p = canon(scope), canon(product)
    similarity = fuzz.partial_ratio(p, s) if s and p else 0.0
    if p and p in s:
        return Coverage(True, [product], [], 100.0)
    found: list[str] = []
    absent: list[str] = []
    for t in terms(product):
        hit = t in s or (len(t) >= 3 and fuzz.partial_ratio(t, s) >= term_ratio)
        (found if hit else absent).append(t)
    return Coverage(bool(found) and not absent, found, absent, similarity)
