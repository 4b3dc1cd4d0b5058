"""Optional model back-end: rephrase a finished answer, nothing more. Off by default.

Set INTAKE_LLM_URL to an OpenAI-compatible base URL (".../v1" or the full
".../v1/chat/completions"); optional INTAKE_LLM_MODEL, INTAKE_LLM_KEY,
INTAKE_LLM_TIMEOUT (seconds, default 10).

The model never decides anything: it receives the deterministic text (verdicts
already computed by the checklist engine, clauses already retrieved) and may only
reword it. Its output is thrown away, and the deterministic text used, when the
call fails, times out, returns something unusable, drops a clause number or a
verdict word, or introduces a number that was not in the original.
"""

from __future__ import annotations

import os
import re

import httpx

SYSTEM = (
    "你是质量品牌申报预审助手的文字润色器。只可改写措辞，使其更自然、礼貌、简洁。"
    "必须保留原文中的所有条款编号、引号内的原文引用、数字、日期和结论词（满足/不满足/缺少/需人工审核/不适用），"
    "不得增加任何新的规则、数字或结论。只输出改写后的文字。"
)
MAX_OUT = 4000
_KEEP_WORDS = ("不满足", "已满足", "缺少材料", "需人工审核", "不适用")


class Rephraser:
    def __init__(self, url: str, model: str = "default", key: str | None = None, timeout: float = 10.0):
        url = url.rstrip("/")
        if not url.endswith("/chat/completions"):
            url += "/chat/completions" if url.endswith("/v1") else "/v1/chat/completions"
        self.url, self.model, self.key, self.timeout = url, model, key, timeout
        self.last_error: str | None = None

    def rephrase(self, text: str, quotes: list[dict] | None = None) -> str:
        try:
            out = self._call(text)
        except Exception as e:  # any failure: the deterministic text stands
            self.last_error = f"{type(e).__name__}: {e}"
            return text
        if not faithful(text, out):
            self.last_error = "rephrased text dropped or added facts; kept the original"
            return text
        self.last_error = None
        return out

    def _call(self, text: str) -> str:
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        body = {
            "model": self.model,
            "temperature": 0,
            "max_tokens": 1200,
            "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}],
        }
        with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
            r = client.post(self.url, json=body, headers=headers)
            r.raise_for_status()
            if len(r.content) > 200_000:
                raise ValueError("response too large")
            data = r.json()
        out = data["choices"][0]["message"]["content"]
        if not isinstance(out, str) or not out.strip() or len(out) > MAX_OUT:
            raise ValueError("empty or oversized content")
        return out.strip()


_NUM = re.compile(r"\d+(?:\.\d+)?")
_QUOTED = re.compile(r"“([^”]{4,})”")
_CLAUSE = re.compile(
    r"第[一二三四五六七八九十百]+条(?:（[一二三四五六七八九十]+）)?(?:\d+)?(?:（\d+）)?|第 [\d.]+ 条|[a-z]+\.[a-z0-9_.]+"
)


def faithful(original: str, rephrased: str) -> bool:
    """The rephrased text keeps every clause reference, verbatim quote and verdict word,
    and brings in no number the original did not have."""
    for c in _CLAUSE.findall(original):
        if c not in rephrased:
            return False
    for q in _QUOTED.findall(original):
        if q not in rephrased:
            return False
    for w in _KEEP_WORDS:
        if w in original and w not in rephrased:
            return False
    if set(_NUM.findall(rephrased)) - set(_NUM.findall(original)):
        return False
    return True


def from_env() -> Rephraser | None:
    url = os.environ.get("INTAKE_LLM_URL", "").strip()
    if not url:
        return None
    try:
        timeout = float(os.environ.get("INTAKE_LLM_TIMEOUT", "10"))
    except ValueError:
        timeout = 10.0
    return Rephraser(url, os.environ.get("INTAKE_LLM_MODEL", "default"), os.environ.get("INTAKE_LLM_KEY"), timeout)
