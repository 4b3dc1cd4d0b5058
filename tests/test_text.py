from extractors.model import Cell, Document, Table
from extractors.text import normalize


def test_normalize_full_width_and_cjk_spaces():
    assert normalize("名　称：天 津 某 某 公 司  ２０２７年５月") == "名称:天津某某公司 2027年5月"


def test_normalize_keeps_space_between_latin_words():
    assert normalize("GB/T 19001-2016 / ISO 9001:2015") == "GB/T 19001-2016 / ISO 9001:2015"


def test_document_from_text_keeps_raw_beside_normalised():
    doc = Document.from_text("名 称：甲公司\f第二页")
    first = next(doc.lines())
    assert (first.text, first.raw, first.page) == ("名称:甲公司", "名 称：甲公司", 1)
    assert [p.number for p in doc.pages] == [1, 2]


def test_merged_cell_is_not_repeated_in_grid():
    t = Table(
        page=1,
        rows=[
            [Cell.of("序号", 0, 0), Cell.of("意见", 0, 1)],
            [Cell.of("1", 1, 0), Cell.of("跨两行的意见", 1, 1, rowspan=2)],
            [Cell.of("", 2, 0)],
        ],
    )
    assert t.grid() == [["序号", "意见"], ["1", "跨两行的意见"], ["", ""]]
    assert t.grid(fill_merged=True)[2][1] == "跨两行的意见"
