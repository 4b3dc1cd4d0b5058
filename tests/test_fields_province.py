import pytest

from extractors.extract import extract_facts
from extractors.fields.province import province_of, province_of_uscc, regions
from extractors.fields.uscc import make
from extractors.model import Document


def test_all_34_regions_are_known():
    names = {r["name"] for r in regions()}
    assert len(names) == 34
    assert {"天津市", "江苏省", "内蒙古自治区", "广西壮族自治区", "香港特别行政区", "澳门特别行政区", "台湾省"} <= names


@pytest.mark.parametrize("r", regions(), ids=lambda r: r["name"])
def test_each_region_from_its_name_and_its_code(r):
    assert province_of(f"{r['name']}某某区某某路1号") == r["name"]
    assert province_of_uscc(f"91{r['code']}0000") == r["name"]


@pytest.mark.parametrize(
    "address,expected",
    [
        ("苏州工业园区星湖街328号", "江苏省"),
        ("天津滨海高新区华苑产业区", "天津市"),
        ("内蒙古包头市稀土高新区", "内蒙古自治区"),
        ("广西柳州市柳南区", "广西壮族自治区"),
        ("上海市黄浦区江西中路100号", "上海市"),
    ],
)
def test_province_from_address(address, expected):
    assert province_of(address) == expected


def test_province_falls_back_to_the_uscc_region_with_lower_confidence():
    code = make("320500", "MA1XY2Q3")
    facts = extract_facts(Document.from_text(f"营业执照\n名称：某某精工有限公司\n统一社会信用代码：{code}"))
    assert facts.value("province") == "江苏省"
    assert facts.fields["province"].confidence < facts.fields["uscc"].confidence


def test_address_wins_over_uscc():
    code = make("320500", "MA1XY2Q3")
    facts = extract_facts(
        Document.from_text(f"营业执照\n名称：某某精工有限公司\n统一社会信用代码：{code}\n住所：天津市西青区某某路8号")
    )
    assert facts.value("province") == "天津市"
