"""Every Word document the service hands out is on A4 paper, and the pre-filled form keeps its
internal form code in the document's properties, not on the page the applicant reads."""

from __future__ import annotations

import io

import docx
import pytest
from formbundles import BUNDLES, DECLARED
from test_forms_gap_report import EVAL

from forms.application import build_form
from forms.comment_template import write_comment_template
from forms.gap_report import render_gap_report_docx

A4 = (round(21.0 / 2.54 * 914400), round(29.7 / 2.54 * 914400))  # EMU


def _a4(d) -> None:
    for sec in d.sections:
        size = sorted((int(sec.page_width), int(sec.page_height)))
        assert abs(size[0] - A4[0]) < 2000 and abs(size[1] - A4[1]) < 2000, size


def test_gap_report_docx_is_a4():
    _a4(docx.Document(io.BytesIO(render_gap_report_docx(EVAL))))


def test_comment_template_is_a4(tmp_path):
    out = tmp_path / "sheet.docx"
    write_comment_template(out, "测试标准")
    _a4(docx.Document(str(out)))


@pytest.mark.parametrize("scheme", sorted(BUNDLES))
def test_form_is_a4_and_does_not_print_its_code(tmp_path, scheme):
    out = build_form(scheme, BUNDLES[scheme], DECLARED, None, tmp_path / "f.docx")
    d = docx.Document(str(out.path))
    _a4(d)
    text = "\n".join(p.text for p in d.paragraphs) + "".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    assert "intake-form" not in text and "表单代码" not in text
    assert f"intake-form:{scheme}:" in d.core_properties.subject
