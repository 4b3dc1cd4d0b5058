"""Template faults fail here, naming the template and the variable — never at an applicant's download."""

from __future__ import annotations

import io

import docx
import jinja2
import pytest
from formbundles import BUNDLES, DECLARED, open_docx

from forms import build_templates
from forms.application import FormError, FormTemplateError, form_context, render_template, strict_env
from forms.gap_report import HTML_TEMPLATE, html_env, render_gap_report_html
from forms.specs import SCHEMES, TEMPLATE_DIR, template_path


def test_committed_templates_match_the_build_script():
    stale = [
        s
        for s in SCHEMES
        if build_templates.comparable_parts(template_path(s).read_bytes())
        != build_templates.comparable_parts(build_templates.build_template(s))
    ]
    assert stale == [], "run `python -m forms.build_templates` and commit forms/templates/"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("filled", [True, False], ids=["full", "empty"])
def test_every_template_renders_strictly_with_full_and_empty_facts(scheme, filled):
    docs = BUNDLES[scheme] if filled else []
    facts = DECLARED if filled else {}
    ctx = form_context(scheme, docs, facts)
    from docxtpl import DocxTemplate

    used = DocxTemplate(str(template_path(scheme))).get_undeclared_template_variables(jinja_env=strict_env())
    assert used <= set(ctx), f"{template_path(scheme).name} uses variables the context lacks: {used - set(ctx)}"
    data = render_template(template_path(scheme), ctx)  # StrictUndefined: any unknown name raises
    d = open_docx(data)
    assert "{{" not in "\n".join(p.text for p in d.paragraphs)


def _template_with(tmp_path, *paragraphs: str, name: str = "broken.docx"):
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    path = tmp_path / name
    d.save(path)
    return path


def test_unknown_variable_names_template_and_variable(tmp_path):
    path = _template_with(tmp_path, "单位名称：{{ f.org_name.value }}", "{{ applicant_fax }}")
    with pytest.raises(FormTemplateError) as e:
        render_template(path, form_context("jinzhi", [], {}))
    assert "broken.docx" in str(e.value) and "applicant_fax" in str(e.value)


def test_unknown_attribute_names_template_and_variable(tmp_path):
    path = _template_with(tmp_path, "{{ f.fax_number.value }}")
    with pytest.raises(FormTemplateError) as e:
        render_template(path, form_context("jinzhi", [], {}))
    assert "broken.docx" in str(e.value) and "fax_number" in str(e.value)


def test_broken_loop_tag_names_template(tmp_path):
    path = _template_with(tmp_path, "{%p for it in items %}", "{{ it.id }}", name="loop.docx")
    with pytest.raises(FormTemplateError) as e:
        render_template(path, form_context("jinzhi", [], {}))
    assert "loop.docx" in str(e.value) and "syntax error" in str(e.value)
    assert "endfor" in str(e.value) or "for" in str(e.value)


def test_corrupt_template_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "corrupt.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(Exception) as e:
        render_template(bad, form_context("jinzhi", [], {}))
    assert not isinstance(e.value, AssertionError)


def test_html_template_renders_strictly_with_full_and_empty_evaluations():
    full = {
        "scheme": "jinzhi",
        "as_of": "2025-06-01",
        "outcome": {"status": "needs_review", "level": None, "score": None, "grade": None},
        "items": [
            {
                "id": "jinzhi.4.2",
                "clause": "4 第2项",
                "title": "质量管理体系",
                "status": "review",
                "reason": "r",
                "evidence": [{"file": "a.pdf", "page": 1, "text": "t"}],
            }
        ],
        "documents": BUNDLES["jinzhi"],
        "facts": {},
    }
    empty = {"scheme": "jinzhi", "items": []}
    for ev in (full, empty):
        html = render_gap_report_html(ev, env=html_env())
        assert "<html" in html and "预审报告" in html


def test_broken_html_template_names_template_and_variable(tmp_path):
    src = (TEMPLATE_DIR / HTML_TEMPLATE).read_text(encoding="utf-8")
    (tmp_path / HTML_TEMPLATE).write_text(src.replace("{{ as_of }}", "{{ as_off }}", 1), encoding="utf-8")
    with pytest.raises(FormError) as e:
        render_gap_report_html({"scheme": "jinzhi", "items": []}, env=html_env(tmp_path))
    assert HTML_TEMPLATE in str(e.value) and "as_off" in str(e.value)
    (tmp_path / HTML_TEMPLATE).write_text(src.replace("{% endfor %}", "", 1), encoding="utf-8")
    with pytest.raises(FormError) as e:
        render_gap_report_html({"scheme": "jinzhi", "items": []}, env=html_env(tmp_path))
    assert HTML_TEMPLATE in str(e.value) and "syntax error" in str(e.value)


def test_missing_html_template_is_a_clear_error(tmp_path):
    with pytest.raises(FormError, match="not found"):
        render_gap_report_html({"scheme": "jinzhi", "items": []}, env=html_env(tmp_path))


def test_strict_env_is_strict():
    with pytest.raises(jinja2.UndefinedError):
        strict_env().from_string("{{ nope }}").render()
    assert io  # the module imports io for DOCX bytes in other helpers


@pytest.mark.parametrize("scheme", SCHEMES)
def test_form_rows_are_the_checklist_items(scheme):
    """Each form has one row per item of the scheme's checklist (checklists/), in the same order."""
    load_scheme = pytest.importorskip("checklists.scheme").load_scheme
    from forms.specs import scheme_spec

    assert [it["id"] for it in scheme_spec(scheme)["items"]] == [i.id for i in load_scheme(scheme).items]
