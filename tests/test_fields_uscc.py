from stdnum.cn import uscc as stdnum_uscc

from extractors.extract import extract_facts
from extractors.fields import uscc
from extractors.model import Document


def test_known_valid_code():
    assert uscc.problem("91110000600037341L") is None


def test_org_code_check_digit_gb11714():
    # 60003734-1 is the organisation code inside 91110000600037341L
    assert uscc.org_code_check_digit("60003734") == "1"
    assert uscc.org_code_check_digit("MA05T3K2") == "1"


def test_a_code_whose_last_digit_is_right_but_whose_org_code_is_wrong():
    base = "91120116MA05T3K2" + "7"  # wrong GB 11714 digit (the right one is 1)
    code = base + stdnum_uscc.calc_check_digit(base)
    assert stdnum_uscc.is_valid(code)  # stdnum alone accepts it
    assert "GB 11714" in uscc.problem(code)


def test_wrong_check_digit():
    good = uscc.make("320500", "MA1XY2Q3")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert "校验码" in uscc.problem(bad)


def test_invalid_code_is_a_warning_not_the_value():
    good = uscc.make("120116", "MA05T3K2")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    facts = extract_facts(Document.from_text(f"营业执照\n名称：天津某某科技有限公司\n统一社会信用代码：{bad}"))
    assert "uscc" not in facts.fields
    assert any(bad in w and "无效" in w for w in facts.warnings)


def test_full_width_and_spaced_codes_are_read_after_nfkc():
    good = uscc.make("120116", "MA05T3K2")
    wide = "".join(chr(ord(c) + 0xFEE0) for c in good)
    facts = extract_facts(Document.from_text(f"营业执照\n统一社会信用代码：{wide}"))
    assert facts.value("uscc") == good
    spaced = " ".join([good[:6], good[6:12], good[12:]])
    facts = extract_facts(Document.from_text(f"营业执照\n统一社会信用代码 {spaced}"))
    assert facts.value("uscc") == good


def test_unlabelled_valid_code_is_found_with_lower_confidence():
    good = uscc.make("440300", "MA5F0L2C")
    facts = extract_facts(Document.from_text(f"营业执照\n名称：深圳某某电子有限公司\n{good}"))
    assert facts.value("uscc") == good
    assert facts.fields["uscc"].confidence < 0.9


def test_ocr_letter_for_digit_confusions_are_repaired_with_a_warning():
    good = uscc.make("120116", "MA05T3K2")  # 91120116MA05T3K21X
    misread = good.replace("0", "O", 1)
    assert uscc.problem(misread) is not None
    facts = extract_facts(Document.from_text(f"营业执照\n统一社会信用代码：{misread}"))
    assert facts.value("uscc") == good
    assert facts.fields["uscc"].confidence < 0.9
    assert any("read as" in w for w in facts.warnings)
