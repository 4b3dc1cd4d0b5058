"""Application forms (申报书 / 申请书 / 申请表) read back into facts.

An applicant completes the pre-filled form in Word or WPS and uploads it again; what they
typed must count in the next pre-check. This reads any `Document` (so DOCX, PDF, .doc/.wps
through the readers) and returns:

- `fields`: the key–value cells (单位名称 → org_name, 统一社会信用代码 → uscc, 申报产品 → product …),
  label variants in extractors/data/application_form.yaml;
- `rows`: the item rows the applicant answered — the 申请人声明 column of 逐项符合情况 (是/否) and the
  自评档/自评分 of the 自评表 (credit) — each with its clause and requirement *as printed in the row*.

The form carries no item id: which checklist item a row is, is the scheme's to say (its registry knows
the clause and title every row prints), so `forms.itemrows` maps the rows where the scheme is known.

    form = read_application_form(doc)
    form.facts            # {"applicant": name, "target_level": …, "form": {...every cell}}
    form.contract_facts() # only the keys `intake check --facts` accepts
    form.document_facts() # a DocumentFacts of type application_form (fields with page and line)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .facts import DocumentFacts, Field
from .model import Document, Table
from .text import normalize

DATA = Path(__file__).resolve().parent / "data" / "application_form.yaml"
FORM_CODE = re.compile(r"intake-form:(\w+):v(\d+)", re.ASCII)  # written by forms from the scheme's form.yaml
ITEM_ROWS = "item_rows"  # the DocumentFacts field holding the answered rows (see ItemRow.to_json)
_HINT = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]\s*$")
_LINE_KV = re.compile(r"^(?P<label>[^:：]{2,20})[:：]\s*(?P<value>.+)$")
BANDS = ("0%-20%", "20%-40%", "40%-60%", "60%-80%", "80%-100%")


@cache
def spec() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@cache
def _label_index() -> dict[str, str]:
    out = {}
    for key, fs in spec()["fields"].items():
        for label in fs["labels"]:
            out[_label_key(label)] = key
    return out


def generated() -> dict:
    """How the service's own forms are laid out and what in them is a prompt (shared with forms)."""
    return spec()["generated"]


def printed_headers() -> dict[str, str]:
    """The header each column the reader looks for is printed with in the service's own forms: the first
    of its label variants (so the writer and the reader cannot disagree)."""
    items, selfs = spec()["item_table"], spec()["self_assessment_table"]["columns"]
    return {
        "clause": items["clause_header"][0],
        "requirement": items["columns"]["title"][0],
        "declaration": items["columns"]["declaration"][0],
        "indicator": selfs["title"][0],
        "band": selfs["band"][0],
        "score": selfs["score"][0],
    }


@cache
def _prompts() -> tuple[str, ...]:
    return tuple(normalize(generated()[k]) for k in ("missing_note", "missing_line"))


def is_prompt(text: str) -> bool:
    """A prompt the service wrote into one of its forms (never an applicant's value)."""
    t = normalize(text or "")
    return any(p in t for p in _prompts())


def _label_key(text: str) -> str:
    t = normalize(text or "").strip().rstrip(":：").strip()
    while True:  # drop trailing hints: "会员单位（是/否）", "申请单位（盖章）"
        stripped = _HINT.sub("", t).strip()
        if stripped == t:
            break
        t = stripped
    return t.replace(" ", "").lower()


def label_of(text: str) -> str | None:
    """The field key a label cell names, or None."""
    return _label_index().get(_label_key(text))


@dataclass
class ItemRow:
    """One answered item row, named as the applicant sees it: the 条目 cell (the clause) and the
    requirement cell (条款及要求 / 指标) as printed; the answer is a declaration or a self-assessment."""

    clause: str
    title: str
    page: int
    declaration: bool | None = None
    band: str | None = None
    score: float | int | None = None

    def to_json(self) -> dict:
        out: dict[str, Any] = {"clause": self.clause, "title": self.title, "page": self.page}
        if self.declaration is not None:
            out["declaration"] = self.declaration
        if self.band is not None or self.score is not None:
            out["band"], out["score"] = self.band or "", self.score
        return out


@dataclass
class ApplicationForm:
    file: str
    scheme: str | None = None  # from the form code printed on forms this service generated
    fields: dict[str, Field] = field(default_factory=dict)
    rows: list[ItemRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def facts(self) -> dict:
        """Everything the applicant filled in the key–value cells, as declared facts: the checklists'
        --facts keys (`applicant`/`product` as names, target_level, sector …) plus `form` (every
        key–value cell). The item rows are not facts until the scheme names their items (forms.itemrows)."""
        out = self.contract_facts()
        if self.fields:
            out["form"] = {k: f.value for k, f in self.fields.items()}
        return out

    def contract_facts(self) -> dict:
        """Only keys `intake check --facts` accepts."""
        out: dict[str, Any] = {}
        if "org_name" in self.fields:
            out["applicant"] = self.fields["org_name"].value
        if "product" in self.fields:
            out["product"] = self.fields["product"].value
        out.update({k: f.value for k, f in self.fields.items() if k in spec()["fact_keys"]})
        return out

    def document_facts(self, sha256: str = "") -> DocumentFacts:
        """The form as an `intake extract` object; the answered item rows become the `item_rows` field
        (a list of ItemRow.to_json), which the next pre-check maps to its scheme's items."""
        fields = dict(self.fields)
        if self.rows:
            pages = {r.page for r in self.rows}
            fields[ITEM_ROWS] = Field(
                value=[r.to_json() for r in self.rows],
                page=pages.pop() if len(pages) == 1 else None,
                text="逐项符合情况 / 自评表：申请人填写",
            )
        return DocumentFacts(
            file=self.file,
            sha256=sha256,
            type="application_form",
            type_confidence=1.0,
            fields=fields,
            warnings=list(self.warnings),
        )


def enrich(facts: DocumentFacts, doc: Document) -> DocumentFacts:
    """For a document classified `application_form`: its fields as this reader reads them (the
    generic label search does not know the form's layout), item rows included. Others unchanged."""
    if facts.error or facts.type != "application_form":
        return facts
    form = read_application_form(doc)
    if not (form.scheme or form.fields or form.rows):
        return facts
    read = form.document_facts(facts.sha256)
    if form.scheme:
        # one of our own forms, blank or not: its layout is known, the generic label search would
        # take the form's own prompts and item wording for values
        facts.fields = read.fields
    else:
        # another body's form: what the form reader understood wins, the rest is kept
        facts.fields = {**facts.fields, **read.fields}
    facts.warnings = list(dict.fromkeys(facts.warnings + read.warnings))
    return facts


def facts_from_documents(documents: list[dict]) -> dict:
    """The declared facts carried by application-form documents (`intake extract` objects), later
    files winning: what an applicant typed into an uploaded form, in the --facts shape, plus
    `item_rows`: the answered item rows in file order, each with its `file` (forms.itemrows names
    their items for a scheme)."""
    out: dict[str, Any] = {}
    for d in documents or []:
        if not isinstance(d, dict) or d.get("error") or d.get("type") != "application_form":
            continue
        fields = {k: (v or {}).get("value") for k, v in (d.get("fields") or {}).items()}
        if fields.get("org_name"):
            out["applicant"] = fields["org_name"]
        if fields.get("product"):
            out["product"] = fields["product"]
        for k in spec()["fact_keys"]:
            if fields.get(k) is not None:
                out[k] = fields[k]
        for k in ("declarations", "self_assessment"):  # readings stored while forms printed item ids
            if isinstance(fields.get(k), dict):
                out.setdefault(k, {}).update(fields[k])
        rows = fields.get(ITEM_ROWS)
        if isinstance(rows, list):
            file = d.get("file") or ""
            out.setdefault(ITEM_ROWS, []).extend({**r, "file": file} for r in rows if isinstance(r, dict))
        form = {k: v for k, v in fields.items() if k in spec()["fields"] and v not in (None, "")}
        if form:
            out.setdefault("form", {}).update(form)
    return out


def read_application_form(doc: Document) -> ApplicationForm:
    form = ApplicationForm(file=doc.file)
    m = FORM_CODE.search(str(doc.metadata.get("properties") or ""))
    if m:
        form.scheme = m.group(1)
    for line in [] if form.scheme else doc.lines(include_cells=False):  # older forms printed the code
        m = FORM_CODE.search(line.text)
        if m:
            form.scheme = m.group(1)
            break
    skip = [normalize(h) for h in spec()["skip_tables_with_header"]]
    for page in doc.pages:
        for t in page.tables:
            grid = t.grid()
            header = grid[0] if grid else []
            if any(any(s in c for s in skip) for c in header):
                continue
            if _read_item_table(t, grid, form):
                continue
            _read_key_values(t, _values_only(grid), form)
    _read_lines(doc, form)
    _mark_ocr(doc, form)
    return form


def _mark_ocr(doc: Document, form: ApplicationForm) -> None:
    """A value read from a scanned page carries the OCR confidence of the lines/cells it came from."""
    ocr_pages = {p.number for p in doc.pages if p.ocr}
    for f in form.fields.values():
        if f.page in ocr_pages and f.ocr_confidence is not None:
            f.ocr, f.confidence = True, f.ocr_confidence
        else:
            f.ocr_confidence = None


def _values_only(grid: list[list[str]]) -> list[list[str]]:
    """A generated form's field table without its last column, the service's notes (prompts)."""
    layout = [normalize(h) for h in generated()["field_header"]]
    if not grid or [normalize(c) for c in grid[0]] != layout:
        return grid
    return [row[: len(layout) - 1] for row in grid]


def _read_key_values(t: Table, grid: list[list[str]], form: ApplicationForm) -> None:
    raw = {(c.row, c.col): c.raw for r in t.rows for c in r}
    conf = {(c.row, c.col): c.confidence for r in t.rows for c in r}
    for r, row in enumerate(grid):
        c = 0
        while c < len(row):
            key = label_of(row[c]) if row[c] else None
            if key is None:
                c += 1
                continue
            nxt = c + 1
            while nxt < len(row) and row[nxt] == "" and (r, nxt) not in raw:
                nxt += 1  # positions covered by the label's own merged cell
            value = row[nxt] if nxt < len(row) else ""
            if value and label_of(value) is None and key not in form.fields:
                _set(
                    form,
                    key,
                    value,
                    t.page,
                    f"{row[c]} {value}",
                    raw.get((r, nxt)),
                    min(conf.get((r, c), 1.0), conf.get((r, nxt), 1.0)),
                )
            c = nxt + 1 if value and label_of(value) is None else nxt


def _read_lines(doc: Document, form: ApplicationForm) -> None:
    """Free-text forms: "单位名称：某某公司" lines, for labels no table cell gave."""
    for line in doc.lines(include_cells=False):
        m = _LINE_KV.match(line.text)
        if not m:
            continue
        key = label_of(m.group("label"))
        # "法定代表人（签字）：______  日期：___" is a blank for a signature, not a value
        value = re.split(r"_{2,}|\s{2,}", m.group("value").strip())[0].strip()
        if re.search(r"[:：]", value):
            continue
        if key and value and key not in form.fields:
            _set(form, key, value, line.page, line.text, line.raw, line.confidence)


def _set(
    form: ApplicationForm, key: str, text: str, page: int, line: str, raw: str | None, line_confidence: float = 1.0
) -> None:
    if is_prompt(text):
        return
    value, warning = _parse(key, text)
    if warning:
        form.warnings.append(f"{form.file}：{warning}")
    if value is not None:
        form.fields[key] = Field(
            value=value, page=page, text=line, confidence=1.0, raw=raw, ocr_confidence=round(line_confidence, 3)
        )  # kept only on OCR pages: _mark_ocr


def _parse(key: str, text: str) -> tuple[Any, str | None]:
    fs = spec()["fields"][key]
    kind = fs.get("kind", "text")
    t = text.strip()
    if kind == "bool":
        b = parse_yes_no(t)
        return b, None if b is not None else f"{fs['labels'][0]}：无法识别“{t}”（应为 是 或 否）"
    if kind == "choice":
        for label, code in fs["choices"].items():
            if normalize(label) == t or t == code:
                return code, None
        return None, f"{fs['labels'][0]}：无法识别“{t}”（可选 {'/'.join(fs['choices'])}）"
    if kind == "percent":
        m = re.search(r"(\d+(?:\.\d+)?)\s*%?", t)
        if not m:
            return None, f"{fs['labels'][0]}：无法识别“{t}”（应为百分数）"
        v = float(m.group(1))
        return (v / 100 if "%" in t or v > 1 else v), None
    if kind == "date":
        from .fields.dates import parse_date

        d = parse_date(t)
        return (d.isoformat() if d else t), None if d else f"{fs['labels'][0]}：“{t}”不是可识别的日期，按原文保留"
    if key == "uscc":
        from stdnum.cn import uscc

        compact = t.replace(" ", "").upper()
        if not uscc.is_valid(compact):
            return None, f"统一社会信用代码“{t}”校验位不正确"
        return compact, None
    return t, None


def parse_yes_no(text: str) -> bool | None:
    t = normalize(text or "").strip().lower()
    if not t or t in ("—", "-", "/"):
        return None
    if t in [normalize(x).lower() for x in spec()["falsy"]]:
        return False
    if t in [normalize(x).lower() for x in spec()["truthy"]]:
        return True
    return None


def _columns(header: list[str], wanted: dict[str, list[str]]) -> dict[str, int]:
    cols = {}
    for name, labels in wanted.items():
        for i, h in enumerate(header):
            if normalize(h) in [normalize(x) for x in labels]:
                cols[name] = i
                break
    return cols


def _read_item_table(t: Table, grid: list[list[str]], form: ApplicationForm) -> bool:
    """The 逐项符合情况 and 自评表 tables: one row per checklist item, its clause in the first column and
    its requirement in the title column; only rows the applicant answered are kept."""
    if not grid or normalize(grid[0][0]) not in [normalize(x) for x in spec()["item_table"]["clause_header"]]:
        return False
    header = grid[0]
    items = _columns(header, spec()["item_table"]["columns"])
    selfs = _columns(header, spec()["self_assessment_table"]["columns"])
    title = selfs.get("title", items.get("title"))
    for row in grid[1:]:
        if not row or not (row[0] or (title is not None and title < len(row) and row[title])):
            continue
        found = ItemRow(clause=row[0], title=row[title] if title is not None and title < len(row) else "", page=t.page)
        if "band" in selfs:
            found.band = _band(_cell(row, selfs["band"]))
            found.score = _number(_cell(row, selfs["score"])) if "score" in selfs else None
            if found.band is None and found.score is None:
                continue
        elif "declaration" in items:
            found.declaration = parse_yes_no(_cell(row, items["declaration"]))
            if found.declaration is None:
                continue
        else:
            continue
        form.rows.append(found)
    return True


def _cell(row: list[str], i: int) -> str:
    return row[i] if i < len(row) else ""


def _band(text: str) -> str | None:
    t = normalize(text or "").replace(" ", "").replace("～", "-").replace("~", "-").replace("—", "-")
    for b in BANDS:
        if b in t or b.replace("%", "") in t:
            return b
    return None


def _number(text: str) -> float | int | None:
    m = re.search(r"\d+(?:\.\d+)?", normalize(text or ""))
    if not m:
        return None
    v = float(m.group(0))
    return int(v) if v.is_integer() else v
