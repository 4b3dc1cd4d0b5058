"""Clause references as people write them → the contract's normalised ids; register order."""

from __future__ import annotations

import pytest

from extractors.comments.clauses import parse_refs, sort_key


@pytest.mark.parametrize(
    "raw, refs",
    [
        ("第4章", ["4"]),
        ("第 7.2.5 条", ["7.2.5"]),
        ("7.2.5 a)", ["7.2.5a"]),
        ("7.2.5（a）", ["7.2.5a"]),
        ("11.1 b) 2)", ["11.1b"]),
        ("８．２", ["8.2"]),
        ("4.2、5.1", ["4.2", "5.1"]),
        ("4.2和5.1", ["4.2", "5.1"]),
        ("第12.3条、12.5条", ["12.3", "12.5"]),
        ("5.1~5.3", ["5.1", "5.2", "5.3"]),
        ("5.1～5.3", ["5.1", "5.2", "5.3"]),
        ("第4章至第6章", ["4", "5", "6"]),
        ("表1", ["表1"]),
        ("表 A.1", ["表A.1"]),
        ("图1", ["图1"]),
        ("附录A", ["附录A"]),
        ("附录 B（规范性）", ["附录B"]),
        ("A.1.2", ["A.1.2"]),
        ("前言", ["前言"]),
        ("全文", ["全文"]),
        ("范围", ["范围"]),
        ("第三章", ["3"]),
        ("第3页 第4章", ["4"]),  # a page number is not a clause
        ("P12，8.2", ["8.2"]),
        ("GB/T 1.1—2020", []),  # a cited standard is not a clause
        ("", []),
        ("无", []),
    ],
)
def test_parse_refs(raw, refs):
    assert parse_refs(raw) == refs


def test_register_order_front_matter_chapters_numeric_then_tables_and_annexes():
    refs = ["10.1", "附录A", "全文", "2", "表1", "前言", "7.2.5a", "7.2.5", "7.10", "7.9", ""]
    assert sorted(refs, key=sort_key) == [
        "全文",
        "前言",
        "2",
        "7.2.5",
        "7.2.5a",
        "7.9",
        "7.10",
        "10.1",
        "表1",
        "附录A",
        "",
    ]
