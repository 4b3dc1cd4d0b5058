"""The regression corpus tests/data/comment_sheets.yaml, each case as DOCX and as a text PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from docgen import Grid, docx_bytes, pdf_bytes

from extractors.comments import parse_sheet
from extractors.read import read_document
from extractors.text import normalize

CASES = yaml.safe_load((Path(__file__).parent / "data" / "comment_sheets.yaml").read_text(encoding="utf-8"))


def blocks(case):
    out = []
    for b in case["blocks"]:
        if isinstance(b, dict):
            g = b["grid"]
            out.append(
                Grid([[str(c) for c in row] for row in g["rows"]], merges=[tuple(m) for m in g.get("merges", [])])
            )
        else:
            out.append(str(b))
    return out


def same(got, want):
    if isinstance(want, str):
        return got == normalize(want) or got == want
    return got == want


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_corpus(case, fmt):
    data = docx_bytes(blocks(case)) if fmt == "docx" else pdf_bytes([blocks(case)])
    sheet = parse_sheet(read_document(data, f"case.{fmt}")).to_json()
    want = case["expect"]
    for key, value in want.items():
        if key == "comments":
            assert len(sheet["comments"]) == len(value), [c["comment"] for c in sheet["comments"]]
            for got, exp in zip(sheet["comments"], value):
                for k, v in exp.items():
                    assert same(got[k], v), (k, got[k], v)
        else:
            assert same(sheet[key], value), (key, sheet[key], value)
