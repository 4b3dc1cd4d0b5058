"""Chinese text normalisation: NFKC, no spaces between CJK characters.

The original text is always kept beside a normalised value (see `Line.raw`).
"""

from __future__ import annotations

import re
import unicodedata

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0\u3000]+(?=[{_CJK}])")
_RUNS_OF_SPACE = re.compile(r"[ \t\u00a0\u3000]+")
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# every other way Unicode ends a line or paragraph (U+2028, U+2029, NEL, VT, FF, FS/GS/RS) becomes "\n",
# so one rule about lines holds for all of them
LINE_BREAKS = str.maketrans({c: "\n" for c in "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"})


def normalize(text: str | None) -> str:
    """NFKC-normalise, drop white space between CJK characters, collapse other runs.

    >>> normalize("名　称：天 津 某 某 公 司  ２０２７年")
    '名称:天津某某公司 2027年'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r", "").translate(LINE_BREAKS)
    # NFKC turns U+3000 into a plain space; CJK punctuation stays full-width where NFKC keeps it.
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _RUNS_OF_SPACE.sub(" ", text)
    return text.strip()


def has_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.search(text or ""))


_NAME_NOISE = re.compile(r"[\s()（）·,，.。:：\-—_]")


def name_key(name: object) -> str:
    """An organisation's or product's name as two names are compared (the engine's holder check, the
    counter's cross-checks): NFKC, without spaces, brackets and punctuation, lower case."""
    return _NAME_NOISE.sub("", unicodedata.normalize("NFKC", str(name or ""))).lower()
