"""Writes intake/assistant/data/pinyin.tsv: every GB2312 character with its toneless readings, from
pypinyin's dictionary (the source; this file is derived from it so that `intake chat` does not load
pypinyin's 40 MB of dictionaries for every question). tests/test_assistant_case.py checks it is in
step with the installed pypinyin.

    python scripts/pinyin_table.py
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "intake" / "assistant" / "data" / "pinyin.tsv"


def toneless(reading: str) -> str:
    s = unicodedata.normalize("NFKD", reading)
    return "".join(c for c in s if not unicodedata.combining(c)).replace("ü", "v")


def table() -> dict[str, list[str]]:
    from pypinyin.pinyin_dict import pinyin_dict

    out: dict[str, list[str]] = {}
    for code, readings in sorted(pinyin_dict.items()):
        ch = chr(code)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if not ("\u4e00" <= ch <= "\u9fff"):
            continue
        out[ch] = list(dict.fromkeys(toneless(r) for r in readings.split(",")))
    return out


def render(t: dict[str, list[str]]) -> str:
    head = "# derived from pypinyin's dictionary by scripts/pinyin_table.py: character, toneless readings\n"
    return head + "".join(f"{ch}\t{','.join(rs)}\n" for ch, rs in t.items())


if __name__ == "__main__":
    OUT.write_text(render(table()), encoding="utf-8")
    print(f"wrote {OUT}")
