"""Exact copies, near copies (campaigns) and similar comments on one clause, as groups.

No N×N matrix: identical texts collapse through a hash first; near copies are
searched only among texts whose lengths make the threshold reachable (the
Indel ratio 2·LCS/(l1+l2) can never exceed 2·min/(l1+l2)), one query at a
time with rapidfuzz's `score_cutoff`; similar comments only within one clause.
Thresholds come from rules.yaml (measured: see docs/comments.md, "Duplicates").
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .rules import load_rules

_NOISE = re.compile(r"[\s\W_]+", re.U)


def canon(text: str) -> str:
    """Text reduced for comparison: NFKC, no punctuation or white space, lower case."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


@dataclass
class Item:
    key: Hashable  # the caller's id, e.g. (file, seq) or a database id
    text: str
    clause: str = ""
    source: str = ""  # who sent it (a campaign is the same text from several sources)


@dataclass
class DuplicateGroup:
    kind: str  # exact | near | similar
    members: list[Hashable]
    representative: Hashable
    min_score: float  # lowest similarity that joined a member (1.0 for exact)
    sources: int = 0  # distinct submitters
    campaign: bool = False  # the same text from several submitters

    def to_json(self, key=lambda k: k) -> dict:
        return {
            "kind": self.kind,
            "campaign": self.campaign,
            "sources": self.sources,
            "min_score": round(self.min_score, 3),
            "representative": key(self.representative),
            "members": [key(m) for m in self.members],
        }


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))
        self.low = [1.0] * n

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int, score: float) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            self.low[ra] = min(self.low[ra], self.low[rb], score)
        else:
            self.low[ra] = min(self.low[ra], score)


CHUNK = 256  # queries per cdist call: CHUNK × window cells of uint8 at a time


def similar_pairs(texts: list[str], threshold: float) -> Iterable[tuple[int, int, float]]:
    """(i, j, score) for every pair of `texts` with fuzz.ratio ≥ threshold (0..1), i < j.

    Texts are sorted by length; a chunk of queries is compared (rapidfuzz cdist,
    score_cutoff, uint8) only with the texts whose length can still reach the
    threshold, so memory is CHUNK × window and the work N × window, never N².
    """
    import numpy as np

    if threshold <= 0:
        raise ValueError("threshold must be > 0")
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    lengths = [len(texts[i]) for i in order]
    sorted_texts = [texts[i] for i in order]
    stretch = (2 - threshold) / threshold  # longest reachable length ÷ shortest
    cutoff = int(threshold * 100)  # uint8 scores are floored: re-check exactly below
    for a in range(0, len(order), CHUNK):
        b = min(a + CHUNK, len(order))
        hi = bisect.bisect_right(lengths, lengths[b - 1] * stretch, lo=b)
        if hi <= a + 1:
            continue
        m = process.cdist(
            sorted_texts[a:b], sorted_texts[a:hi], scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=1
        )
        for qi, cj in zip(*np.nonzero(m)):
            x, y = a + int(qi), a + int(cj)
            if y <= x:
                continue
            score = fuzz.ratio(sorted_texts[x], sorted_texts[y]) / 100
            if score >= threshold:
                i, j = order[x], order[y]
                yield (min(i, j), max(i, j), score)


def find_duplicates(
    items: list[Item],
    campaign: float | None = None,
    similar: float | None = None,
    min_chars: int | None = None,
    campaign_sources: int | None = None,
) -> list[DuplicateGroup]:
    """Groups of 2+ items: `exact`/`near` copies anywhere, `similar` ones on the same clause.

    An item belongs to at most one group; copies win over similarity.
    """
    rules = load_rules()["duplicates"]
    campaign = rules["campaign"] if campaign is None else campaign
    similar = rules["similar_same_clause"] if similar is None else similar
    min_chars = rules["min_chars"] if min_chars is None else min_chars
    campaign_sources = rules.get("campaign_sources", 3) if campaign_sources is None else campaign_sources

    canons = [canon(it.text) for it in items]
    uniq: dict[str, int] = {}
    members_of: list[list[int]] = []
    for idx, c in enumerate(canons):
        if not c:
            continue
        u = uniq.setdefault(c, len(uniq))
        if u == len(members_of):
            members_of.append([])
        members_of[u].append(idx)
    texts = list(uniq)
    uf = _UnionFind(len(texts))
    long_ids = [u for u, t in enumerate(texts) if len(t) >= min_chars]
    for a, b, score in similar_pairs([texts[u] for u in long_ids], campaign):
        uf.union(long_ids[a], long_ids[b], score)

    groups: list[DuplicateGroup] = []
    grouped: set[int] = set()
    by_root: dict[int, list[int]] = defaultdict(list)
    for u in range(len(texts)):
        by_root[uf.find(u)].append(u)
    for root, us in by_root.items():
        idxs = sorted(i for u in us for i in members_of[u])
        if len(idxs) < 2:
            continue
        # the representative: the most common wording (the form letter), first received
        commonest = max(us, key=lambda u: (len(members_of[u]), -min(members_of[u])))
        groups.append(
            _group(
                "exact" if len(us) == 1 else "near",
                items,
                idxs,
                members_of[commonest][0],
                uf.low[root] if len(us) > 1 else 1.0,
                campaign_sources,
            )
        )
        grouped.update(idxs)

    # similar comments on the same clause, among what is not already a copy group
    by_clause: dict[str, list[int]] = defaultdict(list)
    for idx, it in enumerate(items):
        if it.clause and idx not in grouped and len(canons[idx]) >= min_chars:
            by_clause[it.clause].append(idx)
    for idxs in by_clause.values():
        if len(idxs) < 2:
            continue
        cu = _UnionFind(len(idxs))
        degree: Counter = Counter()
        for a, b, score in similar_pairs([canons[i] for i in idxs], similar):
            cu.union(a, b, score)
            degree[a] += 1
            degree[b] += 1
        comp: dict[int, list[int]] = defaultdict(list)
        for a in range(len(idxs)):
            comp[cu.find(a)].append(a)
        for root, locs in comp.items():
            if len(locs) < 2:
                continue
            rep = max(locs, key=lambda a: (degree[a], -a))
            groups.append(
                _group("similar", items, sorted(idxs[a] for a in locs), idxs[rep], cu.low[root], campaign_sources)
            )
    first = {it.key: i for i, it in reversed(list(enumerate(items)))}
    groups.sort(key=lambda g: (-len(g.members), first[g.members[0]]))
    return groups


def _group(
    kind: str, items: list[Item], idxs: list[int], rep: int, score: float, campaign_sources: int
) -> DuplicateGroup:
    sources = len({items[i].source for i in idxs if items[i].source}) or len(idxs)
    return DuplicateGroup(
        kind=kind,
        members=[items[i].key for i in idxs],
        representative=items[rep].key,
        min_score=score,
        sources=sources,
        campaign=kind in ("exact", "near") and sources >= campaign_sources,
    )
