"""Questions about a scheme's rules, answered from the scheme's own text.

The seed text split by clause (`checklists.clauses.load_clauses`) is indexed with
BM25 over jieba tokens. A clause is quoted verbatim with its number in the seed's
own numbering. When the best clause covers too little of the question (by IDF
weight) the answer is "don't know" rather than a guess.

The domain dictionary, synonyms, stop words and the threshold are data files in
`intake/assistant/data/`.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"

# How a retriever is built; the benchmark compares variants of these.
DEFAULT_OPTIONS = {
    "title_weight": 2,  # title tokens counted this many times in the clause's document
    "parent_context": True,  # add the headings/short texts of enclosing clauses
    "synonyms": True,  # expand applicant phrasing with the seed's terms
    "search_mode": True,  # jieba "search" mode: long words also yield their sub-words
    "user_dict": True,  # domain terms (用码覆盖率 …) kept whole
}


@dataclass
class Hit:
    clause: str
    title: str
    text: str
    score: float
    coverage: float  # share of the question's IDF weight found in this clause

    def quote(self) -> dict:
        return {"clause": self.clause, "title": self.title, "text": self.text}


@dataclass
class Answer:
    hits: list[Hit]
    known: bool  # False: nothing matches well enough to quote
    tokens: list[str] = field(default_factory=list)

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def _settings() -> dict:
    return yaml.safe_load((DATA / "retrieval.yaml").read_text(encoding="utf-8"))


@cache
def _stopwords() -> frozenset[str]:
    words = (DATA / "stopwords.txt").read_text(encoding="utf-8").split()
    return frozenset(words)


@cache
def _synonyms() -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = yaml.safe_load((DATA / "synonyms.yaml").read_text(encoding="utf-8")) or {}
    # Longest key first so that "ISO 9001" wins over shorter overlapping keys.
    return tuple(sorted(((_norm(str(k)).lower(), tuple(v)) for k, v in raw.items()), key=lambda kv: -len(kv[0])))


@cache
def _tokenizer(user_dict: bool):
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    if user_dict:
        tok.load_userdict(str(DATA / "userdict.txt"))
    return tok


_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_NUMERIC = re.compile(r"[-+]?\d+(?:\.\d+)?[%万亿元分年月日天个项]*")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text)


def tokenize(text: str, *, search_mode: bool = True, user_dict: bool = True) -> list[str]:
    tok = _tokenizer(user_dict)
    text = _norm(text).lower()
    words = tok.lcut_for_search(text) if search_mode else tok.lcut(text)
    stop = _stopwords()
    return [w for w in (w.strip() for w in words) if w and w not in stop and not _PUNCT.match(w)]


def _parent(clause: str, ids: list[str]) -> str | None:
    """The longest other clause id that this one extends (`5.1.1 a)` → `5.1.1`)."""
    best = None
    for other in ids:
        if other == clause or not clause.startswith(other):
            continue
        nxt = clause[len(other)]
        if other[-1].isdigit() and nxt.isdigit():
            continue  # "1" is not the parent of "12.1"
        if best is None or len(other) > len(best):
            best = other
    return best


def _bm25_class():
    from rank_bm25 import BM25Okapi

    class LuceneBM25(BM25Okapi):
        """BM25 with Lucene's IDF, log(1 + (N - n + .5) / (n + .5)): always positive, so a word
        found in most clauses of a short scheme still counts a little instead of going negative."""

        def _calc_idf(self, nd):
            self.idf = {w: math.log(1 + (self.corpus_size - n + 0.5) / (n + 0.5)) for w, n in nd.items()}
            self.average_idf = sum(self.idf.values()) / max(len(self.idf), 1)

    return LuceneBM25


class ClauseIndex:
    """BM25 over one scheme's clauses."""

    def __init__(self, clauses: list[dict], options: dict | None = None, settings: dict | None = None):
        self.options = {**DEFAULT_OPTIONS, **(options or {})}
        self.settings = settings or _settings()
        self.clauses = [c for c in clauses if (c.get("text") or c.get("title"))]
        ids = [c["clause"] for c in self.clauses]
        by_id = {c["clause"]: c for c in self.clauses}
        docs = []
        for c in self.clauses:
            docs.append(self._document(c, ids, by_id))
        self._docs = [set(d) for d in docs]
        self._grams = [_bigrams(" ".join(d)) for d in docs]
        self._sounds = _sound_table({w for d in docs for w in d} | _everyday_words())
        self.bm25 = _bm25_class()(docs, k1=self.settings.get("k1", 1.2), b=self.settings.get("b", 0.5))
        self._max_idf = max(self.bm25.idf.values()) if self.bm25.idf else 1.0

    def _tok(self, text: str) -> list[str]:
        return tokenize(text, search_mode=self.options["search_mode"], user_dict=self.options["user_dict"])

    def _document(self, c: dict, ids: list[str], by_id: dict) -> list[str]:
        doc = self._tok(c.get("text") or "")
        doc += self._tok(c.get("title") or "") * int(self.options["title_weight"])
        if self.options["parent_context"]:
            parent = _parent(c["clause"], ids)
            while parent:
                p = by_id[parent]
                doc += self._tok(p.get("title") or "")
                if len(p.get("text") or "") <= self.settings.get("parent_text_max", 40):
                    doc += self._tok(p.get("text") or "")
                parent = _parent(parent, ids)
        return doc

    def correct(self, question: str) -> str:
        """The question with homophone typos of the scheme's words put right: a run of 2-4 Chinese
        characters that is no word (jieba knows it hardly or not at all), sounds exactly like a word
        of the scheme's text or of the everyday names (pinyin without tones) — 证输 → 证书, 包状 → 包装."""
        cache = self.__dict__.setdefault("_corrected", {})
        if question not in cache:
            cache[question] = correct_homophones(question, self._sounds, self._vocab())
        return cache[question]

    def _vocab(self) -> frozenset[str]:
        if not hasattr(self, "_vocab_cache"):
            self._vocab_cache = frozenset(w for d in self._docs for w in d)
        return self._vocab_cache

    def query_tokens(self, question: str) -> tuple[list[str], dict[str, set[str]]]:
        """The question's own tokens plus synonym expansions, and for each own token
        the seed terms that stand for it."""
        tokens = self._tok(question)
        stands_for: dict[str, set[str]] = {}
        if self.options["synonyms"]:
            q = _norm(question).lower()
            for key, expansions in _synonyms():
                if key in q:
                    exp = [t for e in expansions for t in self._tok(e)]
                    for t in self._tok(key) or [key]:
                        stands_for.setdefault(t, set()).update(exp)
                    tokens += exp
        return tokens, stands_for

    def _idf(self, token: str) -> float:
        # A word the scheme never uses weighs like the rarest word: it is what makes
        # "怎么申请护照" off-topic although "申请" matches.
        return self.bm25.idf.get(token, self._max_idf)

    def search(self, question: str, k: int = 3) -> Answer:
        question = self.correct(question)
        tokens, stands_for = self.query_tokens(question)
        # Numbers and their units are what the question is about, not where to look.
        own = {t for t in self._tok(question) if not _NUMERIC.fullmatch(t)}
        if not tokens or not self.clauses:
            return Answer([], False, tokens)
        scores = self.bm25.get_scores(tokens)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
        # Coverage counts the applicant's own words: a word is covered when the clause
        # has it or one of the seed terms it stands for (synonyms.yaml).
        hits = []
        for i in order:
            if scores[i] <= 0:
                continue
            c = self.clauses[i]
            cov = self._cover(own, stands_for, i)
            hits.append(Hit(c["clause"], c.get("title") or "", c.get("text") or "", float(scores[i]), cov))
        return Answer(hits, bool(hits) and self._confident(hits[0]), tokens)

    def _cover(self, own: set[str], stands_for: dict[str, set[str]], i: int) -> float:
        weight = sum(self._idf(t) for t in own) or 1.0
        doc, grams = self._docs[i], self._grams[i]
        matched = {t for t in own if t in doc or stands_for.get(t, set()) & doc or _grams_cover(t, grams)}
        return sum(self._idf(t) for t in matched) / weight

    def coverage(self, text: str, clause_id: str) -> float:
        """The share of `text`'s own words (by IDF weight) that clause `clause_id` covers; 1.0 for a
        text with no word of its own."""
        text = self.correct(text)
        own = {t for t in self._tok(text) if not _NUMERIC.fullmatch(t)}
        if not own:
            return 1.0
        _, stands_for = self.query_tokens(text)
        key = clause_key(clause_id)
        i = next((n for n, c in enumerate(self.clauses) if clause_key(c["clause"]) == key), None)
        return 0.0 if i is None else self._cover(own, stands_for, i)

    def _confident(self, hit: Hit) -> bool:
        """Either most of the question is in the clause, or a clear BM25 match with some coverage."""
        s = self.settings
        return (hit.coverage >= s["min_coverage"] and hit.score >= s["min_score"]) or (
            hit.coverage >= s["strong_min_coverage"] and hit.score >= s["strong_score"]
        )

    def clause(self, clause_id: str) -> dict | None:
        key = clause_key(clause_id)
        return next((c for c in self.clauses if clause_key(c["clause"]) == key), None)

    def lead_ins(self, clause_id: str) -> list[str]:
        """Enclosing clauses that introduce a list ("发现以下行为之一时，应暂停或撤销…："), outermost
        first: a list item means little without them."""
        ids = [c["clause"] for c in self.clauses]
        rec = self.clause(clause_id)
        out: list[str] = []
        parent = _parent(rec["clause"], ids) if rec else None
        while parent:
            text = (self.clause(parent) or {}).get("text") or ""
            if re.search(r"[：:]\s*$|之一|下列|以下|如下", text):
                return [parent]  # the nearest lead-in is the one that states the consequence
            parent = _parent(parent, ids)
        return out

    def topics(self, limit: int = 12) -> list[str]:
        seen: list[str] = []
        for c in self.clauses:
            t = re.sub(r"[（(]\s*\d+\s*分[)）]", "", c.get("title") or "").strip()
            if t and t not in seen and len(t) <= 20:
                seen.append(t)
        return seen[:limit]


def _bigrams(text: str) -> frozenset[str]:
    """Character pairs of the Chinese runs: a word jieba cut differently still meets the text."""
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    return frozenset(r[i : i + 2] for r in runs for i in range(len(r) - 1))


def _grams_cover(token: str, grams: frozenset[str]) -> bool:
    """A word of three or more characters counts as found when most of its character pairs are
    in the clause (专精特新企业 ~ 专精特新小巨人企业), never a two-character word by one pair."""
    own = _bigrams(token)
    if len(token) < 3 or len(own) < 2:
        return False
    return len(own & grams) >= max(2, -(-2 * len(own) // 3))


@cache
def _everyday_words() -> frozenset[str]:
    """The paraphrase layer's everyday words (synonyms.yaml keys) are words too, for the typo check."""
    return frozenset(k for k, _ in _synonyms() if re.fullmatch(r"[\u4e00-\u9fff]{2,6}", k))


@cache
def _char_readings() -> dict[str, tuple[str, ...]]:
    """Character → its toneless pinyin readings (data/pinyin.tsv, derived from pypinyin's dictionary
    by scripts/pinyin_table.py: loading pypinyin itself costs a second per process)."""
    out: dict[str, tuple[str, ...]] = {}
    for line in (DATA / "pinyin.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            ch, readings = line.split("\t")
            out[ch] = tuple(readings.split(","))
    return out


def _readings(window: str, limit: int = 16) -> list[str]:
    """Every toneless reading of a few characters (都 is dou or du: 监都 sounds like 监督)."""
    from itertools import islice, product

    table = _char_readings()
    options = [table.get(ch) for ch in window]
    if not all(options):
        return []
    return [" ".join(p) for p in islice(product(*options), limit)]


def _sound_table(words: set[str]) -> dict[str, str]:
    """Toneless pinyin → the word, for the words of 2-4 Chinese characters; a sound two words share
    is dropped (which one was meant cannot be told)."""
    table: dict[str, str] = {}
    clash: set[str] = set()
    for w in sorted(words):
        if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", w):
            continue
        for key in _readings(w, limit=8):
            if key in table and table[key] != w:
                clash.add(key)
            table.setdefault(key, w)
    return {k: v for k, v in table.items() if k not in clash}


def correct_homophones(text: str, sounds: dict[str, str], vocab: frozenset[str]) -> str:
    tok = _tokenizer(True)
    rare = _settings().get("typo_max_word_freq", 50)
    function = frozenset(_settings().get("typo_function_chars", ""))
    out = []
    for part in re.split(r"([\u4e00-\u9fff]+)", _norm(text)):
        if not re.fullmatch(r"[\u4e00-\u9fff]+", part or ""):
            out.append(part)
            continue
        i, fixed = 0, []
        while i < len(part):
            for n in (4, 3, 2):
                window = part[i : i + n]
                if len(window) < n or window in vocab or tok.FREQ.get(window, 0) > rare:
                    continue
                word = next((sounds[k] for k in _readings(window) if k in sounds), None)
                if window[0] in function or (set(window) <= function):
                    word = None
                if word and word != window and not _inside_word(part, i, n, vocab):
                    fixed.append(word)
                    i += n
                    break
            else:
                fixed.append(part[i])
                i += 1
        out.append("".join(fixed))
    return "".join(out)


def _inside_word(run: str, i: int, n: int, vocab: frozenset[str]) -> bool:
    """The window overlaps a real word of the text (…现场评审 is not 现场平审 corrected twice), or lies
    in a longer word of the language (事长 in 董事长 is not 市场)."""
    freq = _tokenizer(True).FREQ
    rare = _settings().get("typo_max_word_freq", 50)
    for a in range(max(0, i - 3), i + 1):
        for b in range(i + n, min(len(run), i + n + 3) + 1):
            if b - a > n and freq.get(run[a:b], 0) > 0:
                return True
    for a in range(max(0, i - 3), i + n):  # a word of the language across the window's edge (合金|型材)
        for b in range(a + 2, min(len(run), a + 4) + 1):
            crosses = (a < i < b <= i + n) or (i <= a < i + n < b)
            if crosses and freq.get(run[a:b], 0) > rare:
                return True
    for a in range(max(0, i - 3), i + n):
        for b in range(a + 2, min(len(run), a + 5) + 1):
            if (a < i < b or a < i + n < b) and run[a:b] in vocab and not (a >= i and b <= i + n):
                return True
    return False


@cache
def index_for(scheme_id: str) -> ClauseIndex:
    from checklists.clauses import load_clauses

    return ClauseIndex([{"clause": c.clause, "title": c.title, "text": c.text} for c in load_clauses(scheme_id)])


def clause_key(clause: str) -> str:
    """Comparable form of a clause number: `5.1.1 a)` ~ `5.1.1a`, `第五条（四）` ~ `第五条(四)`."""
    s = unicodedata.normalize("NFKC", clause or "")
    s = re.sub(r"\s+", "", s)
    return re.sub(r"(?<=[A-Za-z0-9])\)", "", s)
