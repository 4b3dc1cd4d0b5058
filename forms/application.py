"""Pre-filled application forms: a scheme's docxtpl template + the case's facts → a DOCX.

    build_form("nonferrous", documents, facts, evaluation, "申报书.docx")

`documents` are `intake extract` objects (DocumentFacts.to_json()), `facts` the applicant's
declared facts (the --facts keys of checklists/factsfile.py — `applicant` and `product` as the
names — plus `form`: other values typed by the applicant such as contact_person, phone, email,
grade_spec, standard, and `self_assessment` for the credit self-scores), `evaluation` the
`intake check` JSON (optional: without it the rows show the evidence found but no verdicts).
Nothing is invented: a value not found is left blank, shaded, with a note naming the item
and clause it is needed for.

Template context (every template uses exactly these names):
  prefilled_on, as_of, outcome, score_max   strings
  f.<field>.value / .fill / .note            one per applicant, product and extra field
  items[]   id requirement document number validity status declaration note fill decl_fill
  self_items[] (credit)  id title points evidence band score fill
  attachments[]  n file type pages status;  attachments_note
  gaps[] strings;  gaps_note
  sources[]  label value file page text confidence
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from extractors.application_form import generated
from extractors.fields.dates import beijing_day, chinese_day

from .clean import clean_tree
from .specs import all_fields, common, scheme_spec, shown_value, template_path

FILL_NONE = "FFFFFF"
FILL_MISSING = "FFF2A8"  # yellow: the service has no value
FILL_CHECK = "F8CBAD"  # orange: low confidence or inferred, please check
DECLARED = "申请人填报"


class FormError(Exception):
    """A form could not be produced (unknown scheme, missing or broken template)."""


class FormTemplateError(FormError):
    """A template failed to render: the message names the template and the variable or tag."""


@dataclass
class Pick:
    value: Any = None
    file: str | None = None
    page: int | None = None
    text: str = ""
    confidence: float | None = None
    check: bool = False

    @property
    def found(self) -> bool:
        return self.value not in (None, "", [], {})


@dataclass
class FilledForm:
    path: Path
    filled: list[dict] = field(default_factory=list)  # the `sources` rows
    missing: list[str] = field(default_factory=list)  # the `gaps` lines
    to_check: list[str] = field(default_factory=list)
    pdf: Path | None = None


# ---------------------------------------------------------------------------- values


def _declared(facts: dict, key: str) -> Any:
    """A value the applicant declared. Facts keep the checklists' --facts keys (`applicant` and
    `product` are the names as text); other form values sit under `form` (contact_person, phone …)."""
    form = facts.get("form") if isinstance(facts.get("form"), dict) else {}
    if form.get(key) not in (None, ""):
        return form[key]
    applicant = facts.get("applicant")
    if isinstance(applicant, dict):  # tolerated: {"applicant": {"org_name": …, "phone": …}}
        if applicant.get(key) not in (None, ""):
            return applicant[key]
    elif key == "org_name" and isinstance(applicant, str):
        return applicant
    return facts.get(key) if key != "applicant" else None


def _usable(docs: list[dict]) -> list[dict]:
    return [d for d in docs if not d.get("error")]


def pick_value(sources: list, docs: list[dict], facts: dict) -> Pick:
    """The first source in `sources` that has a value (see forms/specs/common.yaml)."""
    threshold = common()["check_below"]
    for src in sources:
        check = False
        if isinstance(src, dict):
            src, check = src["source"], bool(src.get("check"))
        kind, _, name = src.partition(".")
        if kind == "declared":
            v = _declared(facts, name)
            if v not in (None, ""):
                return Pick(value=v, file=DECLARED, check=check)
            continue
        best = None
        for d in _usable(docs):
            if kind != "*" and d.get("type") != kind:
                continue
            fld = (d.get("fields") or {}).get(name)
            if not fld or fld.get("value") in (None, ""):
                continue
            if best is None or (fld.get("confidence") or 0) > (best[1].get("confidence") or 0):
                best = (d, fld)
        if best:
            d, fld = best
            conf = float(fld.get("confidence", 1.0) or 0.0)
            return Pick(
                value=fld["value"],
                file=d.get("file"),
                page=fld.get("page"),
                text=fld.get("text") or "",
                confidence=conf,
                check=check or conf < threshold,
            )
    return Pick()


def _item_label(spec: dict, item_id: str) -> str:
    for it in spec["items"]:
        if it["id"] == item_id:
            return f"{it['clause']} {it['title']}"  # as the applicant reads it: no internal id
    return item_id


def field_cells(spec: dict, docs: list[dict], facts: dict) -> tuple[dict, list[dict], list[str], list[str]]:
    """f.<key> cells, the source rows, the gap lines and the to-check lines."""
    cells, sources, gaps, checks = {}, [], [], []
    for fspec in all_fields(spec):
        key, label = fspec["key"], fspec["label"]
        p = pick_value(fspec["from"], docs, facts)
        needed_for = spec.get("field_items", {}).get(key) or []
        if not p.found:
            if needed_for:
                need = "用于 " + "、".join(_item_label(spec, i) for i in needed_for)
            else:
                need = "申请书必填项"
            if key == "target_level" and spec.get("levels"):
                need += f"；可选 {'/'.join(spec['levels'])}"
            cells[key] = {"value": "", "fill": FILL_MISSING, "note": f"{generated()['missing_note']}{need}"}
            gaps.append(f"【{label}】{generated()['missing_line']}{need}")
            continue
        shown = shown_value(p.value, fspec)
        origin = p.file if p.file == DECLARED else f"{p.file} 第{p.page or '?'}页"
        note = f"来自 {origin}"
        fill = FILL_NONE
        if p.check:
            fill = FILL_CHECK
            why = f"识别置信度 {p.confidence:.2f}" if p.confidence is not None and p.confidence < 1 else "由材料推断"
            note = f"请核对（{why}）：{note}"
            checks.append(f"【{label}】{shown}：{note}")
        cells[key] = {"value": shown, "fill": fill, "note": note}
        sources.append(
            {
                "label": label,
                "value": shown,
                "file": p.file or "",
                "page": str(p.page or ""),
                "text": p.text,
                "confidence": "" if p.confidence is None else f"{p.confidence:.2f}",
            }
        )
    return cells, sources, gaps, checks


# ---------------------------------------------------------------------------- item rows


def _evidence_docs(item: dict, ev_item: dict | None, docs: list[dict]) -> list[tuple[dict, int | None]]:
    """The documents that back an item: those the evaluation cites, else those of the item's types."""
    by_file = {d.get("file"): d for d in _usable(docs)}
    found: list[tuple[dict, int | None]] = []
    if ev_item:
        for e in ev_item.get("evidence") or []:
            d = by_file.get(e.get("file"))
            if d is not None and all(d is not x for x, _ in found):
                found.append((d, e.get("page")))
    if not found:
        for d in _usable(docs):
            if d.get("type") in (item.get("evidence") or []):
                found.append((d, None))
    return found


def _fv(d: dict, name: str) -> Any:
    return ((d.get("fields") or {}).get(name) or {}).get("value")


def _satisfy(ev_item: dict | None, item: dict) -> str:
    """What would satisfy the item: the engine's own words where it gives them, else the form spec's."""
    for key in ("satisfy", "what_would_satisfy", "remedy", "needed", "hint"):
        v = (ev_item or {}).get(key)
        if isinstance(v, str) and v.strip():
            return v.strip()
        if isinstance(v, list) and v:
            return "；".join(str(x) for x in v)
    return item.get("need", "")


def item_rows(spec: dict, docs: list[dict], facts: dict, evaluation: dict | None):
    statuses = common()["item_status"]
    ev_items = {it.get("id"): it for it in (evaluation or {}).get("items") or []}
    declarations = facts.get("declarations") if isinstance(facts.get("declarations"), dict) else {}
    items = [dict(it) for it in spec["items"]]  # every checklist item (forms.specs.scheme_spec)
    rows, sources, gaps = [], [], []
    type_names = common()["document_types"]
    for item in items:
        ev = ev_items.get(item["id"])
        status = (ev or {}).get("status")
        backing = _evidence_docs(item, ev, docs)
        document = "；".join(
            f"{d.get('file')}（{type_names.get(d.get('type'), d.get('type'))}"
            + (f"，第{page}页" if page else "")
            + "）"
            for d, page in backing
        )
        numbers = [str(_fv(d, "cert_number") or _fv(d, "lab_number") or "") for d, _ in backing]
        validity = []
        for d, _ in backing:
            if _fv(d, "valid_until"):
                validity.append(chinese_day(_fv(d, "valid_until")))
            elif _fv(d, "issued"):
                validity.append(f"出具 {chinese_day(_fv(d, 'issued'))}")
        low = any(
            ((d.get("fields") or {}).get(n) or {}).get("confidence", 1) < common()["check_below"]
            for d, _ in backing
            for n in ("cert_number", "valid_until")
        )
        is_gap = status in ("missing", "not_met") or (status is None and not backing and item.get("evidence"))
        note_parts = []
        if ev and ev.get("reason"):
            note_parts.append(ev["reason"])
        if is_gap:
            need = _satisfy(ev, item)
            if need:
                note_parts.append(f"需要：{need}")
            gaps.append(
                f"【{item.get('clause', '')}】{item.get('title', '')}："
                + (f"需要 {need}" if need else statuses.get(status, "缺少材料"))
            )
        if low:
            note_parts.append("编号或有效期识别置信度低，请核对")
        decl = declarations.get(item["id"])
        if isinstance(decl, bool):
            declaration, decl_fill = ("是" if decl else "否"), FILL_NONE
        elif item.get("declaration"):
            declaration, decl_fill = "", FILL_MISSING
        else:
            declaration, decl_fill = "—", FILL_NONE
        fill = FILL_MISSING if is_gap else (FILL_CHECK if low or status == "review" else FILL_NONE)
        rows.append(
            {
                "id": item["id"],
                "clause": item.get("clause", ""),
                "requirement": f"{item.get('clause', '')} {item.get('title', '')}".strip(),
                "document": document,
                "number": "；".join(n for n in numbers if n),
                "validity": "；".join(validity),
                "status": statuses.get(status, "未预审") if status else "未预审",
                "declaration": declaration,
                "note": "；".join(note_parts),
                "fill": fill,
                "decl_fill": decl_fill,
            }
        )
        for d, page in backing:
            sources.append(
                {
                    "label": f"{item.get('clause', '')} {item.get('title', '')} 证明材料".strip(),
                    "value": " ".join(
                        x for x in (str(_fv(d, "cert_number") or ""), chinese_day(_fv(d, "valid_until"))) if x
                    )
                    or type_names.get(d.get("type"), d.get("type") or ""),
                    "file": d.get("file", ""),
                    "page": str(page or ""),
                    "text": "",
                    "confidence": "",
                }
            )
    return rows, sources, gaps


def self_assessment_rows(spec: dict, item_rows_: list[dict], facts: dict) -> list[dict]:
    if not spec.get("self_assessment"):
        return []
    by_id = {r["id"]: r for r in item_rows_}
    own = facts.get("self_assessment") if isinstance(facts.get("self_assessment"), dict) else {}
    out = []
    for it in spec["items"]:
        if "points" not in it:
            continue
        mine = own.get(it["id"]) or {}
        band, score = mine.get("band", ""), mine.get("score", "")
        out.append(
            {
                "id": it["id"],
                "clause": it.get("clause", ""),
                "title": it["title"],
                "points": str(it["points"]),
                "evidence": by_id[it["id"]]["document"] or "未找到",
                "band": band,
                "score": "" if score in (None, "") else str(score),
                "fill": FILL_NONE if band else FILL_MISSING,
            }
        )
    return out


# identifiers a person must compare with the paper when OCR read them with doubt (extractors.ocr_check)
FIELD_NAMES = {"cert_number": "编号", "uscc": "统一社会信用代码", "lab_number": "认可注册号", "reg_number": "注册号"}


def attachment_rows(docs: list[dict]) -> list[dict]:
    names = common()["document_types"]
    rows = []
    for n, d in enumerate(docs, start=1):
        if d.get("error"):
            status = f"读取失败：{d['error']}"
        elif d.get("ocr"):
            status = "已读取（OCR 识别）"
        else:
            status = "已读取"
        if d.get("warnings"):
            status += f"；{len(d['warnings'])} 条提示"
        checks = [
            f"{FIELD_NAMES.get(k, k)} {f['value']}（{f['check']}）"
            for k, f in (d.get("fields") or {}).items()
            if isinstance(f, dict) and f.get("check") and k in FIELD_NAMES
        ]
        if checks:
            status += "；" + "；".join(checks)
        rows.append(
            {
                "n": str(n),
                "file": d.get("file", ""),
                "type": names.get(d.get("type"), d.get("type") or ""),
                "pages": str(d.get("pages") or ""),
                "status": status,
            }
        )
    return rows


def outcome_text(evaluation: dict | None) -> str:
    if not evaluation:
        return "未预审"
    o = evaluation.get("outcome") or {}
    parts = [common()["outcome_status"].get(o.get("status"), o.get("status") or "")]
    if o.get("level"):
        parts.append(f"可达等级 {o['level']}")
    if o.get("score") is not None:
        parts.append(f"得分 {o['score']}")
    if o.get("grade"):
        parts.append(f"等级 {o['grade']}")
    return "，".join(p for p in parts if p)


def merged_facts(scheme_id: str, docs: list[dict], facts: dict) -> dict:
    """Declared facts: the item rows of uploaded application forms (declarations, self-assessment,
    named by the scheme's items: forms.itemrows; a row naming none is in the pre-check's warnings),
    overridden by `facts`. Their key–value cells are read through the `application_form.*` sources
    of the spec instead, so the form credits the uploaded file."""
    from .itemrows import form_facts

    from_docs, _unnamed = form_facts(scheme_id, docs)
    out = {k: from_docs[k] for k in ("declarations", "self_assessment") if k in from_docs}
    for k, v in facts.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        else:
            out[k] = v
    return out


def form_context(
    scheme_id: str,
    documents: list[dict],
    facts: dict | None = None,
    evaluation: dict | None = None,
    today: date | None = None,
) -> dict:
    spec = scheme_spec(scheme_id)
    docs = [d for d in documents or [] if isinstance(d, dict)]
    facts = merged_facts(scheme_id, docs, facts or {})
    cells, sources, gaps, checks = field_cells(spec, docs, facts)
    rows, item_sources, item_gaps = item_rows(spec, docs, facts, evaluation)
    attachments = attachment_rows(docs)
    outcome = (evaluation or {}).get("outcome") or {}
    ctx = {
        "prefilled_on": chinese_day(today or beijing_day()),
        "as_of": chinese_day((evaluation or {}).get("as_of")) or "—",
        "outcome": outcome_text(evaluation),
        "score_max": "—" if outcome.get("score_max") is None else str(outcome["score_max"]),
        "f": cells,
        "items": rows,
        "self_items": self_assessment_rows(spec, rows, facts),
        "attachments": attachments,
        "attachments_note": "" if attachments else "（未上传材料）",
        "gaps": gaps + item_gaps,
        "gaps_note": "" if gaps or item_gaps else "（无）",
        "sources": sources + item_sources,
        "_checks": checks,
    }
    return clean_tree(ctx)


# ---------------------------------------------------------------------------- rendering


def strict_env() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


def template_fault(name: str, e: jinja2.TemplateError) -> str:
    """One line naming the template and what is wrong in it (the variable, the tag's line)."""
    if isinstance(e, jinja2.TemplateSyntaxError):
        return f"{e.name or name}: template syntax error at line {e.lineno}: {e.message}"
    if isinstance(e, jinja2.UndefinedError):
        return f"{name}: undefined variable: {e.message}"
    return f"{name}: {type(e).__name__}: {e}"


def _built_template(template: Path) -> bytes | None:
    """A scheme added as a data folder has no prebuilt template: build it from its form.yaml now."""
    from checklists.registry import scheme_ids

    from .build_templates import build_template

    for scheme_id in scheme_ids("form"):
        if template == template_path(scheme_id):
            return build_template(scheme_id)
    return None


def render_template(template: Path, context: dict) -> bytes:
    """Render a docxtpl template strictly; any template fault names the template and the variable."""
    from docxtpl import DocxTemplate

    source: io.BytesIO | str = str(template)
    if not template.exists():
        built = _built_template(template)
        if built is None:
            raise FormError(f"form template {template} not found (run `python -m forms.build_templates`)")
        source = io.BytesIO(built)
    try:
        tpl = DocxTemplate(source)
        tpl.render(context, jinja_env=strict_env(), autoescape=True)
    except jinja2.TemplateError as e:
        raise FormTemplateError(template_fault(template.name, e)) from e
    buf = io.BytesIO()
    tpl.save(buf)
    data = buf.getvalue()
    _verify_docx(data, template.name)
    return data


def _verify_docx(data: bytes, name: str) -> None:
    import docx

    try:
        docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 — any failure means the output is not a usable DOCX
        raise FormError(f"{name}: the rendered document does not open again ({e}); nothing written") from e


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_form(
    scheme_id: str,
    documents: list[dict],
    facts: dict | None,
    evaluation: dict | None,
    out_path,
    today: date | None = None,
    template: Path | None = None,
) -> FilledForm:
    """Write the pre-filled application form of `scheme_id` to `out_path` (DOCX)."""
    ctx = form_context(scheme_id, documents, facts, evaluation, today)
    data = render_template(template or template_path(scheme_id), ctx)
    out = Path(out_path)
    write_atomic(out, data)
    return FilledForm(path=out, filled=ctx["sources"], missing=ctx["gaps"], to_check=ctx["_checks"])


def form_bytes(
    scheme_id: str,
    documents: list[dict],
    facts: dict | None = None,
    evaluation: dict | None = None,
    today: date | None = None,
) -> bytes:
    """The form as bytes, for a web download."""
    return render_template(template_path(scheme_id), form_context(scheme_id, documents, facts, evaluation, today))
