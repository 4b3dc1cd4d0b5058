"""The draft standard's clause tree, from seed 000 as Markdown, DOCX and PDF, and reference checking."""

from __future__ import annotations

import pytest
from comment_sheets import TITLE, draft_docx, draft_markdown, draft_pdf
from docgen import docx_bytes

from extractors.comments import markdown_document, read_draft
from extractors.read import read_document

EXPECTED = {
    "前言",
    "1",
    "2",
    "3",
    "3.1",
    "4",
    "5",
    "5.1",
    "5.2",
    "5.3",
    "6",
    "7",
    "7.1",
    "7.2",
    "7.2.1",
    "7.2.5",
    "7.2.5a",
    "7.2.5b",
    "7.2.5c",
    "8",
    "8.1",
    "8.2",
    "8.3",
    "9",
    "图1",
    "10",
    "10.4",
    "11",
    "11.1",
    "11.1a",
    "11.1b",
    "11.3",
    "12",
    "12.1",
    "12.5",
}


def from_bytes(data: bytes, name: str):
    doc = read_document(data, name)
    if doc.format == "text":
        doc = markdown_document(doc.text, name)
    return read_draft(doc)


@pytest.fixture(scope="module", params=["md", "docx", "pdf"])
def draft(request):
    data = {"md": draft_markdown, "docx": draft_docx, "pdf": draft_pdf}[request.param]()
    return from_bytes(data, f"draft.{request.param}")


def test_clause_tree_of_seed_000(draft):
    assert draft.title == TITLE
    ids = set(draft.clauses)
    assert EXPECTED <= ids, EXPECTED - ids
    assert not {"13", "7.2.6", "8.4", "附件2"} & ids
    assert draft.clauses["7.2.5a"].parent == "7.2.5"
    assert draft.clauses["8"].title == "证书管理"


def test_deadline_and_drafting_unit_from_the_notice():
    d = from_bytes(draft_markdown(), "draft.md")
    assert d.deadline == "2026-01-08"
    assert "天津市检科盈盛科技有限公司" in d.drafting_unit


@pytest.mark.parametrize(
    "ref, valid, nearest",
    [
        ("4", True, None),
        ("7.2.5a", True, None),
        ("8.2", True, None),
        ("前言", True, None),
        ("全文", True, None),
        ("范围", True, None),
        ("图1", True, None),
        ("13", False, "12"),
        ("7.2.6", False, "7.2.5"),
        ("5.4", False, "5.3"),
        ("7.2.5d", False, "7.2.5c"),
        ("3.2", False, "3.1"),
        ("12.9", False, "12.5"),
        ("表1", False, None),
        ("附录A", False, None),
    ],
)
def test_reference_checking_suggests_the_nearest_clause(draft, ref, valid, nearest):
    chk = draft.check(ref)
    assert chk.valid is valid
    assert chk.suggestion == nearest


def test_clause_named_by_its_title():
    d = from_bytes(draft_markdown(), "draft.md")
    assert d.find_by_title("证书管理") == "8"
    assert d.find_by_title("完全无关的文字") is None


def test_numbering_that_does_not_continue_the_tree_is_not_a_clause():
    d = read_draft(
        markdown_document(
            "标准\n1 范围\n本文件适用于…\n2 术语\n2025 年发布\n3.1 这不是第3章的条\n"
            "30 天内完成\n3 要求\n3.1 一般要求\n附录A（资料性）示例\nA.1 示例一\n表A.1 指标\n"
        )
    )
    assert set(d.clauses) == {"1", "2", "3", "3.1", "附录A", "A.1", "表A.1"}


def test_appendix_and_deep_numbering_from_docx():
    d = from_bytes(
        docx_bytes(
            [
                "某产品评价规范",
                "前言",
                "本文件…",
                "某产品评价规范",
                "1 范围",
                "本文件规定…",
                "2 要求",
                "2.1 通用要求",
                "2.1.1 外观",
                "2.1.1.1 表面无划痕。",
                "a) 目测；",
                "b) 手感；",
                "表1 指标要求",
                "附录A",
                "（规范性）",
                "A.1 试验方法",
                "A.1.1 取样",
            ]
        ),
        "d.docx",
    )
    assert {"2.1.1.1", "2.1.1.1a", "2.1.1.1b", "表1", "附录A", "A.1", "A.1.1"} <= set(d.clauses)
    assert d.title == "某产品评价规范"


def test_docx_draft_with_automatic_numbering(tmp_path):
    """Numbers live in numbering.xml (as 标准编写软件 writes them): the tree is still complete."""
    from comment_sheets import draft_docx_autonumbered

    from intake.comments.reading import read_draft_bytes

    data = draft_docx_autonumbered()
    plain = from_bytes(data, "auto.docx")
    assert "7.2.5" not in plain.clauses  # the text alone has no numbers …
    d = read_draft_bytes(data, "auto.docx")  # … the numbering, rendered, has
    assert d.title == TITLE
    assert EXPECTED <= set(d.clauses), EXPECTED - set(d.clauses)
    assert d.clauses["5.1"].title == "自愿开放"


@pytest.mark.parametrize("fmt", ["docx", "md", "pdf"])
def test_the_drafts_own_title_not_the_standard_its_foreword_cites(fmt, tmp_path):
    """DOCX: the Title-styled paragraph; PDF (as Word/LibreOffice export it): the cover's biggest line;
    Markdown: the first heading that names a document — never 《标准化工作导则 …》 cited in the 前言."""
    import subprocess

    from comment_sheets import CITED, TITLED, titled_draft_docx, titled_draft_markdown

    from extractors.readers import office
    from intake.comments.reading import read_draft_bytes

    if fmt == "md":
        data = titled_draft_markdown()
    else:
        data = titled_draft_docx()
        if fmt == "pdf":
            if not office.soffice():
                pytest.skip("LibreOffice (soffice) is not installed")
            (tmp_path / "d.docx").write_bytes(data)
            subprocess.run(
                [
                    office.soffice(),
                    f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(tmp_path),
                    str(tmp_path / "d.docx"),
                ],
                check=True,
                capture_output=True,
                timeout=180,
            )
            data = (tmp_path / "d.pdf").read_bytes()
    d = read_draft_bytes(data, f"draft.{fmt}")
    assert d.title == TITLED
    assert "标准化工作导则" not in d.title and CITED not in d.title
    assert {"前言", "1", "4.1", "4.2"} <= set(d.clauses)
